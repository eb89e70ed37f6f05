"""Follows, notifications, how each reader wants to hear of each kind, and the work of telling
many followers at once."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from newsapp.annotations.models import Annotation


class Kind(models.TextChoices):
    """What a notification is about; readers choose how they hear of each kind."""

    REPLY = "reply", "Replies to your notes"
    CONTEXT = "context", "New context on claims you follow"
    HELPFUL = "helpful", "Your notes shown as “Readers added context”"
    ATTRIBUTION = "attribution", "Others correcting an attribution you made"
    REVISION = "revision", "New versions of articles you annotated or follow"
    ORPHANED = "orphaned", "Your notes that lost their place in a new version"
    FOLLOWING = "following", "New notes and articles from what you follow"
    MODERATION = "moderation", "Moderators hiding or restoring your notes"


class Delivery(models.TextChoices):
    APP = "app", "In Gloss"
    EMAIL = "email", "Email at once"
    DIGEST = "digest", "Daily email digest"
    OFF = "off", "Off"


# How a reader hears of each kind until they choose: what is about them, by email.
DEFAULT_DELIVERY = {
    Kind.REPLY: Delivery.EMAIL,
    Kind.CONTEXT: Delivery.EMAIL,
    Kind.HELPFUL: Delivery.EMAIL,
    Kind.ATTRIBUTION: Delivery.APP,
    Kind.REVISION: Delivery.APP,
    Kind.ORPHANED: Delivery.APP,
    Kind.FOLLOWING: Delivery.APP,
    Kind.MODERATION: Delivery.EMAIL,
}
EMAILED = (Delivery.EMAIL, Delivery.DIGEST)


class Target(models.TextChoices):
    """What a reader may follow; `Follow.target_id` is its id."""

    ARTICLE = "article", "Article"
    CLAIM = "claim", "Claim"  # a claim or quote annotation
    SPEAKER = "speaker", "Speaker"
    FEED = "feed", "Feed"
    TAG = "tag", "Tag"
    READER = "reader", "Reader"


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="follows", on_delete=models.CASCADE
    )
    target = models.CharField(max_length=10, choices=Target.choices)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["follower", "target", "target_id"], name="follow_once")
        ]
        # Fan-out reads "who follows these targets, by follower id" a batch at a time.
        indexes = [models.Index(fields=["target", "target_id", "follower"])]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.target} {self.target_id}"


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> NotificationQuerySet:
        """`user`'s notifications that they may still see: one whose note they can no longer
        open (made private, deleted, hidden) disappears (`Annotation.objects.visible_to`)."""
        return self.filter(recipient=user).filter(
            Q(annotation__isnull=True)
            | Q(annotation__in=Annotation.objects.visible_to(user).values("pk"))
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class WhatItIsAbout(models.Model):
    """Who did it and what it concerns: a notification and the fan-out that makes many
    notifications name the same things."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    annotation = models.ForeignKey(
        "annotations.Annotation",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    quote = models.ForeignKey(
        "claims.Quote", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    revision = models.ForeignKey(
        "articles.ArticleRevision",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )

    class Meta:
        abstract = True


class Notification(WhatItIsAbout):
    """One thing one reader is told. `message` is plain text that never quotes a note (a
    note's words are read from the note, through `visible_to`, each time it is shown)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    message = models.CharField(max_length=300)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.APP)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="unread_by_recipient"
            ),
            models.Index(
                fields=["delivery", "recipient"],
                condition=Q(emailed_at__isnull=True),
                name="waiting_for_email",
            ),
        ]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.message}"

    def get_absolute_url(self) -> str:
        """Opening it marks it read, then goes where it points."""
        return reverse("notifications:open", kwargs={"pk": self.pk})

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def target_url(self) -> str:
        """Where the notification points: the note, the quote, the revision, the article."""
        if self.annotation_id is not None:
            return reverse("annotations:permalink", kwargs={"public_id": self.annotation.public_id})
        if self.quote_id is not None:
            return self.quote.get_absolute_url()
        if self.revision_id is not None and self.article_id is not None:
            return reverse("articles:revisions", kwargs={"slug": self.article.slug})
        if self.article_id is not None:
            return self.article.get_absolute_url()
        return reverse("notifications:inbox")


class Preference(models.Model):
    """How one reader hears of one kind (DEFAULT_DELIVERY until they choose)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notification_preferences", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.delivery}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class FeedKey(models.Model):
    """The secret in a reader's private Atom feed URL; a new one revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        related_name="notification_feed_key",
        on_delete=models.CASCADE,
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Notification feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:feed", kwargs={"token": self.token})


class Fanout(WhatItIsAbout):
    """One write's notifications to the followers of what it touched, made in the background
    a batch of followers at a time (`tasks.fan_out_task`); `cursor` is the last follower done.

    `audiences` is [[kind, target, target id], ...] in order of precedence: a follower of
    several gets one notification, of the first kind that names something they follow.
    `messages` is {kind: message}.
    """

    audiences = models.JSONField(default=list)
    messages = models.JSONField(default=dict)
    excluded = models.JSONField(default=list, help_text="User ids told already another way.")
    cursor = models.PositiveBigIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Fan-out {self.pk} ({self.notified} notified)"
