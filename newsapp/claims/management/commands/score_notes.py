from __future__ import annotations

from django.core.management.base import BaseCommand

from newsapp.claims.ratings import notes_rescore


class Command(BaseCommand):
    help = (
        "Recompute every context note's score from all ratings (bridging model, Wilson fallback). "
        "Run it from cron; ratings also trigger it."
    )

    def handle(self, *args, **options):
        self.stdout.write(notes_rescore().describe())
