from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "newsapp.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from .schema import repair_after_migrate

        # Another app's migration may rebuild a table the index follows (SQLite rebuilds a
        # table to alter it, dropping its triggers): put back what is missing after every
        # migrate.
        post_migrate.connect(repair_after_migrate, dispatch_uid="search_repair_index")
