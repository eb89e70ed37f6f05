"""Django for benchmarks: a throwaway SQLite database (or DATABASE_URL if set), migrated."""

from __future__ import annotations

import os
import tempfile

from bench.stack import ESTABLISHED_READERS


def setup_django() -> None:
    """Production-like settings (DEBUG off, collected static files) on a scratch database."""
    directory = tempfile.mkdtemp(prefix="gloss-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapp.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("REQUEST_LOG", "false")  # a log line per timed request, not figures
    os.environ.setdefault("STATIC_ROOT", f"{directory}/static")
    # The benches' readers are established accounts (bench/stack.py says why).
    for name, value in ESTABLISHED_READERS.items():
        os.environ.setdefault(name, value)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
