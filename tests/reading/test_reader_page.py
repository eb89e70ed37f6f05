"""The reading list on the reader page (save, mark as read, the place to resume) and the views
behind its buttons, and top highlights in the article's text."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.reading.models import ReadingEntry, Status
from newsapp.reading.services import reading_record_progress
from newsapp.text.extract import canonical_text
from tests.factories import make_annotation, make_article, make_user
from tests.pages import article_body

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article():
    return make_article(title="Bridge vote")


@pytest.fixture
def reader(client):
    user = make_user("reader")
    client.force_login(user)
    return user


def test_a_signed_in_reader_can_save_and_mark_as_read(client, reader, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Save for later" in html
    assert "Mark as read" in html
    assert "data-reading-progress" in html


def test_without_an_account_there_are_no_reading_controls(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Save for later" not in html
    assert "data-reading-progress" not in html


def test_the_page_carries_the_place_to_resume_and_the_time_left(client, reader, article):
    reading_record_progress(reader=reader, article=article, position=60)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-resume="60"' in html
    assert "On your list" in html


def test_saving_without_javascript_redirects_back(client, reader, article):
    url = reverse("reading:status", args=[article.slug])
    response = client.post(url, {"status": "saved", "next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert ReadingEntry.objects.get(reader=reader).status == Status.SAVED


def test_saving_with_htmx_answers_the_control(client, reader, article):
    url = reverse("reading:status", args=[article.slug])
    response = client.post(url, {"status": "saved"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="reading-controls"' in html
    assert "<html" not in html
    assert "On your list" in html


def test_saving_from_a_library_card_answers_the_card_control(client, reader, article):
    url = reverse("reading:status", args=[article.slug])
    html = client.post(url, {"status": "saved", "from": "card"}, **HTMX).content.decode()
    assert f'id="reading-card-{article.pk}"' in html
    assert 'aria-pressed="true"' in html


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_unknown_status_is_a_400_with_the_reason(client, reader, article, headers):
    url = reverse("reading:status", args=[article.slug])
    response = client.post(url, {"status": "<script>"}, **headers)
    assert response.status_code == 400
    assert "Choose save for later" in response.content.decode()
    assert not ReadingEntry.objects.exists()


def test_mark_as_read_archives(client, reader, article):
    response = client.post(reverse("reading:read", args=[article.slug]), **HTMX)
    assert "Archived" in response.content.decode()
    assert ReadingEntry.objects.get(reader=reader).status == Status.ARCHIVED


def test_progress_is_stored_and_answered_with_no_content(client, reader, article):
    url = reverse("reading:progress", args=[article.slug])
    response = client.post(url, {"position": "42", "seen": "120"}, **HTMX)
    assert response.status_code == 204
    entry = ReadingEntry.objects.get(reader=reader)
    assert (entry.position, entry.status) == (42, Status.READING)


def test_progress_sent_as_a_beacon_when_leaving(client, reader, article):
    url = reverse("reading:progress", args=[article.slug])
    assert client.post(url, {"position": "7", "beacon": "1"}).status_code == 204


@pytest.mark.parametrize(
    "data", [{"position": "x"}, {"position": "-5"}, {}, {"position": "1", "seen": "99999999"}]
)
def test_bad_progress_is_a_400_and_writes_nothing(client, reader, article, data):
    url = reverse("reading:progress", args=[article.slug])
    response = client.post(url, data, **HTMX)
    assert response.status_code == 400
    assert response.content
    assert not ReadingEntry.objects.exists()


def test_the_buttons_need_an_account_and_a_post(client, article):
    url = reverse("reading:status", args=[article.slug])
    assert client.post(url, {"status": "saved"}).status_code == 302  # to sign in
    client.force_login(make_user())
    assert client.get(url).status_code == 405
    assert client.post(reverse("reading:status", args=["no-such-article"])).status_code == 404


# --- top highlights ----------------------------------------------------------------------------


def highlight(article, words: str, readers: int, **fields) -> None:
    for _ in range(readers):
        make_annotation(article=article, author=make_user(), exact=words, **fields)


def test_three_readers_on_the_same_words_make_a_top_highlight(client, article):
    highlight(article, "widen the harbour bridge", 3)
    html = client.get(article.get_absolute_url()).content.decode()
    body = article_body(html)
    assert 'data-top="3"' in body
    assert "hl-top-end" in body
    assert canonical_text(body) == article.body_text


def test_two_readers_are_not_a_top_highlight(client, article):
    highlight(article, "widen the harbour bridge", 2)
    assert "data-top=" not in article_body(client.get(article.get_absolute_url()).content.decode())


def test_one_reader_twice_counts_once(client, article):
    author = make_user()
    make_annotation(article=article, author=author, exact="widen the harbour bridge")
    make_annotation(article=article, author=author, exact="the harbour bridge")
    highlight(article, "harbour bridge", 1)
    assert "data-top=" not in article_body(client.get(article.get_absolute_url()).content.decode())


def test_a_top_highlight_shows_whatever_the_viewers_filter(client, reader, article):
    highlight(article, "widen the harbour bridge", 3)
    html = client.get(article.get_absolute_url(), {"show": "mine"}).content.decode()
    marks = re.findall(r'<mark class="top hl-top[^"]*"', article_body(html))
    assert marks


def test_the_reader_page_costs_the_same_queries_with_1_or_30_top_highlights(client, article):
    def cold_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        return len(queries)

    highlight(article, "widen the harbour bridge", 3)
    one = cold_queries()
    for word in ("council", "Tuesday", "project", "proposed", "Critics", "cost", "million"):
        highlight(article, word, 4)
    many = cold_queries()
    assert many == one
