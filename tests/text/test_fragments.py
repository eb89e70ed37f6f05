from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.fragments import (
    TextDirective,
    encode_fragment_component,
    match_text_directive,
    parse_text_directive,
    text_fragment_url,
)

SOURCE = "https://news.example.org/2031/harbour-vote"


def link_for(text: str, quote: str, occurrence: int = 0, source: str = SOURCE) -> str:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return text_fragment_url(source, text, start, start + len(quote))


def lands_on(text: str, url: str, quote: str, occurrence: int = 0) -> bool:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return match_text_directive(text, url) == (start, start + len(quote))


def directive_of(url: str) -> str:
    return url.split("#:~:text=", 1)[1]


# --- encoding ---------------------------------------------------------------------------


def test_syntax_characters_are_escaped():
    assert encode_fragment_component("well-known, safe & sound") == (
        "well%2Dknown%2C%20safe%20%26%20sound"
    )


def test_non_ascii_becomes_utf8_escapes():
    assert encode_fragment_component("café") == "caf%C3%A9"
    assert encode_fragment_component("東京") == "%E6%9D%B1%E4%BA%AC"
    assert encode_fragment_component("ok 🙂") == "ok%20%F0%9F%99%82"


def test_encoded_component_round_trips():
    raw = "A-b,c&d #e% é 中 🙂 ~_."
    assert unquote(encode_fragment_component(raw)) == raw


# --- building: unique short quotes ------------------------------------------------------------

HARBOUR = (
    "The council voted on Tuesday to reopen the old harbour. "
    "Councillor Mbeki, who chairs the port committee, called it “a long-overdue repair.” "
    "The vote was seven to two, with two abstentions."
)


def test_unique_quote_uses_text_start_only():
    url = link_for(HARBOUR, "reopen the old harbour")
    assert url == SOURCE + "#:~:text=reopen%20the%20old%20harbour"
    assert lands_on(HARBOUR, url, "reopen the old harbour")


def test_commas_and_dashes_in_the_quote_are_escaped():
    text = "Prices rose 4-5% in Lagos, Accra and Dakar, analysts said."
    url = link_for(text, "4-5% in Lagos, Accra")
    assert directive_of(url) == "4%2D5%25%20in%20Lagos%2C%20Accra"
    assert lands_on(text, url, "4-5% in Lagos, Accra")


def test_ampersand_in_quote_is_escaped_and_does_not_split_directives():
    text = "Shares of Brick & Mortar Holdings fell after the report."
    url = link_for(text, "Brick & Mortar Holdings")
    assert "&" not in directive_of(url)
    assert parse_text_directive(url).text_start == "Brick & Mortar Holdings"
    assert lands_on(text, url, "Brick & Mortar Holdings")


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Le maire a déclaré : « Nous rouvrirons la crèche à Noël. »", "rouvrirons la crèche"),
        ("市议会周二投票决定重新开放旧港口。港口委员会表示支持。", "重新开放旧港口"),
        ("東京の会議で、港の再開が決まりました。", "港の再開"),
        ("Fans replied with 🎉🎉 and the mayor posted 🚢 at noon.", "posted 🚢 at noon"),
        ("Ελληνικά νέα: το λιμάνι ανοίγει ξανά αύριο.", "λιμάνι ανοίγει"),
    ],
)
def test_non_ascii_quotes_round_trip_through_the_matcher(text, quote):
    url = link_for(text, quote)
    assert url.isascii()
    assert parse_text_directive(url).text_start == quote
    assert lands_on(text, url, quote)


# --- building: repeated quotes ------------------------------------------------------------


def test_later_occurrence_gets_context_that_disambiguates():
    text = (
        "Officials said the water is safe. Residents doubted it. "
        "A chemist who tested it said the water is safe only after boiling."
    )
    url = link_for(text, "the water is safe", occurrence=1)
    directive = parse_text_directive(url)
    assert directive.prefix or directive.suffix
    assert lands_on(text, url, "the water is safe", occurrence=1)


def test_first_occurrence_of_a_repeated_quote_needs_no_context():
    text = "Turnout was high. Turnout was high again in the second round."
    url = link_for(text, "Turnout was high")
    directive = parse_text_directive(url)
    assert directive.prefix is None
    assert lands_on(text, url, "Turnout was high")


def test_repeat_in_the_middle_may_need_both_prefix_and_suffix():
    # "said no" follows "Ana" twice and precedes "again" twice; only the pair picks the middle one.
    text = "Ana said no again. Ben said no to that. Ana said no to that. Ana said no again."
    url = link_for(text, "said no", occurrence=2)
    assert lands_on(text, url, "said no", occurrence=2)
    directive = parse_text_directive(url)
    assert directive.prefix
    assert directive.suffix


def test_repeated_heading_like_quote_in_a_long_text():
    paragraph = "Regression testing finds bugs that come back. "
    text = "".join(f"Part {i}. {paragraph}" for i in range(9))
    url = link_for(text, "Regression testing", occurrence=6)
    assert lands_on(text, url, "Regression testing", occurrence=6)


def test_case_differences_count_as_the_same_text():
    text = "Storm warning lifted. Later, a STORM WARNING was issued again."
    url = link_for(text, "STORM WARNING")
    assert lands_on(text, url, "STORM WARNING")
    assert parse_text_directive(url).prefix or parse_text_directive(url).suffix


def test_a_match_inside_a_longer_word_does_not_count():
    text = "The category was new. A cat was found."
    start = text.index(" cat ") + 1
    url = text_fragment_url(SOURCE, text, start, start + 3)
    assert parse_text_directive(url) == TextDirective("cat")
    assert match_text_directive(text, url) == (start, start + 3)


# --- building: long quotes ----------------------------------------------------------------


def long_article() -> str:
    sentences = [
        f"Sentence {n} describes how the ferry schedule changed in district {n}." for n in range(40)
    ]
    return " ".join(sentences)


def test_long_quote_uses_start_and_end_with_a_few_words_each():
    text = long_article()
    start = text.index("Sentence 3 ")
    end = text.index("district 12.") + len("district 12.")
    url = text_fragment_url(SOURCE, text, start, end)
    directive = parse_text_directive(url)
    assert directive.text_end is not None
    assert len(directive.text_start.split()) <= 6
    assert len(directive.text_end.split()) <= 6
    assert match_text_directive(text, url) == (start, end)


def test_long_quote_whose_end_words_repeat_inside_it_still_lands():
    body = " ".join(["the ferry was late again."] * 30)
    text = f"Commuters wrote in. {body} Then the council met."
    start = text.index("the ferry")
    end = text.index(" Then")
    url = text_fragment_url(SOURCE, text, start, end)
    directive = parse_text_directive(url)
    assert directive.text_end is not None
    assert directive.suffix is not None
    assert match_text_directive(text, url) == (start, end)


def test_quote_across_paragraphs_uses_a_range():
    text = "First paragraph ends here.\n\nSecond paragraph starts here and goes on."
    start = text.index("ends")
    end = text.index(" and goes")
    url = text_fragment_url(SOURCE, text, start, end)
    directive = parse_text_directive(url)
    assert directive.text_start == "ends here."
    assert directive.text_end == "Second paragraph starts here"
    assert match_text_directive(text, url) == (start, end)


# --- building: ranges and URLs ------------------------------------------------------------


def test_existing_fragment_is_replaced_and_query_kept():
    text = "A short note about tides."
    url = text_fragment_url("https://ex.org/story?id=7&lang=en#comments", text, 8, 12)
    assert url == "https://ex.org/story?id=7&lang=en#:~:text=note"


def test_range_is_widened_to_whole_words_and_trimmed():
    text = "The harbour reopened after years."
    start = text.index("arbour")
    end = text.index("reopened") + 3
    url = text_fragment_url(SOURCE, text, start, end)
    assert parse_text_directive(url).text_start == "harbour reopened"


def test_whitespace_inside_the_quote_is_collapsed():
    text = "Line one\n\n   continues   here."
    url = text_fragment_url(SOURCE, text, 5, len(text))
    directive = parse_text_directive(url)
    assert "\n" not in directive.text_start
    assert match_text_directive(text, url) == (5, len(text))


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2), (0, 99)])
def test_invalid_ranges_are_rejected(start, end):
    with pytest.raises(ValueError):
        text_fragment_url(SOURCE, "short text", start, end)


def test_whitespace_only_range_is_rejected():
    with pytest.raises(ValueError):
        text_fragment_url(SOURCE, "word     word", 5, 8)


# --- the matcher itself -------------------------------------------------------------------


def test_matcher_honours_prefix_and_suffix():
    text = "red fox, blue fox, red fox again"
    assert match_text_directive(text, "fox") == (4, 7)
    assert match_text_directive(text, "blue-,fox") == (14, 17)
    assert match_text_directive(text, "fox,-again") == (23, 26)
    assert match_text_directive(text, "text=green-,fox") is None


def test_matcher_range_stops_at_first_end_after_start():
    text = "alpha beta gamma beta delta"
    assert match_text_directive(text, "alpha,beta") == (0, 10)
    assert match_text_directive(text, "alpha,beta,-delta") == (0, 21)


def test_matcher_crosses_collapsed_whitespace():
    assert match_text_directive("one\n\t two", "one%20two") == (0, 9)


# --- property ----------------------------------------------------------------------------

WORDS = ["tide", "Tide", "port", "ship", "sails", "at", "dawn", "–", "é", "港"]


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=25),
    data=st.data(),
)
def test_link_always_finds_text_equal_to_the_quote(words, data):
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    url = text_fragment_url(SOURCE, text, start, end)
    directive = parse_text_directive(url)
    found = match_text_directive(text, url)
    assert found is not None
    assert text[found[0] : found[1]].lower() == directive.text_start.lower()
