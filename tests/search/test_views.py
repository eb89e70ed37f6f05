from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsapp.annotations.services import reply_create
from tests.claims.factories import make_quoted_article
from tests.factories import make_annotation, make_article, make_user
from tests.search.helpers import found

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/search/"


def get(client, **params):
    return client.get(reverse("search:results"), params)


def test_the_url():
    assert reverse("search:results") == URL


def test_every_page_has_the_search_box_in_its_header(client):
    html = client.get(reverse("articles:library")).content.decode()
    form = re.search(r'<form class="site-search"[^>]*>', html).group(0)
    assert f'action="{URL}"' in form
    assert 'method="get"' in form
    assert 'aria-keyshortcuts="/"' in html
    assert re.search(r'<script src="[^"]*js/search\.js" defer></script>', html)


def test_the_page_without_a_search_explains_itself(client):
    response = get(client)
    assert response.status_code == 200
    assert "Search every article, note, reply, quotation" in response.content.decode()


def test_results_page_groups_the_hits_and_marks_the_words(client):
    article = make_article(title="Dredging the harbour mouth")
    make_annotation(article=article, author=make_user("ana"), note="Dredging costs rose")
    response = get(client, q="dredging")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert html.index('id="group-articles"') < html.index('id="group-notes"')
    assert "<mark>Dredging</mark> the harbour mouth" in html
    assert "<mark>Dredging</mark> costs rose" in html
    assert 'href="?q=dredging&amp;in=notes"' in html


def test_note_excerpts_show_the_words_not_the_markdown(client):
    article = make_article(title="Pier repairs")
    make_annotation(
        article=article,
        author=make_user("ana"),
        note="**Dredging** was [never funded](https://council.example/minutes).",
    )
    for params in ({"q": "dredging"}, {"q": "user:ana"}):
        html = get(client, **params).content.decode()
        assert "was never funded." in html
        assert "**" not in html
        assert "](https://council.example" not in html


def test_htmx_gets_only_the_results_and_the_header_gets_quick_results(client):
    make_article(title="Dredging the harbour mouth")
    fragment = client.get(URL, {"q": "dredging"}, **HTMX)
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<section id="search-results"')
    assert "HX-Request" in fragment["Vary"]

    preview = client.get(URL, {"q": "dredging", "preview": "1"}, **HTMX).content.decode()
    assert 'class="search-preview-list"' in preview
    assert "search-results" not in preview
    assert f'href="{URL}?q=dredging"' in preview


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"q": "before:someday"}, "is not a date"),
        ({"q": "tag:"}, "needs a value"),
        ({"q": "-budget"}, "Add a word to find"),
        ({"q": "x" * 501}, "at most 500 characters"),
        ({"q": "?!"}, "has no words to search for"),
        ({"q": "is:mine budget"}, "Sign in to search your own notes"),
        ({"q": "budget", "in": "everything"}, "There is no “everything” group"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client, params, reason):
    for headers in ({}, HTMX):
        response = client.get(URL, params, **headers)
        assert response.status_code == 400
        assert reason in response.content.decode()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text(max_size=500),
    group=st.sampled_from(["", "articles", "notes", "quotes", "people", "tags", "sources"]),
    page=st.text(max_size=30),
)
def test_any_search_answers_200_or_400_never_500(client, text, group, page):
    response = client.get(URL, {"q": text, "in": group, "page": page}, **HTMX)
    assert response.status_code in {200, 400}


def test_one_group_is_paged(client):
    for number in range(23):
        make_article(title=f"Lighthouse log {number}")
    second = get(client, q="lighthouse", **{"in": "articles", "page": "2"}).content.decode()
    assert second.count('class="search-hit"') == 3
    assert "Page 2 of 2" in second
    beyond = get(client, q="lighthouse", **{"in": "articles", "page": "99999"}).content.decode()
    assert "Page 2 of 2" in beyond
    huge = get(client, q="lighthouse", **{"in": "articles", "page": "9" * 5000})
    assert "Page 2 of 2" in huge.content.decode()
    for nonsense in ("two", "²", "-1", "1.5"):
        html = get(client, q="lighthouse", **{"in": "articles", "page": nonsense}).content
        assert "Page 1 of 2" in html.decode()


def test_a_title_match_ranks_above_a_mention_in_the_text():
    mention = make_article(title="Port budget", body="The lighthouse needs paint.")
    titled = make_article(title="Lighthouse restored", body="Work finished on Monday.")
    assert found(None, "lighthouse")["articles"] == [titled, mention]


def test_phrase_or_and_exclusion():
    make_article(title="Flood basins approved", body="Nine car parks become basins.")
    make_article(title="Basins for the flood plain", body="The plain floods each year.")
    phrase = found(None, '"flood basins"')["articles"]
    assert [a.title for a in phrase] == ["Flood basins approved"]
    either = found(None, "approved OR plain")["articles"]
    assert {a.title for a in either} == {"Flood basins approved", "Basins for the flood plain"}
    without = found(None, "basins -parks")["articles"]
    assert [a.title for a in without] == ["Basins for the flood plain"]


def test_note_filters_user_tag_kind_reply_and_is_mine(client):
    article = make_article()
    ana, ben = make_user("ana"), make_user("ben")
    claim = make_annotation(
        article=article, author=ana, kind="claim", note="Costs", tags=["budget"]
    )
    note = make_annotation(
        article=article, author=ben, note="Costs again", tags=["budget", "roads"]
    )
    reply = reply_create(parent=claim, author=ben, note="Costs were lower")
    assert set(found(None, "user:ana")["notes"]) == {claim}
    assert set(found(None, "user:ANA user:ben costs")["notes"]) == {claim, note, reply}
    assert set(found(None, "tag:budget tag:roads")["notes"]) == {note}
    assert set(found(None, "kind:claim")["notes"]) == {claim}
    assert set(found(None, "kind:reply costs")["notes"]) == {reply}
    assert set(found(ben, "is:mine")["notes"]) == {note, reply}
    assert set(found(None, "user:ana")) == {"notes"}  # articles and quotes are not notes


def test_speaker_and_source_filters():
    talks = make_quoted_article(source_name="Geneva Ledger", source_url="https://ledger.example/a")
    other = make_quoted_article(source_name="Other Paper")
    quotes = found(None, 'speaker:"Adaeze Okafor"')["quotes"]
    assert {quote.article for quote in quotes} == {talks, other}
    assert {quote.shown_speaker.name for quote in quotes} == {"Adaeze Okafor"}
    narrowed = found(None, 'speaker:okafor source:"geneva ledger"')["quotes"]
    assert {quote.article for quote in narrowed} == {talks}
    assert found(None, "source:ledger shelling")["articles"] == [talks]
    assert found(None, "source:ledger.example shelling")["articles"] == [talks]


def test_date_filters_use_the_publication_date():
    old = make_article(title="Tram line study", published_at=datetime(2025, 5, 1, tzinfo=UTC))
    new = make_article(title="Tram line opens", published_at=datetime(2026, 3, 2, tzinfo=UTC))
    assert found(None, "tram after:2026")["articles"] == [new]
    assert found(None, "tram before:2026-03")["articles"] == [old]
    assert "articles" not in found(None, "tram after:2026-03-03")


def queries_for(client, text: str) -> int:
    client.get(URL, {"q": text})  # warm: cached configurations
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": text}).status_code == 200
    return len(queries.captured_queries)


def seed(count: int) -> None:
    author = make_user()
    for number in range(count):
        article = make_quoted_article(title=f"Ceasefire talks day {number}")
        make_annotation(
            article=article, author=author, exact="Monitors will watch", note="Ceasefire notes",
            tags=["ceasefire"],
        )  # fmt: skip


def test_the_number_of_queries_does_not_grow_with_the_results(client):
    seed(2)
    few = queries_for(client, "ceasefire")
    seed(12)
    assert queries_for(client, "ceasefire") == few
