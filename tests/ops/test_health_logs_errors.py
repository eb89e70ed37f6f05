"""/healthz and /readyz, the JSON request log (no paths, note text or tokens), and the
friendly 503 page while the database is unreachable."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from newsapp.ops.logging import JsonFormatter
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when PostgreSQL has stopped."""

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(CursorWrapper, "execute", refused)
    monkeypatch.setattr(CursorWrapper, "executemany", refused)


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_says_which_part_is_unreachable(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unreachable", "cache": "ok"}


def test_a_database_outage_answers_a_friendly_503_not_a_traceback(client, database_down):
    client.raise_request_exception = False
    response = client.get(reverse("articles:library"))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in html
    assert "Traceback" not in html
    assert "OperationalError" not in html


def test_the_database_going_away_while_a_session_is_saved_is_a_503_not_a_400(client, monkeypatch):
    # Django's own database sessions report this as "the session was deleted" (a 400),
    # which blames the reader for our outage.
    client.force_login(make_user())
    article = make_article(body="Flood barriers went up along the quay overnight.")
    client.raise_request_exception = False

    def refused(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Session, "save", refused)
    response = client.post(
        reverse("annotations:create", args=[article.slug]),
        {"exact": "Flood barriers", "kind": "note", "visibility": "private"},
    )
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_server_errors_get_the_plain_500_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("newsapp.articles.views.Paginator", broken)
    client.raise_request_exception = False
    response = client.get(reverse("articles:library"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.fixture
def request_log(caplog):
    # Django's 404 warnings too (the settings keep them quiet); the handler level is the last
    # one set, so INFO goes last.
    caplog.set_level(logging.WARNING, logger="django.request")
    caplog.set_level(logging.INFO, logger="gloss.request")
    formatter = JsonFormatter()
    return lambda: [json.loads(formatter.format(record)) for record in caplog.records]


def test_each_request_logs_one_json_line_with_route_status_and_timing(client, request_log):
    article = make_article()
    response = client.get(article.get_absolute_url())

    (line,) = [entry for entry in request_log() if entry["logger"] == "gloss.request"]
    assert line["route"] == "articles/<slug:slug>/"
    assert line["view"] == "articles:detail"
    assert (line["method"], line["status"], line["level"]) == ("GET", 200, "info")
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]


def test_logs_hold_no_paths_tokens_or_note_text(client, request_log):
    author = make_user()
    article = make_article()
    note = make_annotation(article=article, author=author, note="A private aside.")
    note.visibility = "unlisted"
    note.save()
    client.force_login(author)
    secret_text = "Nobody else should read this sentence."
    saved = client.post(
        reverse("annotations:create", args=[article.slug]),
        {"exact": "The council voted", "note": secret_text, "kind": "note", "visibility": "public"},
    )
    client.get(f"/a/{note.public_id}/?token=sekrit-token-value")
    client.get("/a/no-such-note-abcdefgh/")  # a 404: Django logs it with its path

    logged = "\n".join(json.dumps(entry) for entry in request_log())
    assert saved.status_code == 302
    assert '"status": 404' in logged
    assert "a/<str:public_id>/" in logged
    for secret in (note.public_id, "sekrit-token-value", secret_text, "no-such-note-abcdefgh"):
        assert secret not in logged


def test_a_proxy_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="3f2a9c1e-77b0-4e1d-9a55-0c6d3b2e8f10")
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert kept["X-Request-ID"] == "3f2a9c1e-77b0-4e1d-9a55-0c6d3b2e8f10"
    assert "<" not in forged["X-Request-ID"]
