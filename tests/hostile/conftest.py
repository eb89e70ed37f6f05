"""Fixtures for hostile-input tests: a client that sees a server error as a response (status
500, as an attacker would) instead of an exception, with DEBUG off as in production."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from tests.factories import make_annotation, make_article, make_user


@pytest.fixture
def production(settings):
    """DEBUG off, as on a production server (error pages, no tracebacks)."""
    settings.DEBUG = False
    return settings


@pytest.fixture
def attacker(production):
    """A signed-out client that gets a 500 as a response rather than an exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def reader(production, db):
    return make_user("hostile-reader")


@pytest.fixture
def signed_in(reader):
    client = Client(raise_request_exception=False)
    client.force_login(reader)
    return client


@pytest.fixture
def article(db):
    return make_article(title="Harbour bridge vote")


@pytest.fixture
def public_note(article, reader):
    return make_annotation(article=article, author=reader, note="A public note.")


def cpu_seconds(work) -> tuple[float, object]:
    """CPU seconds of `work()` in this process (the test client runs the view here) and
    its result. The machine is shared: wall time would measure the neighbours."""
    started = time.process_time()
    result = work()
    return time.process_time() - started, result
