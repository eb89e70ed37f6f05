"""Writes to a reader's reading list: save, archive, remove, record progress, mark as read,
and note their visits to the library. Views call these; nothing else writes reading entries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from newsapp import ratelimit

from .models import LibraryVisit, ReadingEntry, Status

REMOVE = "remove"
STATUS_CHOICES = (*Status.values, REMOVE)
# Progress arrives as the reader scrolls (debounced in the page): generous, but bounded.
PROGRESS_PER_MINUTE = 120
CHANGES_PER_MINUTE = 60
# A gap this long between two looks at the library starts a new visit.
VISIT_GAP = timedelta(minutes=30)
# Within a visit, its end is moved on at most this often (one UPDATE, not one per page view).
VISIT_RESOLUTION = timedelta(minutes=1)
FINISHED = 0.98  # this much of the text seen counts as read to the end


def _limited(scope: str, reader, limit: int, what: str):
    return ratelimit.counted(
        scope,
        reader.pk,
        limit=limit,
        message=f"You have {what} {limit} times in the last minute. Try again shortly.",
    )


def reading_set_status(*, reader, article, status: str) -> ReadingEntry | None:
    """Put `article` on `reader`'s list as `status` (saved, reading, archived), or take it off
    (REMOVE, which forgets the progress too). Returns the entry, None once removed.

    Raises ValidationError({"status": reason}) for an unknown status, writing nothing.
    """
    if status not in STATUS_CHOICES:
        raise ValidationError(
            {"status": "Choose save for later, reading, archive or remove from the list."}
        )
    limit = _limited("reading-list", reader, CHANGES_PER_MINUTE, "changed your list")
    with limit, transaction.atomic():
        if status == REMOVE:
            ReadingEntry.objects.filter(reader=reader, article=article).delete()
            return None
        now = timezone.now()
        entry, created = ReadingEntry.objects.select_for_update().get_or_create(
            reader=reader, article=article, defaults={"status": status, "changed_at": now}
        )
        if not created:
            entry.status = status
            entry.changed_at = now
            if status != Status.ARCHIVED:
                entry.finished_at = None
            entry.save(update_fields=["status", "changed_at", "finished_at"])
    return entry


def parse_offset(raw, name: str) -> int:
    """A whole number of at most 12 ASCII digits from a form, or ValidationError({name:
    reason}) (signs, decimals, other scripts' digits and huge numbers are refused)."""
    text = "" if raw is None else str(raw).strip()
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise ValidationError({name: f"“{text[:20]}” is not a whole number of characters."})
    return int(text)


def reading_record_progress(*, reader, article, position: int, seen: int | None = None):
    """Remember where `reader` is in `article`: `position` is the offset of the first words on
    their screen, `seen` (default: `position`) the furthest offset they have had on screen.

    An article not on the list joins it as "Reading"; a saved one moves to "Reading"; an
    archived one stays archived (re-reading keeps the place, not the list). Progress only
    grows, so scrolling back up to re-read a paragraph does not lose "6 min left".
    Raises ValidationError for offsets outside the text, writing nothing.
    """
    length = (
        type(article)
        .objects.filter(pk=article.pk)
        .annotate(length=Length("body_text"))
        .values_list("length", flat=True)
        .first()
    )
    if length is None:
        raise ValidationError({"position": "That article is no longer in the library."})
    seen = position if seen is None else seen
    for name, value in (("position", position), ("seen", seen)):
        if not 0 <= value <= length:
            raise ValidationError({name: f"The article has {length:,} characters; got {value:,}."})
    progress = min(1.0, max(seen, position) / length) if length else 1.0
    limit = _limited("reading-progress", reader, PROGRESS_PER_MINUTE, "saved your place")
    with limit, transaction.atomic():
        now = timezone.now()
        entry, created = ReadingEntry.objects.select_for_update().get_or_create(
            reader=reader,
            article=article,
            defaults={
                "status": Status.READING,
                "position": position,
                "progress": progress,
                "changed_at": now,
            },
        )
        if created:
            return entry
        entry.position = position
        entry.progress = max(entry.progress, progress)
        if entry.status == Status.SAVED:
            entry.status = Status.READING
        entry.changed_at = now
        entry.save(update_fields=["position", "progress", "status", "changed_at"])
    return entry


def reading_mark_read(*, reader, article) -> ReadingEntry:
    """ "Mark as read": read to the end and archived (the button without JavaScript)."""
    with _limited("reading-list", reader, CHANGES_PER_MINUTE, "changed your list"):
        now = timezone.now()
        entry, _ = ReadingEntry.objects.update_or_create(
            reader=reader,
            article=article,
            defaults={
                "status": Status.ARCHIVED,
                "progress": 1.0,
                "finished_at": now,
                "changed_at": now,
            },
        )
    return entry


def library_visit_record(*, reader, now: datetime | None = None) -> datetime | None:
    """Note that `reader` looks at the library now; returns when their previous visit ended
    (what arrived after it is "new"), or None on a first visit (nothing is new yet)."""
    now = now or timezone.now()
    visit, created = LibraryVisit.objects.get_or_create(
        reader=reader, defaults={"last_seen_at": now, "seen_until": None}
    )
    if created:
        return None
    if now - visit.last_seen_at > VISIT_GAP:
        visit.seen_until = visit.last_seen_at
        visit.last_seen_at = now
        LibraryVisit.objects.filter(pk=visit.pk).update(
            seen_until=visit.seen_until, last_seen_at=now
        )
    elif now - visit.last_seen_at > VISIT_RESOLUTION:
        LibraryVisit.objects.filter(pk=visit.pk).update(last_seen_at=now)
    return visit.seen_until
