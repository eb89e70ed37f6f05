from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from newsapp.text.links import link_domain


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
    GROUP = "group", "A group"  # the members of `Annotation.group`
    UNLISTED = "unlisted", "Anyone with the link"
    PUBLIC = "public", "Public"


class Moderation(models.TextChoices):
    """Whether moderators let a note be seen by anyone but its author."""

    SHOWN = "shown", "Shown"
    HELD = "held", "Waiting for a moderator's review"  # reports, or a restricted author
    HIDDEN = "hidden", "Hidden by moderators"


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


def group_model():
    """The reading group model behind `Annotation.group` (newsapp.groups builds on this app,
    so annotations knows groups only through that foreign key, never by importing them)."""
    return Annotation._meta.get_field("group").related_model


def reader_groups(user):
    """The groups `user` belongs to, by name: what the annotate form and the reader's group
    switcher offer (empty for anonymous readers)."""
    groups = group_model()._default_manager
    if user is None or not user.is_authenticated:
        return groups.none()
    return groups.filter(memberships__user=user).order_by("name", "pk")


def _group_ids(user, *, moderating: bool = False):
    """A subquery: the ids of `user`'s groups (those they moderate, with `moderating`), read
    from memberships alone (their (user, group) index answers it)."""
    groups = group_model()
    memberships = groups._meta.get_field("memberships").related_model._default_manager
    mine = memberships.filter(user=user)
    if moderating:
        mine = mine.filter(role__in=groups.MODERATING_ROLES)
    return mine.values("group_id")


class AnnotationQuerySet(models.QuerySet):
    def alive(self) -> AnnotationQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(
        self, user, *, via_link: bool = False, moderating: bool = False
    ) -> AnnotationQuerySet:
        """The one visibility rule: what `user` may see of annotations, in one query.

        Listings show public annotations, the notes of the viewer's groups and the viewer's
        own; a permalink (`via_link`) also opens unlisted ones. Private ones only ever reach
        their author. Notes moderators hid or hold for review reach their author only, and
        with `moderating` also those who may act on them: staff for public and unlisted
        notes, a group's owners and moderators for its notes. Trashed annotations are
        visible to nobody here.

        Group membership is a subquery on the (user, group) index of memberships, so a
        reader of many groups costs the same single query as a reader of none.
        """
        shared = Q(visibility=Visibility.PUBLIC)
        if via_link:
            shared |= Q(visibility=Visibility.UNLISTED)
        signed_in = user is not None and user.is_authenticated
        if signed_in:
            shared |= Q(visibility=Visibility.GROUP, group__in=_group_ids(user))
        rule = shared & Q(moderation=Moderation.SHOWN)
        if signed_in:
            rule |= Q(author=user)
            if moderating:
                rule |= Q(visibility=Visibility.GROUP, group__in=_group_ids(user, moderating=True))
                if user.is_staff:
                    rule |= Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED])
        return self.alive().filter(rule)

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
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        related_name="annotations",
        on_delete=models.PROTECT,
        help_text="The group a note is shared with (visibility 'group' only).",
    )
    moderation = models.CharField(
        max_length=8, choices=Moderation.choices, default=Moderation.SHOWN
    )
    plain_links = models.BooleanField(
        default=False,
        help_text="Written by a new account in public: its links show as plain domains.",
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
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When its author last changed what it says."
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    # An imported note keeps who wrote it and when, as the file said; its importer owns it.
    imported_creator = models.CharField(
        max_length=120, blank=True, help_text="Who wrote it, by the imported file ('' if here)."
    )
    imported_created_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was written, by the imported file."
    )

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
            # A group note names its group; no other note names one.
            models.CheckConstraint(
                condition=Q(visibility=Visibility.GROUP, group__isnull=False)
                | (~Q(visibility=Visibility.GROUP) & Q(group__isnull=True)),
                name="annotation_group_iff_group_visibility",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "visibility", "deleted_at"]),
            # A reader's live notes, newest first (My notes, profiles): also counts them and
            # lists their ids without reading the table.
            models.Index(
                fields=["author", "-created_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="annotation_live_by_author",
            ),
            models.Index(fields=["group", "-created_at"]),
            # The moderation queue reads the few notes that are not simply shown.
            models.Index(
                fields=["moderation"],
                condition=~Q(moderation=Moderation.SHOWN),
                name="annotation_moderated",
            ),
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

    @property
    def is_moderated(self) -> bool:
        """Hidden or held by moderators: only its author (and moderators) see it."""
        return self.moderation != Moderation.SHOWN

    @property
    def takes_replies(self) -> bool:
        """Public and group notes take replies (shared the same way), while in the text and
        not held back by moderators."""
        return (
            self.parent_id is None
            and self.visibility in (Visibility.PUBLIC, Visibility.GROUP)
            and not self.is_orphaned
            and self.moderation == Moderation.SHOWN
        )

    @property
    def audience(self) -> str:
        """Who sees it, in a few words: "Only me", "Editors' desk", "Public"..."""
        if self.visibility == Visibility.GROUP and self.group is not None:
            return self.group.name
        return self.get_visibility_display()


class VisibilityChange(models.Model):
    """A note moved between audiences by its author (the edit is logged: who, when, from
    and to where)."""

    annotation = models.ForeignKey(
        Annotation, related_name="visibility_changes", on_delete=models.CASCADE
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    from_visibility = models.CharField(max_length=10, choices=Visibility.choices)
    from_group = models.ForeignKey(
        "groups.Group", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    to_visibility = models.CharField(max_length=10, choices=Visibility.choices)
    to_group = models.ForeignKey(
        "groups.Group", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.annotation_id}: {self.from_visibility} -> {self.to_visibility}"


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

    @property
    def domain(self) -> str:
        """The site a source is on ("example.org"), shown instead of a link where links are
        not offered."""
        return link_domain(self.url)
