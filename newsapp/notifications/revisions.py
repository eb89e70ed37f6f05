"""A new version of an article: everyone who annotated it or follows it hears, with the summary
of what became of the notes they can see (`reader.layers.revision_summary`: "3 notes kept
their place, 1 orphaned"), and each author whose notes lost their place is told so.

Runs in the background once the revision has committed (`revision_notifications_task`, queued
by the layer's `follow_revision` with `transaction.on_commit`), a batch of readers at a time.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.tasks import task

from newsapp.annotations.models import AnchorState, Annotation
from newsapp.articles.models import ArticleRevision
from newsapp.reader import layers

from .delivery import deliver
from .models import Follow, Kind, Notification, Target

BATCH = 1000


def quoted(title: str, limit: int = 80) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


def notify_revision(revision: ArticleRevision) -> int:
    """Tell annotators and followers of the article about `revision`; returns how many."""
    article = revision.article
    title = quoted(revision.title)
    head = (
        f"{title} has a new version: {revision.words_added} words added, "
        f"{revision.words_removed} removed."
    )
    annotators = set(
        Annotation.objects.filter(article=article, parent__isnull=True, deleted_at__isnull=True)
        .exclude(exact="")
        .values_list("author_id", flat=True)
        .distinct()
    )
    followers = set(
        Follow.objects.filter(target=Target.ARTICLE, target_id=article.pk).values_list(
            "follower_id", flat=True
        )
    )
    everyone = sorted(annotators | followers)
    made = 0
    users = get_user_model().objects
    for index in range(0, len(everyone), BATCH):
        batch = everyone[index : index + BATCH]
        told = set(
            Notification.objects.filter(
                revision=revision, kind=Kind.REVISION, recipient__in=batch
            ).values_list("recipient_id", flat=True)
        )
        by_message: dict[str, list[int]] = defaultdict(list)
        for user in users.filter(pk__in=[pk for pk in batch if pk not in told]):
            summary = layers.revision_summary(revision.followed, user)
            by_message[f"{head} {summary}".strip()].append(user.pk)
        with transaction.atomic():
            for message, recipients in by_message.items():
                made += len(
                    deliver(
                        recipients,
                        kind=Kind.REVISION,
                        message=message,
                        article=article,
                        revision=revision,
                    )
                )
    return made + _notify_orphans(revision, title)


def _notify_orphans(revision: ArticleRevision, title: str) -> int:
    """Authors of notes this revision orphaned: anchored on the previous revision until now
    (a note orphaned earlier keeps an older revision, and is not counted again)."""
    previous = (
        ArticleRevision.objects.filter(article=revision.article, number=revision.number - 1)
        .values_list("pk", flat=True)
        .first()
    )
    if previous is None:
        return 0
    counts = (
        Annotation.objects.filter(
            article=revision.article,
            parent__isnull=True,
            deleted_at__isnull=True,
            anchor_state=AnchorState.ORPHANED,
            revision_id=previous,
        )
        .values("author")
        .annotate(notes=Count("pk"))
        .values_list("author", "notes")
    )
    already = set(
        Notification.objects.filter(
            kind=Kind.ORPHANED, article=revision.article, created_at__gte=revision.created_at
        ).values_list("recipient_id", flat=True)
    )
    made = 0
    with transaction.atomic():
        for author, notes in counts:
            if author in already:
                continue
            words = "1 of your notes" if notes == 1 else f"{notes} of your notes"
            made += len(
                deliver(
                    [author],
                    kind=Kind.ORPHANED,
                    message=f"{words} on {title} lost {'its' if notes == 1 else 'their'} place "
                    "in the new version: open the article to re-attach "
                    f"{'it' if notes == 1 else 'them'} to new words.",
                    article=revision.article,
                )
            )
    return made


@task
def revision_notifications_task(revision_id: int) -> str:
    revision = ArticleRevision.objects.select_related("article").filter(pk=revision_id).first()
    if revision is None:
        return "The revision is gone."
    return f"{notify_revision(revision)} notification(s)."
