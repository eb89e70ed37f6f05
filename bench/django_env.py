"""Django for benchmarks: a throwaway SQLite database (or DATABASE_URL if set), migrated."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

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


REPO = Path(__file__).resolve().parent.parent


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def rerun_on_postgres(module: str) -> int | None:
    """For a bench that measures PostgreSQL: None when this process is on it; otherwise run
    `python -m module` again on a throwaway cluster (scripts/with-postgres) and return its
    exit status (0, with a note, when PostgreSQL is not installed)."""
    if on_postgres():
        return None
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        print(f"{module}: skipped, it measures PostgreSQL, which is not installed")
        return 0
    command = [str(REPO / "scripts" / "with-postgres"), sys.executable, "-m", module]
    return subprocess.call(command, cwd=REPO)
