"""Size and structure limits through the views: a clear 400 with the reason, in bounded time,
and nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import MAX_NOTE_CHARS, reply_create
from newsapp.articles.models import Article
from tests.hostile.conftest import cpu_seconds

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BODY_LIMIT = 2 * 1024 * 1024
REQUEST_SECONDS = 2.0
PATHOLOGICAL_NOTES = ["a", "[", "![", "`a", "*a", "_a", "&", "<", "www.a "]


def repeat_to(unit: str, size: int) -> str:
    return unit * (size // len(unit))


# --- preview ------------------------------------------------------------------------------------


def test_preview_needs_a_signed_in_reader(attacker):
    response = attacker.post(reverse("annotations:preview"), {"note": "a" * MAX_NOTE_CHARS})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_preview_refuses_a_note_over_the_saving_limit_with_the_reason(signed_in):
    response = signed_in.post(
        reverse("annotations:preview"), {"note": "a" * (MAX_NOTE_CHARS + 1)}, **HTMX
    )
    assert response.status_code == 400
    assert f"the limit is {MAX_NOTE_CHARS:,}" in response.content.decode()


@pytest.mark.parametrize("unit", PATHOLOGICAL_NOTES)
def test_preview_of_a_pathological_note_at_the_limit_is_fast(signed_in, unit):
    note = repeat_to(unit, MAX_NOTE_CHARS)
    seconds, response = cpu_seconds(
        lambda: signed_in.post(reverse("annotations:preview"), {"note": note}, **HTMX)
    )
    assert response.status_code == 200
    assert seconds < REQUEST_SECONDS


def test_preview_is_rate_limited_per_reader(signed_in, monkeypatch):
    monkeypatch.setattr("newsapp.ratelimit.time.time", lambda: 1_800_000_030.0)  # mid-minute
    url = reverse("annotations:preview")
    statuses = [signed_in.post(url, {"note": "hi"}, **HTMX).status_code for _ in range(125)]
    assert statuses.count(200) == 120
    assert statuses[-1] == 429


# --- notes and replies --------------------------------------------------------------------------


def note_payload(article, **extra) -> dict:
    exact = "We cannot keep patching"
    start = article.body_text.index(exact)
    return {
        "exact": exact,
        "start": start,
        "end": start + len(exact),
        "kind": "note",
        "visibility": "public",
        "note": "ok",
        "source_stance": "background",
    } | extra


@pytest.mark.parametrize("unit", PATHOLOGICAL_NOTES)
def test_saving_a_pathological_note_is_fast(signed_in, article, unit):
    payload = note_payload(article, note=repeat_to(unit, MAX_NOTE_CHARS))
    url = reverse("annotations:create", args=[article.slug])
    seconds, response = cpu_seconds(lambda: signed_in.post(url, payload, **HTMX))
    assert response.status_code == 200
    assert seconds < REQUEST_SECONDS * 2  # saving renders the reader's changed parts too


UNREADABLE = "the link is not a valid web address"
NOT_WEB = "the link must be a full http:// or https:// URL"


@pytest.mark.parametrize(
    ("source_url", "reason"),
    [
        ("http://[::1", UNREADABLE),
        ("https://[fe80::1/x", UNREADABLE),
        ("http://a.test:99999/", UNREADABLE),
        ("http://a.test:port/", UNREADABLE),
        ("//x", NOT_WEB),
    ],
)
def test_unreadable_source_links_are_refused_with_the_reason(
    signed_in, article, source_url, reason
):
    payload = note_payload(article, source_url=source_url, source_title="Odd")
    response = signed_in.post(reverse("annotations:create", args=[article.slug]), payload, **HTMX)
    assert response.status_code == 400
    assert f"Source 1: {reason}" in response.content.decode()
    assert not Annotation.objects.exists()


def test_a_reply_to_a_reply_is_a_clear_400(signed_in, reader, public_note):
    reply = reply_create(parent=public_note, author=reader, note="First reply.")
    url = reverse("annotations:reply", args=[reply.public_id])
    for headers in ({}, HTMX):
        response = signed_in.post(url, {"note": "A reply to the reply."}, **headers)
        assert response.status_code == 400
        assert "threads are one level deep" in response.content.decode()
    assert Annotation.objects.filter(parent=reply).count() == 0


# --- article bodies -----------------------------------------------------------------------------

PATHOLOGICAL_BODIES = [
    ("html", repeat_to("<div>", BODY_LIMIT)),
    ("html", repeat_to("&", BODY_LIMIT)),
    ("html", repeat_to("<b><i>", BODY_LIMIT)),
    ("html", "<div>" + "".join(f'<b id="{n}">' for n in range(200)) + "</div>" + "<p>x</p>" * 2000),
    ("markdown", repeat_to("[", BODY_LIMIT)),
    ("markdown", repeat_to("*a", BODY_LIMIT)),
    ("markdown", repeat_to("`", BODY_LIMIT)),
    ("text", repeat_to("line\n", BODY_LIMIT)),
]  # fmt: skip


@pytest.mark.parametrize(("body_format", "body"), PATHOLOGICAL_BODIES)
def test_a_pathological_body_is_refused_fast_and_nothing_is_written(signed_in, body_format, body):
    data = {"title": "Hostile", "body": body, "body_format": body_format}
    seconds, response = cpu_seconds(lambda: signed_in.post(reverse("articles:new"), data))
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert seconds < REQUEST_SECONDS
    assert not Article.objects.exists()


def test_an_unreadable_source_url_on_an_article_is_refused(signed_in):
    data = {"title": "T", "body": "Some text.", "body_format": "text", "source_url": "http://[::1"}
    response = signed_in.post(reverse("articles:new"), data)
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_bidi_controls_are_removed_from_titles_tags_and_source_titles(signed_in, article):
    data = {"title": "Report \u202egnp.exe", "body": "Some text.", "body_format": "text"}
    assert signed_in.post(reverse("articles:new"), data).status_code == 302
    assert Article.objects.get(title__startswith="Report").title == "Report gnp.exe"
    payload = note_payload(
        article,
        note="see \u202egnp.exe",
        tags="tag\u2067one",
        source_url="https://a.test/",
        source_title="Src \u202dx",
    )
    signed_in.post(reverse("annotations:create", args=[article.slug]), payload)
    annotation = Annotation.objects.get()
    assert annotation.note == "see gnp.exe"
    assert list(annotation.tags.values_list("name", flat=True)) == ["tagone"]
    assert annotation.sources.get().title == "Src x"
