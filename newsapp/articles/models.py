from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from newsapp.text.extract import reading_minutes


class ArticleQuerySet(models.QuerySet):
    def search(self, query: str) -> ArticleQuerySet:
        query = query.strip()
        if not query:
            return self
        return self.filter(Q(title__icontains=query) | Q(body_text__icontains=query))

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by(models.F("published_at").desc(nulls_last=True), "-created_at")

    def for_library(self) -> ArticleQuerySet:
        """Library rows: no bodies, plus the public annotation count, in one query."""
        return self.defer("body_html", "body_text").annotate(
            public_annotation_count=Count(
                "annotations",
                filter=Q(
                    annotations__visibility="public",
                    annotations__deleted_at__isnull=True,
                    annotations__parent__isnull=True,
                ),
            )
        )


class Article(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320, unique=True)
    byline = models.CharField(max_length=200, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    body_html = models.TextField(help_text="Sanitised once at import; never edited by hand.")
    body_text = models.TextField(help_text="The browser's textContent of body_html (derived).")
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["-published_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


class ArticleRevision(models.Model):
    """Every body an article has had, the current one included."""

    article = models.ForeignKey(Article, related_name="revisions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body_html = models.TextField()
    body_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article.title} (revision {self.number})"
