from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


def new_public_id() -> str:
    """16 URL-safe characters (96 random bits): short to share, impossible to guess."""
    return secrets.token_urlsafe(12)


class Kind(models.TextChoices):
    HIGHLIGHT = "highlight", "Highlight"
    NOTE = "note", "Note"
    QUESTION = "question", "Question"
    CLAIM = "claim", "Claim"
    QUOTE = "quote", "Quote"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    UNLISTED = "unlisted", "Anyone with the link"
    PUBLIC = "public", "Public"


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    ORPHANED = "orphaned", "Orphaned"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    DISPUTES = "disputes", "Disputes"
    BACKGROUND = "background", "Background"


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AnnotationQuerySet(models.QuerySet):
    def alive(self) -> AnnotationQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user, *, via_link: bool = False) -> AnnotationQuerySet:
        """The one visibility rule: what `user` may see of annotations.

        Listings show public annotations and the viewer's own; a permalink
        (`via_link`) also opens unlisted ones. Private ones only ever reach
        their author. Trashed annotations are visible to nobody here.
        """
        shared = Q(visibility=Visibility.PUBLIC)
        if via_link:
            shared |= Q(visibility=Visibility.UNLISTED)
        if user is not None and user.is_authenticated:
            shared |= Q(author=user)
        return self.alive().filter(shared)

    def top_level(self) -> AnnotationQuerySet:
        return self.filter(parent__isnull=True)


class Annotation(models.Model):
    public_id = models.CharField(max_length=22, unique=True, default=new_public_id, editable=False)
    article = models.ForeignKey(
        "articles.Article", related_name="annotations", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="annotations", on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="replies", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOTE)
    # W3C TextQuoteSelector + TextPositionSelector over Article.body_text (code points).
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Markdown as written.")
    note_html = models.TextField(blank=True, help_text="note rendered and sanitised on write.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    anchor_state = models.CharField(
        max_length=10, choices=AnchorState.choices, default=AnchorState.ANCHORED
    )
    anchor_method = models.CharField(max_length=10, blank=True)
    revision = models.ForeignKey(
        "articles.ArticleRevision",
        null=True,
        blank=True,
        related_name="annotations",
        on_delete=models.SET_NULL,
        help_text="The revision the selectors were last anchored on.",
    )
    submission_token = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["start", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_token"],
                condition=~Q(submission_token=""),
                name="unique_submission_per_author",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="annotation_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "visibility", "deleted_at"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on {self.article}"

    def get_absolute_url(self) -> str:
        return reverse("annotations:permalink", kwargs={"public_id": self.public_id})

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def is_orphaned(self) -> bool:
        return self.anchor_state == AnchorState.ORPHANED


class ContextSource(models.Model):
    annotation = models.ForeignKey(Annotation, related_name="sources", on_delete=models.CASCADE)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    excerpt = models.TextField(blank=True, max_length=1000)
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.BACKGROUND)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title or self.url
