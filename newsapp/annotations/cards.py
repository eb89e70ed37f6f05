"""Note cards: a page of them for the reader's margin, or one for a permalink, each with its
sources, tags, replies and what other layers show on it, in a fixed number of queries."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from newsapp.prepared import PreparedLookup
from newsapp.reader import cache as reader_cache
from newsapp.reader import layers

from .models import Annotation, ContextSource, group_model

NOTES_PER_PAGE = 40


@dataclass
class NotePage:
    notes: list[Annotation] = field(default_factory=list)
    orphaned: list[Annotation] = field(default_factory=list)
    next_page: int | None = None


def load_note_page(top_level, visible, target, page: int, *, user=None) -> NotePage:
    """Page `page` of the `top_level` annotations (anchored in text order, then orphaned), with
    `target` (a permalink's note) first on page 1; replies come from `visible`."""
    offset = (max(page, 1) - 1) * NOTES_PER_PAGE
    ordered = top_level.order_by("anchor_state", "start", "created_at", "pk")
    window = ordered[offset : offset + NOTES_PER_PAGE + 1]
    notes = list(window.select_related("author", "group"))
    has_more = len(notes) > NOTES_PER_PAGE
    notes = notes[:NOTES_PER_PAGE]
    if target is not None and page == 1 and all(note.pk != target.pk for note in notes):
        notes.insert(0, target)
    attach_details(notes, visible, ids=window.values("pk"), target=target, user=user)
    return NotePage(
        notes=[note for note in notes if not note.is_orphaned],
        orphaned=[note for note in notes if note.is_orphaned],
        next_page=page + 1 if has_more else None,
    )


def attach_details(notes: list[Annotation], visible, *, ids, target=None, user=None) -> None:
    """Sources, tags and replies for a page of notes: three queries, never one per note; then
    what each reader layer shows on the cards (`Layer.card_extras`)."""
    sources_by_note = defaultdict(list)
    for source in ContextSource.objects.filter(annotation__in=ids):
        sources_by_note[source.annotation_id].append(source)
    tags_by_note = defaultdict(list)
    tag_links = Annotation.tags.through.objects.filter(annotation__in=ids)
    for annotation_id, name in tag_links.values_list("annotation_id", "tag__name"):
        tags_by_note[annotation_id].append(name)
    replies_by_note = defaultdict(list)
    replies = visible.filter(parent__in=ids).select_related("author").order_by("created_at")
    for reply in replies:
        replies_by_note[reply.parent_id].append(reply)
    _load_groups(notes)
    for note in notes:
        note.visible_sources = sources_by_note[note.pk]
        note.tag_names = sorted(tags_by_note[note.pk])
        note.visible_replies = replies_by_note[note.pk]
        note.is_target = target is not None and note.pk == target.pk
        note.reply_token = secrets.token_urlsafe(12)
    layers.card_extras(notes, user)


def _load_groups(notes: list[Annotation]) -> None:
    """Each group note's group (its name is on the card): one query for the notes whose
    group was not loaded with them, none when all were."""
    group_field = Annotation._meta.get_field("group")
    missing = {n.group_id for n in notes if n.group_id and not group_field.is_cached(n)}
    if not missing:
        return
    groups = group_model()._default_manager.in_bulk(missing)
    for note in notes:
        if note.group_id in groups:
            note.group = groups[note.group_id]


def with_card_details(annotations: list[Annotation], user) -> list[Annotation]:
    """Card data for any list of annotations the viewer may see (the claims pages' lists)."""
    visible = Annotation.objects.visible_to(user)
    attach_details(annotations, visible, ids=[note.pk for note in annotations], user=user)
    return annotations


def note_with_details(annotation: Annotation, user) -> Annotation:
    """One note card's data, for a card loaded on demand (a mark beyond the first page)."""
    visible = Annotation.objects.visible_to(user, via_link=True)
    attach_details([annotation], visible, ids=[annotation.pk], user=user)
    return annotation


def annotation_for_permalink(public_id: str, user) -> Annotation | None:
    """The annotation a link names, if `user` may open it (else None: answer 404)."""
    return (
        Annotation.objects.visible_to(user, via_link=True)
        .select_related("article", "author", "group")
        .defer("article__body_html", "article__body_text")
        .filter(public_id=public_id)
        .order_by()
        .first()
    )


# Signed-out permalinks start here: compiled once (newsapp.prepared), the lookup costs its query.
_PERMALINK_STATE = PreparedLookup(
    lambda public_id: (
        Annotation.objects.visible_to(None, via_link=True).filter(public_id=public_id).order_by()
    ),
    (
        "public_id",
        "parent_id",
        "article_id",
        *(f"article__{name}" for name in reader_cache.STATE_FIELDS if name != "pk"),
    ),
)


def permalink_state(public_id: str) -> Annotation | None:
    """The annotation a link names, if anyone with the link may open it, with no more than a
    signed-out permalink's shared page is found by: its parent and its article's state."""
    return _PERMALINK_STATE.instance(public_id)
