"""Top highlights from spans: where at least three readers highlighted the same words."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from newsapp.text.popular import PopularRange, most_popular, popular_ranges


def test_three_readers_over_the_same_words_make_one_range():
    spans = [(10, 30, "ann"), (12, 25, "bo"), (15, 40, "cy")]
    assert popular_ranges(spans) == [PopularRange(15, 25, 3)]


def test_two_readers_are_not_enough():
    assert popular_ranges([(0, 10, "ann"), (0, 10, "bo")]) == []


def test_one_reader_with_many_highlights_counts_once():
    spans = [(0, 10, "ann"), (2, 8, "ann"), (3, 9, "ann"), (0, 10, "bo")]
    assert popular_ranges(spans) == []


def test_readers_are_everyone_overlapping_the_range_not_only_the_peak():
    # ann, bo and cy cover 10-20, dee 15-25: the range is 10-20 (three or more readers on
    # every character) and it counts all four readers whose highlights overlap it.
    spans = [(10, 20, "ann"), (10, 20, "bo"), (10, 20, "cy"), (15, 25, "dee")]
    assert popular_ranges(spans) == [PopularRange(10, 20, 4)]


def test_touching_spans_do_not_overlap():
    spans = [(0, 5, "ann"), (5, 10, "bo"), (5, 10, "cy")]
    assert popular_ranges(spans) == []


def test_separate_ranges_stay_separate_and_in_text_order():
    spans = [(50, 60, r) for r in "abc"] + [(0, 5, r) for r in "defg"]
    assert popular_ranges(spans) == [PopularRange(0, 5, 4), PopularRange(50, 60, 3)]


def test_bad_spans_are_ignored():
    spans = [(5, 5, "a"), (9, 3, "b"), ("x", 4, "c"), (-2, 4, "d"), (0, 4, "e")]
    assert popular_ranges(spans, min_readers=1) == [PopularRange(0, 4, 1)]


def test_most_popular_prefers_more_readers_then_the_earlier():
    ranges = [PopularRange(0, 5, 3), PopularRange(10, 15, 5), PopularRange(20, 25, 5)]
    assert most_popular(ranges) == PopularRange(10, 15, 5)
    assert most_popular([]) is None


spans_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from("abcdef")), max_size=25
)


@given(spans_strategy, st.integers(1, 4))
def test_ranges_are_exactly_the_characters_enough_readers_cover(spans, min_readers):
    covered_by: dict[int, set[str]] = {}
    for start, end, reader in spans:
        for position in range(start, end):
            covered_by.setdefault(position, set()).add(reader)
    expected = {p for p, readers in covered_by.items() if len(readers) >= min_readers}
    found = popular_ranges(spans, min_readers=min_readers)
    inside = {p for r in found for p in range(r.start, r.end)}
    assert inside == expected
    # maximal: no two ranges touch
    assert all(a.end < b.start for a, b in itertools.pairwise(found))
