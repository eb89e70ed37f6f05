"""Feeds: subscribing, conditional polling, deduplication, failures, the feeds pages (full and
HTMX) and the ``fetch_feeds`` command. Offline: feeds and pages come from ``local_site``."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from newsapp.articles.feed_services import feed_mark_read, feed_poll, feed_subscribe
from newsapp.articles.models import Article, Feed, FeedItem, FeedSubscription, Job
from tests.factories import make_user
from tests.webserver import (
    HTTP_DATE,
    LATER_HTTP_DATE,
    SAMPLE_ARTICLE,
    SECOND_ARTICLE,
    article_page,
    atom_feed,
    rss_feed,
)

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def web_settings(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    settings.GLOSS_FETCH_TIMEOUT = 2.0
    settings.TASKS = IMMEDIATE


def item(local_site, guid: str, path: str, title: str) -> dict:
    return {
        "title": title,
        "link": local_site.url(path),
        "guid": guid,
        "pub_date": HTTP_DATE,
        "description": f"Summary of {title}",
    }


@pytest.fixture
def site(local_site):
    """A feed of two stories, both served; ETag v1."""
    ferry = dict(SAMPLE_ARTICLE, canonical=None)
    local_site.add("/news/ferry", article_page(**ferry))
    local_site.add("/news/buses", article_page(**SECOND_ARTICLE))
    local_site.feed_items = [
        item(local_site, "post-1", "/news/ferry", "Ferry terminal becomes a library"),
        item(local_site, "post-2", "/news/buses", "Night buses return"),
    ]
    local_site.add(
        "/feed.xml",
        rss_feed(local_site.feed_items),
        content_type="application/rss+xml",
        etag='"v1"',
        last_modified=HTTP_DATE,
    )
    return local_site


def publish(site, new_item: dict, *, etag: str) -> None:
    site.feed_items = [new_item, *site.feed_items]
    site.add(
        "/feed.xml",
        rss_feed(site.feed_items),
        content_type="application/rss+xml",
        etag=etag,
        last_modified=LATER_HTTP_DATE,
    )


@pytest.fixture
def reader(client):
    user = make_user("tove")
    client.force_login(user)
    return user


# --- Services -----------------------------------------------------------------------------


def test_subscribing_reads_the_feed_and_imports_its_articles(site):
    user = make_user()
    result = feed_subscribe(user=user, url=site.url("/feed.xml"))
    feed = result.subscription.feed
    assert result.created
    assert feed.title == "Veldhaven Post: News"
    assert feed.url == site.url("/feed.xml")
    assert feed.etag == '"v1"'
    assert feed.last_status == Feed.Status.OK
    assert feed.last_new_items == 2
    assert result.poll.imported == 2
    assert result.poll.describe() == "2 new"
    items = {i.guid: i for i in FeedItem.objects.filter(feed=feed)}
    assert set(items) == {"post-1", "post-2"}
    assert items["post-1"].status == FeedItem.Status.IMPORTED
    assert items["post-1"].article.title == SAMPLE_ARTICLE["title"]
    assert items["post-2"].article.source_url == site.url("/news/buses")


def test_polling_is_conditional_and_imports_only_new_entries(site):
    feed = feed_subscribe(user=make_user(), url=site.url("/feed.xml")).subscription.feed
    before = len(site.requests)
    poll = feed_poll(feed)
    conditional = site.requests[before]
    assert poll.not_modified
    assert poll.describe() == "not modified"
    assert conditional.headers["if-none-match"] == '"v1"'
    assert conditional.headers["if-modified-since"] == HTTP_DATE
    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.NOT_MODIFIED

    site.add(
        "/news/harbour",
        article_page(**dict(SAMPLE_ARTICLE, title="Harbour dredging starts", canonical=None)),
    )
    publish(site, item(site, "post-3", "/news/harbour", "Harbour dredging starts"), etag='"v2"')
    poll = feed_poll(feed)
    assert (poll.imported, poll.already_in_library, poll.failed) == (1, 0, 0)
    assert FeedItem.objects.filter(feed=feed).count() == 3
    feed.refresh_from_db()
    assert feed.etag == '"v2"'
    assert feed.last_modified == LATER_HTTP_DATE


def test_an_entry_already_in_the_library_is_linked_not_imported(site):
    feed = feed_subscribe(user=make_user(), url=site.url("/feed.xml")).subscription.feed
    # A new GUID for a page the library has (the same address with a tracking parameter).
    publish(
        site,
        item(site, "post-1-republished", "/news/ferry?utm_source=rss", "Ferry (updated link)"),
        etag='"v2"',
    )
    poll = feed_poll(feed)
    assert (poll.imported, poll.already_in_library) == (0, 1)
    duplicate = FeedItem.objects.get(guid="post-1-republished")
    assert duplicate.status == FeedItem.Status.ALREADY_IN_LIBRARY
    assert duplicate.article == FeedItem.objects.get(guid="post-1").article
    assert Article.objects.count() == 2


def test_a_failing_entry_is_recorded_and_retried(site):
    publish(site, item(site, "post-3", "/news/missing", "Not there yet"), etag='"v2"')
    feed = feed_subscribe(user=make_user(), url=site.url("/feed.xml")).subscription.feed
    failed = FeedItem.objects.get(guid="post-3")
    assert failed.status == FeedItem.Status.FAILED
    assert "404" in failed.error
    assert failed.article is None

    site.add(
        "/news/missing",
        article_page(**dict(SAMPLE_ARTICLE, title="Now it is there", canonical=None)),
    )
    site.add(
        "/feed.xml", rss_feed(site.feed_items), content_type="application/rss+xml", etag='"v3"'
    )
    poll = feed_poll(feed)
    failed.refresh_from_db()
    assert poll.imported == 1
    assert failed.status == FeedItem.Status.IMPORTED
    assert failed.attempts == 2
    assert failed.error == ""


def test_a_page_that_never_imports_is_given_up_after_a_few_attempts(site):
    publish(site, item(site, "post-3", "/news/missing", "Never there"), etag='"v2"')
    feed = feed_subscribe(user=make_user(), url=site.url("/feed.xml")).subscription.feed
    for number in range(5):
        site.add(
            "/feed.xml",
            rss_feed(site.feed_items),
            content_type="application/rss+xml",
            etag=f'"x{number}"',
        )
        feed_poll(feed)
    assert FeedItem.objects.get(guid="post-3").attempts == FeedItem.MAX_ATTEMPTS


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"<rss><channel><title>Broken</titl", "application/rss+xml", "could not be read"),
        (b'{"items": []}', "application/json", "application/json"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>',
            "application/rss+xml",
            "entities",
        ),
    ],
)
def test_subscribing_to_something_that_is_not_a_feed_writes_nothing(
    local_site, content, content_type, reason
):
    url = local_site.add("/bad.xml", content, content_type=content_type)
    with pytest.raises(ValidationError) as refused:
        feed_subscribe(user=make_user(), url=url)
    assert reason in " ".join(refused.value.messages)
    assert not Feed.objects.exists()
    assert not FeedSubscription.objects.exists()


def test_a_feed_that_breaks_keeps_its_items_and_shows_the_error(site):
    feed = feed_subscribe(user=make_user(), url=site.url("/feed.xml")).subscription.feed
    site.add("/feed.xml", "<h1>Maintenance</h1>", status=503)
    poll = feed_poll(feed)
    feed.refresh_from_db()
    assert poll.error
    assert "503" in poll.error
    assert poll.describe().startswith("failed: ")
    assert feed.last_status == Feed.Status.ERROR
    assert "503" in feed.last_error
    assert feed.items.count() == 2


def test_atom_feeds_are_read_too(local_site):
    local_site.add("/culture/choir", article_page(**dict(SECOND_ARTICLE, title="Choir wins")))
    url = local_site.add(
        "/culture.atom",
        atom_feed(
            [
                {
                    "title": "Choir wins",
                    "link": local_site.url("/culture/choir"),
                    "id": "urn:post:choir",
                    "updated": "2026-03-04T09:30:00Z",
                }
            ]
        ),
        content_type="application/atom+xml",
    )
    result = feed_subscribe(user=make_user(), url=url)
    assert result.subscription.feed.title == "Veldhaven Post: Culture"
    assert FeedItem.objects.get().article.title == "Choir wins"


def test_a_second_reader_joins_a_known_feed_without_fetching_it(site):
    feed_subscribe(user=make_user(), url=site.url("/feed.xml"))
    requests = len(site.requests)
    result = feed_subscribe(user=make_user(), url=site.url("/feed.xml") + "?utm_source=x")
    assert result.created
    assert len(site.requests) == requests
    assert Feed.objects.count() == 1
    assert FeedSubscription.objects.count() == 2


def test_unread_counts_follow_reading(site):
    user = make_user()
    subscription = feed_subscribe(user=user, url=site.url("/feed.xml")).subscription
    counted = FeedSubscription.objects.with_unread_counts().get(pk=subscription.pk)
    assert counted.unread == 2
    feed_mark_read(subscription=subscription)
    assert FeedSubscription.objects.with_unread_counts().get(pk=subscription.pk).unread == 0
    site.add("/news/new", article_page(**dict(SECOND_ARTICLE, title="Fresh story")))
    publish(site, item(site, "post-9", "/news/new", "Fresh story"), etag='"v9"')
    feed_poll(subscription.feed)
    assert FeedSubscription.objects.with_unread_counts().get(pk=subscription.pk).unread == 1


# --- The command --------------------------------------------------------------------------


def test_fetch_feeds_polls_every_subscribed_feed(site, local_site):
    feed_subscribe(user=make_user(), url=site.url("/feed.xml"))
    broken = Feed.objects.create(url=local_site.url("/gone.xml"), title="Gone")
    FeedSubscription.objects.create(feed=broken, user=make_user())
    Feed.objects.create(url=local_site.url("/nobody.xml"), title="Nobody follows this")
    out = StringIO()
    call_command("fetch_feeds", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Veldhaven Post: News: not modified" in lines
    assert any(line.startswith("Gone: failed: The server answered 404") for line in lines)
    assert lines[-1] == "2 feed(s) polled, 1 failed."


def test_fetch_feeds_refresh_checks_recent_articles_for_changes(site):
    feed_subscribe(user=make_user(), url=site.url("/feed.xml"))
    changed = copy.deepcopy(SECOND_ARTICLE)
    changed["blocks"].append(("p", "The first night bus ran on schedule, the operator said."))
    site.add("/news/buses", article_page(**changed))
    out = StringIO()
    call_command("fetch_feeds", "--refresh", stdout=out)
    assert "rechecked 2 articles, 1 changed" in out.getvalue()
    buses = Article.objects.get(source_url=site.url("/news/buses"))
    assert buses.revisions.count() == 2
    assert "ran on schedule" in buses.body_text


# --- Views --------------------------------------------------------------------------------


def test_feeds_page_requires_login(client):
    response = client.get(reverse("articles:feeds"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_feeds_page_lists_subscriptions_with_unread_counts_and_errors(client, reader, site):
    feed_subscribe(user=reader, url=site.url("/feed.xml"))
    broken = Feed.objects.create(
        url="https://broken.example/rss",
        title="Broken Gazette",
        last_status=Feed.Status.ERROR,
        last_error="This is not an RSS or Atom feed.",
    )
    FeedSubscription.objects.create(feed=broken, user=reader)
    Feed.objects.create(url="https://other.example/rss", title="Someone else's")
    html = client.get(reverse("articles:feeds")).content.decode()
    assert "Veldhaven Post: News" in html
    assert "2 unread" in html
    assert "2 new items" in html
    assert "Broken Gazette" in html
    assert "This is not an RSS or Atom feed." in html
    assert "Someone else" not in html
    assert 'aria-current="page">Feeds' in html


def test_subscribe_plain_post(client, reader, site):
    response = client.post(reverse("articles:feeds"), {"url": site.url("/feed.xml")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("articles:feeds")
    html = response.content.decode()
    assert "Subscribed to “Veldhaven Post: News”. 2 new." in html
    assert "2 unread" in html


def test_subscribe_htmx_shows_the_result_and_the_new_list(client, reader, site):
    response = client.post(
        reverse("articles:feeds"), {"url": site.url("/feed.xml")}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<div id="subscribe"')
    assert "Subscribed to" in html
    assert 'id="subscriptions" class="subscriptions"' in html
    assert 'hx-swap-oob="true"' in html
    assert "2 unread" in html


@pytest.mark.parametrize(
    ("url", "message"),
    [("", "This field is required."), ("javascript:alert(1)", "Enter a valid URL.")],
)
def test_subscribe_refuses_bad_addresses(client, reader, url, message):
    page = client.post(reverse("articles:feeds"), {"url": url})
    assert page.status_code == 400
    assert message in page.content.decode()
    fragment = client.post(reverse("articles:feeds"), {"url": url}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400
    assert message in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert not Job.objects.exists()


def test_subscribe_twice_is_refused(client, reader, site):
    feed_subscribe(user=reader, url=site.url("/feed.xml"))
    response = client.post(reverse("articles:feeds"), {"url": site.url("/feed.xml")})
    assert response.status_code == 400
    assert "You already follow this feed." in response.content.decode()


def test_subscribe_to_a_malformed_feed(client, reader, local_site):
    url = local_site.add(
        "/bad.xml", b"<rss><channel><title>Cut</ti", content_type="application/rss+xml"
    )
    page = client.post(reverse("articles:feeds"), {"url": url})
    assert page.status_code == 400
    assert "could not be read" in page.content.decode()
    html = client.post(
        reverse("articles:feeds"), {"url": url}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Failed:" in html
    assert "could not be read" in html
    assert not FeedSubscription.objects.exists()


def test_feed_page_lists_items_and_marks_them_read(client, reader, site):
    site.add("/news/missing-too", "<h1>Gone</h1>", status=404)
    publish(site, item(site, "post-3", "/news/missing-too", "A missing story"), etag='"v2"')
    subscription = feed_subscribe(user=reader, url=site.url("/feed.xml")).subscription
    html = client.get(reverse("articles:feed", args=[subscription.feed_id])).content.decode()
    assert SAMPLE_ARTICLE["title"] in html
    assert html.count("is-unread") == 2
    assert "A missing story" in html
    assert "404 Not Found" in html
    again = client.get(reverse("articles:feed", args=[subscription.feed_id])).content.decode()
    assert "is-unread" not in again
    client.force_login(make_user())
    assert client.get(reverse("articles:feed", args=[subscription.feed_id])).status_code == 404


def test_unsubscribe_plain_and_htmx(client, reader, site):
    feed = feed_subscribe(user=reader, url=site.url("/feed.xml")).subscription.feed
    url = reverse("articles:unsubscribe", args=[feed.pk])
    fragment = client.post(url, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.strip().startswith('<section id="subscriptions"')
    assert "No subscriptions yet" in html
    assert not FeedSubscription.objects.exists()
    assert Article.objects.count() == 2
    assert client.post(url).status_code == 404


def test_fetch_now_plain_and_htmx(client, reader, site):
    feed = feed_subscribe(user=reader, url=site.url("/feed.xml")).subscription.feed
    url = reverse("articles:feed_fetch", args=[feed.pk])
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "“Veldhaven Post: News”: not modified." in html
    assert "<html" not in html
    response = client.post(url, follow=True)
    assert "“Veldhaven Post: News”: not modified." in response.content.decode()
    client.force_login(make_user())
    assert client.post(url).status_code == 404
