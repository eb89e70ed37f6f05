"""Reads behind the moderation pages, each in a fixed number of queries: the queue (reported
and held notes a moderator may act on, with their reports, their place in the article and
their author's history), the audit log, and an author's own moderation record."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from newsapp.annotations.models import Annotation, Moderation, Visibility
from newsapp.groups.models import Group

from .models import Action, ModerationAction, Report, Resolution
from .services import moderated_group_ids
from .standing import AuthorHistory, author_histories

ITEMS_PER_PAGE = 30
CONTEXT_CHARS = 240
LOG_PER_PAGE = 100
REVIEW = "review"
HIDDEN = "hidden"


def moderation_scope(user, group_ids: list[int]) -> Q:
    """The notes `user` may act on: their groups' notes as a group moderator, public and
    unlisted ones as staff; never their own."""
    scope = Q(visibility=Visibility.GROUP, group__in=group_ids)
    if user.is_staff:
        scope |= Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED])
    return scope & ~Q(author=user)


@dataclass
class QueueItem:
    note: Annotation
    reports: list[Report] = field(default_factory=list)
    before: str = ""
    after: str = ""
    history: AuthorHistory | None = None
    notice: ModerationAction | None = None

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(report.get_reason_display() for report in self.reports)
        return counts.most_common()

    @property
    def top_reason(self) -> str:
        """The reason readers gave most, preselected in the Hide form."""
        counts = Counter(report.reason for report in self.reports)
        return counts.most_common(1)[0][0] if counts else ""


def _in_article(note: Annotation) -> tuple[str, str]:
    """The article's words around the note (or its stored context when orphaned)."""
    text = note.article.body_text
    if note.start is None or note.is_orphaned or text[note.start : note.end] != note.exact:
        return note.prefix, note.suffix
    return (
        text[max(0, note.start - CONTEXT_CHARS) : note.start],
        text[note.end : note.end + CONTEXT_CHARS],
    )


def queue_items(notes: list[Annotation]) -> list[QueueItem]:
    """Queue items for `notes` (loaded with author, article and group): their open reports,
    the last hide or hold, the authors' histories. Five queries, whatever the number."""
    ids = [note.pk for note in notes]
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(annotation__in=ids, resolution=Resolution.OPEN).order_by(
        "created_at", "pk"
    ):
        reports.setdefault(report.annotation_id, []).append(report)
    notices: dict[int, ModerationAction] = {}
    for action in ModerationAction.objects.filter(
        annotation__in=ids, action__in=[Action.HIDE, Action.HOLD]
    ).order_by("annotation", "-created_at", "-pk"):
        notices.setdefault(action.annotation_id, action)
    authors = {note.author_id: note.author for note in notes}
    histories = author_histories(set(authors), authors)
    items = []
    for note in notes:
        before, after = _in_article(note)
        items.append(
            QueueItem(
                note=note,
                reports=reports.get(note.pk, []),
                before=before,
                after=after,
                history=histories.get(note.author_id),
                notice=notices.get(note.pk),
            )
        )
    return items


def queue(user, *, status: str = REVIEW, group: Group | None = None) -> list[QueueItem]:
    """Reported or held notes (`REVIEW`) or hidden ones (`HIDDEN`) that `user` moderates:
    held first, then the most reported, newest first."""
    group_ids = moderated_group_ids(user)
    if group is not None:
        group_ids = [pk for pk in group_ids if pk == group.pk]
    scope = moderation_scope(user, group_ids)
    if group is not None:
        scope &= Q(group=group)
    open_reports = Report.objects.filter(annotation=OuterRef("pk"), resolution=Resolution.OPEN)
    notes = Annotation.objects.visible_to(user, moderating=True).filter(scope)
    if status == HIDDEN:
        notes = notes.filter(moderation=Moderation.HIDDEN)
    else:
        notes = notes.filter(Q(moderation=Moderation.HELD) | Exists(open_reports))
    notes = (
        notes.annotate(
            open_reports=Count("reports", filter=Q(reports__resolution=Resolution.OPEN)),
            held_first=Count("pk", filter=Q(moderation=Moderation.HELD)),
        )
        .select_related("author", "article", "group")
        .order_by("-held_first", "-open_reports", "-updated_at", "-pk")[:ITEMS_PER_PAGE]
    )
    return queue_items(list(notes))


def queue_item(user, public_id: str) -> QueueItem | None:
    """One note of the queue, if `user` may act on it (else None: answer 404)."""
    scope = moderation_scope(user, moderated_group_ids(user))
    note = (
        Annotation.objects.visible_to(user, moderating=True)
        .filter(scope, public_id=public_id)
        .select_related("author", "article", "group")
        .first()
    )
    return queue_items([note])[0] if note is not None else None


def moderated_groups(user) -> list[Group]:
    return list(Group.objects.filter(pk__in=moderated_group_ids(user)).order_by("name"))


def audit_log(*, page: int = 1) -> tuple[list[ModerationAction], bool]:
    offset = (max(page, 1) - 1) * LOG_PER_PAGE
    rows = list(
        ModerationAction.objects.select_related(
            "actor", "subject", "group", "annotation", "annotation__article"
        )[offset : offset + LOG_PER_PAGE + 1]
    )
    return rows[:LOG_PER_PAGE], len(rows) > LOG_PER_PAGE


AUTHOR_SEES = (Action.HIDE, Action.HOLD, Action.RESTORE, Action.APPROVE)


def record_of(user) -> dict:
    """What moderators decided about `user`'s notes (never who reported them, nor which
    moderator acted): the notes held back now, and the history."""
    held_back = list(
        Annotation.objects.alive()
        .filter(author=user)
        .exclude(moderation=Moderation.SHOWN)
        .select_related("article", "group")
        .defer("article__body_html", "article__body_text")
        .order_by("-updated_at")[:200]
    )
    actions = list(
        ModerationAction.objects.filter(subject=user)
        .filter(Q(action__in=AUTHOR_SEES, annotation__author=user) | Q(annotation__isnull=True))
        .select_related("annotation", "annotation__article", "group")[:200]
    )
    notices: dict[int, ModerationAction] = {}
    for action in actions:
        if action.annotation_id and action.action in (Action.HIDE, Action.HOLD):
            notices.setdefault(action.annotation_id, action)
    for note in held_back:
        note.moderation_notice = notices.get(note.pk)
    return {"held_back": held_back, "actions": actions}
