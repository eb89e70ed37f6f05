from __future__ import annotations

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/new/", views.article_new, name="new"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
]
