"""The library page: tabs for the reader's list and archive, and cards with an excerpt, the lead
image, reading time left, "New since your last visit" and the most highlighted words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsapp.articles.models import Article, Feed, FeedItem, FeedSubscription
from newsapp.reading.models import LibraryVisit, Status
from newsapp.reading.services import reading_record_progress, reading_set_status
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

LIBRARY = reverse("articles:library")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reader(client):
    user = make_user("reader")
    client.force_login(user)
    return user


def tabs(html: str) -> list[tuple[str, str, bool]]:
    """(label, count, current) of each library tab, as a wide screen shows them."""
    found = []
    for attributes, inner in re.findall(r'<a ([^>]*class="shelf-tab"[^>]*)>(.*?)</a>', html, re.S):
        inner = re.sub(r'<span class="tab-label-short">.*?</span>', "", inner)
        count = re.search(r'<span class="tab-count">(\d+)</span>', inner).group(1)
        label = re.sub(r"<[^>]+>", "", inner.replace(count, "")).strip()
        found.append((label, count, 'aria-current="page"' in attributes))
    return found


def current_tab(html: str) -> str:
    return next((label for label, _, current in tabs(html) if current), "")


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"><a [^>]*>([^<]+)</a>', html)


def test_signed_in_the_library_opens_on_my_reading_list(client, reader):
    saved = make_article(title="Saved story")
    make_article(title="Other story")
    reading_set_status(reader=reader, article=saved, status=Status.SAVED)
    html = client.get(LIBRARY).content.decode()
    assert current_tab(html) == "My reading list"
    assert titles(html) == ["Saved story"]


def test_each_tab_shows_its_count(client, reader):
    first, second, third = (make_article(title=f"Story {n}") for n in range(3))
    reading_set_status(reader=reader, article=first, status=Status.SAVED)
    reading_set_status(reader=reader, article=second, status=Status.ARCHIVED)
    html = client.get(LIBRARY).content.decode()
    counts = {label: count for label, count, _ in tabs(html)}
    assert counts == {"My reading list": "1", "Library": "3", "Archive": "1"}
    assert third.title not in titles(html)


def test_the_archive_and_the_library_tabs(client, reader):
    read, unread = make_article(title="Read story"), make_article(title="Unread story")
    reading_set_status(reader=reader, article=read, status=Status.ARCHIVED)
    archive = client.get(LIBRARY, {"shelf": "archive"}).content.decode()
    assert titles(archive) == ["Read story"]
    everything = client.get(LIBRARY, {"shelf": "all"}).content.decode()
    assert set(titles(everything)) == {read.title, unread.title}


def test_a_tab_as_an_htmx_fragment_and_as_a_page(client, reader):
    make_article(title="Just added")
    page = client.get(LIBRARY, {"shelf": "all"})
    fragment = client.get(LIBRARY, {"shelf": "all"}, **HTMX)
    assert "<html" in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert 'id="results"' in fragment.content.decode()
    assert current_tab(fragment.content.decode()) == "Library"
    assert "HX-Request" in fragment["Vary"]


def test_an_empty_reading_list_says_how_to_fill_it(client, reader):
    make_article()
    html = client.get(LIBRARY).content.decode()
    assert "Your reading list is empty" in html
    assert "?shelf=all" in html


def test_the_reading_list_keeps_the_search(client, reader):
    bridge, glacier = make_article(title="Bridge story"), make_article(title="Glacier story")
    for article in (bridge, glacier):
        reading_set_status(reader=reader, article=article, status=Status.SAVED)
    html = client.get(LIBRARY, {"shelf": "reading", "q": "Glacier"}).content.decode()
    assert titles(html) == ["Glacier story"]


def test_without_an_account_there_are_no_tabs_and_an_unknown_shelf_is_the_library(client):
    make_article(title="Public story")
    html = client.get(LIBRARY, {"shelf": "reading"}).content.decode()
    assert "shelf-tabs" not in html
    assert titles(html) == ["Public story"]


def test_articles_without_a_date_are_listed_by_when_they_were_added(client):
    old = make_article(title="Dated last year", published_at=timezone.now() - timedelta(days=365))
    undated = make_article(title="Added today without a date")
    Article.objects.filter(pk=old.pk).update(created_at=timezone.now())
    html = client.get(LIBRARY).content.decode()
    assert titles(html) == [undated.title, old.title]
    assert "Added <time" in html


def test_cards_show_an_excerpt_the_lead_image_and_no_unknown_source(client):
    make_article(
        title="With a picture",
        body="The harbour bridge will be widened to four lanes by 2031, the council said.",
        image_url="https://images.example/bridge.jpg",
    )
    html = client.get(LIBRARY).content.decode()
    assert "The harbour bridge will be widened to four lanes by 2031" in html
    assert 'src="https://images.example/bridge.jpg"' in html
    assert "Unknown source" not in html
    assert 'class="card-source"' not in html


def test_a_long_excerpt_is_cut_at_a_word(client):
    words = " ".join(f"word{n}" for n in range(200))
    make_article(title="Long one", body=words)
    html = client.get(LIBRARY).content.decode()
    excerpt = re.search(r'<p class="card-excerpt">([^<]+)</p>', html).group(1)
    assert excerpt.endswith("…")
    assert len(excerpt) <= 241
    assert excerpt[:-1].split(" ")[-1].startswith("word")


def test_a_partly_read_card_says_how_long_is_left(client, reader):
    article = make_article(title="Half read", body="Word " * 2000)
    reading_record_progress(reader=reader, article=article, position=len(article.body_text) // 2)
    html = client.get(LIBRARY).content.decode()
    assert f"{(article.reading_minutes + 1) // 2} min left" in html
    assert '<progress class="card-progress"' in html


def test_feed_items_since_the_last_visit_are_marked_new(client, reader):
    feed = Feed.objects.create(url="https://feeds.example/news.xml", title="Harbour News")
    FeedSubscription.objects.create(feed=feed, user=reader)
    old, new = make_article(title="Seen before"), make_article(title="Arrived since")
    FeedItem.objects.create(
        feed=feed, guid="1", url="https://a.example/1", article=old, status="imported"
    )
    yesterday = timezone.now() - timedelta(days=1)
    FeedItem.objects.filter(article=old).update(created_at=yesterday - timedelta(hours=2))
    LibraryVisit.objects.create(reader=reader, last_seen_at=yesterday)
    FeedItem.objects.create(
        feed=feed, guid="2", url="https://a.example/2", article=new, status="imported"
    )
    html = client.get(LIBRARY, {"shelf": "all"}).content.decode()
    cards = dict(zip(titles(html), html.split('class="article-card"')[1:], strict=True))
    assert "New since your last visit" in cards["Arrived since"]
    assert "New since your last visit" not in cards["Seen before"]


def test_a_card_names_the_words_three_readers_highlighted(client):
    article = make_article(title="Much highlighted")
    for _ in range(3):
        make_annotation(article=article, author=make_user(), exact="widen the harbour bridge")
    html = client.get(LIBRARY).content.decode()
    assert "Most highlighted" in html
    assert "<q>widen the harbour bridge</q>" in html
    assert "3 readers" in html


def test_private_highlights_do_not_make_a_top_highlight(client):
    article = make_article(title="Privately highlighted")
    for visibility in ("public", "public", "private"):
        make_annotation(
            article=article, author=make_user(), exact="harbour bridge", visibility=visibility
        )
    assert "Most highlighted" not in client.get(LIBRARY).content.decode()


def count_queries(client, url, **params) -> int:
    """Queries of one page view with a cold cache (after a first view has noted the visit)."""
    client.get(url, params)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_library_costs_the_same_queries_for_3_or_12_cards(client, reader):
    def fill(count: int) -> None:
        for number in range(count):
            article = make_article(title=f"Story {Article.objects.count()} {number}")
            reading_record_progress(reader=reader, article=article, position=10)
            for _ in range(3):
                make_annotation(article=article, author=make_user(), exact="harbour bridge")

    fill(3)
    few = count_queries(client, LIBRARY)
    fill(9)
    many = count_queries(client, LIBRARY)
    assert many == few
    assert many <= 16
