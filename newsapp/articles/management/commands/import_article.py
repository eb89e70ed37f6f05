from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsapp.articles.forms import looks_like_html
from newsapp.articles.models import Article
from newsapp.articles.revisions import article_refresh, article_revise
from newsapp.articles.services import (
    FORMAT_BY_EXTENSION,
    BodyFormat,
    article_import,
    article_import_url,
    canonical_or_error,
    decode_upload,
)


class Command(BaseCommand):
    help = (
        "Import an article from a file or a web address and print its slug. With --update SLUG,"
        " store the text (or the page) as a new revision of that article if it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="A .txt, .md or .html file (UTF-8), or an http(s):// address."
        )
        parser.add_argument("--title", help="Defaults to the file name (or the page's title).")
        parser.add_argument("--format", dest="body_format", help="text, markdown or html.")
        parser.add_argument("--byline", default="")
        parser.add_argument("--source", default="", help="The publication's name.")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--published", default="", help="ISO 8601 date or date-time.")
        parser.add_argument("--language", default="en")
        parser.add_argument(
            "--update",
            metavar="SLUG",
            default="",
            help="Re-import into this article: a new revision if the text changed.",
        )

    def handle(self, *args, **options):
        target = options["path"]
        if target.lower().startswith(("http://", "https://")):
            return self.handle_url(target, options)
        path = Path(target)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            body = decode_upload(path.read_bytes())
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from error

        body_format = options["body_format"] or FORMAT_BY_EXTENSION.get(path.suffix.lower())
        if body_format is None:
            body_format = BodyFormat.HTML if looks_like_html(body) else BodyFormat.TEXT
        published_at = parse_published(options["published"])
        title = options["title"] or path.stem.replace("-", " ").replace("_", " ").title()
        try:
            if options["update"]:
                article = existing_article(options["update"])
                result = article_revise(
                    article=article,
                    title=options["title"] or article.title,
                    body=body,
                    body_format=body_format,
                    source_url=options["source_url"],
                )
                self.stderr.write(result.describe(with_notes=True))
                article = result.article
            else:
                article = article_import(
                    title=title,
                    body=body,
                    body_format=body_format,
                    byline=options["byline"],
                    source_name=options["source"],
                    source_url=options["source_url"],
                    published_at=published_at,
                    language=options["language"],
                )
        except ValidationError as error:
            raise CommandError(format_validation_error(error)) from error
        self.stdout.write(article.slug)

    def handle_url(self, url: str, options) -> None:
        """Fetch and extract the page; a page already in the library is not imported again."""
        try:
            if options["update"]:
                article = existing_article(options["update"])
                addresses = [url, canonical_or_error(url)]
                if not Article.objects.matching_urls(addresses).filter(pk=article.pk).exists():
                    raise CommandError(
                        f"--update {article.slug}: that article comes from"
                        f" {article.source_url or 'no address'}, not {url}."
                    )
                result = article_refresh(article=article)
                self.stderr.write(result.describe(with_notes=True))
                self.stdout.write(result.article.slug)
                return
            imported = article_import_url(url=url, fallback_title=options["title"] or "")
        except ValidationError as error:
            raise CommandError(format_validation_error(error)) from error
        if not imported.created:
            self.stderr.write(
                f"Already in the library (not imported again): {imported.article.slug}."
                f" To check it for changes: import_article {url} --update {imported.article.slug}"
            )
        self.stdout.write(imported.article.slug)


def existing_article(slug: str) -> Article:
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        raise CommandError(f"--update: no article with the slug “{slug}”.")
    return article


def parse_published(value: str) -> datetime | None:
    if not value:
        return None
    try:
        published_at = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--published: “{value}” is not an ISO 8601 date") from error
    if timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at)
    return published_at


def format_validation_error(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
