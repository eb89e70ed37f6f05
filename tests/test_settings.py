from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-for-the-check-only-0123456789abcdef",
    "ALLOWED_HOSTS": "gloss.example",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    # Test-only switches (the browser tests allow ORM calls beside Playwright's event loop)
    # must not leak into a production check.
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_are_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
