"""What the reader page shows of annotations: one place, a fixed number of queries."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject

from newsapp.claims import reader as claims_reader
from newsapp.text import highlight

from .models import AnchorState, Annotation, AnnotationQuerySet, ContextSource, Kind

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

    @property
    def cache_key(self) -> str:
        return f"{int(self.mine)}|{self.kind}|{self.tag}|{self.by}".replace(":", "%3A")

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


NOTES_PER_PAGE = 40
CACHE_SECONDS = 10 * 60


@dataclass
class ReaderAnnotations:
    """The marked-up body (every visible highlight) and one page of rendered note cards."""

    body_html: str
    count: int
    tags_in_use: list[str]
    notes_html: str


@dataclass
class NotePage:
    notes: list[Annotation] = field(default_factory=list)
    orphaned: list[Annotation] = field(default_factory=list)
    next_page: int | None = None


def reader_annotations(
    request,
    article,
    reader_filter: ReaderFilter = ReaderFilter(),
    target: Annotation | None = None,
    page: int = 1,
) -> ReaderAnnotations:
    """Annotations the viewer may see on `article`: marks in the body and a page of notes.

    Both parts are cached under the article's state, its annotation-set version and the
    viewer (user and CSRF secret), so a private note never reaches another reader through
    the cache and a warm page costs no annotation queries at all. A cold page costs a fixed
    number, whatever the number of annotations: the rest of the notes load on demand.
    """
    user = request.user
    visible = Annotation.objects.visible_to(user).filter(article=article)
    if target is not None:
        visible = visible | Annotation.objects.filter(pk=target.pk)
    top_level = reader_filter.apply(visible.top_level(), user).distinct()
    key = cache_key(request, article, reader_filter, target)

    marks = cache.get(f"{key}:marks")
    if marks is None:
        marks = marks_for(article.body_html, top_level, target, article=article)
        cache.set(f"{key}:marks", marks, CACHE_SECONDS)

    notes_html = rendered_for_viewer(
        request,
        f"{key}:notes:{page}",
        "annotations/_note_page.html",
        lambda: {
            "note_page": load_note_page(top_level, visible, target, page, user=user),
            "article": article,
            "reader_filter": reader_filter,
            "count": marks["count"],
        },
    )
    return ReaderAnnotations(
        body_html=marks["body_html"],
        count=marks["count"],
        tags_in_use=marks["tags_in_use"],
        notes_html=notes_html,
    )


def rendered_for_viewer(request, key: str, template: str, context) -> str:
    """`template` rendered with `context()`, cached for this viewer (see viewer_key)."""
    viewer = viewer_key(request)
    html = cache.get(f"{key}:{viewer}") if viewer else None
    if html is None:
        html = render_to_string(template, context(), request=request)
        if viewer:
            cache.set(f"{key}:{viewer}", html, CACHE_SECONDS)
    return html


def cache_key(request, article, reader_filter: ReaderFilter, target) -> str:
    changed = article.annotations_changed_at
    parts = (
        article.pk,
        article.updated_at.timestamp(),
        changed.timestamp() if changed else 0,
        request.user.pk if request.user.is_authenticated else 0,
        target.public_id if target is not None else "",
        reader_filter.cache_key,
    )
    return "gloss:reader:" + ":".join(str(part) for part in parts)


def viewer_key(request) -> str:
    """Who the rendered cards are for: their forms carry this browser's CSRF secret.

    Empty means "do not cache": a signed-in reader without a CSRF cookie yet.
    """
    if not request.user.is_authenticated:
        return "anonymous"
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return hashlib.sha256(secret.encode()).hexdigest()[:16] if secret else ""


def load_note_page(top_level, visible, target, page: int, *, user=None) -> NotePage:
    offset = (max(page, 1) - 1) * NOTES_PER_PAGE
    ordered = top_level.order_by("anchor_state", "start", "created_at", "pk")
    window = ordered[offset : offset + NOTES_PER_PAGE + 1]
    notes = list(window.select_related("author"))
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
    """Sources, tags and replies for a page of notes: three queries, never one per note.

    Then the claims layer (status, the viewer's rating, the speaker): up to three more.
    """
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
    for note in notes:
        note.visible_sources = sources_by_note[note.pk]
        note.tag_names = sorted(tags_by_note[note.pk])
        note.visible_replies = replies_by_note[note.pk]
        note.is_target = target is not None and note.pk == target.pk
        note.reply_token = secrets.token_urlsafe(12)
    claims_reader.attach_note_extras(notes, user)


def note_with_details(annotation: Annotation, user) -> Annotation:
    """One note card's data, for a card loaded on demand (a mark beyond the first page)."""
    visible = Annotation.objects.visible_to(user, via_link=True)
    attach_details([annotation], visible, ids=[annotation.pk], user=user)
    return annotation


def marks_for(body_html: str, top_level, target, *, article=None) -> dict:
    """The body with every visible annotation marked, plus the quote layer when `article` is
    given: its quotes (one query) and which claims show readers' context (one query)."""
    rows = list(top_level.values_list("public_id", "kind", "start", "end", "anchor_state"))
    anchored = [row for row in rows if row[4] == AnchorState.ANCHORED and row[2] is not None]
    tag_names = Annotation.tags.through.objects.filter(annotation__in=top_level.values("pk"))
    quotes, with_context = [], set()
    if article is not None:
        quotes = claims_reader.quote_marks(article)
        if anchored:
            with_context = claims_reader.helpful_note_ids(top_level)
    return {
        "body_html": render_marks(body_html, anchored, target, quotes, with_context),
        "count": len(rows),
        "tags_in_use": sorted(set(tag_names.values_list("tag__name", flat=True))),
    }


# Marks the last character of a claim whose context is shown, where CSS puts the badge. Never
# a public id (those are URL-safe base64), so it never reaches data-ids.
CONTEXT_END = "~"


def render_marks(
    body_html: str,
    rows: list[tuple],
    target: Annotation | None,
    quotes: list = (),
    with_context: set[str] = frozenset(),
) -> str:
    """`rows` are (public_id, kind, start, end, ...) of anchored annotations; `quotes` are
    `claims.reader.QuoteMark`s; `with_context` the public ids whose context is shown.

    Annotation marks keep `class="hl ..."` and list only annotation ids in `data-ids` (the
    script opens a note for each). Quote pieces get `data-quote` and the speaker as `title`;
    a piece that is only a quote gets `class="q"` instead of `hl`. Nothing adds text.
    """
    kind_of = {row[0]: row[1] for row in rows}
    spans = [(start, end, (public_id,)) for public_id, _, start, end, *_ in rows]
    speakers: dict[int, str] = {}
    for quote in quotes:
        speakers[quote.pk] = quote.speaker
        # Later parts of an interrupted quote carry -pk: only the first part is its anchor.
        spans.extend(
            (start, end, (quote.pk if number == 0 else -quote.pk,))
            for number, (start, end) in enumerate(quote.spans)
        )
    for public_id, _, start, end, *_ in rows:
        if public_id in with_context and end > start:
            spans.append((end - 1, end, (CONTEXT_END + public_id,)))
    target_id = target.public_id if target is not None else None

    def mark_attrs(ids, starts) -> dict[str, str]:
        quote_ids = sorted({abs(i) for i in ids if type(i) is int})
        note_ids = [i for i in ids if type(i) is str and not i.startswith(CONTEXT_END)]
        attrs: dict[str, str] = {}
        if note_ids:
            classes = ["hl", f"hl-{kind_of[note_ids[0]]}"]
            if len(note_ids) > 1:
                classes.append("hl-overlap")
            if target_id in note_ids:
                classes.append("hl-target")
            if any(public_id in with_context for public_id in note_ids):
                classes.append("hl-context")
                if any(type(i) is str and i.startswith(CONTEXT_END) for i in ids):
                    classes.append("hl-context-end")
            attrs["class"] = " ".join(classes)
            attrs["data-ids"] = " ".join(note_ids)
            attrs["aria-details"] = " ".join(f"note-{public_id}" for public_id in note_ids)
        else:
            attrs["class"] = "q"
            attrs["data-ids"] = ""
        if quote_ids:
            attrs["data-quote"] = " ".join(map(str, quote_ids))
            speaker = speakers.get(quote_ids[0]) or "Speaker unknown"
            attrs["title"] = f"Quote: {speaker}"
            attrs["data-speaker"] = speaker
        first_notes = sorted(i for i in starts if type(i) is str and i in kind_of)
        first_quotes = sorted(i for i in starts if type(i) is int and i > 0)
        if first_notes:
            # The first piece of each highlight is the keyboard stop and the link target.
            attrs["id"] = f"hl-{first_notes[0]}"
            attrs["tabindex"] = "0"
        elif first_quotes:
            # A link target only: a focusable mark would stop a selection starting inside it.
            attrs["id"] = f"q-{first_quotes[0]}"
        return attrs

    return highlight.render(body_html, spans, mark_attrs=mark_attrs)


def reader_context(request, article, *, target: Annotation | None = None) -> dict:
    """Everything the reader page and its HTMX fragments render."""
    reader_filter = ReaderFilter.from_query(request.GET)
    try:
        page = max(1, int(request.GET.get("notes_page", 1)))
    except ValueError:
        page = 1
    claims = SimpleLazyObject(lambda: claims_reader.reader_claims(article))
    return {
        "article": article,
        "annotations": reader_annotations(request, article, reader_filter, target, page),
        "reader_filter": reader_filter,
        "kinds": Kind,
        "target": target,
        "default_visibility": request.session.get(REMEMBERED_VISIBILITY, "public"),
        # Quotes panel, context box and JSON-LD: loaded only if the page renders them.
        "claims": claims,
        "quotes_panel_html": SimpleLazyObject(
            lambda: rendered_for_viewer(
                request,
                cache_key(request, article, ReaderFilter(), None) + ":quotes",
                "claims/_quotes_panel.html",
                lambda: {"claims": claims, "article": article},
            )
        ),
    }


def annotation_for_permalink(public_id: str, user) -> Annotation | None:
    """The annotation a link names, if `user` may open it (else None: answer 404)."""
    return (
        Annotation.objects.visible_to(user, via_link=True)
        .select_related("article", "author")
        .filter(public_id=public_id)
        .first()
    )
