from __future__ import annotations

from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "newsapp.groups"
    label = "groups"
    verbose_name = "Reading groups"
    default_auto_field = "django.db.models.BigAutoField"
