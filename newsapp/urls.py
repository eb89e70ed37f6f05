from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, register_converter

from newsapp.converters import IdConverter

# Before the apps' URL modules are read: every database id in a URL is an `<id:…>`.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("newsapp.articles.urls")),
    path("", include("newsapp.annotations.urls")),
    path("", include("newsapp.sharing.urls")),
    path("", include("newsapp.claims.urls")),
    path("", include("newsapp.reading.urls")),
    path("", include("newsapp.notifications.urls")),
    path("", include("newsapp.groups.urls")),
    path("", include("newsapp.moderation.urls")),
    path("", include("newsapp.search.urls")),
    path("", include("newsapp.api.urls")),
    path("accounts/", include("newsapp.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("newsapp.ops.urls")),
]

# Errors: a friendly 503 while the database is away, a plain 500 otherwise (newsapp/ops).
handler500 = "newsapp.ops.errors.server_error"
