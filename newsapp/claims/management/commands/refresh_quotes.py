from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from newsapp.articles.models import Article
from newsapp.claims.services import quotes_refresh


class Command(BaseCommand):
    help = (
        "Find the quotes of every article (or one) again, keeping readers' corrections of quotes "
        "that are still there, and link the same quotes across articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--article", metavar="SLUG", help="Only this article.")

    def handle(self, *args, article=None, **options):
        articles = Article.objects.order_by("pk").only("pk")
        if article:
            articles = articles.filter(slug=article)
            if not articles.exists():
                raise CommandError(f"No article with the slug {article!r}.")
        total = changed = 0
        for pk in articles.values_list("pk", flat=True).iterator():
            current = Article.objects.get(pk=pk)
            result = quotes_refresh(article=current)
            total += result.found
            changed += result.changed
            if options["verbosity"] > 1:
                self.stdout.write(f"{current.slug}: {result.describe()}")
        self.stdout.write(
            f"{total} quote(s) in {articles.count()} article(s); {changed} article(s) changed."
        )
