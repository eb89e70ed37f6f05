"""How every `<mark>` in the reader's article body is decided: one place for all layers.

Layers (annotations, quotes and claims, ...) contribute typed `Mark`s: which layer, what it
marks (`key`), where (`start`, `end` in code points of `body_text`), and which `part` of a
thing marked in several pieces. `render_marks` sweeps them through `text.highlight` and
decides each `<mark>`'s attributes from the marks covering that piece of text:

- NOTE marks (a reader's highlight or note) give `class="hl hl-<kind>"`, `data-ids` (the notes'
  public ids, which the script opens) and `aria-details`; where several overlap,
  `hl-overlap`; the note a permalink opened at, `hl-target`. The first piece of each note is
  its link target and keyboard stop (`id="hl-<id>"`, `tabindex="0"`).
- QUOTE marks (a quotation found in the article) give `data-quote` and the speaker as `title`;
  a piece that is only a quote gets `class="q"` instead of `hl`. The first piece of a quote's
  first part is its link target (`id="q-<id>"`), never a tab stop: a focusable mark would
  stop a selection that starts inside it.
- CONTEXT marks (one character at the end of a claim whose readers' context is shown) put
  `hl-context` on every piece of that note, and `hl-context-end` where the badge goes.

Nothing here adds text: `body_text` stays the `textContent` of the marked-up body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsapp.text import highlight

NOTE = "note"
QUOTE = "quote"
CONTEXT = "context"
UNKNOWN_SPEAKER = "Speaker unknown"


@dataclass(frozen=True, slots=True)
class Mark:
    layer: str  # NOTE, QUOTE or CONTEXT
    key: str | int  # what it marks: a note's public id, a quote's id
    start: int
    end: int
    part: int = 0  # of a thing marked in pieces (a quote interrupted by "she said"): 0 first
    kind: str = ""  # a note's kind (its colour)
    label: str = ""  # a quote's speaker ("" when unknown)


def render_marks(body_html: str, marks: Iterable[Mark], *, target_key: str | None = None) -> str:
    """`body_html` with every mark rendered (see the module docstring for the attributes)."""
    marks = [mark for mark in marks if mark.end > mark.start]
    if not marks:
        return body_html
    with_context = frozenset(mark.key for mark in marks if mark.layer == CONTEXT)

    def mark_attrs(ids: tuple[int, ...], starts: frozenset[int]) -> Mapping[str, str]:
        return attributes(
            [marks[i] for i in ids],
            [marks[i] for i in starts],
            with_context=with_context,
            target_key=target_key,
        )

    spans = [(mark.start, mark.end, (number,)) for number, mark in enumerate(marks)]
    return highlight.render(body_html, spans, mark_attrs=mark_attrs)


def attributes(
    covering: list[Mark],
    starting: list[Mark],
    *,
    with_context: frozenset[str | int] = frozenset(),
    target_key: str | None = None,
) -> dict[str, str]:
    """The attributes of one `<mark>`: `covering` are the marks over its text, `starting` those
    of them whose first piece this is."""
    notes = sorted((mark for mark in covering if mark.layer == NOTE), key=lambda mark: mark.key)
    quote_keys = sorted({mark.key for mark in covering if mark.layer == QUOTE})
    attrs: dict[str, str] = {}
    if notes:
        note_keys = [str(mark.key) for mark in notes]
        classes = ["hl", f"hl-{notes[0].kind}"]
        if len(notes) > 1:
            classes.append("hl-overlap")
        if target_key is not None and target_key in note_keys:
            classes.append("hl-target")
        if any(mark.key in with_context for mark in notes):
            classes.append("hl-context")
            if any(mark.layer == CONTEXT for mark in covering):
                classes.append("hl-context-end")
        attrs["class"] = " ".join(classes)
        attrs["data-ids"] = " ".join(note_keys)
        attrs["aria-details"] = " ".join(f"note-{key}" for key in note_keys)
    else:
        attrs["class"] = "q"
        attrs["data-ids"] = ""
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
    elif first_quotes:
        attrs["id"] = f"q-{first_quotes[0]}"
    return attrs
