from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import SourceInput, annotation_create
from newsapp.articles.demo import demo_annotations, demo_articles
from newsapp.articles.models import Article
from newsapp.articles.services import BodyFormat, article_import

DEMO_READER = "gloss-editors"


class Command(BaseCommand):
    help = "Load the demo articles and a few public notes (idempotent: existing ones are kept)."

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
        notes = self.load_annotations()
        self.stdout.write(
            f"Demo library: {created} article(s) and {notes} note(s) added, "
            f"{Article.objects.count()} articles in all."
        )

    def load_annotations(self) -> int:
        """Public notes by a demo account that cannot sign in (it has no usable password).
        It is the site's own editors' account (staff), so moderation's new-account limits
        (plain-domain links, a few public notes a day) do not apply to it."""
        reader, made = get_user_model().objects.get_or_create(
            username=DEMO_READER, defaults={"is_staff": True}
        )
        if made:
            reader.set_unusable_password()
            reader.save()
        if Annotation.objects.filter(author=reader).exists():
            return 0
        articles = {article.source_url: article for article in Article.objects.all()}
        added = 0
        for item in demo_annotations():
            article = articles.get(item["article"])
            if article is None:
                continue
            start = article.body_text.find(item["exact"])
            annotation_create(
                article=article,
                author=reader,
                exact=item["exact"],
                start=start,
                end=start + len(item["exact"]),
                kind=item["kind"],
                note=item["note"],
                tags=item["tags"],
                sources=[SourceInput(**source) for source in item["sources"]],
            )
            added += 1
        return added
