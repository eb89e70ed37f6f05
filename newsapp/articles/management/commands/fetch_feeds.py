from __future__ import annotations

from django.core.management.base import BaseCommand

from newsapp.articles.feed_services import feed_poll, feeds_to_poll


class Command(BaseCommand):
    help = (
        "Poll every subscribed feed (conditionally, with ETag/Last-Modified) and import new"
        " articles. Run it from cron, e.g. every 15 minutes. --refresh also re-fetches the"
        " articles of the last 7 days' items and stores a new revision of those that changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also check recent feed articles for changes (new revisions, notes re-anchored).",
        )

    def handle(self, *args, **options):
        feeds = list(feeds_to_poll())
        failed = 0
        for feed in feeds:
            poll = feed_poll(feed, refresh=options["refresh"])
            failed += bool(poll.error)
            self.stdout.write(f"{feed}: {poll.describe()}")
        self.stdout.write(f"{len(feeds)} feed(s) polled, {failed} failed.")
