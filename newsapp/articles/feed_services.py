"""Writes for feeds: subscribe, unsubscribe, poll, and import what a feed lists.

Polling sends the ETag and Last-Modified of the previous fetch, so an unchanged feed costs one
304. Entries are deduplicated by GUID (a FeedItem per GUID and feed) and by canonical URL (an
entry whose page is already in the library links to that article instead of importing it
again). A feed that cannot be fetched or read records the reason on the feed and keeps its
items; an entry that cannot be imported records its reason on its item and is tried again on
later polls, up to FeedItem.MAX_ATTEMPTS times.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsapp.reader import layers

from .feeds import FeedEntry, FeedError, FeedFetch, fetch_feed
from .fetch import FetchError
from .models import Article, Feed, FeedItem, FeedSubscription
from .revisions import RevisionResult, article_refresh
from .services import Progress, article_import_url, canonical_or_error, fetch_options, no_progress

logger = logging.getLogger(__name__)

# New entries imported per feed and poll: a feed that suddenly lists hundreds of entries (or a
# first subscription to a busy one) is worked through over several polls.
MAX_NEW_ITEMS_PER_POLL = 20
REFRESH_WINDOW = timedelta(days=7)


@dataclass
class PollResult:
    feed: Feed
    not_modified: bool = False
    imported: int = 0
    already_in_library: int = 0
    failed: int = 0
    error: str = ""
    refreshed: list[RevisionResult] = field(default_factory=list)
    refresh_errors: int = 0

    def describe(self) -> str:
        if self.error:
            return f"failed: {self.error}"
        if self.not_modified:
            text = "not modified"
        else:
            text = f"{self.imported} new"
            if self.already_in_library:
                text += f", {self.already_in_library} already in the library"
            if self.failed:
                text += f", {self.failed} failed"
        if self.refreshed or self.refresh_errors:
            changed = sum(1 for result in self.refreshed if result.changed)
            text += f"; rechecked {len(self.refreshed)} articles, {changed} changed"
            if self.refresh_errors:
                text += f", {self.refresh_errors} could not be fetched"
        return text


@dataclass
class SubscribeResult:
    subscription: FeedSubscription
    created: bool
    poll: PollResult | None = None


def _fetch(feed_url: str, *, etag: str = "", last_modified: str = "") -> FeedFetch:
    """fetch_feed with the app's fetch settings; raises ValidationError({"url": reason})."""
    try:
        return fetch_feed(
            feed_url, etag=etag or None, last_modified=last_modified or None, **fetch_options()
        )
    except (FetchError, FeedError) as error:
        raise ValidationError({"url": getattr(error, "message", str(error))}) from error


def feed_subscribe(*, user, url: str, on_progress: Progress = no_progress) -> SubscribeResult:
    """Subscribe ``user`` to the feed at ``url``, reading it first if nobody follows it yet.

    Raises ValidationError({"url": reason}) when the address is not a readable feed; nothing
    is written then.
    """
    canonical = canonical_or_error(url)
    feed = Feed.objects.filter(url=canonical).first()
    if feed is not None:
        subscription, created = FeedSubscription.objects.get_or_create(feed=feed, user=user)
        return SubscribeResult(subscription=subscription, created=created)

    on_progress("Reading the feed…")
    fetched = _fetch(url)
    parsed = fetched.feed
    assert parsed is not None  # an unconditional fetch is never "not modified"
    with transaction.atomic():
        feed, _ = Feed.objects.get_or_create(
            url=canonical,
            defaults={
                "title": parsed.title[:300],
                "site_url": parsed.site_url,
                "etag": (fetched.etag or "")[:300],
                "last_modified": (fetched.last_modified or "")[:100],
            },
        )
        subscription, created = FeedSubscription.objects.get_or_create(feed=feed, user=user)
    poll = PollResult(feed=feed)
    import_entries(feed, parsed.entries, poll, on_progress=on_progress)
    _record_fetch(feed, poll)
    return SubscribeResult(subscription=subscription, created=created, poll=poll)


def feed_unsubscribe(*, user, feed: Feed) -> bool:
    """End the subscription; a feed nobody follows any more is no longer polled."""
    deleted, _ = FeedSubscription.objects.filter(feed=feed, user=user).delete()
    return bool(deleted)


def feed_mark_read(*, subscription: FeedSubscription) -> None:
    FeedSubscription.objects.filter(pk=subscription.pk).update(last_read_at=timezone.now())


def feed_poll(
    feed: Feed, *, refresh: bool = False, on_progress: Progress = no_progress
) -> PollResult:
    """Fetch the feed (conditionally) and import its new entries. Never raises for bad input:
    the reason is recorded on the feed and returned in ``PollResult.error``."""
    poll = PollResult(feed=feed)
    on_progress("Reading the feed…")
    try:
        fetched = _fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except ValidationError as error:
        poll.error = " ".join(error.messages)
        _record_fetch(feed, poll)
        return poll
    if fetched.not_modified:
        poll.not_modified = True
    else:
        parsed = fetched.feed
        assert parsed is not None
        feed.title = parsed.title[:300] or feed.title
        feed.site_url = parsed.site_url or feed.site_url
        import_entries(feed, parsed.entries, poll, on_progress=on_progress)
    feed.etag = (fetched.etag or "")[:300]
    feed.last_modified = (fetched.last_modified or "")[:100]
    _record_fetch(feed, poll)
    if refresh:
        refresh_recent_articles(feed, poll, on_progress=on_progress)
    return poll


def feeds_to_poll():
    return Feed.objects.filter(subscriptions__isnull=False).distinct().order_by("id")


def import_entries(
    feed: Feed, entries: list[FeedEntry], poll: PollResult, *, on_progress: Progress = no_progress
) -> None:
    """Import the entries not seen before (and retry failed ones), newest listed first."""
    known = {
        item.guid: item
        for item in FeedItem.objects.filter(feed=feed, guid__in=[e.guid[:1000] for e in entries])
    }
    pending = [
        entry
        for entry in entries
        if entry.guid[:1000] not in known
        or (
            known[entry.guid[:1000]].status == FeedItem.Status.FAILED
            and known[entry.guid[:1000]].attempts < FeedItem.MAX_ATTEMPTS
        )
    ][:MAX_NEW_ITEMS_PER_POLL]
    for number, entry in enumerate(pending, start=1):
        on_progress(f"Importing item {number} of {len(pending)}: {entry.title[:80]}")
        item = known.get(entry.guid[:1000])
        _import_entry(feed, entry, item, poll)


def _import_entry(feed: Feed, entry: FeedEntry, item: FeedItem | None, poll: PollResult) -> None:
    article = None
    error = ""
    try:
        result = article_import_url(
            url=entry.url,
            fallback_title=entry.title,
            fallback_published_at=entry.published_at,
        )
    except ValidationError as refused:
        error = " ".join(refused.messages)
        status = FeedItem.Status.FAILED
        poll.failed += 1
    else:
        article = result.article
        if result.created:
            status = FeedItem.Status.IMPORTED
            poll.imported += 1
        else:
            status = FeedItem.Status.ALREADY_IN_LIBRARY
            poll.already_in_library += 1
    values = {
        "url": entry.url,
        "title": entry.title[:300],
        "published_at": entry.published_at,
        "article": article,
        "status": status,
        "error": error,
    }
    if item is None:
        try:
            with transaction.atomic():
                FeedItem.objects.create(feed=feed, guid=entry.guid[:1000], **values)
                _tell_followers(feed, article, status)
        except IntegrityError:
            # A concurrent poll recorded it first.
            logger.info("feed item %s of feed %s recorded twice", entry.guid, feed.pk)
    else:
        for name, value in values.items():
            setattr(item, name, value)
        item.attempts += 1
        with transaction.atomic():
            item.save()
            _tell_followers(feed, article, status)


def _tell_followers(feed: Feed, article: Article | None, status: str) -> None:
    """A new article from the feed: the reader layers hear of it (its followers are told)."""
    if article is not None and status == FeedItem.Status.IMPORTED:
        layers.follow_change(
            layers.Change(
                layers.FEED_ITEM_IMPORTED,
                article=article,
                detail={"feed": feed.pk, "feed_title": str(feed)[:80]},
            )
        )


def _record_fetch(feed: Feed, poll: PollResult) -> None:
    feed.last_fetched_at = timezone.now()
    if poll.error:
        feed.last_status = Feed.Status.ERROR
        feed.last_error = poll.error
    else:
        feed.last_status = Feed.Status.NOT_MODIFIED if poll.not_modified else Feed.Status.OK
        feed.last_error = ""
        feed.last_new_items = poll.imported
    feed.save()


def refresh_recent_articles(
    feed: Feed, poll: PollResult, *, on_progress: Progress = no_progress
) -> None:
    """Re-fetch the articles of this feed's recent items: news changes most in its first days."""
    since = timezone.now() - REFRESH_WINDOW
    article_ids = (
        FeedItem.objects.filter(feed=feed, created_at__gte=since, article__isnull=False)
        .values_list("article_id", flat=True)
        .distinct()
    )
    articles = list(Article.objects.filter(pk__in=list(article_ids)).exclude(source_url=""))
    for number, article in enumerate(articles, start=1):
        on_progress(f"Checking article {number} of {len(articles)} for changes")
        try:
            poll.refreshed.append(article_refresh(article=article))
        except ValidationError as error:
            poll.refresh_errors += 1
            logger.info("refresh of %s failed: %s", article.slug, " ".join(error.messages))
