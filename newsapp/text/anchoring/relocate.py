"""Re-anchoring across a revision, using both texts.

A selector made on ``old_text`` is carried to ``new_text`` through the differences between the
two, in two steps:

1. Paragraphs are paired: the same paragraph wherever it now is (a moved paragraph), else the
   most alike one left over (an edited paragraph, maybe moved too). A paragraph without a
   partner was deleted; one without a partner in the new text was written for it.
2. Inside a pair, the word diff maps offsets: text kept in place keeps its offsets, a
   boundary inside a changed stretch goes to the edge of what replaced it.

Then, for each selector: its span is found in the old text (its position, or ``locate`` there
when the position is stale) and mapped. When the mapped span still holds the selector's words
(exactly, or a few characters off: ``"position"``; edited but alike: ``"fuzzy"``), or most of
them were kept in place, that is the answer. Otherwise ``locate`` searches near the mapped
place, and its answer is kept only if it is in the paired paragraph or in a paragraph the
revision wrote: a sentence that was deleted while an identical one elsewhere stayed is
orphaned, never moved onto that twin. Selectors whose words are not in ``old_text`` at all (an
annotation orphaned by an earlier revision) are located on ``new_text`` alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from newsapp.text.diff import word_diff

from .locate import _Document
from .revision import _Revision
from .scoring import Anchor

# A mapped span whose text is at least this similar to the selector's words still holds them.
HELD_SIMILARITY = 0.75
# A span with at least this share of its characters kept in place is anchored on what is left.
KEPT_SHARE = 0.5
# Two paragraphs whose rapidfuzz ratio reaches this are one paragraph, edited; so are two of
# which one holds the other (partial_ratio, less a small penalty), if at least this long.
PAIRED_RATIO = 60.0
CONTAINED_PENALTY = 5.0
MIN_HELD_PARAGRAPH = 12
# Pairing compares at most this many leftover pairs of paragraphs (a rewrite, not an edit,
# has no pairs to find); beyond it only paragraphs this close in order are compared.
MAX_COMPARISONS = 20_000
NEAR_PARAGRAPHS = 20
# A paragraph holding this share (percent) of a shorter one's words holds that one.
HELD_WORDS = 90.0
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


class _Paragraphs:
    """The paragraphs of two revisions, paired, with a word diff inside each pair."""

    def __init__(self, old_text: str, new_text: str) -> None:
        self.old_text, self.new_text = old_text, new_text
        # Each paragraph as its words (for pairing) and as the stretch of text it owns up to
        # the next one, blank lines included (for mapping: every offset is in one of them).
        self.old_words, self.old = _paragraphs(old_text)
        self.new_words, self.new = _paragraphs(new_text)
        self.old_starts = [start for start, _end in self.old]
        self.new_starts = [start for start, _end in self.new]
        self.partner: dict[int, int] = {}
        self._pair_same()
        self._pair_alike()
        self._pair_in_place()
        self.paired_new = set(self.partner.values())
        self._inner: dict[int, _Revision] = {}

    def _pair_same(self) -> None:
        """Identical paragraphs: in order where the order held (so repeated paragraphs pair
        with their own copies), then wherever they went."""
        old_texts = [self.old_text[start:end] for start, end in self.old_words]
        new_texts = [self.new_text[start:end] for start, end in self.new_words]
        matcher = SequenceMatcher(None, old_texts, new_texts, autojunk=False)
        for old_start, new_start, size in matcher.get_matching_blocks():
            for offset in range(size):
                self.partner[old_start + offset] = new_start + offset
        taken = set(self.partner.values())
        unused: dict[str, list[int]] = {}
        for index, text in enumerate(new_texts):
            if index not in taken:
                unused.setdefault(text, []).append(index)
        for index, text in enumerate(old_texts):
            same = unused.get(text)
            if index not in self.partner and same:
                self.partner[index] = same.pop(0)

    def _pair_alike(self) -> None:
        old_left = [i for i in range(len(self.old)) if i not in self.partner]
        taken = set(self.partner.values())
        new_left = [j for j in range(len(self.new)) if j not in taken]
        everywhere = len(old_left) * len(new_left) <= MAX_COMPARISONS
        scored = []
        for i in old_left:
            old_start, old_end = self.old_words[i]
            paragraph = self.old_text[old_start:old_end]
            for j in new_left:
                if not everywhere and abs(i - j) > NEAR_PARAGRAPHS:
                    continue
                new_start, new_end = self.new_words[j]
                score = _alike(paragraph, self.new_text[new_start:new_end])
                if score:
                    scored.append((-score, abs(i - j), i, j))
        scored.sort()
        for _score, _distance, i, j in scored:
            if i not in self.partner and j not in taken:
                self.partner[i] = j
                taken.add(j)

    def _pair_in_place(self) -> None:
        """Between two pairs, as many unpaired paragraphs on each side: rewritten in place."""
        pairs = sorted(self.partner.items())
        paired = set(self.partner.values())
        bounds = [(-1, -1), *pairs, (len(self.old), len(self.new))]
        for (old_low, new_low), (old_high, new_high) in pairwise(bounds):
            if new_high <= new_low:
                continue  # paragraphs moved across: no gap to read
            old_gap = [i for i in range(old_low + 1, old_high) if i not in self.partner]
            new_gap = [j for j in range(new_low + 1, new_high) if j not in paired]
            if old_gap and len(old_gap) == len(new_gap):
                self.partner.update(zip(old_gap, new_gap, strict=True))

    def paragraph_at(self, position: int, *, ending: bool) -> int | None:
        """The old paragraph holding `position` (for an end: the character before it)."""
        index = bisect_right(self.old_starts, position - 1 if ending else position) - 1
        if index < 0:
            return None
        start, end = self.old[index]
        if ending:
            return index if start < position <= end else None
        return index if start <= position < end else None

    def map_span(self, start: int, end: int) -> tuple[int, int, int, int] | None:
        """(new start, new end, characters kept in place, old paragraph) for old `start:end`,
        or None when its paragraphs have no partner (they were deleted)."""
        first = self.paragraph_at(start, ending=False)
        last = self.paragraph_at(end, ending=True)
        if first is None or last is None or first not in self.partner:
            return None
        if last not in self.partner:
            return None
        new_start = self._map(first, start, ending=False)
        new_end = self._map(last, end, ending=True)
        kept = sum(
            self._inner_of(index).kept_characters(
                max(start, self.old[index][0]) - self.old[index][0],
                min(end, self.old[index][1]) - self.old[index][0],
            )
            for index in range(first, last + 1)
            if index in self.partner
        )
        return new_start, new_end, kept, first

    def _map(self, index: int, position: int, *, ending: bool) -> int:
        inner = self._inner_of(index)
        old_start = self.old[index][0]
        new_start = self.new[self.partner[index]][0]
        offset = position - old_start
        return new_start + (inner.map_end(offset) if ending else inner.map_start(offset))

    def _inner_of(self, index: int) -> _Revision:
        inner = self._inner.get(index)
        if inner is None:
            old_start, old_end = self.old[index]
            new_start, new_end = self.new[self.partner[index]]
            inner = _Revision(
                word_diff(self.old_text[old_start:old_end], self.new_text[new_start:new_end])
            )
            self._inner[index] = inner
        return inner

    def new_paragraph_at(self, position: int) -> int | None:
        index = bisect_right(self.new_starts, position) - 1
        if index < 0 or position > self.new[index][1]:
            return None
        return index

    def allows(self, anchor: Anchor, old_paragraph: int | None, *, anywhere_in_pair: bool) -> bool:
        """Whether a place found by ``locate`` may be the selector's: in text the revision
        wrote (a paragraph without a partner, or words inserted into the paired one), or, if
        `anywhere_in_pair`, anywhere in the paragraph paired with `old_paragraph`."""
        index = self.new_paragraph_at(anchor.start)
        if index is None:
            return False
        if index not in self.paired_new:
            return True
        if old_paragraph is None or self.partner.get(old_paragraph) != index:
            return False
        if anywhere_in_pair:
            return True
        offset = self.new[index][0]
        return self._inner_of(old_paragraph).in_inserted(anchor.start - offset, anchor.end - offset)


def relocate(
    old_text: str, new_text: str, selectors: Iterable[Mapping[str, Any]]
) -> list[Anchor | None]:
    """Where each selector made on `old_text` is in `new_text`; None when its words went.

    Selectors are mappings with the ``locate`` keywords (``exact``, ``prefix``, ``suffix``,
    ``start``, ``end``).
    """
    old_document, new_document = _Document(old_text), _Document(new_text)
    paragraphs = _Paragraphs(old_document.text, new_document.text)
    return [
        _relocate_one(paragraphs, old_document, new_document, selector) for selector in selectors
    ]


def _relocate_one(
    paragraphs: _Paragraphs,
    old_document: _Document,
    new_document: _Document,
    selector: Mapping[str, Any],
) -> Anchor | None:
    exact = selector.get("exact") or ""
    prefix = selector.get("prefix") or ""
    suffix = selector.get("suffix") or ""
    start, end = selector.get("start"), selector.get("end")
    if not isinstance(exact, str) or not exact:
        return None
    old_text, new_text = old_document.text, new_document.text
    if not (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and 0 <= start <= end <= len(old_text)
        and old_text[start:end] == exact
    ):
        found = old_document.locate(exact, prefix, suffix, start, end)
        if found is None:
            # Not in the old text either (orphaned earlier): the selector alone decides.
            return new_document.locate(exact, prefix, suffix, start, end)
        start, end = found.start, found.end
    mapped = paragraphs.map_span(start, end)
    if mapped is None:
        # Its paragraph went: the words may be in a paragraph the revision wrote, no further.
        found = new_document.locate(exact, prefix, suffix, None, None)
        allowed = found is not None and paragraphs.allows(found, None, anywhere_in_pair=False)
        return found if allowed else None
    mapped_start, mapped_end, kept, first = mapped
    held = _held(new_text, exact, mapped_start, mapped_end, kept, start)
    if held is not None:
        return held
    if kept >= KEPT_SHARE * (end - start) and _about_as_long(
        new_text[mapped_start:mapped_end], exact
    ):
        # Edited beyond the similarity bar but mostly kept in place: what is left of it.
        similarity = Levenshtein.normalized_similarity(exact, new_text[mapped_start:mapped_end])
        return Anchor(mapped_start, mapped_end, "fuzzy", min(similarity, 0.999))
    # Every word of it deleted where it was: only text written since may hold it now.
    found = new_document.locate(exact, prefix, suffix, mapped_start, mapped_end)
    allowed = found is not None and paragraphs.allows(found, first, anywhere_in_pair=kept > 0)
    return found if allowed else None


def _held(
    new_text: str, exact: str, start: int, end: int, kept: int, old_start: int
) -> Anchor | None:
    """The selector's words at or right around a mapped span: exactly there, exactly a few
    characters off (a boundary that fell in a changed stretch), or edited but alike. As with
    ``locate``, "position" means the old offsets still hold, "quote" that the words moved."""
    if start >= end:
        return None
    held = new_text[start:end]
    if held == exact:
        return Anchor(start, end, "position" if start == old_start else "quote", 1.0)
    if kept:
        slack = max(8, len(exact) // 4)
        found = new_text.find(exact, max(0, start - slack), end + slack)
        if found != -1:
            method = "position" if found == old_start else "quote"
            return Anchor(found, found + len(exact), method, 1.0)
    similarity = Levenshtein.normalized_similarity(exact, held)
    if similarity >= HELD_SIMILARITY:
        return Anchor(start, end, "fuzzy", min(similarity, 0.999))
    return None


def _alike(old: str, new: str) -> float:
    """How alike two paragraphs are (0 below PAIRED_RATIO): as a whole, or one holding the
    other (sentences added to it, or taken from it)."""
    score = fuzz.ratio(old, new, score_cutoff=PAIRED_RATIO)
    short, long = sorted((old, new), key=len)
    # Of similar lengths the ratio says it all.
    if score or len(short) < MIN_HELD_PARAGRAPH or len(short) > 0.8 * len(long):
        return score
    if len(short) <= 64:  # a short line: rapidfuzz aligns it exhaustively and fast
        held = fuzz.partial_ratio(short, long, score_cutoff=PAIRED_RATIO + CONTAINED_PENALTY)
        return held - CONTAINED_PENALTY if held else 0.0
    # A longer paragraph: the share of its words the other holds (partial_ratio is slow here).
    words = set(_WORD.findall(short))
    if len(words) < 5:
        return 0.0
    held = 100.0 * len(words & set(_WORD.findall(long))) / len(words)
    return held - CONTAINED_PENALTY if held >= HELD_WORDS else 0.0


def _paragraphs(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The paragraphs (non-blank lines) of `text`: their words (without the whitespace around
    them), and the stretches they own (from the first to the next one's start, the first
    from the start of the text, the last to its end)."""
    words = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            words.append((start, end))
    owned = [
        (0 if index == 0 else start, words[index + 1][0] if index + 1 < len(words) else len(text))
        for index, (start, _end) in enumerate(words)
    ]
    return words, owned


def _about_as_long(held: str, exact: str) -> bool:
    return abs(len(held) - len(exact)) <= max(16, len(exact) // 2)
