"""``python manage.py api_token USERNAME [--name N] [--read-only]``: create a personal API
token and print it as the last line of output (a stable interface for scripts)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsapp.api.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (last line)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Command-line token")
        parser.add_argument("--read-only", action="store_true", help="Reads only, no writes.")

    def handle(self, *args, username: str, name: str, read_only: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            record, token = api_token_create(user=user, name=name, read_only=read_only)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Created {record.scope} token “{record.name}” for {username}:")
        self.stdout.write(token)
