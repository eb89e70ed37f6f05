from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsapp.annotations.models import Visibility
from newsapp.articles.models import Article
from newsapp.sharing.imports import IMPORT_VISIBILITIES, annotations_import
from newsapp.sharing.management.commands.export_annotations import find_user
from newsapp.sharing.w3c.model import AnnotationImportError
from newsapp.sharing.w3c.reading import MAX_IMPORT_BYTES


class Command(BaseCommand):
    help = (
        "Import W3C Web Annotation or Hypothesis JSON onto an article: re-anchor each note, "
        "keep the ones whose words are gone as orphaned, and print what happened."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The article to import onto.")
        parser.add_argument("file", help="A JSON or JSON-LD file (up to 5 MB).")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="The new owner.")
        parser.add_argument(
            "--visibility",
            choices=[str(value) for value in IMPORT_VISIBILITIES],
            default=Visibility.PRIVATE,
        )

    def handle(self, *args, **options):
        article = Article.objects.filter(slug=options["slug"]).first()
        if article is None:
            raise CommandError(f"No article with the slug “{options['slug']}”.")
        user = find_user(options["user"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CommandError(
                f"{path} is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}. Nothing imported."
            )
        try:
            report = annotations_import(
                article=article,
                author=user,
                data=path.read_bytes(),
                visibility=options["visibility"],
            )
        except AnnotationImportError as error:
            raise CommandError(f"Nothing imported. At {error.path}: {error.problem}.") from error
        except ValidationError as error:
            raise CommandError(f"Nothing imported: {' '.join(error.messages)}") from error
        for line in report.lines():
            self.stdout.write(line)
