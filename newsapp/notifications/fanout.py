"""Telling many followers at once, in the background, a batch at a time.

A write that touches something followed (a note on a claim with 10,000 followers) stores one
`Fanout` row in its own transaction and queues `fan_out_task` for when it commits: the write
costs the same whatever the number of followers. The task makes the notifications for the next
`BATCH` followers (by follower id, after `cursor`), each batch in its own transaction, then
queues itself again for the rest; a worker that stops mid-way resumes at the cursor.
"""

from __future__ import annotations

from datetime import timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone

from .delivery import deliver
from .models import Fanout, Follow, Notification

BATCH = 1000
KEEP_FINISHED = timedelta(days=7)  # finished fan-outs are kept this long, for the admin


def fanout_queue(
    *,
    audiences: list[tuple[str, str, int]],
    messages: dict[str, str],
    actor=None,
    annotation=None,
    article=None,
    quote=None,
    revision=None,
    excluded: list[int] | None = None,
) -> Fanout | None:
    """Store the fan-out (in the caller's transaction) and start it once that commits; None
    when nobody follows any of the targets (one query, the common case)."""
    if not audiences or not _follows(audiences).exists():
        return None
    fanout = Fanout.objects.create(
        actor=actor,
        annotation=annotation,
        article=article,
        quote=quote,
        revision=revision,
        audiences=[list(audience) for audience in audiences],
        messages=messages,
        excluded=sorted({pk for pk in excluded or [] if pk is not None}),
    )
    transaction.on_commit(lambda: fan_out_task.enqueue(fanout.pk))
    return fanout


def _follows(audiences) -> QuerySet[Follow]:
    conditions = [Q(target=target, target_id=target_id) for _, target, target_id in audiences]
    return Follow.objects.filter(reduce(or_, conditions))


def fan_out_batch(fanout: Fanout) -> bool:
    """Notify the next batch of followers; True when everyone has been told."""
    follows = _follows(fanout.audiences).filter(follower_id__gt=fanout.cursor)
    batch = list(
        follows.order_by("follower_id").values_list("follower_id", flat=True).distinct()[:BATCH]
    )
    if not batch:
        Fanout.objects.filter(pk=fanout.pk).update(finished_at=timezone.now())
        return True
    followed = set(
        follows.filter(follower_id__in=batch).values_list("follower_id", "target", "target_id")
    )
    told = set(fanout.excluded)
    if fanout.annotation_id is not None or fanout.revision_id is not None:
        # Told already by the write itself (a reply to their note, a revision they annotated).
        same = Q()
        if fanout.annotation_id:
            same &= Q(annotation_id=fanout.annotation_id)
        if fanout.revision_id:
            same &= Q(revision_id=fanout.revision_id)
        told.update(
            Notification.objects.filter(same, recipient__in=batch).values_list(
                "recipient_id", flat=True
            )
        )
    by_kind: dict[str, list[int]] = {}
    for follower in batch:
        if follower in told:
            continue
        kind = next(
            (
                kind
                for kind, target, target_id in fanout.audiences
                if (follower, target, target_id) in followed
            ),
            None,
        )
        if kind is not None:
            by_kind.setdefault(kind, []).append(follower)
    made = 0
    with transaction.atomic():
        for kind, recipients in by_kind.items():
            made += len(
                deliver(
                    recipients,
                    kind=kind,
                    message=fanout.messages.get(kind, ""),
                    actor=fanout.actor,
                    annotation=fanout.annotation,
                    article=fanout.article,
                    quote=fanout.quote,
                    revision=fanout.revision,
                )
            )
        fanout.cursor = batch[-1]
        fanout.notified += made
        Fanout.objects.filter(pk=fanout.pk).update(cursor=fanout.cursor, notified=fanout.notified)
    return len(batch) < BATCH


@task
def fan_out_task(fanout_id: int) -> str:
    fanout = (
        Fanout.objects.select_related("actor", "annotation", "article", "quote", "revision")
        .filter(pk=fanout_id, finished_at__isnull=True)
        .first()
    )
    if fanout is None:
        return "Nothing to do: finished or gone."
    if fan_out_batch(fanout):
        now = timezone.now()
        Fanout.objects.filter(pk=fanout.pk).update(finished_at=now)
        Fanout.objects.filter(finished_at__lt=now - KEEP_FINISHED).delete()
        return f"Done: {fanout.notified} notified."
    fan_out_task.enqueue(fanout.pk)
    return f"{fanout.notified} notified so far; next batch queued."
