"""The shortcuts that keep the quote finder fast give the answers of the plain code they stand
in for. Each fast path is checked against its reference on generated input; the quotes found
through the public `find_quotes` are pinned in test_quotes.py and test_quotes_attribution.py.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.quotes import QUOTE_MARKS, find_quotes
from newsapp.text.quotes.classify import _Context, kind_of
from newsapp.text.quotes.lexicon import (
    _BOUNDARY_RE,
    _HINT_WORDS,
    _NAME_RE,
    _NAME_WORD,
    _PARTICLES,
    _SENTENCE_END_RE,
    _WORD_RE,
    hint_positions,
)
from newsapp.text.quotes.marks import _FIXED_FLAGS, _FLANKED_MARK_RE, _mark_flags
from newsapp.text.quotes.phrases import _is_abbreviation_before, _sentence_start
from newsapp.text.quotes.records import _Span

# Characters that decide how a mark reads: letters, digits, spaces, punctuation, marks.
neighbour = st.sampled_from(list("aZs1 \n.,;:!?()[]—-/…'’") + list(QUOTE_MARKS))


@settings(max_examples=500, deadline=None)
@given(st.text(neighbour, max_size=30))
def test_context_free_mark_flags_agree_with_mark_flags(text):
    # Every mark as the pattern finds it, with the flanking group it finds: where the table
    # has an answer, it is _mark_flags's answer in that very context.
    for match in _FLANKED_MARK_RE.finditer(text):
        i, flank = match.start(), match.lastindex or 0
        flags = _FIXED_FLAGS[flank].get(text[i])
        if flags is not None:
            assert flags == _mark_flags(text, i, text[i], flank), (text, i, flank)


def test_marks_that_may_be_apostrophes_or_closing_guillemets_are_read_in_context():
    # A ’ that may close can be an elision (rock ’n’ roll); a ' may also open one ('em).
    for flank in (1, 3):
        assert "’" not in _FIXED_FLAGS[flank]
    for flank in (1, 2, 3):
        assert "'" not in _FIXED_FLAGS[flank]
    for flank in (0, 3, 5):
        assert not set("«‹»›") & set(_FIXED_FLAGS[flank])
    # Where it can only open, ’ never does: it is an apostrophe.
    assert _FIXED_FLAGS[2]["’"] == (False, False)


def hint_positions_word_by_word(text: str) -> list[int]:
    """The reference: each word lower-cased on its own."""
    return [m.start() for m in _WORD_RE.finditer(text) if m.group().lower() in _HINT_WORDS]


# Hint words and pieces of them, in any case, glued to letters, digits, underscores and
# characters that lower-case oddly (İ grows, ſ and the Kelvin sign fold, Σ depends on context).
hint_piece = st.one_of(
    st.sampled_from(sorted(_HINT_WORDS)).map(str.upper),
    st.sampled_from(sorted(_HINT_WORDS)).map(str.title),
    st.sampled_from(sorted(_HINT_WORDS)),
    st.sampled_from(["sa", "id", "ſaid", "\u212aept", "İn", "ΣAID", "un", "s", "_", "2", "é"]),
    st.sampled_from([" ", "  ", "\n", ",", "’", "-", "\ue000"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(hint_piece, max_size=30).map("".join))
def test_hint_positions_match_lower_casing_word_by_word(text):
    assert hint_positions(text) == hint_positions_word_by_word(text)


def test_hint_positions_find_whole_words_only():
    text = "Unsaid, she SAID; Saying 'saidx' according to İnsisted, we insisted."
    assert hint_positions(text) == hint_positions_word_by_word(text)
    assert [text[i : i + 4] for i in hint_positions(text)] == ["SAID", "Sayi", "acco", "insi"]


def test_no_hint_word_lower_cases_by_context():
    # hint_positions lower-cases the whole text at once; only the Greek sigma lower-cases
    # differently in a word and in a text, so no hint word may hold one.
    assert not [word for word in _HINT_WORDS if set(word) & set("σς")]


def test_posts_signed_one_after_another_keep_their_quoted_words_nested():
    # add_signed finds the quotations inside each post by bisection: pinned on two posts in a
    # row, each with quoted words inside, and a credit line that signs nothing.
    text = (
        "The ferry operator posted twice on Sunday.\n\n"
        "Our boats stay in port until the “all clear” comes pic.twitter.com/q1w2e3\n"
        "— Kestrel Ferries (@kestrelferries) June 4, 2023\n\n"
        "Crossings resume at noon, said the harbour master, “weather permitting”\n"
        "— Kestrel Ferries (@kestrelferries) June 5, 2023\n\n"
        "“We waited all day,” said Maren Holt, a passenger.\n"
        "— Harbour Desk"
    )
    found = [
        (q.kind, q.text, q.speaker, q.attribution) for q in find_quotes(text, include_other=True)
    ]
    assert found == [
        (
            "speech",
            "Our boats stay in port until the “all clear” comes",
            "Kestrel Ferries",
            "signed",
        ),
        (
            "speech",
            "Crossings resume at noon, said the harbour master, “weather permitting”",
            "Kestrel Ferries",
            "signed",
        ),
        ("speech", "We waited all day,", "Maren Holt", "after"),
    ]


def test_a_short_given_name_is_the_same_person_as_its_longer_form():
    # _alias_given_name_forms finds longer forms by bisection over the sorted given names.
    text = (
        "Josh Apte runs the ferry. Joshua Apte said the boats were old, and Jo Apte, his "
        "aunt, agreed.\n\n"
        "“We need two new ones,” Josh Apte said.\n\n"
        "“They will cost a fortune,” Apte said."
    )
    found = [(quote.speaker, quote.speaker_as_written) for quote in find_quotes(text)]
    assert found == [("Joshua Apte", "Josh Apte"), (None, "Apte")]


# The patterns as first written, with the look-behind in front: the reference for the ones
# reordered so the engine can skip ahead.
NAME_RE_AS_WRITTEN = re.compile(
    rf"(?<![\w’'\-]){_NAME_WORD}(?:[ \u00a0](?:(?:{_PARTICLES})[ \u00a0])*{_NAME_WORD})*"
)
BOUNDARY_RE_AS_WRITTEN = re.compile(r"[.!?…][\"'”’»)\]]*\s+|\n+")

prose_piece = st.one_of(
    st.sampled_from(["Adaeze", "Okafor", "O’Neill", "Jean-Luc", "Dr.", "U.S.", "ÉCOLE", "İz"]),
    st.sampled_from(["van", "der", "de", "said", "the", "x2", "_A", "aB", "3M"]),
    st.sampled_from([" ", "\u00a0", "\n", "\n\n", ".", ". ", "!”", "?) ", "…", "’", "'", "-"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(prose_piece, max_size=40).map("".join))
def test_reordered_name_and_boundary_patterns_match_as_written(text):
    assert [m.span() for m in _NAME_RE.finditer(text)] == [
        m.span() for m in NAME_RE_AS_WRITTEN.finditer(text)
    ]
    assert [m.span() for m in _BOUNDARY_RE.finditer(text)] == [
        m.span() for m in BOUNDARY_RE_AS_WRITTEN.finditer(text)
    ]


def test_flanked_mark_pattern_matches_its_form_with_guillemets_beside_it():
    # The guillemets' match without a group was a second pattern beside the marks one; it is
    # now the last branch after the mark. Same matches, same groups.
    guillemets_last = "|(?<=[«»‹›]))"
    assert _FLANKED_MARK_RE.pattern.endswith(guillemets_last)
    beside = re.compile(_FLANKED_MARK_RE.pattern.removesuffix(guillemets_last) + ")|[«»‹›]")

    @settings(max_examples=300, deadline=None)
    @given(st.text(neighbour, max_size=30))
    def same_matches(text):
        assert [(m.start(), m.lastindex) for m in _FLANKED_MARK_RE.finditer(text)] == [
            (m.start(), m.lastindex) for m in beside.finditer(text)
        ]

    same_matches()


def sentence_start_from_the_front(window: str) -> int:
    """The reference: every sentence end checked, the last one kept."""
    start = 0
    for match in _SENTENCE_END_RE.finditer(window):
        if not _is_abbreviation_before(window, match.start()):
            start = match.end()
    return start


@settings(max_examples=300, deadline=None)
@given(st.lists(prose_piece, max_size=40).map("".join))
def test_sentence_start_found_from_the_end_is_the_last_one(window):
    assert _sentence_start(window) == sentence_start_from_the_front(window)


def test_so_called_before_a_quotation_makes_it_a_scare_quote_in_any_case():
    span = _Span(0, 0, [(0, 0)], 0, 0)
    for before in ("the So-Called ", "its so called  ", "İİ SO-CALLED "):
        context = _Context(before, 0, " plan", 0, False, False)
        assert kind_of(span, "reform", context, set(), False) == "scare", before
    context = _Context("the so-calling ", 0, " plan", 0, False, False)
    assert kind_of(span, "reform", context, set(), False) != "scare"
