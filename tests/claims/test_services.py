"""Quotes found at import, kept across revisions, linked across articles; attribution fixes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from newsapp.articles.revisions import article_revise
from newsapp.claims import services
from newsapp.claims.models import AttributionCorrection, Quote, Speaker
from newsapp.claims.services import (
    attribution_correct,
    attribution_withdraw,
    quotes_refresh,
    shown_speaker_for,
)
from newsapp.ratelimit import RateLimited
from tests.claims.factories import MARKETS, TALKS, make_quoted_article
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_quotes_are_stored_with_offsets_into_body_text_and_resolved_speakers():
    article = make_quoted_article()
    quotes = list(Quote.objects.in_article(article).with_speakers())
    assert [quote.shown_speaker.name for quote in quotes] == ["Adaeze Okafor", "Radomír Šťastný"]
    okafor = quotes[0]
    assert article.body_text[okafor.start : okafor.end] == okafor.text
    assert okafor.text.startswith("Returning to the 2019 line")
    assert okafor.speaker_as_written == "Defence Minister Adaeze Okafor"
    assert okafor.verb == "said"
    assert okafor.speaker == okafor.shown_speaker
    assert not okafor.is_corrected
    assert Speaker.objects.get(slug="radomir-stastny").name == "Radomír Šťastný"


def test_refreshing_again_changes_nothing_and_keeps_ids():
    article = make_quoted_article()
    ids = list(Quote.objects.in_article(article).values_list("pk", flat=True))
    changed_at = article.annotations_changed_at
    result = quotes_refresh(article=article)
    assert (result.found, result.kept, result.added, result.removed) == (2, 2, 0, 0)
    assert not result.changed
    assert list(Quote.objects.in_article(article).values_list("pk", flat=True)) == ids
    article.refresh_from_db()
    assert article.annotations_changed_at == changed_at


def test_a_revision_keeps_surviving_quotes_and_their_corrections():
    article = make_quoted_article()
    okafor, envoy = Quote.objects.in_article(article)
    reader = make_user()
    attribution_correct(quote=envoy, reader=reader, speaker_name="Someone Else")
    attribution_correct(quote=okafor, reader=reader, speaker_name="Another Person")
    # The new text moves the Okafor quote down, drops the envoy's and rewords one word.
    revised = "Earlier paragraph added on top.\n\n" + TALKS.replace(
        "everyone in that room", "everybody in that room"
    ).replace("“A pause in shelling is welcome. It is not a settlement,” said", "Said")
    revision = article_revise(
        article=article, title=article.title, body=revised, body_format="markdown"
    )
    result = revision.followed["claims"]  # a new revision finds its quotes again
    assert (result.kept, result.added, result.removed) == (1, 0, 1)
    article.refresh_from_db()
    kept = Quote.objects.get(article=article)
    assert kept.pk == okafor.pk
    assert "everybody" in kept.text
    assert article.body_text[kept.start : kept.end] == kept.text
    assert AttributionCorrection.objects.filter(quote=kept).count() == 1
    assert not AttributionCorrection.objects.filter(quote_id=envoy.pk).exists()


def test_the_same_quote_in_two_articles_is_linked_both_ways():
    talks = make_quoted_article(title="Talks")
    markets = make_quoted_article(title="Markets", body=MARKETS)
    talks_quote = Quote.objects.in_article(talks).first()
    markets_quote = Quote.objects.get(article=markets)
    assert list(talks_quote.same_quotes.all()) == [markets_quote]
    assert list(markets_quote.same_quotes.all()) == [talks_quote]
    envoy = Quote.objects.in_article(talks).last()
    assert not envoy.same_quotes.exists()


def test_linking_marks_the_other_article_changed_and_unlinking_removes_both_sides():
    talks = make_quoted_article(title="Talks")
    before = talks.annotations_changed_at
    markets = make_quoted_article(title="Markets", body=MARKETS)
    talks.refresh_from_db()
    assert talks.annotations_changed_at > before
    article_revise(
        article=markets, title="Markets", body="Nobody was quoted today.", body_format="markdown"
    )
    assert not Quote.objects.filter(article=markets).exists()
    assert Quote.same_quotes.through.objects.count() == 0


def test_an_import_linked_to_many_articles_costs_the_queries_of_one():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def import_linked_to(count: int) -> int:
        for number in range(count):
            make_quoted_article(title=f"Talks {count}-{number}")
        with CaptureQueriesContext(connection) as queries:
            latest = make_quoted_article(title=f"Talks {count}, latest")
        linked = {q.article_id for quote in latest.quotes.all() for q in quote.same_quotes.all()}
        assert len(linked) >= count  # linked to every earlier article of this round
        return len(queries.captured_queries)

    assert import_linked_to(2) == import_linked_to(8)
    marked = make_quoted_article(title="Talks, stamped")
    others = Quote.same_quotes.through.objects.filter(from_quote__article=marked)
    for other in {link.to_quote.article for link in others}:
        assert other.annotations_changed_at >= marked.created_at


def test_short_common_phrases_are_not_linked_across_articles():
    first = make_quoted_article(title="One", body="The bank said it would “act decisively”.")
    second = make_quoted_article(title="Two", body="The council promised to “act decisively”.")
    assert Quote.objects.filter(article__in=[first, second]).count() == 2
    assert Quote.same_quotes.through.objects.count() == 0


def test_an_article_without_quotes_stores_none():
    article = make_article(body="A plain report of numbers: 14 crossing points, 30 days.")
    result = quotes_refresh(article=article)
    assert result.found == 0
    assert not Quote.objects.exists()


# --- who said it ---------------------------------------------------------------------------------


def test_the_machine_wins_a_tie_with_one_reader():
    assert shown_speaker_for(1, [(2, T0)]) == 1


def test_two_readers_overturn_the_machine():
    assert shown_speaker_for(1, [(2, T0), (2, T0 + timedelta(seconds=1))]) == 2


def test_readers_agreeing_with_the_machine_add_to_it():
    corrections = [(1, T0), (2, T0), (2, T0)]
    assert shown_speaker_for(1, corrections) == 1  # one reader and the machine against two
    assert shown_speaker_for(1, [*corrections, (2, T0)]) == 2


def test_without_a_machine_guess_the_first_answer_wins_ties():
    assert shown_speaker_for(None, [(3, T0 + timedelta(1)), (2, T0)]) == 2
    assert shown_speaker_for(None, []) is None


def test_corrections_change_the_shown_speaker_and_keep_the_guess():
    article = make_quoted_article()
    quote = Quote.objects.in_article(article).first()
    machine = quote.speaker
    first, second = make_user(), make_user()
    attribution_correct(quote=quote, reader=first, speaker_name="Priyanka Raman")
    quote.refresh_from_db()
    assert quote.shown_speaker == machine
    attribution_correct(quote=quote, reader=second, speaker_name="  Priyanka   Raman ")
    quote.refresh_from_db()
    assert quote.shown_speaker.name == "Priyanka Raman"
    assert quote.speaker == machine
    assert quote.is_corrected
    attribution_withdraw(quote=quote, reader=second)
    quote.refresh_from_db()
    assert quote.shown_speaker == machine


def test_a_reader_has_one_answer_per_quote_and_may_change_it():
    article = make_quoted_article()
    quote = Quote.objects.in_article(article).first()
    reader = make_user()
    attribution_correct(quote=quote, reader=reader, speaker_name="First Guess")
    attribution_correct(quote=quote, reader=reader, speaker_name="Second Guess")
    assert AttributionCorrection.objects.get(quote=quote).speaker.name == "Second Guess"


def test_a_correction_marks_the_article_changed_for_the_reader_cache():
    article = make_quoted_article()
    quote = Quote.objects.in_article(article).select_related("article").first()
    before = article.annotations_changed_at
    attribution_correct(quote=quote, reader=make_user(), speaker_name="Someone")
    article.refresh_from_db()
    assert article.annotations_changed_at > before


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "Write the name"),
        ("   ", "Write the name"),
        ("<script>alert(1)</script>", "Write the name"),
        ("!!! ???", "needs letters"),
        ("A" * 121, "at most 120"),
        ("<b>" * 200, "at most 120"),
    ],
)
def test_bad_speaker_names_are_refused_and_nothing_is_written(raw, reason):
    article = make_quoted_article()
    quote = Quote.objects.in_article(article).first()
    speakers = Speaker.objects.count()
    with pytest.raises(ValidationError) as refused:
        attribution_correct(quote=quote, reader=make_user(), speaker_name=raw)
    assert reason in " ".join(refused.value.messages)
    assert not AttributionCorrection.objects.exists()
    assert Speaker.objects.count() == speakers


def test_speaker_names_are_sanitised_to_plain_text():
    article = make_quoted_article()
    quote = Quote.objects.in_article(article).first()
    attribution_correct(
        quote=quote, reader=make_user(), speaker_name='<img src=x onerror="x()">Ana <b>Lima</b>'
    )
    assert AttributionCorrection.objects.get().speaker.name == "Ana Lima"


def test_corrections_are_rate_limited(monkeypatch):
    monkeypatch.setattr(services, "CORRECTIONS_PER_MINUTE", 2)
    article = make_quoted_article()
    first, second = Quote.objects.in_article(article)
    reader = make_user()
    attribution_correct(quote=first, reader=reader, speaker_name="One Name")
    attribution_correct(quote=second, reader=reader, speaker_name="Two Name")
    with pytest.raises(RateLimited):
        attribution_correct(quote=first, reader=reader, speaker_name="Three Name")
    assert AttributionCorrection.objects.get(quote=first).speaker.name == "One Name"
