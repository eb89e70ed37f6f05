"""Reads behind the group pages, each in a fixed number of queries. Notes always come from
`Annotation.objects.visible_to(user)`: a group's page shows its notes to its members only
because that rule says so, not because the page checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Value, When

from newsapp.annotations.cards import with_card_details
from newsapp.annotations.models import Annotation, Visibility

from .models import Group, Invite, Membership, ReadingListEntry, Role

NOTES_PER_PAGE = 30
MEMBERS_SHOWN = 500
READING_LIST_SHOWN = 200


def memberships_of(user) -> list[Membership]:
    """The reader's memberships, each with its group and the group's member count (one
    query), by group name."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("group")
        .annotate(member_count=Count("group__memberships"))
        .order_by("group__name", "group_id")
    )


def group_notes(group: Group, user, *, by: str = "", kind: str = "", tag: str = ""):
    """The group's notes `user` may see, newest first, filtered by member, kind and tag."""
    notes = (
        Annotation.objects.visible_to(user)
        .top_level()
        .filter(visibility=Visibility.GROUP, group=group)
    )
    if by:
        notes = notes.filter(author__username=by)
    if kind:
        notes = notes.filter(kind=kind)
    if tag:
        notes = notes.filter(tags__name=tag)
    return notes.select_related("author", "article", "group").order_by("-created_at", "-pk")


@dataclass
class NotesPage:
    notes: list[Annotation] = field(default_factory=list)
    next_page: int | None = None


def group_notes_page(group: Group, user, *, page: int = 1, **filters) -> NotesPage:
    offset = (max(page, 1) - 1) * NOTES_PER_PAGE
    notes = list(group_notes(group, user, **filters)[offset : offset + NOTES_PER_PAGE + 1])
    has_more = len(notes) > NOTES_PER_PAGE
    notes = with_card_details(notes[:NOTES_PER_PAGE], user)
    return NotesPage(notes=notes, next_page=page + 1 if has_more else None)


def group_tags(group: Group, user) -> list[str]:
    """Tags on the group's notes that `user` may see (for the tag filter)."""
    visible = group_notes(group, user).values("pk")
    through = Annotation.tags.through.objects.filter(annotation__in=visible)
    return sorted(set(through.values_list("tag__name", flat=True)))


ROLE_ORDER = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.MODERATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def members(group: Group) -> list[Membership]:
    """Owners first, then moderators, then members, each by when they joined."""
    return list(
        Membership.objects.filter(group=group)
        .select_related("user")
        .order_by(ROLE_ORDER, "joined_at", "pk")[:MEMBERS_SHOWN]
    )


def reading_list(group: Group, user) -> list[ReadingListEntry]:
    """Articles saved to the group, newest first, each with how many group notes it has
    that `user` may see (two queries)."""
    entries = list(
        ReadingListEntry.objects.filter(group=group)
        .select_related("article", "added_by")
        .defer("article__body_html", "article__body_text")[:READING_LIST_SHOWN]
    )
    counts = dict(
        group_notes(group, user)
        .filter(article__in=[entry.article_id for entry in entries])
        .order_by()
        .values("article")
        .annotate(notes=Count("pk"))
        .values_list("article", "notes")
    )
    for entry in entries:
        entry.note_count = counts.get(entry.article_id, 0)
    return entries


@dataclass(frozen=True)
class SaveChoice:
    group: Group
    saved: bool


def save_choices(user, article) -> list[SaveChoice]:
    """The reader's groups, each saying whether `article` is on its reading list (two
    queries, whatever the number of groups)."""
    groups = list(Group.objects.filter(memberships__user=user).order_by("name", "pk"))
    saved = set(
        ReadingListEntry.objects.filter(article=article, group__in=groups).values_list(
            "group_id", flat=True
        )
    )
    return [SaveChoice(group, group.pk in saved) for group in groups]


def pending_invitations(user) -> list[Invite]:
    """Invitations addressed to `user` that still open the door."""
    return list(
        Invite.objects.usable()
        .filter(invitee=user)
        .exclude(group__memberships__user=user)
        .select_related("group", "created_by")
    )


def group_invites(group: Group) -> list[Invite]:
    """The group's invitations (links and named), newest first, for its settings page."""
    return list(Invite.objects.filter(group=group).select_related("invitee", "created_by")[:100])
