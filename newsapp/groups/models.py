"""Reading groups: a team that annotates together (a newsroom desk, a class).

A group has members with a role (owner, moderator, member), revocable invitations (a link
that may expire or run out of uses, or one addressed to a reader by name) and a reading list
of articles saved to it. Notes shared with a group (`Visibility.GROUP`, `Annotation.group`) are
seen by its members only: `Annotation.objects.visible_to` reads `Group.memberships` in the
same query (see newsapp/annotations/models.py).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def new_invite_token() -> str:
    """24 URL-safe characters (144 random bits): unguessable, so a link is the whole secret."""
    return secrets.token_urlsafe(18)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class NewNotes(models.TextChoices):
    """What a member's new notes default to while they read in the group."""

    GROUP = "group", "Shared with the group"
    PRIVATE = "private", "Only me, until I share them"


class Group(models.Model):
    # Roles that moderate the group's notes (annotations' visible_to reads this too).
    MODERATING_ROLES = (Role.OWNER, Role.MODERATOR)

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    colour = models.CharField(
        max_length=7, blank=True, help_text="An avatar colour, #rrggbb (optional)."
    )
    default_visibility = models.CharField(
        max_length=8, choices=NewNotes.choices, default=NewNotes.GROUP
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="reading_groups"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "reading group"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def initial(self) -> str:
        """The letter on the group's avatar."""
        return (self.name.strip()[:1] or "?").upper()


class Membership(models.Model):
    group = models.ForeignKey(Group, related_name="memberships", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="group_memberships", on_delete=models.CASCADE
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            # (user, group): the index `visible_to` reads a viewer's groups from.
            models.UniqueConstraint(fields=["user", "group"], name="one_membership_per_reader"),
        ]
        indexes = [models.Index(fields=["group", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_role_display()})"

    @property
    def moderates(self) -> bool:
        return self.role in Group.MODERATING_ROLES


class InviteQuerySet(models.QuerySet):
    def usable(self) -> InviteQuerySet:
        """Invitations that still open the door: not revoked, not expired, not used up."""
        now = timezone.now()
        return self.filter(
            Q(revoked_at__isnull=True),
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            Q(max_uses__isnull=True) | Q(uses__lt=models.F("max_uses")),
        )


class Invite(models.Model):
    """A way into a group: a link anyone holding it may use (`invitee` empty), or an
    invitation addressed to one reader by name (`invitee` set, one use)."""

    group = models.ForeignKey(Group, related_name="invites", on_delete=models.CASCADE)
    token = models.CharField(max_length=32, unique=True, default=new_invite_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="group_invitations",
        on_delete=models.CASCADE,
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="invite_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        whom = f" for {self.invitee}" if self.invitee_id else ""
        return f"Invitation to {self.group}{whom}"

    def get_absolute_url(self) -> str:
        return reverse("groups:join", kwargs={"token": self.token})

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return False
        return self.max_uses is None or self.uses < self.max_uses

    @property
    def state(self) -> str:
        """Why it does (not) open the door, in a few words, for the group's settings page."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "used up"
        return "active"


class ReadingListEntry(models.Model):
    """An article saved to a group's reading list."""

    group = models.ForeignKey(Group, related_name="reading_list", on_delete=models.CASCADE)
    article = models.ForeignKey(
        "articles.Article", related_name="group_entries", on_delete=models.CASCADE
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "article"], name="article_once_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.article} in {self.group}"
