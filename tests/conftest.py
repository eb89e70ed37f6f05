from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bench.corpora import corpora_dir, missing_reason

# `make test` is repeatable: property tests draw the same examples on every run, so a run
# fails only on what the code does, and a failure seen once is seen again. `make fuzz`
# (GLOSS_FUZZ_RANDOM=1) draws afresh; what it finds becomes a test of its own.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(
    "explore" if os.environ.get("GLOSS_FUZZ_RANDOM") == "1" else "repeatable"
)

pytest_plugins = ["tests.webserver"]

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA = corpora_dir()


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared test corpora beside the repo (or at $GLOSS_CORPORA); skips visibly on a
    user's fresh clone."""
    if not CORPORA.is_dir():
        pytest.skip(missing_reason(CORPORA))
    return CORPORA


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; tests check behaviour, not key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as a freshly started server would."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings):
    """Jobs run inside the request in tests: no worker process to start or wait for."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def established_accounts(settings):
    """Readers made in a test count as established (no new-account limits on what they
    publish); tests of those limits set the thresholds themselves (tests/moderation)."""
    settings.GLOSS_NEW_ACCOUNT_DAYS = 0
    settings.GLOSS_ESTABLISHED_NOTES = 0
