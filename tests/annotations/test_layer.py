"""The reader's annotations layer: caching that never leaks, pages of notes, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.annotations import cards
from tests.factories import make_annotation, make_article, make_user
from tests.pages import marked_note_ids

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SENTENCE = "Critics say the cost"


@pytest.fixture
def article():
    return make_article()


def test_a_private_note_cached_for_its_author_never_reaches_others(client, article):
    author = make_user("author")
    make_annotation(
        article=article, author=author, exact=SENTENCE, visibility="private", note="my secret"
    )
    client.force_login(author)
    assert "my secret" in client.get(article.get_absolute_url()).content.decode()
    assert "my secret" in client.get(article.get_absolute_url()).content.decode()  # from cache
    client.logout()
    assert "my secret" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(make_user("other"))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "my secret" not in page
    assert '<mark class="hl' not in page


def test_changes_show_at_once_despite_the_cache(client, article):
    author = make_user("author")
    client.force_login(author)
    assert '<mark class="hl' not in client.get(article.get_absolute_url()).content.decode()
    annotation = make_annotation(article=article, author=author, exact=SENTENCE, note="first")
    page = client.get(article.get_absolute_url()).content.decode()
    assert marked_note_ids(page) == {annotation.public_id}
    assert "first" in page
    client.post(
        reverse("annotations:edit", args=[annotation.public_id]),
        {"kind": "claim", "note": "second", "visibility": "public"},
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "second" in page
    assert "hl-claim" in page
    client.post(reverse("annotations:delete", args=[annotation.public_id]))
    assert '<mark class="hl' not in client.get(article.get_absolute_url()).content.decode()


def test_notes_come_in_pages_and_marks_cover_all(client, article, monkeypatch):
    monkeypatch.setattr(cards, "NOTES_PER_PAGE", 3)
    author = make_user()
    notes = [
        make_annotation(article=article, author=author, exact=SENTENCE, note=f"note {n}")
        for n in range(7)
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('class="note-card') == 3
    assert marked_note_ids(page) == {note.public_id for note in notes}
    assert "Show more notes" in page
    more = reverse("annotations:notes", args=[article.slug])
    second = client.get(more, {"notes_page": 2}, **HTMX).content.decode()
    assert second.count('class="note-card') == 3
    assert "<html" not in second
    third = client.get(more, {"notes_page": 3}, **HTMX).content.decode()
    assert third.count('class="note-card') == 1
    assert "Show more notes" not in third
    shown = page + second + third
    assert all(f'id="note-{note.public_id}"' in shown for note in notes)


def test_a_card_beyond_the_first_page_loads_from_its_permalink(client, article):
    annotation = make_annotation(
        article=article, author=make_user(), exact=SENTENCE, note="on demand"
    )
    card = client.get(annotation.get_absolute_url(), **HTMX).content.decode()
    assert card.lstrip().startswith('<article class="note-card')
    assert "on demand" in card
    assert "<html" not in card


def count_queries(client, url) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_annotations(client, article):
    author, other = make_user(), make_user()
    make_annotation(article=article, author=author, exact=SENTENCE, tags=["a"])
    few = count_queries(client, article.get_absolute_url())
    for number in range(30):
        annotation = make_annotation(
            article=article,
            author=other if number % 2 else author,
            exact=SENTENCE,
            tags=[f"t{number}"],
        )
        if number % 3 == 0:
            from newsapp.annotations.services import reply_create

            reply_create(parent=annotation, author=other, note="reply")
    assert count_queries(client, article.get_absolute_url()) == few
