from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from newsapp.articles.demo import demo_articles
from newsapp.articles.models import Article
from newsapp.articles.services import BodyFormat, article_import


class Command(BaseCommand):
    help = "Load the demo articles (idempotent: existing ones are left alone)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for demo in demo_articles():
            if Article.objects.filter(source_url=demo.source_url).exists():
                continue
            article_import(
                title=demo.title,
                body=demo.body_markdown,
                body_format=BodyFormat.MARKDOWN,
                byline=demo.byline,
                source_name=demo.source_name,
                source_url=demo.source_url,
                published_at=demo.published_at,
                language=demo.language,
            )
            created += 1
        self.stdout.write(
            f"Demo library: {created} article(s) added, {Article.objects.count()} in all."
        )
