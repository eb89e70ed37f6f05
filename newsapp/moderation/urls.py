from __future__ import annotations

from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("a/<str:public_id>/report/", views.report, name="report"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/log/", views.audit_log, name="log"),
    path("moderation/yours/", views.yours, name="yours"),
    path("moderation/notes/<str:public_id>/hide/", views.hide, name="hide"),
    path("moderation/notes/<str:public_id>/restore/", views.restore, name="restore"),
    path("moderation/notes/<str:public_id>/dismiss/", views.dismiss, name="dismiss"),
    path("moderation/authors/<str:username>/restrict/", views.restrict, name="restrict"),
]
