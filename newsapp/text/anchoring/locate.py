"""Locating a selector on a text: the position, exact occurrences ranked by context, and the
fuzzy search on a whitespace-collapsed copy when neither holds."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from typing import Any

from .fuzzy import _best_fuzzy
from .scoring import (
    CONFIDENT_SIMILARITY,
    CONTEXT_LENGTH,
    DISTINCTIVE_LENGTH,
    MAX_OCCURRENCES,
    Anchor,
    _better,
    _Candidate,
    _nearness,
    _plausible,
    _score,
)

_MULTI_SPACE = re.compile(r"\s{2,}")


_ANY_SPACE = re.compile(r"\s")


def selector_for(text: str, start: int, end: int, *, context: int = CONTEXT_LENGTH) -> dict:
    """W3C TextQuoteSelector and TextPositionSelector fields for ``text[start:end]``."""
    start = min(max(start, 0), len(text))
    end = min(max(end, start), len(text))
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
        "start": start,
        "end": end,
    }


def locate(
    text: str,
    *,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
) -> Anchor | None:
    """Find where a selector's quote is in ``text`` now; ``None`` when it is orphaned."""
    return _Document(text).locate(exact, prefix, suffix, start, end)


def locate_many(text: str, selectors: Iterable[Mapping[str, Any]]) -> list[Anchor | None]:
    """``locate`` for many selectors (mappings with the ``locate`` keywords) on one text.

    The whitespace-collapsed copy of the text is built once and shared.
    """
    document = _Document(text)
    return [
        document.locate(
            selector.get("exact") or "",
            selector.get("prefix") or "",
            selector.get("suffix") or "",
            selector.get("start"),
            selector.get("end"),
        )
        for selector in selectors
    ]


class _Collapsed:
    """The text with every whitespace run turned into one space, and the way back."""

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        self._positions: list[int] = []  # where each shrunk run sits in the collapsed text
        self._original_ends: list[int] = []  # where it ended in the original text
        self._shifts: list[int] = []  # characters removed up to and including this run
        previous = shift = 0
        for match in _MULTI_SPACE.finditer(text):
            run_start, run_end = match.span()
            pieces.append(text[previous:run_start])
            pieces.append(" ")
            self._positions.append(run_start - shift)
            self._original_ends.append(run_end)
            shift += run_end - run_start - 1
            self._shifts.append(shift)
            previous = run_end
        pieces.append(text[previous:])
        self.text = _ANY_SPACE.sub(" ", "".join(pieces))
        self.same_as_original = self.text == text

    def to_original(self, offset: int) -> int:
        """Original offset of a collapsed start or end offset (an end keeps a whole run)."""
        runs_before = bisect_left(self._positions, offset)
        return offset + (self._shifts[runs_before - 1] if runs_before else 0)

    def from_original(self, offset: int) -> int:
        runs_before = bisect_right(self._original_ends, offset)
        return offset - (self._shifts[runs_before - 1] if runs_before else 0)


class _Document:
    def __init__(self, text: str) -> None:
        self.text = text if isinstance(text, str) else ""
        self._collapsed: _Collapsed | None = None

    @property
    def collapsed(self) -> _Collapsed:
        if self._collapsed is None:
            self._collapsed = _Collapsed(self.text)
        return self._collapsed

    def locate(
        self, exact: str, prefix: str, suffix: str, start: int | None, end: int | None
    ) -> Anchor | None:
        text = self.text
        if not isinstance(exact, str) or not exact or not text:
            return None
        prefix = prefix if isinstance(prefix, str) else ""
        suffix = suffix if isinstance(suffix, str) else ""
        hint = _hint(start, end, len(exact), len(text))
        length = len(exact)

        if hint is not None and text.startswith(exact, hint):
            held = _score(text, hint, hint + length, length, 0, prefix, suffix, hint)
            if _plausible(held, length, prefix, suffix):
                return Anchor(hint, hint + length, "position", held.similarity)

        exact_best = _best_exact(text, exact, prefix, suffix, hint)
        if exact_best is not None and (
            exact_best.similarity >= CONFIDENT_SIMILARITY or length >= DISTINCTIVE_LENGTH
        ):
            return self._exact_anchor(exact_best, hint)
        if exact_best is not None and not _plausible(exact_best, length, prefix, suffix):
            exact_best = None

        # The quote may have been edited in place while a look-alike survives elsewhere, so
        # approximate matches near the old position compete with the best exact occurrence.
        collapsed = self.collapsed
        raw = (exact, prefix, suffix)
        quote, prefix, suffix = _collapse(exact), _collapse(prefix), _collapse(suffix)
        near = None if hint is None else collapsed.from_original(hint)
        other_best = None
        if not (collapsed.same_as_original and (quote, prefix, suffix) == raw):
            other_best = _best_exact(collapsed.text, quote, prefix, suffix, near)
            if other_best is not None and not _plausible(other_best, len(quote), prefix, suffix):
                other_best = None
        if other_best is None or other_best.similarity < CONFIDENT_SIMILARITY:
            nearby = _best_fuzzy(collapsed.text, quote, prefix, suffix, near, everywhere=False)
            other_best = _better(other_best, nearby)
        if exact_best is None and other_best is None:
            other_best = _best_fuzzy(collapsed.text, quote, prefix, suffix, near, everywhere=True)
        if other_best is not None and (exact_best is None or other_best.rank > exact_best.rank):
            return self._from_collapsed(other_best)
        return None if exact_best is None else self._exact_anchor(exact_best, hint)

    @staticmethod
    def _exact_anchor(candidate: _Candidate, hint: int | None) -> Anchor:
        method = "position" if candidate.start == hint else "quote"
        return Anchor(candidate.start, candidate.end, method, candidate.similarity)

    def _from_collapsed(self, candidate: _Candidate) -> Anchor:
        start = self.collapsed.to_original(candidate.start)
        end = self.collapsed.to_original(candidate.end)
        return Anchor(start, end, "fuzzy", min(candidate.similarity, 0.999))


def _hint(start: int | None, end: int | None, length: int, text_length: int) -> int | None:
    if isinstance(start, int) and not isinstance(start, bool):
        return min(max(start, 0), text_length)
    if isinstance(end, int) and not isinstance(end, bool):
        return min(max(end - length, 0), text_length)
    return None


def _collapse(value: str) -> str:
    return _ANY_SPACE.sub(" ", _MULTI_SPACE.sub(" ", value))


def _best_exact(
    text: str, quote: str, prefix: str, suffix: str, hint: int | None
) -> _Candidate | None:
    """The best-ranked exact occurrence of ``quote``.

    Occurrences are visited in bands of growing radius around the hint, and the search stops
    once even a perfect context could not lift a farther occurrence above the best so far.
    """
    best: _Candidate | None = None
    length = len(quote)
    scored = 0
    if hint is None:
        position = text.find(quote)
        # Without a hint the first occurrence whose context agrees fully cannot be beaten.
        while position != -1 and scored < MAX_OCCURRENCES:
            candidate = _score(text, position, position + length, length, 0, prefix, suffix, None)
            best, scored = _better(best, candidate), scored + 1
            if candidate.similarity == 1.0:
                break
            position = text.find(quote, position + 1)
        return best
    perfect = length + len(prefix) + len(suffix)
    covered_low = covered_high = hint
    radius = 256
    while True:
        low, high = max(0, hint - radius), min(len(text), hint + radius)
        for band_low, band_high in ((low, covered_low), (covered_high, high)):
            position = text.find(quote, band_low, band_high + length - 1)
            while position != -1:
                candidate = _score(
                    text, position, position + length, length, 0, prefix, suffix, hint
                )
                best, scored = _better(best, candidate), scored + 1
                position = text.find(quote, position + 1, band_high + length - 1)
        covered_low, covered_high = low, high
        if (low == 0 and high == len(text)) or scored >= MAX_OCCURRENCES:
            return best
        if best is not None and best.rank >= perfect + _nearness(radius):
            return best
        radius *= 4
