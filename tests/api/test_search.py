"""Hypothesis-shaped search: ``{"total", "rows"}`` with the same filters as the container."""

from __future__ import annotations

import pytest

from tests.api.conftest import SOURCE
from tests.api.support import auth
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(article, author):
    other = make_user("tomasz")
    return [
        make_annotation(
            article=article, author=author, visibility="public", tags=["budget"], note="Who pays?"
        ),
        make_annotation(
            article=article,
            author=other,
            exact="84 million euros",
            visibility="public",
            kind="claim",
            note="The audit said 91.",
        ),
        make_annotation(
            article=article, author=other, exact="too high", visibility="public", kind="quote"
        ),
    ]


def search(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_rows_have_the_hypothesis_shape(client, notes):
    row = search(client, tag="budget")["rows"][0]
    assert row["id"] == notes[0].public_id
    assert row["user"] == "acct:adaeze@testserver"
    assert row["uri"] == SOURCE
    assert row["text"] == "Who pays?"
    assert row["tags"] == ["budget"]
    assert row["target"][0]["selector"][0] == {
        "type": "TextQuoteSelector",
        "exact": notes[0].exact,
        "suffix": notes[0].suffix,
    }
    assert row["links"]["json"] == f"http://testserver/api/annotations/{notes[0].public_id}"
    assert row["permissions"]["read"] == ["group:__world__"]


def test_total_counts_every_match_while_rows_are_limited(client, notes):
    found = search(client, limit=1)
    assert found["total"] == 3
    assert len(found["rows"]) == 1


def test_offset_pages_through(client, notes):
    first = search(client, limit=2, sort="created", order="asc")["rows"]
    rest = search(client, limit=2, offset=2, sort="created", order="asc")["rows"]
    assert [row["id"] for row in first + rest] == [note.public_id for note in notes]


def test_sort_orders(client, notes):
    rows = search(client, sort="created", order="desc")["rows"]
    assert [row["id"] for row in rows] == [note.public_id for note in reversed(notes)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "tomasz"}, [1, 2]),
        ({"user": "acct:tomasz@testserver"}, [1, 2]),
        ({"tag": "budget"}, [0]),
        ({"kind": "claim"}, [1]),
        ({"q": "audit"}, [1]),
        ({"q": "audits"}, [1]),  # words, not substrings: the index reads stems
        ({"q": "euros"}, [1]),  # the marked words count too
        ({"q": '"said 91"'}, [1]),
        ({"q": "pays OR audit"}, [0, 1]),
        ({"q": "-audit pays"}, [0]),
        ({"quote": "too high"}, [2]),
        ({"uri": SOURCE}, [0, 1, 2]),
        ({"uri": "https://unrelated.example/"}, []),
    ],
)
def test_filters(client, notes, params, expected):
    rows = search(client, sort="created", order="asc", **params)["rows"]
    assert [row["id"] for row in rows] == [notes[i].public_id for i in expected]


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"limit": "many"}, "?limit"),
        ({"limit": 500}, "?limit"),
        ({"offset": -1}, "?offset"),
        ({"sort": "author"}, "?sort"),
        ({"order": "up"}, "?order"),
        ({"kind": "rumour"}, "?kind"),
        ({"q": "?!"}, "?q"),  # no word to find
        ({"q": "-audit"}, "?q"),  # only a word to leave out
    ],
)
def test_bad_parameters_are_400_naming_them(client, db, params, path):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert response.json()["path"] == path


def test_q_with_search_filters_is_a_400_saying_which_parameters_filter(client, notes):
    response = client.get("/api/search", {"q": "user:tomasz audit"})
    assert response.status_code == 400
    assert response.json()["path"] == "?q"
    assert "use the user, tag and kind parameters" in response.json()["message"]


def test_private_notes_appear_only_for_their_author(client, article, author, token):
    make_annotation(article=article, author=author, visibility="private")
    assert search(client)["total"] == 0
    assert client.get("/api/search", **auth(token)).json()["total"] == 1


def test_search_queries_do_not_grow_with_the_rows(client, notes, django_assert_max_num_queries):
    client.get("/api/search", {"limit": 1})
    with django_assert_max_num_queries(8) as few:
        client.get("/api/search", {"limit": 1})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/search", {"limit": 3}).json()["rows"]) == 3


@pytest.mark.parametrize("uri", ["http://[::1", "not a url", "urn:isbn:0451450523"])
def test_odd_uris_find_nothing_without_failing(client, notes, uri):
    assert search(client, uri=uri)["total"] == 0


def test_too_many_uris_are_refused(client, db):
    response = client.get("/api/search", {"uri": [f"https://a.example/{n}" for n in range(21)]})
    assert response.status_code == 400
    assert response.json()["path"] == "?uri"
