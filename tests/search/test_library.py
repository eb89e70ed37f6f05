"""The library's search box is the search module's article search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [article.title for article in response.context["page"].object_list]


def test_the_library_ranks_full_text_matches(client):
    make_article(title="Port budget", body="The councils are voting on the lighthouse.")
    make_article(title="Lighthouse restored", body="Work finished on Monday.")
    make_article(title="Unrelated", body="Nothing here.")
    response = client.get(reverse("articles:library"), {"q": "lighthouses"})
    assert titles(response) == ["Lighthouse restored", "Port budget"]
    assert "2 articles matching “lighthouses”" in response.content.decode()


def test_the_library_takes_article_filters(client):
    make_article(title="Tram line", source_name="Ledger")
    make_article(title="Tram depot", source_name="Courier")
    response = client.get(reverse("articles:library"), {"q": "tram source:ledger"})
    assert titles(response) == ["Tram line"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("tag:budget", "use the search page for notes"),
        ("before:soon", "is not a date"),
        ("%%%", "has no words to search for"),
    ],
)
def test_a_library_search_that_cannot_run_says_why(client, query, reason):
    make_article(title="Tram line")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(reverse("articles:library"), {"q": query}, **headers)
        assert response.status_code == 400
        assert reason in response.content.decode()
        assert titles(response) == []


def test_past_the_ranked_window_the_count_says_so(client, monkeypatch):
    monkeypatch.setattr("newsapp.search.groups.WINDOW", 2)
    for number in range(3):
        make_article(title=f"Ferry timetable {number}")
    html = client.get(reverse("articles:library"), {"q": "ferry"}).content.decode()
    assert "2+ articles matching “ferry” (the best of the newest 2)" in html


def test_a_search_on_a_shelf_finds_only_the_shelfs_matches(client):
    from newsapp.reading.services import reading_set_status
    from tests.factories import make_user

    reader = make_user()
    saved = make_article(title="Ferry fares frozen")
    make_article(title="Ferry pier closed")
    reading_set_status(reader=reader, article=saved, status="saved")
    client.force_login(reader)
    on_list = client.get(reverse("articles:library"), {"q": "ferry", "shelf": "reading"})
    everything = client.get(reverse("articles:library"), {"q": "ferry", "shelf": "all"})
    assert titles(on_list) == ["Ferry fares frozen"]
    assert sorted(titles(everything)) == ["Ferry fares frozen", "Ferry pier closed"]
