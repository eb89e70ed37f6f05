from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/badge/", views.badge, name="badge"),
    path("notifications/read/", views.notifications_read_all, name="read_all"),
    path("notifications/<id:pk>/open/", views.notification_open, name="open"),
    path("notifications/<id:pk>/read/", views.notification_read, name="read"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path("notifications/feed-key/", views.feed_key, name="feed_key"),
    path("notifications/feed/<str:token>/", views.atom_feed, name="feed"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("follow/", views.follow, name="follow"),
    path("follows/<id:pk>/remove/", views.follow_remove, name="follow_remove"),
]
