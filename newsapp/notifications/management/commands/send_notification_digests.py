"""Send the daily digest emails (run it once a day from cron; the worker sends them)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from newsapp.notifications.delivery import send_digests, send_digests_task


class Command(BaseCommand):
    help = "Email each reader who chose the daily digest what they have not been sent yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Send here and now instead of through the worker."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            self.stdout.write(f"Sent {send_digests()} digest(s).")
        else:
            result = send_digests_task.enqueue()
            self.stdout.write(f"Queued the digests (task {result.id}).")
