"""Every place some words occur in a text, each with a little of the text around it, so that a
person who pasted the words can say which place they mean.

Pure: no Django. Offsets are Unicode code points, like every offset into ``body_text``.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_CHARS = 40
MAX_OCCURRENCES = 20  # more than this and the words are too common to choose among


@dataclass(frozen=True, slots=True)
class Occurrence:
    """``text[start:end]`` is the words; ``before`` and ``after`` the context on their line,
    cut at whole words; ``cut_before``/``cut_after`` say that the line goes on."""

    start: int
    end: int
    before: str
    after: str
    cut_before: bool
    cut_after: bool


def find_starts(text: str, exact: str, *, limit: int = MAX_OCCURRENCES + 1) -> list[int]:
    """Where `exact` starts in `text` (overlapping occurrences too), the first `limit` only."""
    found: list[int] = []
    if not exact:
        return found
    position = text.find(exact)
    while position != -1 and len(found) < limit:
        found.append(position)
        position = text.find(exact, position + 1)
    return found


def occurrences(
    text: str,
    exact: str,
    *,
    context: int = CONTEXT_CHARS,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """The first `limit` occurrences of `exact` in `text`, each with up to `context`
    characters on either side, never past the line (the paragraph) the words are on."""
    found = []
    for start in find_starts(text, exact, limit=limit):
        end = start + len(exact)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        before_start = max(line_start, start - context)
        after_end = min(line_end, end + context)
        before, after = text[before_start:start], text[end:after_end]
        cut_before, cut_after = before_start > line_start, after_end < line_end
        if cut_before and not text[before_start - 1].isspace():
            before = _drop_first_word(before)
        if cut_after and not text[after_end].isspace():
            after = _drop_last_word(after)
        found.append(
            Occurrence(
                start=start,
                end=end,
                before=_one_line(before),
                after=_one_line(after),
                cut_before=cut_before,
                cut_after=cut_after,
            )
        )
    return found


def _drop_first_word(fragment: str) -> str:
    """`fragment` without its first, partial word (all of it when it is one word)."""
    for index, character in enumerate(fragment):
        if character.isspace():
            return fragment[index:].lstrip()
    return ""


def _drop_last_word(fragment: str) -> str:
    for index in range(len(fragment) - 1, -1, -1):
        if fragment[index].isspace():
            return fragment[:index].rstrip()
    return ""


def _one_line(fragment: str) -> str:
    """Whitespace runs as one space; a space at either edge stays (it separates the words)."""
    words = " ".join(fragment.split())
    if not words:
        return words
    leading = " " if fragment[:1].isspace() else ""
    trailing = " " if fragment[-1:].isspace() else ""
    return f"{leading}{words}{trailing}"
