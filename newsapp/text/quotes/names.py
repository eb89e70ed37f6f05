"""Names in running text: splitting a run of capitalised words into names and titles, the
role words of an appositive, and the lines that are headlines rather than prose."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from .lexicon import (
    _ABBREVIATIONS,
    _DETERMINERS,
    _INDEFINITES,
    _NOT_NAMES,
    _ROLE_SYNONYMS,
    _STOP_WORDS,
)
from .phrases import _base, _is_possessive_token, _is_title_word

_WORD = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*")
_SPACES = re.compile(r"\s+")
_SENTENCE_CLOSE = re.compile(r"(?:^|[.!?…:][\"'”’»)\]]*\s+|\n\s*)$")
# Capitalised at the start of a sentence because they start it, not because they are names.
_SENTENCE_OPENER_ENDINGS = ("ing", "ed", "ly")


class Headlines:
    """The paragraphs that read as headlines (a heading block, or a short line in Title
    Case without final punctuation): the capitalised words in them are not names."""

    def __init__(self, masked: str, paragraphs: list[tuple[int, int, str]]) -> None:
        self.spans = [
            (start, end)
            for start, end, kind in paragraphs
            if (kind[:1] == "h" and kind[1:].isdigit()) or _is_headline(masked[start:end])
        ]
        self.starts = [start for start, _end in self.spans]

    def holds(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.spans[index][1]


def _is_headline(line: str) -> bool:
    if len(line) > 160 or line.rstrip()[-1:] in ".!?…:;,\"'”’»)":
        return False
    words = [word for word in _WORD.findall(line) if len(word) > 3]
    if len(words) < 3:
        return False
    capitalised = sum(1 for word in words if word[0].isupper())
    return capitalised >= 0.75 * len(words)


def drop_sentence_opener(masked: str, sequence: str, start: int) -> tuple[str, int]:
    """A run of capitalised words without the word that only starts its sentence:
    "Hosting Cook at …" is about Cook, "Her Polish counterpart" about no one."""
    first, _space, rest = sequence.partition(" ")
    lowered = first.lower()
    if lowered not in _NOT_NAMES and not (
        len(first) > 4
        and lowered.endswith(_SENTENCE_OPENER_ENDINGS)
        and _SENTENCE_CLOSE.search(masked, max(0, start - 6), start)
    ):
        return sequence, start
    if not rest:
        return "", start
    return rest, start + len(sequence) - len(rest)


@lru_cache(maxsize=4096)
def _role_words(phrase: str) -> frozenset[str]:
    """The role words of an appositive phrase (cached: an article repeats its appositives)."""
    words = _SPACES.split(phrase.strip())
    kept: list[str] = []
    for word in words:
        lowered = _base(word.strip("“”\"'‘’"))
        if lowered in _STOP_WORDS:
            break
        if lowered and lowered not in _DETERMINERS and lowered not in _INDEFINITES:
            kept.append(_ROLE_SYNONYMS.get(lowered, lowered))
    return frozenset(kept)


def _split_name(sequence: str, offset: int) -> Iterable[tuple[int, int, list[str], list[str]]]:
    """Split a run of capitalised words into names: at sentence-ending dots, all-capitals
    words and possessives; strip leading function words and titles ("Defence Minister")."""
    # A run's words are separated by one space or no-break space each.
    words: list[tuple[str, int]] = []
    for word in sequence.split():
        words.append((word, offset))
        offset += len(word) + 1
    group: list[tuple[str, int]] = []
    for word, start in words:
        bare = word.rstrip(".")
        ends_sentence = word.endswith(".") and _base(bare) not in _ABBREVIATIONS and len(bare) > 1
        if len(bare) > 1 and bare.isupper():
            yield from _name_from_group(group)
            group = []
            continue
        group.append((bare, start))
        if ends_sentence or _is_possessive_token(bare):
            yield from _name_from_group(group)
            group = []
    yield from _name_from_group(group)


def _name_from_group(
    group: list[tuple[str, int]],
) -> Iterable[tuple[int, int, list[str], list[str]]]:
    while group and group[0][0].lower() in _NOT_NAMES:
        group = group[1:]
    if not group:
        return
    last_title = -1
    for index, (word, _start) in enumerate(group):
        if _is_title_word(word):
            last_title = index
    titles = [_base(w) for w, _ in group[: last_title + 1]]
    names = group[last_title + 1 :]
    if not names:
        return
    words = [names[0][0]] + [w for w, _ in names[1:]]
    words[-1] = words[-1][:-2] if words[-1].endswith(("’s", "'s")) else words[-1]
    start = names[0][1]
    end = names[-1][1] + len(names[-1][0])
    yield start, end, words, titles
