from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "newsapp.claims"
    default_auto_field = "django.db.models.BigAutoField"
