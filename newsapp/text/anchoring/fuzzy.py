"""Approximate search for a quote: candidate regions (partial_ratio windows or exact seeds),
then Myers' bit-parallel edit distance within an error budget."""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .scoring import (
    CHUNK_LENGTH,
    MAX_ERROR_RATE,
    MAX_FUZZY_LENGTH,
    MAX_SEED_HITS,
    PIECE_LENGTH,
    SEARCH_WINDOW,
    SEED_LENGTH,
    WINDOW_CHUNK_LENGTH,
    _better,
    _Candidate,
    _plausible,
    _score,
)


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
