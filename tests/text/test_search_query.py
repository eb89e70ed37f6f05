from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.search_query import (
    MARK_END,
    MARK_START,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    QueryError,
    Term,
    fts5_expression,
    mark_words,
    markdown_as_text,
    marked_html,
    normalize,
    parse,
)


def test_words_are_clauses_in_order():
    query = parse("ceasefire  monitors")
    assert query.clauses == ((Term("ceasefire"),), (Term("monitors"),))


def test_a_quoted_phrase_is_one_term():
    assert parse('"flood basins" vote').clauses == (
        (Term("flood basins", phrase=True),),
        (Term("vote"),),
    )


def test_typographic_quotes_from_a_phone_make_a_phrase():
    assert parse("“flood basins”").clauses == ((Term("flood basins", phrase=True),),)


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('vote "flood basins').clauses == (
        (Term("vote"),),
        (Term("flood basins", phrase=True),),
    )


def test_or_joins_the_terms_on_either_side():
    query = parse('budget OR "tariff rise" OR pension strike')
    assert query.clauses == (
        (Term("budget"), Term("tariff rise", phrase=True), Term("pension")),
        (Term("strike"),),
    )


def test_or_with_nothing_before_it_is_ignored_and_lower_case_or_is_a_word():
    assert parse("OR budget").clauses == ((Term("budget"),),)
    assert parse("budget or tariff").clauses == (
        (Term("budget"),),
        (Term("or"),),
        (Term("tariff"),),
    )


def test_minus_leaves_words_and_phrases_out():
    query = parse('glacier -alpine -"swiss alps"')
    assert query.clauses == ((Term("glacier"),),)
    assert query.excluded == (Term("alpine"), Term("swiss alps", phrase=True))


def test_a_hyphen_inside_a_word_is_part_of_it():
    assert parse("covid-19").clauses == ((Term("covid-19"),),)


def test_only_exclusions_is_refused_with_an_example():
    with pytest.raises(QueryError, match="Add a word to find"):
        parse("-budget")


def test_filters():
    query = parse(
        'user:ana tag:Budget kind:claims speaker:"Ada Okafor" source:ledger '
        "after:2026-03 before:2026-04-15 is:mine ceasefire"
    )
    assert query.users == ("ana",)
    assert query.tags == ("budget",)
    assert query.kinds == ("claim",)
    assert query.speakers == ("Ada Okafor",)
    assert query.sources == ("ledger",)
    assert query.after == date(2026, 3, 1)
    assert query.before == date(2026, 4, 15)
    assert query.mine is True
    assert query.clauses == ((Term("ceasefire"),),)


def test_operator_names_are_case_insensitive():
    assert parse("TAG:budget").tags == ("budget",)


def test_repeated_dates_keep_the_narrowest_range():
    query = parse("after:2025 after:2026-02 before:2027 before:2026-06")
    assert query.after == date(2026, 2, 1)
    assert query.before == date(2026, 6, 1)


def test_unknown_name_value_pairs_are_words_so_addresses_search():
    query = parse("https://records.example/budget")
    assert query.clauses == ((Term("https://records.example/budget"),),)


def test_a_filter_alone_is_a_search():
    query = parse("tag:budget")
    assert not query.has_words
    assert query.is_empty is False


def test_empty_and_blank_searches_are_empty_not_errors():
    assert parse("").is_empty
    assert parse("   \n\t ").is_empty


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tag:", "needs a value"),
        ('speaker:""', "needs a value"),
        ("before:yesterday", "is not a date"),
        ("after:2026-13", "is not a date"),
        ("after:2026-02-30", "is not a date"),
        ("kind:opinion", "is not a kind of note"),
        ("is:public", "is:mine finds your own notes"),
        ("-tag:budget", "Filters cannot be left out"),
        ("user:a/b", "takes a reader's name"),
        ("***", "has no words to search for"),
        ('"" ---', "has no words to search for"),
        ("🙂 🎉", "has no words to search for"),
        (" ".join(f"tag:t{n}" for n in range(17)), "at most 16 filters"),
    ],
)
def test_misused_operators_and_wordless_searches_say_why(text, reason):
    with pytest.raises(QueryError, match=reason):
        parse(text)


def test_up_to_500_characters_are_accepted_and_more_are_refused():
    longest = ("Ωmega " * 100)[:MAX_QUERY_CHARS]
    assert parse(longest).has_words
    with pytest.raises(QueryError, match="at most 500 characters; this one has 501"):
        parse(longest + "x")


def test_a_pasted_passage_of_500_characters_is_searched_as_words():
    passage = ("The port authority said the dredging would end by May. " * 10)[:MAX_QUERY_CHARS]
    assert len(parse(passage).clauses) == len(passage.split())


def test_too_many_words_are_refused_with_a_way_forward():
    with pytest.raises(QueryError, match="put a few of its words in quotes"):
        parse(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))


def test_punctuation_only_terms_are_left_out_and_reported():
    query = parse("budget && cuts")
    assert query.clauses == ((Term("budget"),), (Term("cuts"),))
    assert query.ignored == ("&&",)


def test_normalize_removes_controls_and_bidi_overrides_and_folds_width():
    assert normalize("a\x00b\u202ecd\u2066 \u200f\uff42udget\n\nx") == "abcd budget x"


def test_fts5_expression_quotes_every_term():
    query = parse('budget OR "tariff" -pension NEAR AND')
    assert fts5_expression(query) == (
        '((("budget" OR "tariff") AND ("NEAR") AND ("AND")) NOT "pension")'
    )


def test_fts5_expression_doubles_quotes_inside_a_word():
    assert fts5_expression(parse('say"what')) == '(("say""what"))'


def fts5_accepts(expression: str) -> bool:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61')")
    connection.execute("INSERT INTO t (body) VALUES ('the minister said budget cuts')")
    connection.execute("SELECT rowid FROM t WHERE t MATCH ?", [expression]).fetchall()
    return True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=MAX_QUERY_CHARS))
def test_any_text_parses_or_says_why_and_never_reaches_fts5_as_syntax(text):
    try:
        query = parse(text)
    except QueryError as error:
        assert str(error)
        return
    if query.has_words:
        assert fts5_accepts(fts5_expression(query))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='"()*:^-+ORNEAND{}ab ', max_size=60))
def test_fts5_operators_typed_by_a_reader_are_only_words(text):
    try:
        query = parse(text)
    except QueryError:
        return
    if query.has_words:
        assert fts5_accepts(fts5_expression(query))


def test_marked_html_escapes_text_and_pairs_markers():
    excerpt = f"<b>{MARK_START}budget{MARK_END}</b> & {MARK_END}cuts{MARK_START}"
    assert marked_html(excerpt) == "&lt;b&gt;<mark>budget</mark>&lt;/b&gt; &amp; cuts<mark></mark>"


def test_mark_words_marks_case_insensitively_and_escapes():
    assert mark_words("Ada <Okafor>", ["okafor"]) == "Ada &lt;<mark>Okafor</mark>&gt;"


def test_markdown_as_text_keeps_the_words_a_reader_sees():
    note = (
        '## Why\n> **Never** ratified, see [the audit](https://a.example/x "t").\n- `2019` line\n'
    )
    assert markdown_as_text(note) == "Why\nNever ratified, see the audit.\n2019 line\n"


def test_markdown_as_text_leaves_snake_case_and_arithmetic_alone():
    assert markdown_as_text("snake_case 2 * 3 = 6") == "snake_case 2 * 3 = 6"
