"""Reader layers: everything that stores offsets into an article's `body_text`.

A layer follows the article when its text changes (annotations re-anchor, quotes are found
again) and contributes to the reader page: marks in the body, data on note cards, template
context for its fragments, and the templates it puts in the page's named slots. The layers in
use are the setting `GLOSS_READER_LAYERS` (dotted paths, in order, like MIDDLEWARE): a layer
sees the marks of the layers before it, and its fragments come after theirs in each slot.

Slots of the reader page (templates/reader/page.html): "head", "nav" (in the site header's one
row, before the menu), "header" (under the article's title), "tools" (inside the Reading tools
control), "before_body", "after_body", "aside" (the notes margin), "after_aside",
"scripts" (end of the page), "oob" (out-of-band fragments of the HTMX answer to a change).
Slots other templates offer: "before_notes" (the annotations' margin, above the cards),
"card" and "card_footer" (each note card, after its note and at its foot), "reply" (each reply
on a card, as `reply`), "library_card"
(each article on the library page, inline in its line of facts), "library_card_footer" (under
each library card's facts), "library_scripts" (the end of the library page), "filter_tools"
(the reader's notes filter, when a tag or a reader is chosen), "speaker" (a speaker's page,
under the name) and "feed" (a feed's page, under its title).

Layers also hear of writes readers may want to know about (`follow_change` with a `Change`,
inside the write's transaction) and may offer the library page tabs of their own
(`library_shelves`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .marks import Mark
    from .page import ReaderPage


# Kinds of Change: what a write that readers may want to hear of was.
NOTE_CREATED = "note_created"  # annotation_create: a new top-level annotation (`annotation`)
REPLY_CREATED = "reply_created"  # reply_create: `annotation` is the reply
NOTES_SHOWN = "notes_shown"  # notes_rescore: `annotation_ids` now show as "Readers added context"
ATTRIBUTION_CORRECTED = "attribution_corrected"  # `actor` says `detail["speaker"]` said `quote`
FEED_ITEM_IMPORTED = "feed_item_imported"  # a feed (`detail["feed"]`, its id) brought `article`


@dataclass(frozen=True)
class Change:
    """A write readers may want to hear of (a reply, a new note on a claim, a correction).

    The service that writes it calls `follow_change(Change(...))` inside its transaction; a
    layer that reacts (notifications) does its work there, or queues a task with
    `transaction.on_commit`, so what it makes commits or rolls back with the write.
    """

    kind: str
    actor: Any = None  # who wrote it; None for the machine (a scoring run, a feed poll)
    annotation: Any = None
    article: Any = None
    quote: Any = None
    annotation_ids: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Shelf:
    """A tab of the library page that a layer offers beside "Library" (everything)."""

    key: str  # its ?shelf= value
    label: str
    count: int
    # The articles on it, in its order, from the library's rows (a search may narrow them).
    select: Callable[[Any], Any]
    position: int = 0  # before the Library tab (< 0) or after it (> 0)
    default: bool = False  # shown when the request names no shelf
    empty: str = ""  # what the page says when the shelf is empty
    shortcut: str = ""  # the key that opens it
    short_label: str = ""  # the label on a phone, if `label` is too long there


class Layer:
    """The protocol, with a no-op default for everything a layer may leave out."""

    name = ""
    # slot name -> the template this layer renders there
    templates: dict[str, str] = {}

    # --- following the article -----------------------------------------------------------
    def follow_import(self, *, article) -> Any:
        """A new article was imported (inside its transaction)."""
        return None

    def follow_revision(self, *, article, revision, old_text: str, new_text: str, ops) -> Any:
        """`article` now has `new_text` (inside the revision's transaction): follow it, and
        return what happened (an outcome for `stored` and `describe`), or None."""
        return None

    def stored(self, outcome) -> dict:
        """What of an outcome the revision keeps (under this layer's name) for the notice."""
        return {}

    def describe(self, outcome) -> str:
        """An outcome in one sentence, for operators (commands, logs): it may count every
        reader's private notes, so it is never shown to readers."""
        return ""

    def articles_changed(self, *, article_ids: list[int], stamp) -> None:
        """Something layers show on these articles changed (`Article.mark_annotations_changed`,
        which stamped them with `stamp`): stamp other articles whose pages show it too
        (context follows a quote)."""

    def revision_summary(self, stored: dict, user) -> str:
        """One sentence for the reader's revision notice from what `stored` kept: only what
        `user` may know of."""
        return ""

    def follow_change(self, change: Change) -> None:
        """A write readers may want to hear of happened (inside its transaction)."""

    # --- the reader page -----------------------------------------------------------------
    def variant(self, page: ReaderPage) -> str:
        """What of the request changes this layer's part of the cached body (a filter)."""
        return ""

    def marks(self, page: ReaderPage, earlier: list[Mark]) -> tuple[Iterable[Mark], dict]:
        """This layer's marks (seeing `earlier` layers' marks), and facts to cache with the
        marked-up body (a count, say), read back with `page.facts(name)`."""
        return (), {}

    def context(self, page: ReaderPage) -> dict[str, Any]:
        """Template context for this layer's fragments (lazy where it costs queries)."""
        return {}

    def card_extras(self, notes: list, user) -> None:
        """Attach what this layer shows on a page of note cards (a constant number of queries)."""

    def library_cards(self, articles: list, user) -> None:
        """Attach what this layer shows on the library's article cards (constant queries)."""

    def library_shelves(self, request) -> list[Shelf]:
        """The library tabs this layer offers the request's reader (constant queries)."""
        return []


@cache
def _load(paths: tuple[str, ...]) -> tuple[Layer, ...]:
    return tuple(import_string(path)() for path in paths)


def active_layers() -> tuple[Layer, ...]:
    return _load(tuple(settings.GLOSS_READER_LAYERS))


def templates_for(slot: str) -> list[str]:
    return [layer.templates[slot] for layer in active_layers() if slot in layer.templates]


def follow_import(*, article) -> dict[str, Any]:
    return {layer.name: layer.follow_import(article=article) for layer in active_layers()}


@dataclass(frozen=True)
class Followed:
    """What every layer made of a new revision, by layer name."""

    outcomes: dict[str, Any]

    def stored(self) -> dict[str, dict]:
        kept = (
            (layer.name, layer.stored(self.outcomes.get(layer.name))) for layer in active_layers()
        )
        return {name: data for name, data in kept if data}

    def describe(self) -> str:
        """For operators only (see Layer.describe)."""
        sentences = (
            layer.describe(self.outcomes[layer.name])
            for layer in active_layers()
            if self.outcomes.get(layer.name) is not None
        )
        return " ".join(sentence for sentence in sentences if sentence)

    def __getitem__(self, layer_name: str) -> Any:
        return self.outcomes[layer_name]


def follow_revision(*, article, revision, old_text: str, new_text: str, ops) -> Followed:
    return Followed(
        {
            layer.name: layer.follow_revision(
                article=article, revision=revision, old_text=old_text, new_text=new_text, ops=ops
            )
            for layer in active_layers()
        }
    )


def revision_summary(stored: dict, user) -> str:
    """The reader's one-line summary of a revision, from what each layer stored on it."""
    sentences = (
        layer.revision_summary(stored.get(layer.name) or {}, user) for layer in active_layers()
    )
    return " ".join(sentence for sentence in sentences if sentence)


def articles_changed(*, article_ids: list[int], stamp) -> None:
    for layer in active_layers():
        layer.articles_changed(article_ids=article_ids, stamp=stamp)


def follow_change(change: Change) -> None:
    """Tell every layer of a write (call inside the write's transaction)."""
    for layer in active_layers():
        layer.follow_change(change)


def card_extras(notes: list, user) -> None:
    for layer in active_layers():
        layer.card_extras(notes, user)


def library_cards(articles: list, user) -> None:
    for layer in active_layers():
        layer.library_cards(articles, user)


def library_shelves(request) -> list[Shelf]:
    return [shelf for layer in active_layers() for shelf in layer.library_shelves(request)]
