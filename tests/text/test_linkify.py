from __future__ import annotations

import time

import pytest

from newsapp.text.linkify import find_links
from newsapp.text.sanitize import render_note


def links(text: str) -> list[str]:
    return [text[link.start : link.end] for link in find_links(text)]


def hrefs(text: str) -> list[str]:
    return [link.href for link in find_links(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see https://a.test/x.", ["https://a.test/x"]),
        ("(see https://a.test/x)", ["https://a.test/x"]),
        ("https://w.test/A_(b) and more", ["https://w.test/A_(b)"]),
        ("“quoted https://a.test/q?x=1&y=2”", ["https://a.test/q?x=1&y=2”"]),
        ("two: http://one.test, www.two.test!", ["http://one.test", "www.two.test"]),
        ("no scheme a.test, no www", []),
        ("mail me at ana@mail.test", []),
        ("xhttps://glued.test", []),
        ("www.", []),
    ],
)
def test_bare_addresses_are_found_without_trailing_punctuation(text, found):
    assert links(text) == found


def test_www_addresses_link_over_https():
    assert hrefs("www.example.test/page") == ["https://www.example.test/page"]


def test_linkifying_is_linear_in_the_text():
    for text in ("a" * 200_000, "www." * 50_000, "http://" + ")" * 200_000, "a@" * 100_000):
        started = time.process_time()
        list(find_links(text))
        assert time.process_time() - started < 0.5


def test_notes_link_bare_addresses_with_ugc_rel_but_not_inside_code_or_links():
    rendered = render_note("Read www.a.test and `https://b.test` and [c](https://c.test).")
    assert rendered == (
        '<p>Read <a href="https://www.a.test" rel="nofollow noopener ugc">www.a.test</a> and '
        "<code>https://b.test</code> and "
        '<a href="https://c.test" rel="nofollow noopener ugc">c</a>.</p>'
    )


def test_email_addresses_in_notes_stay_text_unless_written_as_links():
    assert render_note("ana@mail.test") == "<p>ana@mail.test</p>"
    assert render_note("<mailto:ana@mail.test>") == (
        '<p><a href="mailto:ana@mail.test" rel="nofollow noopener ugc">mailto:ana@mail.test</a></p>'
    )
