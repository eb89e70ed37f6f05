"""The same quotation across articles, found through the quotes' word index."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsapp.claims import linking
from newsapp.claims.linking import indexed_words
from newsapp.claims.models import Quote, QuoteWord
from newsapp.claims.services import quotes_refresh
from tests.claims.factories import MARKETS, TALKS, make_quoted_article
from tests.factories import make_article

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


def refresh_queries(article) -> int:
    with CaptureQueriesContext(connection) as queries:
        quotes_refresh(article=article)
    return len(queries.captured_queries)


def test_linking_costs_the_same_queries_whatever_is_stored():
    for seed in range(3):
        make_quoted_article(title=f"Harbour {seed}", body=quoted_body(seed))
    first = make_article(title="Measured", body=quoted_body(1000))
    few = refresh_queries(first)
    for seed in range(3, 60):
        make_quoted_article(title=f"Harbour {seed}", body=quoted_body(seed))
    second = make_article(title="Measured again", body=quoted_body(1001))
    assert refresh_queries(second) == few


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
