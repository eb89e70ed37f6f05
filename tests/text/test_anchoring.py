from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsapp.text.anchoring import Anchor, locate, locate_many, selector_for
from newsapp.text.offsets import (
    OffsetConverter,
    codepoints_to_utf16,
    utf16_length,
    utf16_to_codepoints,
)

ARTICLE = (
    "The harbour commission met on Tuesday to discuss the dredging licence. "
    "Members said the licence would cost the town about 40 million over ten years.\n\n"
    'Residents of Saltmarsh objected. "We were never asked," said Orla Pemberton, who runs '
    "a bakery near the quay. The commission promised a public hearing before the vote.\n\n"
    "A spokesperson for the commission said the report would be published in March."
)


def span_of(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    starts = [match.start() for match in re.finditer(re.escape(quote), text)]
    return starts[occurrence], starts[occurrence] + len(quote)


def anchored_text(text: str, anchor: Anchor | None) -> str | None:
    return None if anchor is None else text[anchor.start : anchor.end]


# --- selectors ------------------------------------------------------------------------------


def test_selector_for_takes_32_code_points_of_context_on_each_side():
    start, end = span_of(ARTICLE, "Orla Pemberton")
    selector = selector_for(ARTICLE, start, end)
    assert selector == {
        "exact": "Orla Pemberton",
        "prefix": ARTICLE[start - 32 : start],
        "suffix": ARTICLE[end : end + 32],
        "start": start,
        "end": end,
    }


def test_selector_for_clamps_at_the_edges_of_the_text():
    assert selector_for("short text", 0, 5) == {
        "exact": "short",
        "prefix": "",
        "suffix": " text",
        "start": 0,
        "end": 5,
    }
    assert selector_for("short text", -4, 99)["exact"] == "short text"


# --- position and exact quote -----------------------------------------------------------------


def test_unchanged_text_anchors_at_the_recorded_position():
    start, end = span_of(ARTICLE, "a public hearing before the vote")
    anchor = locate(ARTICLE, **selector_for(ARTICLE, start, end))
    assert anchor == Anchor(start, end, "position", 1.0)


def test_text_moved_by_an_insertion_before_it_is_found_by_quote():
    start, end = span_of(ARTICLE, "Orla Pemberton")
    selector = selector_for(ARTICLE, start, end)
    inserted = "Update: the hearing has been moved to the town hall. "
    edited = inserted + ARTICLE
    anchor = locate(edited, **selector)
    assert anchor is not None
    assert (anchor.start, anchor.end) == (start + len(inserted), end + len(inserted))
    assert anchor.method == "quote"


def test_quote_alone_without_position_or_context_anchors_to_an_occurrence():
    anchor = locate(ARTICLE, exact="dredging licence")
    assert anchored_text(ARTICLE, anchor) == "dredging licence"
    assert anchor is not None
    assert anchor.method == "quote"


def test_repeated_quote_is_told_apart_by_its_context():
    paragraphs = [
        f"Item {number}: the council said the report was late, and {name} agreed."
        for number, name in enumerate(["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy"])
    ]
    text = "\n\n".join(paragraphs)
    assert text.count("the report") == 9
    start, end = span_of(text, "the report", 6)
    selector = selector_for(text, start, end)
    edited = "Corrections are listed at the end.\n\n" + text.replace("Item 2:", "Point 2:")
    expected = span_of(edited, "the report", 6)
    with_position = locate(edited, **selector)
    without_position = locate(edited, **{**selector, "start": None, "end": None})
    assert with_position is not None
    assert without_position is not None
    assert (with_position.start, with_position.end) == expected
    assert (without_position.start, without_position.end) == expected


def test_nearest_of_identical_candidates_wins_when_context_cannot_decide():
    text = "abc xyz " * 40
    start = 8 * 17  # the 18th "abc"
    selector = selector_for(text, start, start + 3)
    anchor = locate("--" + text, **selector)
    assert anchor is not None
    assert anchor.start == start + 2


def test_position_is_not_trusted_when_another_occurrence_took_its_place():
    text = "Critics said no. Then the mayor said no to the budget."
    first, second = span_of(text, "said no", 0)[0], span_of(text, "said no", 1)[0]
    selector = selector_for(text, second, second + 7)
    # Words inserted before the first "said no" push it exactly onto the old offsets.
    inserted = ("again and again, " * 5)[: second - first]
    edited = text[:first] + inserted + text[first:]
    assert edited[second : second + 7] == "said no"
    anchor = locate(edited, **selector)
    assert anchor is not None
    assert (anchor.start, anchor.end) == (second + len(inserted), second + len(inserted) + 7)
    assert anchor.method == "quote"


# --- orphans ------------------------------------------------------------------------------------


def test_deleted_quote_is_orphaned():
    start, end = span_of(ARTICLE, "Orla Pemberton, who runs a bakery near the quay")
    selector = selector_for(ARTICLE, start, end)
    edited = ARTICLE.replace(
        ' "We were never asked," said Orla Pemberton, who runs a bakery near the quay.', ""
    )
    assert locate(edited, **selector) is None


def test_deleted_short_quote_is_not_moved_to_a_look_alike_elsewhere():
    text = (
        "The mayor spoke about the budget for the schools at length on Monday evening. "
        "Later the finance director, reading from a prepared statement, spoke about the "
        "budget of the harbour, which is overspent again."
    )
    start, end = span_of(text, "budget", 0)
    selector = selector_for(text, start, end)
    edited = text.replace(
        "The mayor spoke about the budget for the schools at length on Monday evening. ", ""
    )
    assert "budget" in edited
    assert locate(edited, **selector) is None


def test_rewritten_quote_is_orphaned():
    start, end = span_of(ARTICLE, "about 40 million")
    selector = selector_for(ARTICLE, start, end)
    edited = ARTICLE.replace("about 40 million", "a sum nobody would confirm")
    assert locate(edited, **selector) is None


# --- fuzzy ----------------------------------------------------------------------------------


def test_typo_fixed_inside_the_quote_anchors_fuzzily_on_the_new_text():
    text = ARTICLE.replace("dredging licence", "dredigng licence")
    start, end = span_of(text, "to discuss the dredigng licence")
    selector = selector_for(text, start, end)
    anchor = locate(ARTICLE, **selector)
    assert anchor is not None
    assert anchor.method == "fuzzy"
    assert anchored_text(ARTICLE, anchor) == "to discuss the dredging licence"
    assert 0.9 < anchor.score < 1.0


def test_changed_word_inside_a_moved_quote_anchors_fuzzily():
    start, end = span_of(ARTICLE, "the report would be published in March")
    selector = selector_for(ARTICLE, start, end)
    paragraphs = ARTICLE.split("\n\n")
    edited = "\n\n".join([paragraphs[2].replace("March", "April"), *paragraphs[:2]])
    anchor = locate(edited, **selector)
    assert anchored_text(edited, anchor) == "the report would be published in April"


def test_edited_quote_beats_an_exact_look_alike_far_away():
    filler = "Nothing else happened in the town that week. " * 30
    text = f"The vote was delayed again. {filler}Critics said the vote was delayed again."
    start, end = span_of(text, "vote was delayed again", 1)
    selector = selector_for(text, start, end)
    edited = text.replace(
        "Critics said the vote was delayed again.", "Critics said the vote was delayd again."
    )
    anchor = locate(edited, **selector)
    assert anchored_text(edited, anchor) == "vote was delayd again"


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: re.sub(r"\s+", " ", text),  # a re-extraction collapsed whitespace
        lambda text: text.replace(" ", "\n", 3).replace("\n\n", "\n \t\n"),
        lambda text: text.replace(" ", "  "),
    ],
)
def test_whitespace_changes_still_anchor(edit):
    start, end = span_of(ARTICLE, 'objected. "We were never asked," said')
    selector = selector_for(ARTICLE, start, end)
    edited = edit(ARTICLE)
    anchor = locate(edited, **selector)
    assert anchor is not None
    assert re.sub(r"\s+", " ", edited[anchor.start : anchor.end]) == re.sub(
        r"\s+", " ", selector["exact"]
    )


def test_quote_with_raw_newlines_and_tabs_anchors_on_collapsed_text():
    raw = "Heading\n\t\t\t\tText is a\n\t\tsmall test of\t\twhitespace."
    start, end = span_of(raw, "Text is a\n\t\tsmall test")
    selector = selector_for(raw, start, end)
    collapsed = re.sub(r"\s+", " ", raw)
    anchor = locate(collapsed, **selector)
    assert anchored_text(collapsed, anchor) == "Text is a small test"


# --- edges of the text and odd input ----------------------------------------------------------


def test_quotes_at_the_very_start_and_end_of_the_text():
    start_anchor = locate(ARTICLE, **selector_for(ARTICLE, 0, 20))
    end_anchor = locate(ARTICLE, **selector_for(ARTICLE, len(ARTICLE) - 9, len(ARTICLE)))
    assert start_anchor == Anchor(0, 20, "position", 1.0)
    assert end_anchor == Anchor(len(ARTICLE) - 9, len(ARTICLE), "position", 1.0)
    edited = "Breaking: " + ARTICLE + " More soon."
    moved_start = locate(edited, **selector_for(ARTICLE, 0, 20))
    moved_end = locate(edited, **selector_for(ARTICLE, len(ARTICLE) - 9, len(ARTICLE)))
    assert anchored_text(edited, moved_start) == ARTICLE[:20]
    assert anchored_text(edited, moved_end) == ARTICLE[-9:]


@pytest.mark.parametrize(
    ("text", "selector"),
    [
        (ARTICLE, {"exact": ""}),
        ("", {"exact": "harbour"}),
        ("", {"exact": ""}),
        (ARTICLE, {"exact": "not in the text at all, not even close", "start": 5, "end": 40}),
        (ARTICLE, {"exact": "x"}),
    ],
)
def test_nothing_to_find_returns_none(text, selector):
    assert locate(text, **selector) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(-50, -40), (10**9, 10**9 + 5), (40, 10), (None, 10**6), ("12", None)],
)
def test_absurd_positions_do_not_raise_and_still_find_the_quote(start, end):
    anchor = locate(ARTICLE, exact="public hearing", start=start, end=end)
    assert anchored_text(ARTICLE, anchor) == "public hearing"


def test_huge_text_is_searched_without_trouble():
    paragraph = "Nothing of note happened at the meeting of the committee on {day}.\n\n"
    days = [f"day {number}" for number in range(16_000)]
    text = "".join(paragraph.format(day=day) for day in days)
    assert len(text) > 1_000_000
    start, end = span_of(text, "on day 13579.")
    selector = selector_for(text, start, end)
    assert locate(text, **selector) == Anchor(start, end, "position", 1.0)
    assert anchored_text(text, locate(text, **{**selector, "start": None})) == "on day 13579."
    typo = {**selector, "exact": "on dya 13579.", "start": None, "end": None}
    assert anchored_text(text, locate(text, **typo)) == "on day 13579."


def test_very_long_quotes_anchor_exactly_or_not_at_all():
    text = ARTICLE * 400
    quote = ARTICLE * 20
    start = 7 * len(ARTICLE)
    anchor = locate(text, exact=quote, start=start, end=start + len(quote))
    assert anchor == Anchor(start, start + len(quote), "position", 1.0)
    assert locate(text, exact="x" + quote[1:], start=start) is None


# --- Unicode ------------------------------------------------------------------------------------


UNICODE_TEXT = (
    "Fans cheered 🎉🎉 as the team won. 東京の記者は「素晴らしい試合だった」と書いた。"
    "The café owner, Zoë, said the crème brûlée sold out. "
    "הכתב כתב: השחקנים שיחקו היטב. مراسلنا قال إن الجمهور كان سعيدا. "
    "A family emoji 👨‍👩‍👧 and a flag 🇳🇿 close the piece."
)


@pytest.mark.parametrize(
    "quote",
    [
        "🎉🎉 as the team",
        "「素晴らしい試合だった」",
        "crème brûlée",
        "השחקנים שיחקו",
        "الجمهور",
        "👨‍👩‍👧",
    ],
)
def test_non_latin_quotes_anchor_in_code_points(quote):
    start, end = span_of(UNICODE_TEXT, quote)
    selector = selector_for(UNICODE_TEXT, start, end)
    assert locate(UNICODE_TEXT, **selector) == Anchor(start, end, "position", 1.0)
    edited = "🇫🇷 Mise à jour. " + UNICODE_TEXT
    anchor = locate(edited, **selector)
    assert anchored_text(edited, anchor) == quote


def test_combining_characters_and_emoji_survive_a_fuzzy_match():
    decomposed = (
        "The cafe\u0301 owner, Zoe\u0308, said the cre\u0300me bru\u0302le\u0301e 🍮 sold out."
    )
    start, end = span_of(decomposed, "said the cre\u0300me bru\u0302le\u0301e 🍮")
    selector = selector_for(decomposed, start, end)
    edited = decomposed.replace("said the", "says the")
    anchor = locate(edited, **selector)
    assert anchored_text(edited, anchor) == "says the cre\u0300me bru\u0302le\u0301e 🍮"


def test_utf16_offsets_convert_both_ways():
    text = "a😀b東c🇳🇿"
    assert utf16_length(text) == 10
    assert [codepoints_to_utf16(text, offset) for offset in range(8)] == [0, 1, 3, 4, 5, 6, 8, 10]
    assert utf16_to_codepoints(text, 3) == 2
    assert utf16_to_codepoints(text, 2) == 1  # inside the pair: the emoji's own start
    assert utf16_to_codepoints(text, 99) == len(text)
    assert codepoints_to_utf16(text, -3) == 0
    converter = OffsetConverter(text)
    assert [converter.to_codepoints(unit) for unit in range(11)] == [
        utf16_to_codepoints(text, unit) for unit in range(11)
    ]


def test_utf16_offsets_from_a_browser_locate_the_quote():
    start, end = span_of(UNICODE_TEXT, "crème brûlée")
    js_start, js_end = (
        codepoints_to_utf16(UNICODE_TEXT, start),
        codepoints_to_utf16(UNICODE_TEXT, end),
    )
    assert js_start == start + 2  # two emoji earlier in the text, two units each
    converter = OffsetConverter(UNICODE_TEXT)
    assert (converter.to_codepoints(js_start), converter.to_codepoints(js_end)) == (start, end)


# --- batches ----------------------------------------------------------------------------------


def test_locate_many_matches_locate_one_by_one():
    words = [match.span() for match in re.finditer(r"\w+(?: \w+){0,3}", ARTICLE)]
    selectors = [selector_for(ARTICLE, start, end) for start, end in words]
    edited = ARTICLE.replace("Tuesday", "Wednesday").replace("  ", " ")
    edited = "A short update opens the piece.\n\n" + edited
    assert locate_many(edited, selectors) == [locate(edited, **selector) for selector in selectors]
    assert all(anchor is not None for anchor in locate_many(edited, selectors))


def test_locate_many_accepts_partial_selectors():
    anchors = locate_many(ARTICLE, [{"exact": "quay"}, {"exact": ""}, {"prefix": "x"}])
    assert anchored_text(ARTICLE, anchors[0]) == "quay"
    assert anchors[1:] == [None, None]


# --- properties -------------------------------------------------------------------------------


texts = st.text(alphabet="abcdefgh .,\n", min_size=1, max_size=400)


@st.composite
def text_and_span(draw: st.DrawFn, alphabet: st.SearchStrategy[str] = texts):
    text = draw(alphabet)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@settings(max_examples=100, deadline=None)
@given(text_and_span(st.text(min_size=1, max_size=300)))
def test_unchanged_text_always_anchors_at_the_original_offsets(case):
    text, start, end = case
    anchor = locate(text, **selector_for(text, start, end))
    assert anchor is not None
    assert (anchor.start, anchor.end, anchor.method) == (start, end, "position")


@settings(max_examples=100, deadline=None)
@given(text_and_span(), st.text(alphabet="0123456789XYZ", min_size=1, max_size=200), st.data())
def test_text_inserted_before_the_span_shifts_the_anchor(case, inserted, data):
    text, start, end = case
    selector = selector_for(text, start, end)
    # Identical quote and context elsewhere would make any selector ambiguous.
    assume(text.count(selector["prefix"] + selector["exact"] + selector["suffix"]) == 1)
    at = data.draw(st.integers(0, max(0, start - 32)))
    edited = text[:at] + inserted + text[at:]
    anchor = locate(edited, **selector)
    assert anchor is not None
    assert (anchor.start, anchor.end) == (start + len(inserted), end + len(inserted))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.data())
def test_utf16_conversion_round_trips(text, data):
    offset = data.draw(st.integers(0, len(text)))
    units = codepoints_to_utf16(text, offset)
    assert units == len(text[:offset].encode("utf-16-le", "surrogatepass")) // 2
    assert utf16_to_codepoints(text, units) == offset
    assert OffsetConverter(text).to_utf16(offset) == units
    assert OffsetConverter(text).to_codepoints(units) == offset
