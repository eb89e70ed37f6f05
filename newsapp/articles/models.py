from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from newsapp.prepared import PreparedLookup
from newsapp.reader import cache as reader_cache
from newsapp.reader import layers
from newsapp.text.extract import reading_minutes, text_fingerprint

EXCERPT_SOURCE_CHARS = 600
EXCERPT_CHARS = 240


class ArticleQuerySet(models.QuerySet):
    def mark_annotations_changed(self) -> None:
        """`Article.mark_annotations_changed` for every article here, in a fixed number of
        queries (an import can link its quotes to a hundred other articles)."""
        ids = list(self.values_list("pk", flat=True))
        if ids:
            stamp_changed(ids)

    def state_at(self, slug: str) -> Article | None:
        """The article at `slug` with only what keys its cached pages loaded
        (`reader.cache.STATE_FIELDS`), or None. Every signed-out read starts here, so the
        lookup is compiled once (`newsapp.prepared`): compiling made it 0.8 ms of 2.4."""
        return _STATE_AT.instance(slug)

    def search(self, query: str) -> ArticleQuerySet:
        """These articles that match a reader's search, best first; raises ValidationError
        with the reason for a search that cannot run. The full-text search module ranks
        above this app, so settings name it (GLOSS_ARTICLE_SEARCH) rather than an import."""
        return import_string(settings.GLOSS_ARTICLE_SEARCH)(self, query)

    def newest_first(self) -> ArticleQuerySet:
        """By publication date, or the date it was added when the source gave none."""
        return self.order_by(Coalesce("published_at", "created_at").desc(), "-pk")

    def for_library(self) -> ArticleQuerySet:
        """Library rows, without their bodies but with the first words for the excerpt (reader
        layers add what else cards show of them)."""
        return self.defer("body_html", "body_text").annotate(
            lead_text=Substr("body_text", 1, EXCERPT_SOURCE_CHARS)
        )

    def with_text(self, text: str) -> ArticleQuerySet:
        """Articles whose text is `text`, whitespace aside (one indexed lookup)."""
        return self.filter(text_hash=text_fingerprint(text))

    def matching_urls(self, urls: list[str]) -> ArticleQuerySet:
        """Articles already imported from any of these addresses (as given or canonical)."""
        urls = [url for url in urls if url]
        if not urls:
            return self.none()
        return self.filter(Q(canonical_url__in=urls) | Q(source_url__in=urls))


class Article(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320, unique=True)
    byline = models.CharField(max_length=200, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    image_url = models.URLField(max_length=2000, blank=True, help_text="The lead image.")
    body_html = models.TextField(help_text="Sanitised once at import; never edited by hand.")
    body_text = models.TextField(help_text="The browser's textContent of body_html (derived).")
    text_hash = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="text_fingerprint(body_text): finds the same text pasted again.",
    )
    word_count = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    annotations_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Bumped by every annotation write; keys the cache of the rendered body.",
    )
    last_checked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the source was last re-fetched."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["-published_at", "-created_at"]),  # the default ordering
            models.Index(  # the library: newest first by publication, else by when added
                Coalesce("published_at", "created_at").desc(),
                models.F("id").desc(),
                name="article_newest_first",
            ),
        ]
        constraints = [
            # One article per web page: imports and feeds look this up before fetching, and
            # the constraint settles the race between two imports of the same page.
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="unique_article_canonical_url",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    @property
    def excerpt(self) -> str:
        """The first words of the text for a card (cut at a word), without a repeated title."""
        text = getattr(self, "lead_text", None)
        if text is None:
            text = self.body_text[:EXCERPT_SOURCE_CHARS]
        text = " ".join(text.split())
        if text.startswith(self.title):
            text = text[len(self.title) :].lstrip(" .:—-")
        if len(text) <= EXCERPT_CHARS:
            return text
        return text[:EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"

    @property
    def listed_at(self):
        """The date the library sorts by: published, else added."""
        return self.published_at or self.created_at

    @cached_property
    def latest_revision(self) -> ArticleRevision | None:
        """The current body's revision (one query, without the stored bodies)."""
        return self.revisions.defer("body_html", "body_text").order_by("-number").first()

    @property
    def can_check_for_changes(self) -> bool:
        return bool(self.source_url)

    def mark_annotations_changed(self) -> None:
        """Stamp a change to anything a reader layer shows on this article (notes, quotes,
        ratings): the reader's cache key (`reader.cache`) changes with it, here and on the
        pages that show this article's notes too (`Layer.articles_changed`)."""
        self.annotations_changed_at = stamp_changed([self.pk])


_STATE_AT = PreparedLookup(
    lambda slug: Article.objects.filter(slug=slug).order_by(), reader_cache.STATE_FIELDS
)


class RevisionOrigin(models.TextChoices):
    IMPORT = "import", "Imported"
    REFRESH = "refresh", "Fetched again"
    REIMPORT = "reimport", "Text re-imported"


class ArticleRevision(models.Model):
    """Every body an article has had, the current one included.

    A revision after the first stores what changed (words added and removed) and what the
    reader layers made of it (how annotations re-anchored), so the reader shows both without
    recomputing.
    """

    article = models.ForeignKey(Article, related_name="revisions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body_html = models.TextField()
    body_text = models.TextField()
    origin = models.CharField(
        max_length=10, choices=RevisionOrigin.choices, default=RevisionOrigin.IMPORT
    )
    source_url = models.URLField(max_length=2000, blank=True, help_text="Where it was fetched.")
    words_added = models.PositiveIntegerField(default=0)
    words_removed = models.PositiveIntegerField(default=0)
    followed = models.JSONField(
        default=dict,
        blank=True,
        help_text="What each reader layer reported when it followed this revision, by layer "
        "name (annotations: how they re-anchored, {'public': counts, 'own': {author id: counts}}).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article.title} (revision {self.number})"

    @property
    def is_update(self) -> bool:
        return self.number > 1


class Feed(models.Model):
    """An RSS or Atom feed, shared by every reader subscribed to it."""

    class Status(models.TextChoices):
        NEVER = "", "Not fetched yet"
        OK = "ok", "OK"
        NOT_MODIFIED = "not_modified", "Not modified"
        ERROR = "error", "Error"

    url = models.URLField(max_length=2000, unique=True, help_text="Canonical feed address.")
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    last_error = models.TextField(blank=True)
    last_new_items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return reverse("articles:feed", kwargs={"pk": self.pk})


class FeedSubscriptionQuerySet(models.QuerySet):
    def with_unread_counts(self) -> FeedSubscriptionQuerySet:
        """Each subscription with its feed and ``unread``: imported items newer than last read."""
        return self.select_related("feed").annotate(
            unread=Count(
                "feed__items",
                filter=Q(feed__items__article__isnull=False)
                & (
                    Q(last_read_at__isnull=True)
                    | Q(feed__items__created_at__gt=models.F("last_read_at"))
                ),
            )
        )


class FeedSubscription(models.Model):
    feed = models.ForeignKey(Feed, related_name="subscriptions", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="feed_subscriptions", on_delete=models.CASCADE
    )
    last_read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["feed__title", "feed__url"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "user"], name="unique_feed_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.feed}"


class FeedItem(models.Model):
    """An entry seen in a feed, and the article it became."""

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        ALREADY_IN_LIBRARY = "duplicate", "Already in the library"
        FAILED = "failed", "Failed"

    MAX_ATTEMPTS = 3

    feed = models.ForeignKey(Feed, related_name="items", on_delete=models.CASCADE)
    guid = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, related_name="feed_items", on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="unique_feed_item_guid")
        ]
        indexes = [models.Index(fields=["feed", "-created_at"])]

    def __str__(self) -> str:
        return self.title or self.url


class JobKind(models.TextChoices):
    IMPORT_URL = "import_url", "Import a web page"
    REFRESH = "refresh", "Check an article for changes"
    SUBSCRIBE = "subscribe", "Subscribe to a feed"
    POLL_FEED = "poll_feed", "Fetch a feed"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobQuerySet(models.QuerySet):
    def active(self) -> JobQuerySet:
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


class Job(models.Model):
    """A piece of background work a reader asked for, and what came of it.

    The work itself runs as a Django task (``newsapp.articles.jobs``); this row is what the
    reader's page polls: the stage it is at, then the result or the reason it failed.
    """

    # A job that has not finished after this long lost its worker (the worker was stopped or
    # crashed mid-job); the status page reports it failed rather than poll forever.
    STALE_AFTER = timedelta(minutes=10)
    # Queued this long without starting: no worker is running, which the reader is told.
    WAITING_WARNING_AFTER = timedelta(seconds=30)

    kind = models.CharField(max_length=12, choices=JobKind.choices)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    url = models.URLField(max_length=2000, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, related_name="jobs", on_delete=models.CASCADE
    )
    feed = models.ForeignKey(
        Feed, null=True, blank=True, related_name="jobs", on_delete=models.SET_NULL
    )
    revision = models.ForeignKey(
        ArticleRevision, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    outcome = models.CharField(max_length=16, blank=True)
    progress = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Times a worker started it: a job whose worker died is started again, a few times at most.
    attempts = models.PositiveSmallIntegerField(default=0)
    # Last sign of life: when it was handed to the queue, then the running worker's beat.
    # None while the queue could not be reached (the worker's recovery loop sends it later).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["article", "kind", "status"]),
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("articles:job", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def is_stale(self) -> bool:
        return not self.finished and timezone.now() - self.created_at > self.STALE_AFTER

    @property
    def waiting_long(self) -> bool:
        return (
            self.status == JobStatus.QUEUED
            and timezone.now() - self.created_at > self.WAITING_WARNING_AFTER
        )


def stamp_changed(ids: list[int]):
    """Stamp these articles changed now (one UPDATE), let the layers stamp the articles that
    show them, and return the stamp."""
    stamp = timezone.now()
    Article.objects.filter(pk__in=ids).update(annotations_changed_at=stamp)
    layers.articles_changed(article_ids=ids, stamp=stamp)
    return stamp
