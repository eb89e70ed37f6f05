"""`manage.py search_rebuild`: rebuild the search index from the rows it follows, and put back
any trigger that is missing. Triggers keep the index current; this is for a database restored
without them, or copied in by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connections, transaction

from newsapp.search import schema


class Command(BaseCommand):
    help = "Rebuild the full-text search index (and put back missing triggers)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str, **options):
        connection = connections[database]
        with transaction.atomic(using=database):
            repaired = schema.repair(connection)
            schema.rebuild(connection)
        if repaired:
            self.stdout.write(f"Put back the triggers of: {', '.join(repaired)}")
        self.stdout.write(f"Search index rebuilt ({connection.vendor}).")
