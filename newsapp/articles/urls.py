from __future__ import annotations

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/new/", views.article_new, name="new"),
    path("articles/new/url/", views.article_new_from_url, name="new_from_url"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/check/", views.article_check, name="check"),
    path("articles/<slug:slug>/revisions/", views.revisions, name="revisions"),
    path("jobs/<id:pk>/", views.job_status, name="job"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<id:pk>/", views.feed_detail, name="feed"),
    path("feeds/<id:pk>/fetch/", views.feed_fetch, name="feed_fetch"),
    path("feeds/<id:pk>/unsubscribe/", views.feed_unsubscribe_view, name="unsubscribe"),
]
