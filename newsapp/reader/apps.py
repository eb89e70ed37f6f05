from __future__ import annotations

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "newsapp.reader"
    label = "reader"
    verbose_name = "Reader page"
