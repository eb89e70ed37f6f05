"""How every `<mark>` in the reader's article body is decided: one place for all layers.

Layers (annotations, quotes and claims, ...) contribute typed `Mark`s: which layer, what it
marks (`key`), where (`start`, `end` in code points of `body_text`), and which `part` of a
thing marked in several pieces. `render_marks` sweeps them through `text.highlight` and
decides each `<mark>`'s attributes from the marks covering that piece of text:

- NOTE marks (a reader's highlight or note) give `class="hl hl-<kind>"` and `data-ids`: the
  notes covering the piece, as numbers into the body's list of note keys (`note_keys`, which
  the page puts in `data-note-keys` on the body element) so that a piece under many
  overlapping notes stays small; where several overlap, `hl-overlap`; the note a permalink
  opened at, `hl-target`. The first piece of each note is its link target and keyboard stop
  (`id="hl-<public id>"`, `tabindex="0"`), points at its card (`aria-details`) and is named
  for assistive technology (`role="group"`, `aria-label="Claim by alice"`: what it is, whose,
  how many notes it opens; a group keeps the words inside it readable, which a button or link
  would not).
- QUOTE marks (a quotation found in the article) give `data-quote` and the speaker as `title`;
  a piece that is only a quote gets `class="q"` instead of `hl`. The first piece of a quote's
  first part is its link target (`id="q-<id>"`), never a tab stop: a focusable mark would
  stop a selection that starts inside it.
- CONTEXT marks (one character at the end of a claim whose readers' context is shown) put
  `hl-context` on every piece of that note, and `hl-context-end` where the badge goes.
- TOP marks (words that three or more readers highlighted publicly, `count` of them) put
  `hl-top` on every piece (a piece that is nothing else gets `class="top"`) and `data-top`
  (the count); a second TOP mark of the same key with `part=1` covers the last character and
  gives `hl-top-end`, where the count badge goes. That piece, and any piece no note covers,
  says what it is in its `title` (a quote's speaker wins).

Nothing here adds text: `body_text` stays the `textContent` of the marked-up body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsapp.text import highlight

NOTE = "note"
QUOTE = "quote"
CONTEXT = "context"
TOP = "top"
UNKNOWN_SPEAKER = "Speaker unknown"


@dataclass(frozen=True, slots=True)
class Mark:
    layer: str  # NOTE, QUOTE, CONTEXT or TOP
    key: str | int  # what it marks: a note's public id, a quote's id
    start: int
    end: int
    part: int = 0  # of a thing marked in pieces (a quote interrupted by "she said"): 0 first
    kind: str = ""  # a note's kind (its colour)
    label: str = ""  # a note's author, a quote's speaker ("" when unknown)
    count: int = 0  # a top highlight's readers


@dataclass(frozen=True, slots=True)
class MarkedBody:
    html: str
    note_keys: list[str]  # the notes marked, by first appearance; `data-ids` number into it


def render_marks(
    body_html: str, marks: Iterable[Mark], *, target_key: str | None = None
) -> MarkedBody:
    """`body_html` with every mark rendered (see the module docstring for the attributes)."""
    marks = sorted((mark for mark in marks if mark.end > mark.start), key=lambda m: m.start)
    note_keys = list(dict.fromkeys(str(mark.key) for mark in marks if mark.layer == NOTE))
    if not marks:
        return MarkedBody(body_html, note_keys)
    numbers = {key: number for number, key in enumerate(note_keys)}
    with_context = frozenset(mark.key for mark in marks if mark.layer == CONTEXT)

    def mark_attrs(ids: tuple[int, ...], starts: frozenset[int]) -> Mapping[str, str]:
        return attributes(
            [marks[i] for i in ids],
            [marks[i] for i in starts],
            numbers=numbers,
            with_context=with_context,
            target_key=target_key,
        )

    spans = [(mark.start, mark.end, (number,)) for number, mark in enumerate(marks)]
    return MarkedBody(highlight.render(body_html, spans, mark_attrs=mark_attrs), note_keys)


def accessible_name(notes: list[Mark]) -> str:
    """What a note mark is, for a screen reader: "Claim by alice", or for overlapping notes
    "Claim, highlight by alice and bruno, 2 notes"."""
    kinds = list(dict.fromkeys(mark.kind or "note" for mark in notes))
    authors = list(dict.fromkeys(mark.label for mark in notes if mark.label))
    name = ", ".join(kinds).capitalize()
    if authors:
        name += " by " + " and ".join(authors)
    if len(notes) > 1:
        name += f", {len(notes)} notes"
    return name


def attributes(
    covering: list[Mark],
    starting: list[Mark],
    *,
    numbers: Mapping[str, int],
    with_context: frozenset[str | int] = frozenset(),
    target_key: str | None = None,
) -> dict[str, str]:
    """The attributes of one `<mark>`: `covering` are the marks over its text, `starting` those
    of them whose first piece this is, `numbers` each note key's number in the body's list."""
    notes = sorted(
        (mark for mark in covering if mark.layer == NOTE), key=lambda mark: numbers[str(mark.key)]
    )
    quote_keys = sorted({mark.key for mark in covering if mark.layer == QUOTE})
    attrs: dict[str, str] = {}
    if notes:
        classes = ["hl", f"hl-{notes[0].kind}"]
        if len(notes) > 1:
            classes.append("hl-overlap")
        if target_key is not None and any(str(mark.key) == target_key for mark in notes):
            classes.append("hl-target")
        if any(mark.key in with_context for mark in notes):
            classes.append("hl-context")
            if any(mark.layer == CONTEXT for mark in covering):
                classes.append("hl-context-end")
        attrs["class"] = " ".join(classes)
        attrs["data-ids"] = " ".join(str(numbers[str(mark.key)]) for mark in notes)
    else:
        attrs["class"] = "q" if quote_keys else "top"
        attrs["data-ids"] = ""
    tops = [mark for mark in covering if mark.layer == TOP]
    if tops:
        readers = max(mark.count for mark in tops)
        at_end = any(mark.part for mark in tops)
        attrs["class"] += " hl-top" + (" hl-top-end" if at_end else "")
        attrs["data-top"] = str(readers)
        if at_end or not notes:  # the badge's tooltip, or a piece no note explains
            attrs["title"] = f"Top highlight: {readers} readers highlighted these words"
    if quote_keys:
        attrs["data-quote"] = " ".join(map(str, quote_keys))
        speaker = next(
            (mark.label for mark in covering if mark.layer == QUOTE and mark.key == quote_keys[0]),
            "",
        )
        attrs["title"] = f"Quote: {speaker or UNKNOWN_SPEAKER}"
        attrs["data-speaker"] = speaker or UNKNOWN_SPEAKER
    first_notes = sorted(str(mark.key) for mark in starting if mark.layer == NOTE)
    first_quotes = sorted(mark.key for mark in starting if mark.layer == QUOTE and mark.part == 0)
    if first_notes:
        attrs["id"] = f"hl-{first_notes[0]}"
        attrs["tabindex"] = "0"
        attrs["aria-details"] = " ".join(f"note-{key}" for key in first_notes)
        attrs["role"] = "group"
        attrs["aria-label"] = accessible_name(notes)
    elif first_quotes:
        attrs["id"] = f"q-{first_quotes[0]}"
    return attrs
