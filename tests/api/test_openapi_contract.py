"""The OpenAPI document is exact: schemathesis calls every operation with generated requests
(a bounded number each, with a valid token) and checks that the server never errs and that
every status, media type, header and body it answers is the one the document describes."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.support import token_for
from tests.factories import make_annotation, make_article, make_user

# Examples per operation: enough to reach every parameter and body shape, few enough that the
# whole contract runs in well under two minutes on a busy two-core machine.
EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Read from the server itself, as a client would (the document's views need no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(db, settings):
    """A valid token, and annotations of every visibility for the reads to find."""
    settings.GLOSS_API_READS_PER_MINUTE = 100_000
    settings.GLOSS_API_WRITES_PER_MINUTE = 100_000
    author = make_user()
    article = make_article(source_url="https://news.example.org/2031/harbour-vote")
    for visibility, exact in [
        ("public", "widen the harbour bridge"),
        ("unlisted", "84 million euros"),
        ("private", "too high"),
    ]:
        make_annotation(
            article=article, author=author, exact=exact, visibility=visibility, tags=["budget"]
        )
    # The WSGI handler would close the test's connection after each request (Django's test
    # client keeps it open the same way), and the test's transaction with it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # identity: the WSGI transport hands schemathesis the bytes as sent, without un-gzipping.
    yield {"Authorization": f"Bearer {token_for(author)}", "Accept-Encoding": "identity"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_server_does_what_the_document_says(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)


def test_the_document_is_openapi_3_1_with_every_operation(client, db):
    document = client.get("/api/openapi.json").json()
    operations = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert document["openapi"] == "3.1.0"
    assert {
        ("/api/annotations/", "get"),
        ("/api/annotations/", "post"),
        ("/api/annotations/{public_id}", "get"),
        ("/api/annotations/{public_id}", "put"),
        ("/api/annotations/{public_id}", "delete"),
        ("/api/search", "get"),
    } <= operations


def test_the_docs_page_lists_every_operation(client, db):
    page = client.get("/api/").content.decode()
    assert "Gloss annotation API" in page
    assert page.count('class="api-operation"') >= 12
    assert "<script" not in page.split("<main", 1)[1]
