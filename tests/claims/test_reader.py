"""The reader page's quote layer: marks, the Quotes panel, the context box, constant queries."""

from __future__ import annotations

import re

import html5lib
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.annotations.services import annotation_delete
from newsapp.claims.models import NoteRating, Quote
from newsapp.claims.ratings import notes_rescore
from newsapp.claims.services import attribution_correct
from tests.claims.factories import (
    DISPLACED_CLAIM,
    MARKETS,
    make_context_note,
    make_quoted_article,
    rate,
    seed_camps,
)
from tests.factories import make_annotation, make_user
from tests.pages import article_body, marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_quoted_article(title="Talks")


def text_of(fragment: str) -> str:
    tree = html5lib.parse(fragment, namespaceHTMLElements=False)
    return "".join(tree.find("body").itertext())


def make_shown(note):
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()


def test_quotes_are_marked_with_their_speaker_and_never_change_the_text(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    quote_marks = [mark for mark in marks(page) if "data-quote" in mark]
    assert [mark["data-speaker"] for mark in quote_marks] == ["Adaeze Okafor", "Radomír Šťastný"]
    for mark in quote_marks:
        assert mark["class"] == "q"
        assert mark["notes"] == []
        assert mark["title"] == f"Quote: {mark['data-speaker']}"
        # A link target, not a tab stop: a focusable mark stops selections starting in it.
        assert mark["id"] == f"q-{mark['data-quote']}"
        assert "tabindex" not in mark
    assert text_of(article_body(page)) == article.body_text


def test_quote_and_annotation_marks_share_pieces_without_mixing_ids(client, article):
    claim = make_annotation(
        article=article, author=make_user(), exact="2019 line is not feasible", kind="claim"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    quote = Quote.objects.in_article(article).first()
    for mark in marks(page):
        assert set(mark["notes"]) <= {claim.public_id}
        if mark["notes"]:
            assert mark["class"].startswith("hl hl-claim")
        else:
            assert mark["class"] == "q"
    shared = [mark for mark in marks(page) if mark["notes"] and "data-quote" in mark]
    assert shared
    assert all(mark["data-quote"] == str(quote.pk) for mark in shared)
    assert len([mark for mark in marks(page) if mark.get("id") == f"q-{quote.pk}"]) == 1
    assert text_of(article_body(page)) == article.body_text


def test_an_interrupted_quote_is_one_quote_with_one_anchor(client):
    article = make_quoted_article(
        body="“We will not go back,” the mayor, Ines Duarte, said, “not one metre.”"
    )
    quote = Quote.objects.get(article=article)
    assert len(quote.parts) == 2
    page = client.get(article.get_absolute_url()).content.decode()
    pieces = [mark for mark in marks(page) if mark.get("data-quote") == str(quote.pk)]
    assert len(pieces) == 2
    assert [mark.get("id") for mark in pieces] == [f"q-{quote.pk}", None]
    assert "the mayor" not in "".join(re.findall(r"<mark[^>]*>([^<]*)</mark>", article_body(page)))


def test_the_quotes_panel_lists_each_quote_with_its_speaker(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    okafor, _ = Quote.objects.in_article(article)
    assert 'id="quotes-heading">Quotes <span class="count-badge">2</span>' in page
    assert f'href="#q-{okafor.pk}" data-quote-jump="{okafor.pk}"' in page
    assert '<a href="/speakers/adaeze-okafor/">Adaeze Okafor</a>' in page
    assert "machine’s guess" in page
    assert reverse("claims:article_claims", args=[article.slug]) in page


def test_a_correction_shows_at_once_with_the_machine_guess_kept(client, article):
    quote = Quote.objects.in_article(article).select_related("article").first()
    client.get(article.get_absolute_url())  # warm the cache
    for reader in (make_user(), make_user()):
        attribution_correct(quote=quote, reader=reader, speaker_name="Priyanka Raman")
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'data-speaker="Priyanka Raman"' in page
    assert "readers’ answer; the machine guessed Adaeze Okafor" in page


def test_also_quoted_in_links_both_ways(client, article):
    markets = make_quoted_article(title="Markets", body=MARKETS)
    talks_page = client.get(article.get_absolute_url()).content.decode()
    markets_page = client.get(markets.get_absolute_url()).content.decode()
    theirs = Quote.objects.get(article=markets)
    ours = Quote.objects.in_article(article).first()
    assert f'href="{markets.get_absolute_url()}#q-{theirs.pk}">Markets</a>' in talks_page
    assert f'href="{article.get_absolute_url()}#q-{ours.pk}">Talks</a>' in markets_page
    assert "(worded differently)" in talks_page


def test_context_box_appears_for_anonymous_readers_once_context_is_shown(client, article):
    note = make_context_note(article=article, note="The line was **never ratified**.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Readers added context" not in page
    assert "hl-context" not in page
    make_shown(note)
    page = client.get(article.get_absolute_url()).content.decode()
    box = page[page.index('<div id="reader-context"') : page.index('<div id="notes"')]
    assert "Readers added context" in box
    assert "<strong>never ratified</strong>" in box
    assert "Treaty register" in box
    assert "Disputes" in box
    assert "— Adaeze Okafor" in box
    assert "readers who usually disagree" in box
    classes = [mark["class"] for mark in marks(page) if note.public_id in mark["notes"]]
    assert all("hl-context" in value for value in classes)
    assert sum("hl-context-end" in value for value in classes) == 1
    assert text_of(article_body(page)) == article.body_text


def test_the_context_box_drops_a_deleted_note_at_once(client, article):
    note = make_context_note(article=article, note="Soon gone.")
    make_shown(note)
    assert "Soon gone." in client.get(article.get_absolute_url()).content.decode()
    annotation_delete(annotation=note, user=note.author)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Soon gone." not in page
    assert "hl-context" not in page


def test_context_follows_the_quote_to_other_articles(client, article):
    markets = make_quoted_article(title="Markets", body=MARKETS)
    note = make_context_note(article=article, note="Written once, on Talks.")
    page = client.get(markets.get_absolute_url()).content.decode()
    assert "1 context note on this quote in other articles" in page
    assert "Written once, on Talks." not in page
    make_shown(note)
    page = client.get(markets.get_absolute_url()).content.decode()
    box = page[page.index('<div id="reader-context"') : page.index('<div id="notes"')]
    assert "Written once, on Talks." in box
    assert f'<a href="{article.get_absolute_url()}">Talks</a>, which carries the same quote' in box
    theirs = Quote.objects.get(article=markets)
    assert f'href="#q-{theirs.pk}" data-quote-jump="{theirs.pk}"' in box
    # Deleting it on Talks removes it from Markets at once, though Markets did not change.
    annotation_delete(annotation=note, user=note.author)
    assert "Written once, on Talks." not in client.get(markets.get_absolute_url()).content.decode()


def test_private_notes_never_reach_the_context_box_or_the_counts(client, article):
    markets = make_quoted_article(title="Markets", body=MARKETS)
    make_context_note(article=article, note="Mine alone.", visibility="private")
    page = client.get(markets.get_absolute_url()).content.decode()
    assert "context note on this quote in other articles" not in page


def count_queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_quotes_claims_and_ratings(client):
    small = make_quoted_article(title="Small")
    make_quoted_article(title="Elsewhere", body=MARKETS)
    make_context_note(article=small)
    client.force_login(make_user())
    few = count_queries(client, small.get_absolute_url())

    paragraphs = [
        f"“Sentence number {n} of the long interview is quoted here in full,” "
        f"said Person{n} Surname{n}."
        for n in range(40)
    ]
    big = make_quoted_article(title="Big", body="\n\n".join(paragraphs) + "\n\n" + MARKETS)
    make_quoted_article(title="Elsewhere again", body=MARKETS)
    raters = [make_user() for _ in range(5)]
    for number in range(20):
        note = make_context_note(article=big, exact=f"Sentence number {number} ")
        for rater in raters:
            rate(note, rater)
        make_annotation(article=big, author=make_user(), exact=f"said Person{number}")
    make_context_note(article=big, exact="simply not feasible")
    notes_rescore()
    assert Quote.objects.filter(article=big).count() == 41
    assert count_queries(client, big.get_absolute_url()) == few


def test_a_warm_page_costs_no_claims_queries_without_links(client, article):
    make_context_note(article=article)
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        client.get(article.get_absolute_url())
    assert not [query for query in warm.captured_queries if "claims_" in query["sql"]]


def test_ratings_show_on_the_card_for_the_rater_only(client, article):
    note = make_context_note(article=article)
    rater = make_user()
    client.force_login(rater)
    client.post(reverse("claims:rate", args=[note.public_id]), {"value": "not"})
    assert NoteRating.objects.count() == 1
    own = client.get(article.get_absolute_url()).content.decode()
    assert 'value="not" class="rating-button" aria-pressed="true"' in own
    client.force_login(make_user())
    other = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in other
    assert "1 rating" in other


def test_speaker_of_a_claim_next_to_no_quote_is_not_guessed(client, article):
    make_context_note(article=article, exact=DISPLACED_CLAIM)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Said by" not in page
