from __future__ import annotations

from django.urls import path

from . import profile_views, views

app_name = "annotations"

urlpatterns = [
    path("articles/<slug:slug>/annotate/", views.annotation_new, name="new"),
    path("articles/<slug:slug>/annotations/", views.annotation_create, name="create"),
    path("articles/<slug:slug>/notes/", views.notes_page, name="notes"),
    path("annotations/preview/", views.note_preview, name="preview"),
    path(
        "annotations/highlight-visibility/",
        views.highlight_visibility,
        name="highlight_visibility",
    ),
    path("notes/", views.my_notes, name="mine"),
    path("notes/trash/", views.trash, name="trash"),
    path("a/<str:public_id>/", views.permalink, name="permalink"),
    path("a/<str:public_id>/edit/", views.annotation_edit, name="edit"),
    path("a/<str:public_id>/delete/", views.annotation_delete, name="delete"),
    path("a/<str:public_id>/restore/", views.annotation_restore, name="restore"),
    path("a/<str:public_id>/reply/", views.reply_create, name="reply"),
    path("a/<str:public_id>/reattach/", views.annotation_reattach, name="reattach"),
    path("readers/<str:username>/", profile_views.reader_profile, name="profile"),
]
