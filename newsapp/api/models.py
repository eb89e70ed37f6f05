"""What the annotation API stores beside the annotations app: personal API tokens, the
W3C identity of annotations created through it (``canonical``, ``via``), and annotations
whose target is a page Gloss does not have yet (they wait for it, and attach on import)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from newsapp.annotations.models import Annotation, Kind, Visibility, new_public_id

TOKEN_PREFIX = "gloss_"
# The audiences a client may name through the API (a group audience needs a group, which the
# protocol has no term for yet).
API_VISIBILITIES = [
    (Visibility.PRIVATE.value, Visibility.PRIVATE.label),
    (Visibility.UNLISTED.value, Visibility.UNLISTED.label),
    (Visibility.PUBLIC.value, Visibility.PUBLIC.label),
]


def hash_token(token: str) -> str:
    """Tokens are stored as their SHA-256: 256 random bits need no slow hash, and a leaked
    table gives nobody a usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, shown on the settings page to tell tokens apart.
    key_start = models.CharField(max_length=14, editable=False)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def scope(self) -> str:
        return "read" if self.read_only else "read write"


class AnnotationIdentity(models.Model):
    """The W3C ``canonical`` and ``via`` IRIs a client gave an annotation it created."""

    annotation = models.OneToOneField(
        Annotation, related_name="api_identity", on_delete=models.CASCADE
    )
    canonical = models.CharField(max_length=2000, blank=True)
    via = models.CharField(max_length=2000, blank=True)

    def __str__(self) -> str:
        return self.canonical or self.via


class WaitingAnnotationQuerySet(models.QuerySet):
    def waiting(self) -> WaitingAnnotationQuerySet:
        return self.filter(deleted_at__isnull=True, attached_to__isnull=True)

    def visible_to(self, user, *, via_link: bool = False) -> WaitingAnnotationQuerySet:
        """The rule of ``Annotation.objects.visible_to``, for notes on pages Gloss has not
        imported yet: listings show public ones and the viewer's own, their IRI also opens
        unlisted ones, private ones reach only their author. When one attaches it becomes an
        Annotation and from then on only that rule applies."""
        shared = Q(visibility=Visibility.PUBLIC)
        if via_link:
            shared |= Q(visibility=Visibility.UNLISTED)
        if user is not None and user.is_authenticated:
            shared |= Q(author=user)
        return self.waiting().filter(shared)


class WaitingAnnotation(models.Model):
    """An annotation on a page Gloss does not have: kept whole until an article with the
    same canonical URL is imported, then attached to it (re-anchored) as an Annotation."""

    public_id = models.CharField(max_length=22, unique=True, default=new_public_id, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="waiting_annotations", on_delete=models.CASCADE
    )
    target_url = models.CharField(max_length=2000, help_text="The target's source as given.")
    canonical_url = models.CharField(max_length=2000, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOTE)
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    # One tag per line between newlines ("\nharbour\nbudget\n"): filterable with a plain
    # `contains` on every database, unlike JSON.
    tags_text = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=10, choices=API_VISIBILITIES, default=Visibility.PRIVATE
    )
    canonical = models.CharField(max_length=2000, blank=True)
    via = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    attached_to = models.OneToOneField(
        Annotation,
        null=True,
        blank=True,
        related_name="api_waited",
        on_delete=models.CASCADE,
        help_text="The annotation it became when its page was imported.",
    )
    attached_at = models.DateTimeField(null=True, blank=True)

    objects = WaitingAnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on {self.target_url}"

    @property
    def tags(self) -> list[str]:
        return [tag for tag in self.tags_text.split("\n") if tag]

    @staticmethod
    def tags_field(tags: list[str]) -> str:
        return "\n" + "".join(f"{tag}\n" for tag in tags) if tags else ""
