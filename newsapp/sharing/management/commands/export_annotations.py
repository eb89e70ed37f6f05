from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from newsapp.articles.models import Article
from newsapp.sharing.exports import (
    article_jsonld,
    article_markdown,
    default_base_url,
    reader_jsonld,
    reader_markdown,
)


class Command(BaseCommand):
    help = (
        "Export an article's public annotations, or all of one reader's, as Markdown or W3C "
        "Web Annotation JSON-LD."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--article", metavar="SLUG", help="Export this article's annotations.")
        scope.add_argument("--user", metavar="USERNAME", help="Export all of this reader's own.")
        parser.add_argument("--format", choices=["md", "jsonld"], default="md")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout.")
        parser.add_argument(
            "--as-user",
            metavar="USERNAME",
            help="With --article: include this reader's own private and unlisted notes too.",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="Site address for the links (default: settings.GLOSS_BASE_URL or "
            "http://localhost:8000).",
        )

    def handle(self, *args, **options):
        base_url = (options["base_url"] or default_base_url()).rstrip("/")
        fmt = options["format"]
        if options["article"]:
            article = Article.objects.filter(slug=options["article"]).first()
            if article is None:
                raise CommandError(f"No article with the slug “{options['article']}”.")
            viewer = find_user(options["as_user"]) if options["as_user"] else None
            if fmt == "md":
                text = article_markdown(article, viewer, base_url=base_url)
            else:
                path = reverse("sharing:article_export", args=[article.slug, "jsonld"])
                document = article_jsonld(
                    article, viewer, base_url=base_url, id_url=base_url + path
                )
                text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        else:
            if options["as_user"]:
                raise CommandError("--as-user goes with --article.")
            user = find_user(options["user"])
            if fmt == "md":
                text = reader_markdown(user, base_url=base_url)
            else:
                path = reverse("sharing:reader_export", args=["jsonld"])
                document = reader_jsonld(user, base_url=base_url, id_url=base_url + path)
                text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")


def find_user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No reader called “{username}”.")
    return user
