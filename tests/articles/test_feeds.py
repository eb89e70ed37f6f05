from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsapp.articles.feeds import FeedError, fetch_feed, parse_feed
from newsapp.articles.fetch import FetchError
from tests.webserver import HTTP_DATE, LATER_HTTP_DATE, LocalSite, atom_feed, rss_feed

pytest_plugins = ["tests.webserver"]

FEED_URL = "https://post.veldhaven.example/feeds/news.xml"

RSS_ITEMS = [
    {
        "title": "Harbour town votes to turn its old ferry terminal into a public library",
        "link": "https://post.veldhaven.example/news/ferry-library/?utm_source=rss&utm_medium=feed",
        "guid": "veldhaven-post-10231",
        "pub_date": "Tue, 03 Mar 2026 07:45:00 +0100",
        "description": "<p>Councillors voted <b>seven to two</b> on Monday.</p>",
    },
    {
        "title": "Night buses return to the coastal line",
        "link": "/news/night-buses",
        "guid": "veldhaven-post-10198",
        "pub_date": "Wed, 18 Feb 2026 16:20:00 GMT",
        "description": "Service resumes in April &amp; runs on weekends.",
    },
    {"title": "Item without a link is skipped", "guid": "veldhaven-post-10100"},
]

ATOM_ENTRIES = [
    {
        "title": "Youth choir wins the national prize",
        "link": "/culture/choir-prize",
        "id": "tag:post.veldhaven.example,2026:culture-77",
        "updated": "2026-03-04T09:30:00+02:00",
        "summary": "<p>The choir sang <em>three</em> new pieces.</p>",
    },
    {
        "title": "A mural for the fish market",
        "link": "https://post.veldhaven.example/culture/mural#comments",
        "id": "tag:post.veldhaven.example,2026:culture-75",
        "updated": "2026-03-01T12:00:00Z",
    },
]


def test_parse_rss() -> None:
    feed = parse_feed(rss_feed(RSS_ITEMS).encode(), FEED_URL)
    assert feed.title == "Veldhaven Post: News"
    assert feed.site_url == "https://post.veldhaven.example/"
    assert [entry.guid for entry in feed.entries] == [
        "veldhaven-post-10231",
        "veldhaven-post-10198",
    ]
    first, second = feed.entries
    assert first.url == "https://post.veldhaven.example/news/ferry-library"
    assert first.title == RSS_ITEMS[0]["title"]
    assert first.published_at == datetime(2026, 3, 3, 6, 45, tzinfo=UTC)
    assert first.summary == "Councillors voted seven to two on Monday."
    assert second.url == "https://post.veldhaven.example/news/night-buses"
    assert second.summary == "Service resumes in April & runs on weekends."


def test_parse_atom() -> None:
    feed = parse_feed(atom_feed(ATOM_ENTRIES).encode(), FEED_URL)
    assert feed.title == "Veldhaven Post: Culture"
    assert feed.site_url == "https://post.veldhaven.example/culture"
    choir, mural = feed.entries
    assert choir.guid == "tag:post.veldhaven.example,2026:culture-77"
    assert choir.url == "https://post.veldhaven.example/culture/choir-prize"
    assert choir.published_at == datetime(2026, 3, 4, 7, 30, tzinfo=UTC)
    assert choir.summary == "The choir sang three new pieces."
    assert mural.url == "https://post.veldhaven.example/culture/mural"
    assert mural.summary == ""


def test_guid_falls_back_to_the_link_and_duplicates_are_dropped() -> None:
    items = [
        {"title": "One", "link": "https://post.veldhaven.example/a?fbclid=1"},
        {"title": "One again", "link": "https://post.veldhaven.example/a"},
        {"title": "Two", "link": "javascript:alert(1)"},
    ]
    feed = parse_feed(rss_feed(items).encode(), FEED_URL)
    assert [(entry.guid, entry.title) for entry in feed.entries] == [
        ("https://post.veldhaven.example/a", "One")
    ]


def test_feed_without_entries_is_valid_and_empty() -> None:
    feed = parse_feed(rss_feed([]).encode(), FEED_URL)
    assert feed.entries == []
    assert feed.title == "Veldhaven Post: News"


def test_truncated_feed_with_readable_entries_is_accepted() -> None:
    truncated = rss_feed(RSS_ITEMS[:2]).encode()[:-40]
    feed = parse_feed(truncated, FEED_URL)
    assert len(feed.entries) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not xml at all", "could not be read"),
        (b"<rss version='2.0'><channel><title>Cut off", "could not be read"),
        (b"<html><body><p>A web page, not a feed.</p></body></html>", "not an RSS or Atom feed"),
        (b"", "not an RSS or Atom feed"),
        (b"/etc/passwd", "could not be read"),  # a path is content, never opened as a file
    ],
)
def test_malformed_feeds_raise(content: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(content, FEED_URL)


def test_entity_declarations_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<rss version="2.0"><channel><title>&b;</title></channel></rss>'
    )
    with pytest.raises(FeedError, match="entities"):
        parse_feed(bomb, FEED_URL)


def test_fetch_feed_then_revalidate(local_site: LocalSite) -> None:
    url = local_site.add(
        "/rss",
        rss_feed(RSS_ITEMS),
        content_type="application/rss+xml; charset=utf-8",
        etag='"feed-1"',
        last_modified=HTTP_DATE,
    )
    first = fetch_feed(url, allow_loopback=True)
    assert not first.not_modified
    assert first.etag == '"feed-1"'
    assert first.last_modified == HTTP_DATE
    assert first.feed is not None
    assert len(first.feed.entries) == 2
    assert local_site.requests[-1].headers["accept"].startswith("application/rss+xml")

    again = fetch_feed(url, allow_loopback=True, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified
    assert again.feed is None
    assert local_site.requests[-1].headers["if-none-match"] == '"feed-1"'
    assert local_site.requests[-1].headers["if-modified-since"] == HTTP_DATE

    newer = [{"title": "Fresh item", "link": "/news/fresh", "guid": "veldhaven-post-10240"}]
    local_site.add(
        "/rss",
        rss_feed(newer + RSS_ITEMS),
        content_type="application/rss+xml",
        etag='"feed-2"',
        last_modified=LATER_HTTP_DATE,
    )
    changed = fetch_feed(
        url, allow_loopback=True, etag=first.etag, last_modified=first.last_modified
    )
    assert not changed.not_modified
    assert changed.etag == '"feed-2"'
    assert changed.feed is not None
    assert changed.feed.entries[0].title == "Fresh item"
    assert changed.feed.entries[0].url == local_site.url("/news/fresh")


def test_fetch_atom_by_last_modified_only(local_site: LocalSite) -> None:
    url = local_site.add(
        "/atom",
        atom_feed(ATOM_ENTRIES),
        content_type="application/atom+xml",
        last_modified=HTTP_DATE,
    )
    first = fetch_feed(url, allow_loopback=True)
    assert first.feed is not None
    # Relative entry links resolve against the feed's own address when the feed gives no base.
    assert first.feed.entries[0].url.endswith("/culture/choir-prize")
    assert fetch_feed(url, allow_loopback=True, last_modified=HTTP_DATE).not_modified


@pytest.mark.parametrize("content_type", ["text/xml", "application/xml"])
def test_generic_xml_types_are_accepted(local_site: LocalSite, content_type: str) -> None:
    url = local_site.add("/feed", rss_feed(RSS_ITEMS), content_type=content_type)
    assert fetch_feed(url, allow_loopback=True).feed is not None


def test_latin1_feed_declared_in_the_xml(local_site: LocalSite) -> None:
    items = [{"title": "Café på torget åpner igjen", "link": "/a", "guid": "x-1"}]
    body = rss_feed(items).replace('encoding="utf-8"', 'encoding="iso-8859-1"')
    url = local_site.add("/feed", body, content_type="application/rss+xml", encoding="latin-1")
    fetched = fetch_feed(url, allow_loopback=True)
    assert fetched.feed is not None
    assert fetched.feed.entries[0].title == "Café på torget åpner igjen"


def test_html_page_instead_of_feed_is_refused(local_site: LocalSite) -> None:
    url = local_site.add("/page", "<html><body>Not a feed</body></html>")
    with pytest.raises(FetchError) as caught:
        fetch_feed(url, allow_loopback=True)
    assert caught.value.code == FetchError.BAD_CONTENT_TYPE


def test_malformed_feed_over_http(local_site: LocalSite) -> None:
    url = local_site.add("/broken", "<rss><channel><title>Oops", content_type="application/rss+xml")
    with pytest.raises(FeedError):
        fetch_feed(url, allow_loopback=True)


def test_missing_feed_is_a_fetch_error(local_site: LocalSite) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_feed(local_site.url("/no-feed-here"), allow_loopback=True)
    assert caught.value.status == 404


def test_fetch_feed_refuses_internal_addresses() -> None:
    with pytest.raises(FetchError) as caught:
        fetch_feed("http://169.254.169.254/feed.xml")
    assert caught.value.code == FetchError.FORBIDDEN_ADDRESS
