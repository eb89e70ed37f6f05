from __future__ import annotations

from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "newsapp.moderation"
    verbose_name = "Moderation"
    default_auto_field = "django.db.models.BigAutoField"
