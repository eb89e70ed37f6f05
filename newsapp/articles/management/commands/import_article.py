from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsapp.articles.forms import looks_like_html
from newsapp.articles.services import (
    FORMAT_BY_EXTENSION,
    BodyFormat,
    article_import,
    decode_upload,
)


class Command(BaseCommand):
    help = "Import an article from a file and print its slug."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .txt, .md or .html file (UTF-8).")
        parser.add_argument("--title", help="Defaults to the file name.")
        parser.add_argument("--format", dest="body_format", help="text, markdown or html.")
        parser.add_argument("--byline", default="")
        parser.add_argument("--source", default="", help="The publication's name.")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--published", default="", help="ISO 8601 date or date-time.")
        parser.add_argument("--language", default="en")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            body = decode_upload(path.read_bytes())
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from error

        body_format = options["body_format"] or FORMAT_BY_EXTENSION.get(path.suffix.lower())
        if body_format is None:
            body_format = BodyFormat.HTML if looks_like_html(body) else BodyFormat.TEXT
        published_at = None
        if options["published"]:
            try:
                published_at = datetime.fromisoformat(options["published"])
            except ValueError as error:
                raise CommandError(
                    f"--published: “{options['published']}” is not an ISO 8601 date"
                ) from error
            if timezone.is_naive(published_at):
                published_at = timezone.make_aware(published_at)
        try:
            article = article_import(
                title=options["title"] or path.stem.replace("-", " ").replace("_", " ").title(),
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


def format_validation_error(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
