"""Where a reader stands: established or new, restricted or not; and what the queue shows of
an author's history. The thresholds are settings (see newsapp/settings.py, "Moderation")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from newsapp.annotations.models import Annotation, Moderation

from .models import Report, Restriction


def is_established(user) -> bool:
    """Old enough (GLOSS_NEW_ACCOUNT_DAYS) and with a history: at least
    GLOSS_ESTABLISHED_NOTES notes of theirs that moderators left shown. Staff always are."""
    if user.is_staff:
        return True
    joined_before = timezone.now() - timedelta(days=settings.GLOSS_NEW_ACCOUNT_DAYS)
    if user.date_joined > joined_before:
        return False
    needed = settings.GLOSS_ESTABLISHED_NOTES
    if needed <= 0:
        return True
    history = Annotation.objects.alive().filter(author=user, moderation=Moderation.SHOWN)
    return history[:needed].count() >= needed


def is_restricted(user) -> bool:
    return Restriction.objects.filter(user=user).exists()


@dataclass(frozen=True)
class Standing:
    established: bool
    restricted: bool


def standing(user) -> Standing:
    return Standing(established=is_established(user), restricted=is_restricted(user))


@dataclass(frozen=True)
class AuthorHistory:
    """What a moderator sees of a note's author beside the note."""

    joined: object
    notes: int
    hidden: int
    reports: int
    restricted: bool


def author_histories(user_ids: set[int], users: dict) -> dict[int, AuthorHistory]:
    """The history of each author (three queries, whatever the number of authors)."""
    if not user_ids:
        return {}
    counts = {
        row["author"]: row
        for row in Annotation.objects.alive()
        .filter(author__in=user_ids)
        .order_by()
        .values("author")
        .annotate(
            total=Count("pk"),
            hidden=Count("pk", filter=Q(moderation=Moderation.HIDDEN)),
        )
    }
    reports = dict(
        Report.objects.filter(annotation__author__in=user_ids)
        .order_by()
        .values("annotation__author")
        .annotate(total=Count("pk"))
        .values_list("annotation__author", "total")
    )
    restricted = set(
        Restriction.objects.filter(user__in=user_ids).values_list("user_id", flat=True)
    )
    return {
        user_id: AuthorHistory(
            joined=users[user_id].date_joined,
            notes=counts.get(user_id, {}).get("total", 0),
            hidden=counts.get(user_id, {}).get("hidden", 0),
            reports=reports.get(user_id, 0),
            restricted=user_id in restricted,
        )
        for user_id in user_ids
    }
