"""Where many readers highlighted the same words: "top highlights", from spans alone.

A reader counts once however many of their highlights cover a word. A top highlight is a
maximal stretch of text where every character is covered by at least `min_readers` distinct
readers; its `readers` are everyone whose highlight overlaps that stretch. One sort and one
sweep: O(n log n) for n spans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

MIN_READERS = 3


@dataclass(frozen=True, slots=True)
class PopularRange:
    start: int
    end: int
    readers: int  # distinct readers whose highlights overlap it


def popular_ranges(
    spans: Iterable[tuple[int, int, Hashable]], *, min_readers: int = MIN_READERS
) -> list[PopularRange]:
    """The stretches covered by at least `min_readers` distinct readers, in text order.

    `spans` are (start, end, reader); empty, inverted or non-integer spans are ignored.
    """
    events: list[tuple[int, int, Hashable]] = []  # (position, +1 opens / -1 closes, reader)
    for span in spans:
        start, end, reader = span
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
            events.append((start, 1, reader))
            events.append((end, -1, reader))
    if not events:
        return []
    events.sort(key=lambda event: (event[0], event[1]))  # closes before opens at one position
    active: Counter[Hashable] = Counter()
    found: list[PopularRange] = []
    range_start: int | None = None
    range_readers: set[Hashable] = set()
    index = 0
    while index < len(events):
        position = events[index][0]
        while index < len(events) and events[index][0] == position:
            _, step, reader = events[index]
            active[reader] += step
            if active[reader] == 0:
                del active[reader]
            index += 1
        enough = len(active) >= min_readers
        if enough and range_start is None:
            range_start = position
            range_readers = set(active)
        elif enough:
            range_readers.update(active)
        elif range_start is not None:
            found.append(PopularRange(range_start, position, len(range_readers)))
            range_start = None
    return found


def most_popular(ranges: Iterable[PopularRange]) -> PopularRange | None:
    """The range with the most readers (the earliest of equals), or None."""
    return min(ranges, key=lambda found: (-found.readers, found.start), default=None)
