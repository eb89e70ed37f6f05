"""The annotations layer of the reader page: readers' highlights and notes.

Marks every note the viewer may see (`visible_to`) and the reader's filter keeps; renders the
margin's note cards a page at a time (cached per viewer); re-anchors every note when the
article gets a new revision (`reanchor`); counts public notes on library cards.

What a viewer may see depends on their groups, so the page's cache variant names them (and
the group switcher's choice): leaving a group changes the key, and its notes are gone at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count

from newsapp.reader import cache
from newsapp.reader.layers import Layer
from newsapp.reader.marks import NOTE, Mark

from .cards import load_note_page
from .forms import audience_value
from .models import AnchorState, Annotation, AnnotationQuerySet, Kind, Visibility, reader_groups
from .reanchor import reanchor_annotations, summary_for

# The annotate form offers its own last choice; one-click highlights use the reader's default,
# shown (and changed) in the selection toolbar. Neither silently follows the other.
REMEMBERED_VISIBILITY = "gloss:last-visibility"
HIGHLIGHT_VISIBILITY = "gloss:highlight-visibility"
# Short names: the toolbar must fit a 320 px screen.
HIGHLIGHT_VISIBILITY_CHOICES = [
    (Visibility.PUBLIC, "Public"),
    (Visibility.UNLISTED, "Unlisted"),
    (Visibility.PRIVATE, "Only me"),
]


def highlight_visibility(session) -> str:
    chosen = session.get(HIGHLIGHT_VISIBILITY, Visibility.PUBLIC)
    return chosen if chosen in Visibility.values else Visibility.PUBLIC


MAX_NOTES_PAGE = 10_000


PUBLIC_NOTES = "public"
ONLY_ME = "private"


@dataclass(frozen=True)
class ReaderFilter:
    """The reader's choice of what to show: all, mine, one kind, one tag, or one reader's;
    and the group switcher (`?in=`): every note the reader may see (""), the public ones
    ("public"), one group's (its slug) or only the reader's private ones ("private")."""

    mine: bool = False
    kind: str = ""
    tag: str = ""
    by: str = ""
    audience: str = ""

    @classmethod
    def from_query(cls, query) -> ReaderFilter:
        kind = query.get("kind", "")
        return cls(
            mine=query.get("show") == "mine",
            kind=kind if kind in Kind.values else "",
            tag=query.get("tag", "").strip().lower()[:40],
            by=query.get("by", "").strip()[:150],
            audience=query.get("in", "").strip().lower()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.mine or self.kind or self.tag or self.by or self.audience)

    @property
    def cache_key(self) -> str:
        return f"{int(self.mine)}|{self.kind}|{self.tag}|{self.by}|{self.audience}"

    def apply(self, annotations: AnnotationQuerySet, user) -> AnnotationQuerySet:
        if self.mine:
            annotations = (
                annotations.filter(author=user) if user.is_authenticated else annotations.none()
            )
        if self.audience == PUBLIC_NOTES:
            annotations = annotations.filter(visibility=Visibility.PUBLIC)
        elif self.audience == ONLY_ME:
            annotations = annotations.filter(visibility=Visibility.PRIVATE)
        elif self.audience:
            annotations = annotations.filter(visibility=Visibility.GROUP, group__slug=self.audience)
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


@dataclass(frozen=True)
class ViewerGroup:
    pk: int
    slug: str
    name: str
    colour: str
    new_notes: str  # the group's default for new notes: "group" or "private"

    @property
    def default_visibility(self) -> str:
        if self.new_notes == Visibility.GROUP:
            return audience_value(Visibility.GROUP, self.pk)
        return Visibility.PRIVATE


def viewer_groups(page) -> list[ViewerGroup]:
    """The viewer's groups (one query per request, none for anonymous readers): what they
    may see depends on them, so the page's cache variant names them; the switcher lists them."""
    state = page.state(AnnotationsLayer.name)
    if "groups" not in state:
        rows = reader_groups(page.user).values_list(
            "pk", "slug", "name", "colour", "default_visibility"
        )
        state["groups"] = [ViewerGroup(*row) for row in rows]
    return state["groups"]


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
        "nav": "annotations/reader/_nav.html",
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
        groups = ",".join(str(group.pk) for group in viewer_groups(page))
        return f"{shown(page).filter.cache_key}|groups={groups}"

    def marks(self, page, earlier):
        top_level = shown(page).top_level
        rows = list(
            top_level.values_list(
                "public_id", "kind", "start", "end", "anchor_state", "author__username"
            )
        )
        tags = Annotation.tags.through.objects.filter(annotation__in=top_level.values("pk"))
        marks = [
            Mark(NOTE, public_id, start, end, kind=kind, label=author)
            for public_id, kind, start, end, state, author in rows
            if state == AnchorState.ANCHORED and start is not None
        ]
        facts = {
            "count": len(rows),
            "tags_in_use": sorted(set(tags.values_list("tag__name", flat=True))),
        }
        return marks, facts

    def context(self, page):
        reader_filter = shown(page).filter
        groups = viewer_groups(page)
        default_visibility = page.request.session.get(REMEMBERED_VISIBILITY, "public")
        for group in groups:
            if group.slug == reader_filter.audience:
                # Reading in a group: new notes go where the group says.
                default_visibility = group.default_visibility
        return {
            "annotations": ReaderNotes(page, notes_page_number(page.request.GET)),
            "reader_filter": reader_filter,
            "reader_groups": groups,
            "reader_tools_open": reader_filter.active,
            "kinds": Kind,
            "default_visibility": default_visibility,
            "highlight_visibility": highlight_visibility(page.request.session),
            "highlight_visibility_choices": HIGHLIGHT_VISIBILITY_CHOICES,
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
