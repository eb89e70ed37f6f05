from __future__ import annotations

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.extract import canonical_text
from newsapp.text.highlight import Segment, render, segments
from newsapp.text.sanitize import clean_article_html
from tests.text.test_sanitize import random_html

TABLE_PARENTS = {"table", "thead", "tbody", "tfoot", "tr"}
LIST_PARENTS = {"ul", "ol", "dl"}


def parse(html: str):
    return html5lib.parseFragment(
        html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )


def structure(html: str) -> tuple:
    """The parsed tree as nested tuples, with <mark> unwrapped and adjacent text merged."""

    def children(element) -> list:
        items: list = []

        def add_text(text):
            if not text:
                return
            if items and isinstance(items[-1], str):
                items[-1] += text
            else:
                items.append(text)

        add_text(element.text)
        for child in element:
            if child.tag == "mark":
                assert len(child) == 0, "a mark must hold text only"
                add_text(child.text)
            else:
                items.append((child.tag, tuple(sorted(child.attrib.items())), *children(child)))
            add_text(child.tail)
        return items

    return tuple(children(parse(html)))


def coverage(html: str) -> list[tuple[frozenset[str] | None, str, bool]]:
    """For each code point of the text: (ids of its mark or None, parent tag, whitespace node)."""
    result: list[tuple[frozenset[str] | None, str, bool]] = []

    def add(text, ids, parent):
        if text:
            blank = not text.strip(" \t\n\f\r")
            result.extend((ids, parent, blank) for _ in text)

    def walk(element, parent_tag):
        add(element.text, None, parent_tag)
        for child in element:
            if child.tag == "mark":
                ids = frozenset(child.get("data-ids", "").split())
                add(child.text, ids, parent_tag)
            elif isinstance(child.tag, str):
                walk(child, child.tag)
            add(child.tail, None, parent_tag)

    walk(parse(html), "div")
    return result


def expected_ids(length: int, spans) -> list[frozenset[str]]:
    covered: list[set[str]] = [set() for _ in range(length)]
    for start, end, ids in spans:
        for position in range(max(start, 0), min(end, length)):
            covered[position].update(str(i) for i in ids)
    return [frozenset(c) for c in covered]


def marks(html: str) -> list[tuple[str, str]]:
    root = parse(html)
    return [(m.get("data-ids"), m.text) for m in root.iter("mark")]


# --- examples ----------------------------------------------------------------------------------


def test_no_spans_returns_the_very_same_string():
    html = clean_article_html("<p>Hello <b>world</b></p>")
    assert render(html, []) is html
    assert render(html, None) is html


def test_empty_html():
    assert render("", [(0, 3, [1])]) == ""


def test_a_single_span():
    assert render("<p>abcdef</p>", [(1, 3, [4])]) == (
        '<p>a<mark class="hl" data-ids="4">bc</mark>def</p>'
    )


def test_overlapping_spans_split_into_three_marks():
    assert marks(render("<p>abcdef</p>", [(0, 4, [1]), (2, 6, [2])])) == [
        ("1", "ab"),
        ("1 2", "cd"),
        ("2", "ef"),
    ]


def test_nested_spans():
    assert marks(render("<p>abcdef</p>", [(0, 6, [1]), (2, 4, [2])])) == [
        ("1", "ab"),
        ("1 2", "cd"),
        ("1", "ef"),
    ]


def test_touching_spans_with_different_ids_stay_apart():
    assert marks(render("<p>abcdef</p>", [(0, 3, [1]), (3, 6, [2])])) == [
        ("1", "abc"),
        ("2", "def"),
    ]


def test_touching_or_overlapping_spans_with_the_same_ids_make_one_mark():
    assert marks(render("<p>abcdef</p>", [(0, 3, [5]), (3, 6, [5])])) == [("5", "abcdef")]
    assert marks(render("<p>abcdef</p>", [(0, 4, [5]), (2, 6, [5])])) == [("5", "abcdef")]


def test_ids_are_sorted_numerically_then_strings():
    assert marks(render("<p>ab</p>", [(0, 2, [10, 9, "z", "a"])])) == [("9 10 a z", "ab")]


def test_a_lone_id_is_not_taken_for_an_iterable():
    assert marks(render("<p>ab</p>", [(0, 2, 7), (0, 1, "xy")])) == [("7 xy", "a"), ("7", "b")]


def test_span_across_paragraphs_heading_list_items_link_and_emphasis():
    html = clean_article_html(
        '<h2>Head</h2><p>One <a href="https://x.test/">link <em>here</em></a> end</p>'
        "<ul><li>first</li><li>second</li></ul>"
    )
    text = canonical_text(html)
    rendered = render(html, [(2, len(text) - 2, [3])])
    assert canonical_text(rendered) == text
    assert marks(rendered) == [
        ("3", "ad"),
        ("3", "One "),
        ("3", "link "),
        ("3", "here"),
        ("3", " end"),
        ("3", "first"),
        ("3", "seco"),
    ]
    assert structure(rendered) == structure(html)


def test_entities_count_as_one_character_and_are_never_cut():
    html = "<p>A &amp; B &lt;C&gt;</p>"
    assert canonical_text(html) == "A & B <C>"
    rendered = render(html, [(2, 3, [1]), (6, 9, [2])])
    assert rendered == (
        '<p>A <mark class="hl" data-ids="1">&amp;</mark> B '
        '<mark class="hl" data-ids="2">&lt;C&gt;</mark></p>'
    )


def test_emoji_and_astral_characters_are_single_code_points():
    html = "<p>a😀b👍🏽c</p>"
    rendered = render(html, [(1, 2, [1]), (3, 5, [2])])
    assert marks(rendered) == [("1", "😀"), ("2", "👍🏽")]


def test_combining_accents_and_right_to_left_text():
    html = "<p>Cafe\u0301 שלום</p>"
    rendered = render(html, [(3, 5, [1]), (6, 10, [2])])
    assert marks(rendered) == [("1", "e\u0301"), ("2", "שלום")]


def test_spans_at_the_very_start_and_end():
    html = "<p>abc</p><p>def</p>"
    rendered = render(html, [(0, 1, [1]), (5, 6, [2]), (0, 6, [3])])
    assert marks(rendered) == [("1 3", "a"), ("3", "bc"), ("3", "de"), ("2 3", "f")]


def test_bad_spans_are_ignored_or_clamped_never_raised():
    html = "<p>abcdef</p>"
    spans = [
        (4, 2, [1]),  # inverted
        (3, 3, [2]),  # empty
        (-5, 1, [3]),  # clamped to 0
        (5, 10_000, [4]),  # clamped to the end
        (10, 20, [5]),  # past the end
        ("x", 2, [6]),  # not an integer
        (1.5, 3, [7]),  # not an integer
        (1, 2),  # wrong shape
        None,
        (1, 2, []),  # no ids
        (1, 2, None),  # ids not iterable
    ]
    assert marks(render(html, spans)) == [("3", "a"), ("4", "f")]
    assert render(html, [(4, 2, [1]), (3, 3, [2])]) is html


def test_whitespace_in_tables_and_between_list_items_is_not_wrapped():
    html = clean_article_html(
        "<table>\n<tr>\n<td>a</td>\n<td>b</td>\n</tr>\n</table><ul>\n<li>c</li>\n</ul>"
    )
    text = canonical_text(html)
    rendered = render(html, [(0, len(text), [1])])
    assert [t for _, t in marks(rendered)] == ["a", "b", "c"]
    assert canonical_text(rendered) == text
    assert structure(rendered) == structure(html)


def test_pre_keeps_its_text_when_marked_from_its_first_character():
    html = clean_article_html("<pre>\n\ncode\n  more</pre>")
    rendered = render(html, [(0, 4, [1])])
    assert canonical_text(rendered) == canonical_text(html) == "code\n  more"
    assert marks(rendered) == [("1", "code")]


def test_mark_attrs_can_add_and_replace_attributes_with_escaping():
    calls = []

    def attrs(ids, starts):
        calls.append((ids, starts))
        extra = {"class": "hl hl-claim", "tabindex": "0", "title": 'a "b" <c>'}
        if starts:
            extra["id"] = "hl-" + "-".join(str(i) for i in sorted(starts))
        return extra

    rendered = render("<p>abc</p><p>def</p>", [(1, 5, [3]), (2, 3, [8])], mark_attrs=attrs)
    assert rendered == (
        '<p>a<mark class="hl hl-claim" data-ids="3" tabindex="0" '
        'title="a &quot;b&quot; &lt;c&gt;" id="hl-3">b</mark>'
        '<mark class="hl hl-claim" data-ids="3 8" tabindex="0" '
        'title="a &quot;b&quot; &lt;c&gt;" id="hl-8">c</mark></p>'
        '<p><mark class="hl hl-claim" data-ids="3" tabindex="0" '
        'title="a &quot;b&quot; &lt;c&gt;">de</mark>f</p>'
    )
    assert calls == [((3,), frozenset({3})), ((3, 8), frozenset({8})), ((3,), frozenset())]


def test_a_span_starting_in_skipped_whitespace_announces_its_start_on_its_first_mark():
    html = "<ul>\n<li>x</li></ul>"
    rendered = render(
        html,
        [(0, 2, [9])],
        mark_attrs=lambda ids, starts: {"data-start": " ".join(map(str, starts))},
    )
    assert rendered == '<ul>\n<li><mark class="hl" data-ids="9" data-start="9">x</mark></li></ul>'


@pytest.mark.parametrize("name", ["onclick", "bad name", 'x"y', ""])
def test_mark_attrs_cannot_inject_handlers_or_broken_names(name):
    with pytest.raises(ValueError):
        render("<p>a</p>", [(0, 1, [1])], mark_attrs=lambda ids, starts: {name: "1"})


def test_segments_sweep():
    assert segments([(0, 5, [3]), (2, 7, [1]), (9, 12, ["n"])]) == [
        Segment(0, 2, (3,), frozenset({3})),
        Segment(2, 5, (1, 3), frozenset({1})),
        Segment(5, 7, (1,), frozenset()),
        Segment(9, 12, ("n",), frozenset({"n"})),
    ]


def test_large_article_with_many_spans_keeps_text():
    paragraph = "<p>Word &amp; <em>emphasis</em> 😀 and a <a href='https://l.test'>link</a>.</p>\n"
    html = clean_article_html(paragraph * 120)
    text = canonical_text(html)
    spans = [(i, i + 53, [i % 17, i]) for i in range(0, len(text), 11)]
    rendered = render(html, spans)
    assert canonical_text(rendered) == text
    assert structure(rendered) == structure(html)


# --- properties --------------------------------------------------------------------------------

ids_strategy = st.lists(st.one_of(st.integers(0, 6), st.sampled_from(["a", "b"])), max_size=3)


@settings(max_examples=120, deadline=None)
@given(source=random_html, data=st.data())
def test_rendering_never_changes_text_or_structure_and_covers_exactly(source, data):
    html = clean_article_html(source)
    text = canonical_text(html)
    bound = len(text) + 3
    spans = data.draw(
        st.lists(
            st.tuples(st.integers(-3, bound), st.integers(-3, bound), ids_strategy), max_size=8
        )
    )
    rendered = render(html, spans)

    assert canonical_text(rendered) == text
    assert structure(rendered) == structure(html)
    covered = coverage(rendered)
    assert len(covered) == len(text)
    for position, (expected, (got, parent, blank)) in enumerate(
        zip(expected_ids(len(text), spans), covered, strict=True)
    ):
        if got is not None:
            assert got == expected, f"code point {position} of {text!r}"
        elif expected:
            assert parent in TABLE_PARENTS or (blank and parent in LIST_PARENTS), (
                f"code point {position} ({text[position]!r} in <{parent}>) left unmarked"
            )
    assert render(html, []) is html


def test_real_page_keeps_text_and_structure(corpora):
    page = corpora / "hypothesis-anchoring" / "html-baselines" / "wikipedia-regression-testing.html"
    html = clean_article_html(page.read_text(encoding="utf-8"))
    text = canonical_text(html)
    spans = [(i, i + 97, [i % 5, i]) for i in range(0, len(text), 41)]
    rendered = render(html, spans)
    assert canonical_text(rendered) == text
    assert structure(rendered) == structure(html)
