from __future__ import annotations

from django.urls import path

from . import pages, views

app_name = "api"

urlpatterns = [
    path("api/", views.docs, name="docs"),
    path("api/annotations/", views.container, name="container"),
    path("api/annotations/<str:public_id>", views.annotation, name="annotation"),
    path("api/search", views.search, name="search"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("api/ns/gloss.jsonld", views.context, name="context"),
    path("settings/api-tokens/", pages.tokens, name="tokens"),
    path("settings/api-tokens/<id:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("bookmarklet/", pages.bookmarklet, name="bookmarklet"),
    path("bookmarklet/open/", pages.bookmarklet_open, name="bookmarklet_open"),
]
