from __future__ import annotations

from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "newsapp.annotations"
    default_auto_field = "django.db.models.BigAutoField"
