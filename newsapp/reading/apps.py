from __future__ import annotations

from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "newsapp.reading"
    default_auto_field = "django.db.models.BigAutoField"
