"""The same quotation across articles, found through the quotes' word index."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsapp.articles.models import Article
from newsapp.articles.services import BodyFormat, article_import
from newsapp.claims import linking
from newsapp.claims.linking import (
    indexed_words,
    link_requests_recover,
    quotes_link,
    quotes_link_later,
)
from newsapp.claims.models import LinkRequest, Quote, QuoteWord
from tests.claims.factories import MARKETS, TALKS, make_quoted_article
from tests.factories import make_article
from tests.ops.test_job_recovery import UnreachableQueue

pytestmark = pytest.mark.django_db


def test_index_keeps_content_words_only():
    assert indexed_words("we must act now on the border crossings that matter") == {
        "must",
        "border",
        "crossings",
        "matter",
    }


def test_a_reworded_quote_elsewhere_is_linked_through_the_index():
    talks = make_quoted_article(title="Talks", body=TALKS)
    markets = make_quoted_article(title="Markets", body=MARKETS)
    okafor_here = Quote.objects.get(article=talks, speaker__name="Adaeze Okafor")
    okafor_there = Quote.objects.get(article=markets)
    assert list(okafor_here.same_quotes.all()) == [okafor_there]
    assert QuoteWord.objects.filter(quote=okafor_there, word="feasible").exists()


VOCABULARY = (
    "harbour dredging contract silt pilings tide gauges ferry timetable crane berth cargo "
    "quay lighthouse pilot tugboat anchor mooring buoy channel estuary breakwater slipway"
).split()


def quoted_body(seed: int, quotes: int = 3) -> str:
    """An article of `quotes` quotations whose words no other seed's quotations share (so
    nothing links, and the index holds more words as seeds are added)."""
    rng = random.Random(seed)
    return "\n\n".join(
        f"“{' '.join(f'{word}{seed}x{n}' for word in rng.sample(VOCABULARY, 9)).capitalize()},”"
        " said engineer Rafa Lind."
        for n in range(quotes)
    )


def link_queries(article) -> int:
    quotes_link_later(article)
    with CaptureQueriesContext(connection) as queries:
        quotes_link(article.pk)
    return len(queries.captured_queries)


def test_linking_costs_the_same_queries_whatever_is_stored():
    for seed in range(3):
        make_quoted_article(title=f"Harbour {seed}", body=quoted_body(seed))
    first = make_article(title="Measured", body=quoted_body(1000))
    few = link_queries(first)
    for seed in range(3, 60):
        make_quoted_article(title=f"Harbour {seed}", body=quoted_body(seed))
    second = make_article(title="Measured again", body=quoted_body(1001))
    assert link_queries(second) == few


def import_talks():
    return article_import(title="Talks", body=TALKS, body_format=BodyFormat.TEXT)


def okafor_in(article) -> Quote:
    return Quote.objects.get(article=article, speaker__name="Adaeze Okafor")


def test_an_import_stores_its_quotes_at_once_and_links_them_after_its_commit(
    django_capture_on_commit_callbacks,
):
    markets = make_quoted_article(title="Markets", body=MARKETS)
    markets_stamp = markets.annotations_changed_at
    with django_capture_on_commit_callbacks() as after_commit:
        talks = import_talks()

    assert okafor_in(talks).speaker.name == "Adaeze Okafor"
    assert not okafor_in(talks).same_quotes.exists()
    assert list(LinkRequest.objects.values_list("article_id", flat=True)) == [talks.pk]

    for callback in after_commit:
        callback()
    assert list(okafor_in(talks).same_quotes.all()) == [Quote.objects.get(article=markets)]
    assert not LinkRequest.objects.exists()
    # Markets now says its quote is in Talks too: its cached pages are stale.
    assert Article.objects.get(pk=markets.pk).annotations_changed_at > markets_stamp


def test_linking_twice_does_nothing_the_second_time():
    make_quoted_article(title="Markets", body=MARKETS)
    talks = make_quoted_article(title="Talks", body=TALKS)
    assert quotes_link(talks.pk) is None
    assert okafor_in(talks).same_quotes.count() == 1


def test_a_link_request_the_queue_never_got_is_sent_again_after_the_resend_delay(
    django_capture_on_commit_callbacks, settings
):
    make_quoted_article(title="Markets", body=MARKETS)
    settings.TASKS = {"default": {"BACKEND": f"{UnreachableQueue.__module__}.UnreachableQueue"}}
    with django_capture_on_commit_callbacks(execute=True):
        talks = import_talks()
    assert LinkRequest.objects.filter(article=talks).exists()
    assert not okafor_in(talks).same_quotes.exists()

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert link_requests_recover() == 0  # just asked for: the queue may still have it
    LinkRequest.objects.update(requested_at=timezone.now() - timedelta(seconds=61))
    assert link_requests_recover() == 1
    assert okafor_in(talks).same_quotes.count() == 1
    assert not LinkRequest.objects.exists()


def test_a_copy_is_found_through_its_rarer_words_when_common_ones_are_crowded(monkeypatch):
    """Each word's index entries are read newest first, up to a bound: newer quotes that share
    a quotation's common words do not hide an older copy that shares its rarer ones."""
    monkeypatch.setattr(linking, "POSTINGS_PER_WORD", 3)
    make_quoted_article(title="Markets", body=MARKETS)
    for number in range(5):
        make_quoted_article(
            title=f"Crowd {number}",
            body=f"“Everyone in the room knows where the line runs, chapter {number},” "
            "said councillor Ines Varga.",
        )
    talks = make_quoted_article(title="Talks", body=TALKS)
    okafor = Quote.objects.get(article=talks, speaker__name="Adaeze Okafor")
    assert list(okafor.same_quotes.values_list("article__title", flat=True)) == ["Markets"]
