"""Moderation: readers' reports, moderators' actions (the audit log), restricted authors.

Whether a note is shown is `Annotation.moderation` (shown, held for review, hidden), which
`visible_to` reads; everything here is the record of who decided that, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Reason(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment"
    MISLEADING = "misleading", "Misleading without sources"
    OFF_TOPIC = "off_topic", "Off topic"
    OTHER = "other", "Other"


class Resolution(models.TextChoices):
    OPEN = "", "Open"
    HIDDEN = "hidden", "The note was hidden"
    DISMISSED = "dismissed", "Dismissed"
    RESTORED = "restored", "The note was restored"


class Report(models.Model):
    """One reader's report of one note (never shown to the note's author)."""

    annotation = models.ForeignKey(
        "annotations.Annotation", related_name="reports", on_delete=models.CASCADE
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="moderation_reports", on_delete=models.CASCADE
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    text = models.TextField(blank=True, max_length=1000)
    # Whether the reporter was an established reader then: only their reports hold a note.
    established = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["annotation", "reporter"], name="one_report_per_reader_per_note"
            ),
        ]
        indexes = [
            models.Index(
                fields=["annotation"], condition=Q(resolution=""), name="moderation_open_reports"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.annotation_id}"


class Action(models.TextChoices):
    HIDE = "hide", "Hid a note"
    HOLD = "hold", "Held a note for review"
    RESTORE = "restore", "Restored a note"
    APPROVE = "approve", "Approved a held note"
    DISMISS = "dismiss", "Dismissed reports"
    RESTRICT = "restrict", "Restricted an author"
    UNRESTRICT = "unrestrict", "Lifted an author's restriction"


class ModerationAction(models.Model):
    """The audit log: who (None: the site itself, an automatic hold) did what to which note
    or author, in which group (None: the public site), when and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    annotation = models.ForeignKey(
        "annotations.Annotation",
        null=True,
        blank=True,
        related_name="moderation_actions",
        on_delete=models.SET_NULL,
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="moderation_actions_about",
        on_delete=models.SET_NULL,
        help_text="The author acted on.",
    )
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=12, choices=Reason.choices, blank=True)
    explanation = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["annotation", "-created_at"]),
            models.Index(fields=["subject", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def why(self) -> str:
        """The reason in words, as the author reads it: "Spam: links to a shop"."""
        parts = [self.get_reason_display() if self.reason else "", self.explanation]
        return ": ".join(part for part in parts if part)


class Restriction(models.Model):
    """A restricted author's new public notes wait for a moderator's approval."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="moderation_restriction", on_delete=models.CASCADE
    )
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    explanation = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} (restricted)"
