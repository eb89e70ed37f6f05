from __future__ import annotations

from newsapp.text.occurrences import find_starts, occurrences


def test_context_is_cut_at_whole_words():
    text = "one two three alpha four five six alpha seven"
    found = occurrences(text, "alpha", context=9)
    assert [(item.start, item.before, item.after) for item in found] == [
        (14, "three ", " four"),
        (34, "five six ", " seven"),
    ]
    assert [(item.cut_before, item.cut_after) for item in found] == [(True, True), (True, False)]


def test_context_stays_on_the_paragraph_of_the_words():
    text = "First paragraph ends here.\n\nThe dam held.\nThe dam broke later that year."
    found = occurrences(text, "The dam", context=40)
    assert [(item.before, item.after) for item in found] == [
        ("", " held."),
        ("", " broke later that year."),
    ]
    assert [(item.cut_before, item.cut_after) for item in found] == [(False, False)] * 2


def test_overlapping_occurrences_are_all_places():
    assert find_starts("aaaa", "aa") == [0, 1, 2]


def test_only_the_first_places_are_listed():
    text = " ".join(["echo"] * 50)
    assert len(occurrences(text, "echo", limit=20)) == 20


def test_emoji_count_as_one_code_point():
    text = "🌊 tide 🌊 tide"
    assert [item.start for item in occurrences(text, "tide")] == [2, 9]


def test_nothing_to_find_is_no_place():
    assert occurrences("some text", "") == []
