"""Offsets through a word diff: a stretch kept in place keeps its offsets, a boundary inside a
changed stretch goes to the edge of what replaced it."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from newsapp.text.diff import DiffOp


@dataclass(frozen=True, slots=True)
class _Segment:
    """A stretch of the old text and what it became: kept (equal) or changed."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    kept: bool


class _Revision:
    """The word diff of two texts as segments over the old text, and the new text's
    insertions, to map offsets from one to the other."""

    def __init__(self, ops: Sequence[DiffOp]) -> None:
        self.segments: list[_Segment] = []
        self.inserted: list[tuple[int, int]] = []
        old = new = 0
        pending_old: int | None = None  # start of a changed stretch not yet closed
        pending_new = 0
        for op in ops:
            length = len(op.text)
            if op.kind == "equal":
                self._close(pending_old, old, pending_new, new)
                pending_old = None
                self.segments.append(_Segment(old, old + length, new, new + length, True))
                old, new = old + length, new + length
                continue
            if pending_old is None:
                pending_old, pending_new = old, new
            if op.kind == "delete":
                old += length
            else:
                self.inserted.append((new, new + length))
                new += length
        self._close(pending_old, old, pending_new, new)
        self.old_length, self.new_length = old, new
        self.starts = [segment.old_start for segment in self.segments]
        # Moved lines: (old start, old end, new start, the diff between the two).

    def _close(self, old_start: int | None, old_end: int, new_start: int, new_end: int) -> None:
        if old_start is not None and old_end > old_start:
            self.segments.append(_Segment(old_start, old_end, new_start, new_end, False))

    def _segment_at(self, position: int) -> _Segment | None:
        index = bisect_right(self.starts, position) - 1
        return self.segments[index] if index >= 0 else None

    def map_start(self, position: int) -> int:
        """Where a span starting at old `position` starts now (text inserted there goes
        before it; inside a changed stretch, where its replacement starts)."""
        if position >= self.old_length:
            return self.new_length
        segment = self._segment_at(position)
        if segment is None:
            return 0
        if segment.kept:
            return segment.new_start + position - segment.old_start
        return segment.new_start

    def map_end(self, position: int) -> int:
        """Where a span ending at old `position` ends now (inside a changed stretch, where
        its replacement ends)."""
        if position <= 0:
            return 0
        segment = self._segment_at(position - 1)
        if segment is None:
            return 0
        if segment.kept:
            return segment.new_start + position - segment.old_start
        return segment.new_end

    def kept_characters(self, start: int, end: int) -> int:
        """How many characters of old `start:end` the revision kept in place."""
        kept = 0
        index = max(0, bisect_right(self.starts, start) - 1)
        while index < len(self.segments) and self.segments[index].old_start < end:
            segment = self.segments[index]
            if segment.kept:
                kept += max(0, min(end, segment.old_end) - max(start, segment.old_start))
            index += 1
        return kept

    def in_inserted(self, start: int, end: int) -> bool:
        index = bisect_right(self.inserted, (start, float("inf"))) - 1
        return index >= 0 and self.inserted[index][0] <= start and end <= self.inserted[index][1]
