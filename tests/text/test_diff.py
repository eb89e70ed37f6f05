from __future__ import annotations

import html
import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.diff import DiffOp, diff_html, diff_stats, tokenize, word_diff


def _old_side(ops: list[DiffOp]) -> str:
    return "".join(op.text for op in ops if op.kind != "insert")


def _new_side(ops: list[DiffOp]) -> str:
    return "".join(op.text for op in ops if op.kind != "delete")


def test_tokens_carry_leading_whitespace_and_rejoin_exactly() -> None:
    text = "  The mayor's plan, costed at $4m,\n\nfailed. "
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert tokens[:3] == ["  The", " mayor's", " plan"]
    assert tokens[-1] == " "


def test_identical_texts_are_one_equal_op() -> None:
    text = "Nothing changed here.\n\nNor here."
    assert word_diff(text, text) == [DiffOp("equal", text)]


def test_empty_inputs() -> None:
    assert word_diff("", "") == []
    assert word_diff("", "New text.") == [DiffOp("insert", "New text.")]
    assert word_diff("Old text.", "") == [DiffOp("delete", "Old text.")]


def test_replaced_word_reads_delete_then_insert() -> None:
    ops = word_diff("The council voted on Tuesday.", "The council voted on Wednesday.")
    assert ops == [
        DiffOp("equal", "The council voted on"),
        DiffOp("delete", " Tuesday"),
        DiffOp("insert", " Wednesday"),
        DiffOp("equal", "."),
    ]


def test_inserted_word_carries_its_own_space() -> None:
    ops = word_diff("The bridge reopened.", "The old bridge reopened.")
    assert ops == [
        DiffOp("equal", "The"),
        DiffOp("insert", " old"),
        DiffOp("equal", " bridge reopened."),
    ]


def test_punctuation_is_its_own_token() -> None:
    ops = word_diff("Prices rose.", "Prices rose!")
    assert ops == [DiffOp("equal", "Prices rose"), DiffOp("delete", "."), DiffOp("insert", "!")]


def test_deleted_paragraph() -> None:
    old = "First paragraph.\n\nSecond paragraph goes.\n\nThird paragraph."
    new = "First paragraph.\n\nThird paragraph."
    ops = word_diff(old, new)
    assert [op.kind for op in ops] == ["equal", "delete", "equal"]
    assert ops[1].text == "Second paragraph goes.\n\n"


def test_every_sentence_edited_is_diffed_word_by_word() -> None:
    old = " ".join(f"Sentence {n} says colour." for n in range(40))
    new = " ".join(f"Sentence {n} says color." for n in range(40))
    ops = word_diff(old, new)
    stats = diff_stats(old, new, ops)
    assert stats.words_removed == 40
    assert stats.words_added == 40
    assert _old_side(ops) == old
    assert _new_side(ops) == new


def test_wholesale_rewrite_of_a_long_text_is_delete_and_insert() -> None:
    old = " ".join(f"alpha{n} beta{n} gamma{n}." for n in range(1600))
    new = " ".join(f"delta{n} epsilon{n}!" for n in range(2500)) + " Closing words."
    ops = word_diff(old, new)
    assert ops == [DiffOp("delete", old), DiffOp("insert", new)]


def test_unicode_words() -> None:
    ops = word_diff("Der Bürgermeister lächelt 😀 heute.", "Der Bürgermeister weint 😀 heute.")
    assert DiffOp("delete", " lächelt") in ops
    assert DiffOp("insert", " weint") in ops
    assert _new_side(ops) == "Der Bürgermeister weint 😀 heute."


def test_stats_count_words_not_punctuation() -> None:
    stats = diff_stats("We can't agree, said Ana.", "We can agree, said Ana and Bo!")
    assert stats.words_removed == 1  # "can't" counts as one word
    assert stats.words_added == 3  # "can", "and", "Bo"; the "!" is not a word
    assert stats.words_unchanged == 4
    assert stats.changed


def test_stats_for_unchanged_text() -> None:
    stats = diff_stats("Same words here.", "Same words here.")
    assert (stats.words_added, stats.words_removed, stats.words_unchanged) == (0, 0, 3)
    assert not stats.changed


def test_diff_html_marks_changes_in_paragraphs() -> None:
    old = "Rates held at 5%.\n\nAnalysts were surprised."
    new = "Rates rose to 5.5%.\n\nAnalysts were surprised."
    rendered = diff_html(old, new)
    paragraphs = re.findall(r"<p>(.*?)</p>", rendered)
    assert len(paragraphs) == 2
    assert "<del> held at</del>" in paragraphs[0] or "<del> held</del>" in paragraphs[0]
    assert "<ins>" in paragraphs[0]
    assert paragraphs[1] == "Analysts were surprised."


def test_diff_html_escapes_text() -> None:
    rendered = diff_html("A <b>bold</b> claim & more", "A <i>new</i> claim & more")
    assert "<b>" not in rendered
    assert "<i>" not in rendered
    assert "&lt;" in rendered
    assert "&amp;" in rendered


def test_diff_html_deleted_paragraph_stays_a_paragraph() -> None:
    rendered = diff_html("Keep.\n\nDrop this.\n\nKeep too.", "Keep.\n\nKeep too.")
    assert rendered == "<p>Keep.</p>\n<p><del>Drop this.</del></p>\n<p>Keep too.</p>"


def test_diff_html_never_crosses_paragraphs() -> None:
    rendered = diff_html("One.", "One.\n\nTwo new.\nThree new.")
    assert rendered == "<p>One.</p>\n<p><ins>Two new.</ins></p>\n<p><ins>Three new.</ins></p>"


def _visible_new_text(rendered: str) -> str:
    without_deletions = re.sub(r"<del>.*?</del>", "", rendered)
    paragraphs = re.findall(r"<p>(.*?)</p>", without_deletions)
    return "".join(re.sub(r"</?ins>", "", p) for p in paragraphs)


_words = st.sampled_from(["the", "cat", "sat", "on", "mat", "café", "won't", "😀", ",", "."])
_separators = st.sampled_from([" ", " ", "  ", "\n", "\n\n", ". "])
_texts = st.lists(st.tuples(_words, _separators), max_size=30).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)


@settings(max_examples=100, deadline=None)
@given(old=_texts, new=_texts)
def test_ops_rebuild_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert _old_side(ops) == old
    assert _new_side(ops) == new
    assert all(op.text for op in ops)
    assert all(a.kind != b.kind for a, b in itertools.pairwise(ops))


@settings(max_examples=60, deadline=None)
@given(old=_texts, new=_texts)
def test_diff_html_shows_new_text_without_line_breaks(old: str, new: str) -> None:
    rendered = diff_html(old, new)
    expected = re.sub(r"[^\S\n]*\n\s*", "", new)
    assert html.unescape(_visible_new_text(rendered)) == expected


def test_an_edit_in_repetitive_text_changes_only_the_edited_word():
    """Found by the re-anchoring property test: matching the longest run of "ferry" wherever
    it was reported untouched words at the start as deleted and inserted again."""
    old = "ferry . ferry ferry ferry ferry ferry ferry"
    new = "ferry . ferry ferry harbour ferry ferry ferry"
    assert word_diff(old, new) == [
        DiffOp("equal", "ferry . ferry ferry"),
        DiffOp("delete", " ferry"),
        DiffOp("insert", " harbour"),
        DiffOp("equal", " ferry ferry ferry"),
    ]
