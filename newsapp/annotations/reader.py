"""What the reader page shows of annotations: one place, a fixed number of queries."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from newsapp.text import highlight

from .models import Annotation, AnnotationQuerySet, ContextSource, Kind

REMEMBERED_VISIBILITY = "gloss:last-visibility"


@dataclass(frozen=True)
class ReaderFilter:
    """The reader's choice of what to show: all, mine, one kind, one tag, or one reader's."""

    mine: bool = False
    kind: str = ""
    tag: str = ""
    by: str = ""

    @classmethod
    def from_query(cls, query) -> ReaderFilter:
        kind = query.get("kind", "")
        return cls(
            mine=query.get("show") == "mine",
            kind=kind if kind in Kind.values else "",
            tag=query.get("tag", "").strip().lower()[:40],
            by=query.get("by", "").strip()[:150],
        )

    @property
    def active(self) -> bool:
        return bool(self.mine or self.kind or self.tag or self.by)

    def apply(self, annotations: AnnotationQuerySet, user) -> AnnotationQuerySet:
        if self.mine:
            annotations = (
                annotations.filter(author=user) if user.is_authenticated else annotations.none()
            )
        if self.by:
            annotations = annotations.filter(author__username=self.by, visibility="public")
        if self.kind:
            annotations = annotations.filter(kind=self.kind)
        if self.tag:
            annotations = annotations.filter(tags__name=self.tag)
        return annotations


@dataclass
class ReaderAnnotations:
    notes: list[Annotation]
    orphaned: list[Annotation]
    body_html: str
    tags_in_use: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.notes) + len(self.orphaned)


def reader_annotations(
    article, user, reader_filter: ReaderFilter = ReaderFilter(), target: Annotation | None = None
) -> ReaderAnnotations:
    """Annotations `user` may see on `article`, with marks rendered into the body.

    Always four queries (annotations with authors, their sources, their tags, their replies),
    whatever the number of annotations: no per-note queries, no prefetch that skips when empty.
    """
    visible = Annotation.objects.visible_to(user).filter(article=article)
    if target is not None:
        visible = visible | Annotation.objects.filter(pk=target.pk)
    top_level = reader_filter.apply(visible.top_level(), user).distinct()
    notes = list(top_level.select_related("author").order_by("start", "created_at"))
    ids = [note.pk for note in notes]

    # Lists of ids, not subqueries: they compile faster and the query count never varies.
    sources_by_note = defaultdict(list)
    for source in ContextSource.objects.filter(annotation_id__in=ids):
        sources_by_note[source.annotation_id].append(source)
    tags_by_note = defaultdict(list)
    tag_links = Annotation.tags.through.objects.filter(annotation_id__in=ids)
    for annotation_id, name in tag_links.values_list("annotation_id", "tag__name"):
        tags_by_note[annotation_id].append(name)
    replies_by_note = defaultdict(list)
    replies = visible.filter(parent_id__in=ids).select_related("author").order_by("created_at")
    for reply in replies:
        replies_by_note[reply.parent_id].append(reply)

    for note in notes:
        note.visible_sources = sources_by_note[note.pk]
        note.tag_names = sorted(tags_by_note[note.pk])
        note.visible_replies = replies_by_note[note.pk]
        note.is_target = target is not None and note.pk == target.pk
        note.reply_token = secrets.token_urlsafe(12)

    anchored = [note for note in notes if not note.is_orphaned and note.start is not None]
    orphaned = [note for note in notes if note.is_orphaned]
    body_html = render_marks(article.body_html, anchored, target)
    tags_in_use = sorted({name for names in tags_by_note.values() for name in names})
    return ReaderAnnotations(
        notes=anchored, orphaned=orphaned, body_html=body_html, tags_in_use=tags_in_use
    )


def render_marks(body_html: str, annotations: list[Annotation], target: Annotation | None) -> str:
    by_public_id = {annotation.public_id: annotation for annotation in annotations}
    spans = [(a.start, a.end, (a.public_id,)) for a in annotations]
    target_id = target.public_id if target is not None else None

    def mark_attrs(ids, starts) -> dict[str, str]:
        first = by_public_id[ids[0]]
        classes = ["hl", f"hl-{first.kind}"]
        if len(ids) > 1:
            classes.append("hl-overlap")
        if target_id in ids:
            classes.append("hl-target")
        attrs = {
            "class": " ".join(classes),
            "data-ids": " ".join(ids),
            "aria-details": " ".join(f"note-{public_id}" for public_id in ids),
        }
        if starts:
            # The first piece of each highlight is the keyboard stop and the link target.
            attrs["id"] = f"hl-{sorted(starts)[0]}"
            attrs["tabindex"] = "0"
        return attrs

    return highlight.render(body_html, spans, mark_attrs=mark_attrs)


def annotation_for_permalink(public_id: str, user) -> Annotation | None:
    return (
        Annotation.objects.visible_to(user, via_link=True)
        .select_related("article", "author")
        .filter(public_id=public_id)
        .first()
    )


def reader_context(request, article, *, target: Annotation | None = None) -> dict:
    """Everything the reader page and its HTMX fragments render."""
    reader_filter = ReaderFilter.from_query(request.GET)
    return {
        "article": article,
        "annotations": reader_annotations(article, request.user, reader_filter, target),
        "reader_filter": reader_filter,
        "kinds": Kind,
        "target": target,
        "default_visibility": request.session.get(REMEMBERED_VISIBILITY, "public"),
    }
