"""Anchor W3C text selectors (quote, context and position) onto a text, exactly or fuzzily.

Pure: no Django. Offsets are Unicode code points (see ``offsets`` for the browser's UTF-16).

``locate`` tries, in order:

1. position: the text at ``start:end`` is still the quote and its context still fits;
2. quote: the exact occurrence of the quote whose prefix, suffix and position fit best;
3. fuzzy: the same search with whitespace runs collapsed on both sides (a re-extraction that
   turned tabs and newlines into spaces), then an approximate search for the quote within an
   edit budget of a quarter of its length, near the old position first and over the whole
   text only when nothing plausible was found. Exact and approximate candidates compete;
4. otherwise ``None``: the annotation is orphaned.

Candidates are ranked by *evidence*, counted in characters: each character of the quote,
prefix and suffix that matches counts +1 and each edit -1 (Levenshtein distance; a context
that changed beyond recognition counts 0, not less), plus a bonus for being near the old
position. A long quote thus decides by itself, while a short one is judged mostly by its
context. A candidate needs MIN_EVIDENCE to be accepted: when the sentence holding an annotated
"the government" is deleted, another "the government" with foreign context elsewhere is the
wrong place, and orphaning is the honest answer.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

CONTEXT_LENGTH = 32
# Largest share of the quote's characters that may differ in a fuzzy match.
MAX_ERROR_RATE = 0.25
# Evidence (matching characters minus edits, over quote, prefix and suffix, plus nearness) a
# candidate needs. Unrelated 32-character snippets of English are about 60% different, so a
# foreign context adds nothing.
MIN_EVIDENCE = 48
# Nearness to the old position is worth up to POSITION_WEIGHT characters of evidence, halving
# every POSITION_SCALE characters away: near the old place 24 agreeing characters suffice, far
# away a candidate needs 48. Edits shift text by sentences; look-alike phrases (a formula such
# as "did not respond to a request for comment") are usually far apart.
POSITION_WEIGHT = 24.0
POSITION_SCALE = 1000
# An exact occurrence of a quote this long is accepted whatever its context.
DISTINCTIVE_LENGTH = 48
# An exact occurrence whose quote and context agree this well (share of characters) is taken
# without looking for approximate matches.
CONFIDENT_SIMILARITY = 0.95
# Occurrences of a quote scored at most, nearest the old position first (a one-letter quote in
# a book-length text would otherwise score every occurrence).
MAX_OCCURRENCES = 5000
# Longer quotes (several paragraphs) are only matched exactly: the bit-parallel search costs
# grow with the square of the quote's length.
MAX_FUZZY_LENGTH = 5000
# Approximate search looks this far (plus the quote length) on each side of the old position
# before searching the whole text.
SEARCH_WINDOW = 512
# Candidate regions for quotes of up to PIECE_LENGTH characters come from rapidfuzz's
# partial_ratio (exhaustive and bit-parallel for such needles), scanning chunks of the text;
# longer quotes are located by exact seeds of SEED_LENGTH characters.
PIECE_LENGTH = 64
WINDOW_CHUNK_LENGTH = 256
CHUNK_LENGTH = 4096
SEED_LENGTH = 16
MAX_SEED_HITS = 64

_MULTI_SPACE = re.compile(r"\s{2,}")
_ANY_SPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a selector landed: code point offsets, how it was found, and how well it fits.

    ``score`` is the share of the quote's, prefix's and suffix's characters that agree with
    the text around the anchor (1.0 when all do).
    """

    start: int
    end: int
    method: str  # "position" | "quote" | "fuzzy"
    score: float = 1.0


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


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    errors: int  # edit distance between the quote and text[start:end]
    evidence: float  # matching characters minus edits, over quote and context
    similarity: float  # share of matching characters, over quote and context
    rank: float  # evidence plus the nearness bonus


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


def _plausible(candidate: _Candidate, length: int, prefix: str, suffix: str) -> bool:
    if candidate.errors == 0 and (length >= DISTINCTIVE_LENGTH or not (prefix or suffix)):
        return True
    # Quote and context all agree: nothing in the selector tells this place from the original
    # (a text shorter than the context holds too little evidence otherwise).
    return candidate.similarity == 1.0 or candidate.rank >= MIN_EVIDENCE


def _better(first: _Candidate | None, second: _Candidate | None) -> _Candidate | None:
    if first is None:
        return second
    if second is None:
        return first
    return second if second.rank > first.rank else first


def _nearness(distance: int) -> float:
    return POSITION_WEIGHT * POSITION_SCALE / (POSITION_SCALE + distance)


def _score(
    text: str,
    start: int,
    end: int,
    length: int,
    errors: int,
    prefix: str,
    suffix: str,
    hint: int | None,
) -> _Candidate:
    """Evidence for the quote (``length`` characters, ``errors`` edits) at ``start:end``."""
    agreeing, counted, evidence = length - errors, length, length - 2 * errors
    for context, actual in (
        (prefix, text[max(0, start - len(prefix)) : start]),
        (suffix, text[end : end + len(suffix)]),
    ):
        if context:
            distance = 0 if context == actual else Levenshtein.distance(context, actual)
            distance = min(distance, len(context))
            agreeing += len(context) - distance
            counted += len(context)
            # Text next to an annotation gets edited too: changed context is no evidence
            # against a place, only the lack of evidence for it.
            evidence += max(0, len(context) - 2 * distance)
    rank = evidence + (0.0 if hint is None else _nearness(abs(start - hint)))
    return _Candidate(start, end, errors, evidence, agreeing / counted, rank)


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


def _best_fuzzy(
    text: str, quote: str, prefix: str, suffix: str, hint: int | None, *, everywhere: bool
) -> _Candidate | None:
    """The best plausible approximate match near the hint, or anywhere if ``everywhere``."""
    length = len(quote)
    max_errors = int(length * MAX_ERROR_RATE)
    if max_errors < 1 or length > MAX_FUZZY_LENGTH:
        return None
    if everywhere:
        low, high, chunk_length = 0, len(text), CHUNK_LENGTH
    elif hint is None:
        return None
    else:
        low = max(0, hint - SEARCH_WINDOW)
        high = min(len(text), hint + length + SEARCH_WINDOW)
        # Small chunks near the old position yield more candidates.
        chunk_length = WINDOW_CHUNK_LENGTH
    best: _Candidate | None = None
    chunk_length = max(chunk_length, 4 * length)
    for region_low, region_high in _regions(text, quote, max_errors, low, high, chunk_length):
        for start, end, errors in _matches(text, quote, max_errors, region_low, region_high):
            candidate = _score(text, start, end, length, errors, prefix, suffix, hint)
            best = _better(best, candidate)
    return best if best is not None and _plausible(best, length, prefix, suffix) else None


def _regions(
    text: str, quote: str, max_errors: int, low: int, high: int, chunk_length: int
) -> list[list[int]]:
    """Stretches of ``text[low:high]`` that may hold the quote within the error budget."""
    length = len(quote)
    slack = max_errors + 2
    if high - low <= length + 2 * slack:
        return [[low, high]]
    if length <= PIECE_LENGTH:
        starts = _similar_windows(text, quote, max_errors, low, high, chunk_length)
        needed = 1
    else:
        starts, needed = _seed_hits(text, quote, low, high), 2
    regions: list[list[int]] = []
    for implied_start, pieces in _clusters(starts, slack):
        if len(pieces) < needed:
            continue
        # Cheap check in C before the Myers pass: where the seeds agree on a real match, the
        # quote-length window at that start is within twice the budget (the match's own
        # indels shift it a little); where seeds of a common phrase agree by chance, it is not.
        first = implied_start[0]
        window = text[max(low, first) : first + length]
        if needed > 1 and Levenshtein.distance(quote, window, score_cutoff=2 * max_errors) > (
            2 * max_errors
        ):
            continue
        region_low = max(low, implied_start[0] - slack)
        region_high = min(high, implied_start[1] + length + slack)
        if regions and region_low <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], region_high)
        else:
            regions.append([region_low, region_high])
    return regions


def _similar_windows(
    text: str, quote: str, max_errors: int, low: int, high: int, chunk_length: int
) -> list[tuple[int, int]]:
    """Per chunk, the start of the window most similar to a short quote, if similar enough.

    rapidfuzz's partial_ratio is exhaustive and bit-parallel for needles of up to 64
    characters. Its indel similarity is about ``1 - 1.5 * MAX_ERROR_RATE`` or more for a match
    within the budget (a substitution costs two indels, and the window has the quote's length,
    not the match's). Only each chunk's best window is kept, so chunks near the old position
    are small.
    """
    cutoff = 100.0 * (1.0 - 1.5 * MAX_ERROR_RATE)
    length = len(quote)
    starts = []
    chunk_low = low
    while True:
        chunk_high = min(high, chunk_low + chunk_length)
        haystack_low = max(low, min(chunk_low, chunk_high - length))
        found = fuzz.partial_ratio_alignment(
            quote, text[haystack_low:chunk_high], score_cutoff=cutoff
        )
        if found is not None:
            starts.append((haystack_low + found.dest_start, 0))
        if chunk_high >= high:
            return starts
        chunk_low = chunk_high - length - max_errors


def _seed_hits(text: str, quote: str, low: int, high: int) -> list[tuple[int, int]]:
    """Where exact pieces of a long quote occur, as (implied quote start, piece index).

    Edits to a long quote are local (a word, a typo, a clause), so most of its pieces survive
    intact, and a match is where several pieces agree on the start.
    """
    hits = []
    count = len(quote) // SEED_LENGTH
    for index in range(count):
        offset = index * SEED_LENGTH
        seed = quote[offset : offset + SEED_LENGTH]
        found: list[int] = []
        position = text.find(seed, low, high)
        while position != -1 and len(found) <= MAX_SEED_HITS:
            found.append(position - offset)
            position = text.find(seed, position + 1, high)
        if len(found) <= MAX_SEED_HITS:  # a piece found everywhere says nothing
            hits.extend((start, index) for start in found)
    return hits


def _clusters(
    starts: list[tuple[int, int]], slack: int
) -> Iterator[tuple[tuple[int, int], set[int]]]:
    """Groups of nearby implied starts: ((first, last), the pieces that voted)."""
    starts.sort()
    group: list[tuple[int, int]] = []
    for start in starts:
        if group and start[0] - group[-1][0] > slack:
            yield (group[0][0], group[-1][0]), {piece for _, piece in group}
            group = []
        group.append(start)
    if group:
        yield (group[0][0], group[-1][0]), {piece for _, piece in group}


def _matches(
    text: str, quote: str, max_errors: int, low: int, high: int
) -> list[tuple[int, int, int]]:
    """Best approximate matches ``(start, end, errors)`` of ``quote`` in ``text[low:high]``."""
    ends = _approximate_ends(quote, text, low, high, max_errors)
    matches = []
    length = len(quote)
    for end, errors in ends:
        # The best start for this end: the Myers pass gave its distance, so stop at the first
        # start (nearest a quote-length span) that reaches it.
        lengths = sorted(
            range(max(0, length - max_errors), min(end - low, length + max_errors) + 1),
            key=lambda size: abs(size - length),
        )
        for size in lengths:
            if Levenshtein.distance(quote, text[end - size : end], score_cutoff=errors) <= errors:
                matches.append((end - size, end, errors))
                break
    return matches


def _approximate_ends(
    pattern: str, text: str, low: int, high: int, max_errors: int
) -> list[tuple[int, int]]:
    """Ends of the locally best matches within ``max_errors``, with their edit distance.

    Myers' bit-parallel algorithm (Myers 1999, in Hyyrö's formulation) for approximate search:
    bit i of the vertical delta vectors says how the edit distance of ``pattern[: i + 1]``
    against the best substring ending at the current character changes down the column.
    Python integers serve as bit vectors of any length.
    """
    length = len(pattern)
    masks: dict[str, int] = {}
    bit = 1
    for character in pattern:
        masks[character] = masks.get(character, 0) | bit
        bit <<= 1
    full = (1 << length) - 1
    top = 1 << (length - 1)
    plus, minus, errors = full, 0, length
    scores: list[tuple[int, int]] = []
    mask_of = masks.get
    for index, character in enumerate(text[low:high], start=low + 1):
        equal = mask_of(character, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        horizontal_plus = minus | ~(horizontal | plus)
        horizontal_minus = plus & horizontal
        if horizontal_plus & top:
            errors += 1
        elif horizontal_minus & top:
            errors -= 1
        horizontal_plus = (horizontal_plus << 1) & full
        horizontal_minus = (horizontal_minus << 1) & full
        plus = (horizontal_minus | ~(vertical | horizontal_plus)) & full
        minus = horizontal_plus & vertical
        if errors <= max_errors:
            scores.append((index, errors))
    # Keep the bottom of each valley: an end whose neighbours are no better.
    valleys = []
    for position, (end, errors) in enumerate(scores):
        before = scores[position - 1] if position else None
        after = scores[position + 1] if position + 1 < len(scores) else None
        better_before = before is not None and before[0] == end - 1 and before[1] < errors
        better_after = after is not None and after[0] == end + 1 and after[1] < errors
        if not better_before and not better_after:
            valleys.append((end, errors))
    return valleys
