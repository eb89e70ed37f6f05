from __future__ import annotations

from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("reading/<slug:slug>/status/", views.reading_status, name="status"),
    path("reading/<slug:slug>/read/", views.reading_read, name="read"),
    path("reading/<slug:slug>/progress/", views.reading_progress, name="progress"),
]
