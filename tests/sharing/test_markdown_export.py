from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import markdown
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsapp.sharing.markdown_export import annotations_to_markdown, escape_markdown
from newsapp.sharing.w3c.model import ExportAnnotation, ExportSource


def make_annotation(**changes) -> ExportAnnotation:
    fields = {
        "id_url": "https://gloss.example/a/q7Xk2/",
        "public_id": "q7Xk2",
        "article_url": "https://gloss.example/articles/harbour-vote/",
        "article_source_url": "https://news.example.org/2031/harbour-vote",
        "revision_id_url": None,
        "revision_created": None,
        "exact": "We will reopen the old harbour by spring.",
        "prefix": "",
        "suffix": "",
        "start": 0,
        "end": 41,
        "kind": "quote",
        "note_markdown": "Same promise as in 2029 — see **the audit**.",
        "note_html": "",
        "tags": ("harbour", "promises"),
        "sources": (
            ExportSource(
                url="https://audit.example/9",
                title="Port audit 2029",
                excerpt="repairs were deferred twice",
                stance="disputes",
            ),
            ExportSource(url="https://archive.example/minutes"),
        ),
        "creator_name": "Tomás Ruiz",
        "creator_url": None,
        "created": datetime(2031, 3, 2, 9, 15, tzinfo=UTC),
        "modified": datetime(2031, 3, 2, 9, 15, tzinfo=UTC),
    }
    fields.update(changes)
    return ExportAnnotation(**fields)


def render(source: str) -> str:
    return markdown.markdown(source)


def blockquote_texts(rendered: str) -> list[str]:
    """The text of each rendered blockquote, line breaks and paragraphs kept as newlines."""
    texts = []
    for inner in re.findall(r"<blockquote>(.*?)</blockquote>", rendered, flags=re.S):
        inner = re.sub(r"<br />\n?", "\n", inner.strip())
        inner = re.sub(r"</p>\s*<p>", "\n\n", inner)
        inner = re.sub(r"</?p>", "", inner)
        assert "<" not in inner, f"markup leaked into the quote: {inner!r}"
        texts.append(html.unescape(inner).strip())
    return texts


def test_document_has_heading_quote_speaker_note_tags_sources_and_link():
    document = annotations_to_markdown(
        "Harbour vote", [make_annotation()], speaker_for=lambda a: "Adaeze Okafor"
    )
    assert document.startswith("# Harbour vote\n\n## Quote\n\n> We will reopen the old harbour")
    assert "\n\n— Adaeze Okafor\n\n" in document
    assert "Same promise as in 2029 — see **the audit**." in document
    assert "Tags: `harbour`, `promises`" in document
    assert (
        "- [Port audit 2029](https://audit.example/9) (disputes): “repairs were deferred twice”"
        in document
    )
    assert "- [https://archive.example/minutes](https://archive.example/minutes) (background)" in (
        document
    )
    assert "[Permalink](https://gloss.example/a/q7Xk2/) · Tomás Ruiz · 2 March 2031" in document

    rendered = render(document)
    assert blockquote_texts(rendered) == ["We will reopen the old harbour by spring."]
    assert "<strong>the audit</strong>" in rendered
    assert '<a href="https://gloss.example/a/q7Xk2/">Permalink</a>' in rendered


def test_speaker_is_left_out_when_unknown():
    document = annotations_to_markdown("T", [make_annotation()], speaker_for=lambda a: None)
    assert "—" not in document.split("Same promise")[0]
    assert "— " not in annotations_to_markdown("T", [make_annotation(note_markdown="")])


def test_markdown_syntax_in_a_quote_renders_literally():
    quote = (
        "*Not* emphasis, [not](a link) <b>raw</b> a|b ~~x~~\n"
        "# not a heading\n"
        "1. not a list\n"
        "= not a setext line\n"
        "\n"
        "- new paragraph & more &amp; _x_ `code` \\ back"
    )
    rendered = render(annotations_to_markdown("T", [make_annotation(exact=quote)]))
    assert blockquote_texts(rendered) == [quote]
    assert "<em>" not in rendered.split("</blockquote>")[0]
    assert "<h1>" not in rendered.split("<h2>")[1]
    assert "<b>" not in rendered


def test_multi_line_quote_keeps_its_lines_and_paragraphs():
    quote = "First line\nsecond line\n\n\nNew paragraph"
    document = annotations_to_markdown("T", [make_annotation(exact=quote)])
    assert "> First line  \n> second line\n>\n> New paragraph" in document
    assert blockquote_texts(render(document)) == ["First line\nsecond line\n\nNew paragraph"]


def test_indented_quote_lines_do_not_become_code():
    quote = "        indented like code\n\tand a tab"
    rendered = render(annotations_to_markdown("T", [make_annotation(exact=quote)]))
    assert "<code>" not in rendered.split("</blockquote>")[0]
    assert blockquote_texts(rendered) == ["indented like code\nand a tab"]


def test_several_annotations_are_separated_and_in_order():
    items = [
        make_annotation(exact="first", kind="claim"),
        make_annotation(exact="second", kind="question", tags=(), sources=()),
    ]
    document = annotations_to_markdown("Two", items)
    assert document.index("## Claim") < document.index("## Question")
    assert document.count("\n---") == 2
    assert "Tags:" not in document.split("## Question")[1]
    assert blockquote_texts(render(document)) == ["first", "second"]


def test_empty_export_says_so():
    assert annotations_to_markdown("Nothing yet", []) == "# Nothing yet\n\n_No annotations._\n"


def test_title_and_link_labels_are_escaped():
    source = ExportSource(url="https://x.example/a (b)", title="Audit [draft] *v2*")
    document = annotations_to_markdown("# Notes *on* [it]", [make_annotation(sources=(source,))])
    rendered = render(document)
    assert rendered.startswith("<h1># Notes *on* [it]</h1>")
    assert '<a href="https://x.example/a%20%28b%29">Audit [draft] *v2*</a>' in rendered


def test_escape_markdown_leaves_plain_prose_alone():
    prose = "Prices rose 4.5% in Lagos, Accra and Dakar (analysts said)."
    assert escape_markdown(prose) == prose


QUOTE_ALPHABET = st.sampled_from([*"ab *_`[]()<>#!|~=&;\\-+.1\n", "&amp;", "é", "港"])


@settings(max_examples=200, deadline=None)
@given(st.lists(QUOTE_ALPHABET, min_size=1, max_size=40).map("".join).filter(str.strip))
@example("&#1")  # a character reference without its ";" (a run of this test found it)
def test_any_quote_renders_as_its_own_text(quote):
    rendered = render(annotations_to_markdown("T", [make_annotation(exact=quote)]))
    (text,) = blockquote_texts(rendered)
    expected = "\n\n".join(
        "\n".join(line.strip() for line in paragraph.split("\n") if line.strip())
        for paragraph in re.split(r"\n\s*\n", quote.strip())
    )
    assert text == expected
