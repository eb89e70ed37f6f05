from __future__ import annotations

import pytest

from newsapp.text.extract import (
    canonical_text,
    markdown_to_html,
    reading_minutes,
    text_to_html,
    word_count,
)
from newsapp.text.sanitize import clean_article_html


def test_entities_are_decoded():
    assert canonical_text("<p>Fish &amp; chips &lt;3 &quot;yes&quot; &eacute;&#x1F41F;</p>") == (
        'Fish & chips <3 "yes" é🐟'
    )


def test_nothing_is_added_between_blocks():
    assert canonical_text("<h2>Title</h2><p>One.</p><p>Two.</p>") == "TitleOne.Two."


def test_whitespace_between_blocks_is_kept_exactly():
    html = "<h2>Title</h2>\n\n<p>One.</p>\n  <p>Two.</p>\n"
    assert canonical_text(html) == "Title\n\nOne.\n  Two.\n"


def test_nested_lists_in_document_order():
    html = "<ul>\n<li>a<ol>\n<li>a.1</li>\n<li>a.2</li>\n</ol></li>\n<li>b</li>\n</ul>"
    assert canonical_text(html) == "\na\na.1\na.2\n\nb\n"


def test_br_adds_no_text_but_its_neighbouring_newline_counts():
    assert canonical_text("<p>line one<br>line two</p>") == "line oneline two"
    assert canonical_text("<p>line one<br>\nline two</p>") == "line one\nline two"


def test_pre_keeps_its_whitespace_but_not_a_leading_newline():
    assert canonical_text("<pre>  a\n\tb\n</pre>") == "  a\n\tb\n"
    assert canonical_text("<pre>\nx</pre>") == "x"  # as a browser parses it


@pytest.mark.parametrize(
    "text",
    [
        "Smile 😀 and family 👨‍👩‍👧 and flag 🇳🇿",  # astral and joined emoji
        "Cafe\u0301 vs Café",  # combining acute accent vs precomposed
        "新聞の見出しと本文。",  # CJK
        "שלום עולם and مرحبا بالعالم",  # right-to-left
        "nbsp\xa0and\u200bzero width",
    ],
)
def test_unicode_text_passes_through_unchanged(text):
    assert canonical_text(f"<p>{text}</p>") == text
    assert canonical_text(clean_article_html(f"<p><em>{text}</em></p>")) == text


def test_comments_and_template_content_are_not_text():
    assert canonical_text("a<!-- hidden -->b<template>c</template>d") == "abd"


def test_deeply_nested_html_is_read_without_recursion_limits():
    assert canonical_text("<i>" * 5000 + "x" + "</i>" * 5000 + "y") == "xy"


def test_empty_html_has_empty_text():
    assert canonical_text("") == ""


def test_canonical_text_of_cleaned_html_matches_the_pieces_between_tags():
    cleaned = clean_article_html("<p>A &amp; B</p>\n<table> <tr><td>1</td></tr></table>")
    assert canonical_text(cleaned) == "A & B\n 1"


# --- reading statistics ------------------------------------------------------------------------


def test_word_count_counts_words_numbers_and_unspaced_scripts():
    assert word_count("") == 0
    assert word_count("It's a well-known fact: 42 people, e.g. them — all.") == 9
    assert word_count("東京で会議") == 5
    assert word_count("Hello 世界 !") == 3
    assert word_count("😀 🎉 — …") == 0


def test_reading_minutes_rounds_at_230_words_a_minute_and_is_at_least_one():
    assert reading_minutes(0) == 1
    assert reading_minutes(114) == 1
    assert reading_minutes(344) == 1
    assert reading_minutes(345) == 2
    assert reading_minutes(2300) == 10


# --- plain text and Markdown to HTML -----------------------------------------------------------


def test_text_to_html_makes_paragraphs_and_line_breaks():
    html = text_to_html('First line\nsecond line\n\n\nNext <para> & "more"\r\n\r\nLast')
    assert html == (
        '<p>First line<br>\nsecond line</p>\n<p>Next &lt;para&gt; &amp; "more"</p>\n<p>Last</p>'
    )
    assert canonical_text(html) == 'First line\nsecond line\nNext <para> & "more"\nLast'


def test_text_to_html_output_is_already_clean():
    html = text_to_html("a\n\nb <script>x</script>")
    assert clean_article_html(html) == html
    assert "<script" not in html


def test_text_to_html_of_blank_text_is_empty():
    assert text_to_html("  \n\n ") == ""


def test_markdown_to_html_supports_tables_and_fenced_code():
    html = markdown_to_html("# Big\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```py\nx < y\n```\n")
    assert html.startswith("<h2>Big</h2>")
    assert "<td>1</td>" in html
    assert "<pre><code>x &lt; y\n</code></pre>" in html
    assert clean_article_html(html) == html


def test_markdown_to_html_sanitises_raw_html_and_resolves_links():
    html = markdown_to_html(
        "Text <sup>2</sup> <script>bad()</script> [rel](/about)", base_url="https://s.test/x/"
    )
    assert html == (
        '<p>Text <sup>2</sup>  <a href="https://s.test/about" rel="nofollow noopener">rel</a></p>'
    )
