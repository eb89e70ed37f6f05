"""The annotations layer of the reader page: readers' highlights and notes.

Marks every note the viewer may see (`visible_to`) and the reader's filter keeps; renders the
margin's note cards a page at a time (cached per viewer); re-anchors every note when the
article gets a new revision (`reanchor`); counts public notes on library cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count

from newsapp.reader import cache
from newsapp.reader.layers import Layer
from newsapp.reader.marks import NOTE, Mark

from .cards import load_note_page
from .models import AnchorState, Annotation, AnnotationQuerySet, Kind
from .reanchor import reanchor_annotations, summary_for

REMEMBERED_VISIBILITY = "gloss:last-visibility"
MAX_NOTES_PAGE = 10_000


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
        return f"{int(self.mine)}|{self.kind}|{self.tag}|{self.by}"

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


def notes_page_number(query) -> int:
    """`?notes_page=`, read defensively: anything unreadable or absurd is page 1."""
    try:
        number = int(query.get("notes_page", 1))
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_NOTES_PAGE else 1


class Shown:
    """The annotations a page shows (built once per request, kept in the page's state)."""

    def __init__(self, page) -> None:
        self.filter = ReaderFilter.from_query(page.request.GET)
        visible = Annotation.objects.visible_to(page.user).filter(article=page.article)
        if page.target is not None:
            visible = visible | Annotation.objects.filter(pk=page.target.pk)
        self.visible = visible
        self.top_level = self.filter.apply(visible.top_level(), page.user).distinct()


def shown(page) -> Shown:
    """What the annotations layer shows on `page`: other layers build on it (claims badges)."""
    state = page.state(AnnotationsLayer.name)
    if "shown" not in state:
        state["shown"] = Shown(page)
    return state["shown"]


class ReaderNotes:
    """The margin: counts and tags (cached with the marked-up body) and a page of cards."""

    def __init__(self, page, number: int) -> None:
        self.page = page
        self.number = number

    @property
    def count(self) -> int:
        return self.page.facts(AnnotationsLayer.name)["count"]

    @property
    def tags_in_use(self) -> list[str]:
        return self.page.facts(AnnotationsLayer.name)["tags_in_use"]

    @cached_property
    def notes_html(self) -> str:
        page = self.page
        notes = shown(page)
        return cache.rendered_for_viewer(
            page.request,
            f"{page.key}:notes:{self.number}",
            "annotations/_note_page.html",
            lambda: {
                "note_page": load_note_page(
                    notes.top_level, notes.visible, page.target, self.number, user=page.user
                ),
                "article": page.article,
                "reader_filter": notes.filter,
                "count": self.count,
            },
        )


class AnnotationsLayer(Layer):
    name = "annotations"
    templates = {
        "tools": "annotations/reader/_tools.html",
        "before_body": "annotations/reader/_before_body.html",
        "after_body": "annotations/reader/_after_body.html",
        "aside": "annotations/reader/_aside.html",
        "after_aside": "annotations/reader/_after_aside.html",
        "scripts": "annotations/reader/_scripts.html",
        "oob": "annotations/reader/_oob.html",
        "library_card": "annotations/reader/_library_card.html",
    }

    def follow_revision(self, *, article, revision, old_text, new_text, ops):
        return reanchor_annotations(
            article=article, revision=revision, old_text=old_text, new_text=new_text, ops=ops
        )

    def stored(self, outcome) -> dict:
        return outcome.as_json()

    def describe(self, outcome) -> str:
        return _sentence(outcome.total.sentence())

    def revision_summary(self, stored, user) -> str:
        return _sentence(summary_for(stored, user).sentence())

    def variant(self, page) -> str:
        return shown(page).filter.cache_key

    def marks(self, page, earlier):
        top_level = shown(page).top_level
        rows = list(top_level.values_list("public_id", "kind", "start", "end", "anchor_state"))
        tags = Annotation.tags.through.objects.filter(annotation__in=top_level.values("pk"))
        marks = [
            Mark(NOTE, public_id, start, end, kind=kind)
            for public_id, kind, start, end, state in rows
            if state == AnchorState.ANCHORED and start is not None
        ]
        facts = {
            "count": len(rows),
            "tags_in_use": sorted(set(tags.values_list("tag__name", flat=True))),
        }
        return marks, facts

    def context(self, page):
        return {
            "annotations": ReaderNotes(page, notes_page_number(page.request.GET)),
            "reader_filter": shown(page).filter,
            "kinds": Kind,
            "default_visibility": page.request.session.get(REMEMBERED_VISIBILITY, "public"),
        }

    def library_cards(self, articles, user) -> None:
        """Each card's count of public notes (one query for the page of cards)."""
        counts = dict(
            Annotation.objects.visible_to(None)
            .top_level()
            .filter(article__in=[article.pk for article in articles])
            .values("article")
            .annotate(notes=Count("pk"))
            .values_list("article", "notes")
        )
        for article in articles:
            article.public_note_count = counts.get(article.pk, 0)


def _sentence(words: str) -> str:
    return f"{words[0].upper()}{words[1:]}." if words else ""
