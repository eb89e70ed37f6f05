"""Anchoring's constants, its result type, and how a candidate place is scored: evidence in
characters from the quote, its context and nearness to the old position."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    errors: int  # edit distance between the quote and text[start:end]
    evidence: float  # matching characters minus edits, over quote and context
    similarity: float  # share of matching characters, over quote and context
    rank: float  # evidence plus the nearness bonus


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
