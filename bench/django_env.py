"""Django for benchmarks: a throwaway SQLite database (or DATABASE_URL if set), migrated."""

from __future__ import annotations

import os
import tempfile


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="gloss-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapp.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
