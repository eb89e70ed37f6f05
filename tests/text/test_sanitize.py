from __future__ import annotations

import gzip
import re
from html import unescape

import html5lib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsapp.text.budget import TooComplex
from newsapp.text.extract import canonical_text
from newsapp.text.sanitize import (
    ARTICLE_ATTRIBUTES,
    ARTICLE_TAGS,
    NOTE_ATTRIBUTES,
    NOTE_TAGS,
    clean_article_html,
    clean_plain_text,
    render_note,
)
from tests.text.xss_vectors import XSS_VECTORS

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea",
    "select", "svg", "math", "template", "noscript", "base", "meta", "link", "mark", "frame",
    "frameset", "video", "audio", "source",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "xlink:href"}
STRIPPED_FROM_URLS = re.compile("[\t\n\r]")


def parse(html: str):
    return html5lib.parseFragment(
        html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )


def elements(html: str):
    root = parse(html)
    return [node for node in root.iter() if node is not root]


def depth(element) -> int:
    deepest, stack = 0, [(element, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node)
    return deepest


def url_scheme(value: str) -> str | None:
    """The scheme a browser sees: tabs/newlines removed anywhere, controls/spaces at the ends."""
    url = STRIPPED_FROM_URLS.sub("", value).strip("".join(map(chr, range(0x21))))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return found.group(1).lower() if found else None


def assert_safe(html: str, tags: frozenset[str], attributes: dict) -> None:
    for node in elements(html):
        assert isinstance(node.tag, str), f"comment survived in {html!r}"
        assert node.tag in tags, f"<{node.tag}> survived in {html!r}"
        assert node.tag not in FORBIDDEN_ELEMENTS
        for name, value in node.attrib.items():
            assert not name.lower().startswith("on"), f"handler {name} in {html!r}"
            assert name != "style"
            assert name in attributes.get(node.tag, ()), f"{node.tag}[{name}] in {html!r}"
            if name in URL_ATTRIBUTES:
                allowed = {"https"} if name == "src" else {"http", "https", "mailto"}
                assert url_scheme(unescape(value)) in allowed, f"{name}={value!r}"
    assert "<!--" not in html


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=[v.name for v in XSS_VECTORS])
def test_xss_vector_is_neutralised_in_articles(vector):
    cleaned = clean_article_html(vector.payload)
    assert_safe(cleaned, ARTICLE_TAGS, ARTICLE_ATTRIBUTES)
    if vector.content_must_vanish:
        assert "alert" not in canonical_text(cleaned)
    assert clean_article_html(cleaned) == cleaned


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=[v.name for v in XSS_VECTORS])
def test_xss_vector_is_neutralised_in_notes(vector):
    rendered = render_note(vector.payload)
    assert_safe(rendered, NOTE_TAGS, NOTE_ATTRIBUTES)


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=[v.name for v in XSS_VECTORS])
def test_xss_vector_inside_markdown_link_syntax_is_neutralised(vector):
    rendered = render_note(f"[click]({vector.payload}) and ![pic]({vector.payload})")
    assert_safe(rendered, NOTE_TAGS, NOTE_ATTRIBUTES)


def test_raw_html_in_a_note_is_shown_as_text():
    rendered = render_note("Try <script>alert(1)</script> and <b>bold</b>")
    assert "<script" not in rendered
    assert canonical_text(rendered) == "Try <script>alert(1)</script> and <b>bold</b>"


def test_dangerous_markdown_links_lose_their_href():
    rendered = render_note("[a](javascript:alert(1)) [b](data:text/html,x) [c](https://ok.test)")
    hrefs = [node.get("href") for node in elements(rendered) if node.tag == "a"]
    assert hrefs == ["https://ok.test"]
    assert canonical_text(rendered) == "a b c"


# --- structure ---------------------------------------------------------------------------------


def test_article_structure_is_kept():
    source = (
        "<h2>Sub</h2><p>One <em>two</em> <strong>three</strong> <code>x</code></p>"
        "<blockquote><p>Quoted <q>inner</q> <cite>Source</cite></p></blockquote>"
        "<ul><li>a</li><li>b<ol><li>c</li></ol></li></ul><dl><dt>t</dt><dd>d</dd></dl>"
        '<figure><img alt="A cat" height="20" src="https://img.test/cat.jpg" width="30">'
        "<figcaption>Cat</figcaption></figure><hr><pre>line 1\nline 2</pre>"
        '<table><caption>T</caption><thead><tr><th colspan="2">h</th></tr></thead>'
        '<tbody><tr><td rowspan="1">1</td><td>2</td></tr></tbody></table>'
        "<p>H<sub>2</sub>O x<sup>2</sup> <small>s</small> <s>old</s> <u>u</u> <b>b</b> <i>i</i>"
        '<br><abbr title="World Health Organization">WHO</abbr></p>'
    )
    assert clean_article_html(source) == source


def test_h1_becomes_h2_because_the_page_owns_h1():
    assert clean_article_html("<h1>Title</h1>") == "<h2>Title</h2>"


def test_unknown_elements_are_unwrapped_keeping_their_text():
    cleaned = clean_article_html('<div class="x"><span style="color:red">keep</span> me</div>')
    assert cleaned == "keep me"


def test_active_elements_are_dropped_with_their_content():
    cleaned = clean_article_html("<p>a<script>bad()</script>b<style>p{}</style>c</p><form>f</form>")
    assert cleaned == "<p>abc</p>"


def test_links_get_nofollow_noopener_and_lose_other_attributes():
    cleaned = clean_article_html(
        '<a href="https://x.test/" title="T" target="_blank" class="c" rel="opener">x</a>'
    )
    assert cleaned == '<a href="https://x.test/" rel="nofollow noopener" title="T">x</a>'


def test_mailto_and_http_links_are_kept_relative_ones_need_a_base():
    cleaned = clean_article_html(
        '<a href="mailto:a@b.test">m</a><a href="http://h.test">h</a><a href="/rel">r</a>'
    )
    assert [n.get("href") for n in elements(cleaned) if n.tag == "a"] == [
        "mailto:a@b.test",
        "http://h.test",
    ]
    assert canonical_text(cleaned) == "mhr"
    based = clean_article_html('<a href="/rel">r</a>', base_url="https://news.test/a/b")
    assert 'href="https://news.test/rel"' in based


def test_images_need_https_and_lose_bad_dimensions():
    cleaned = clean_article_html(
        '<img src="http://x.test/a.png"><img src="https://x.test/b.png" width="-1" height="9x">'
    )
    assert cleaned == '<img src="https://x.test/b.png">'


def test_text_and_attributes_are_escaped_canonically():
    cleaned = clean_article_html(
        "<p title=x>1 &lt; 2 &gt; 0 &amp; 'q' \"d\"</p><abbr title='a<b\">c'>x</abbr>"
    )
    assert cleaned == (
        '<p>1 &lt; 2 &gt; 0 &amp; \'q\' "d"</p><abbr title="a&lt;b&quot;&gt;c">x</abbr>'
    )


def test_named_and_numeric_entities_become_characters():
    assert clean_article_html("<p>&eacute;&#233;&#xE9;&nbsp;&copy;</p>") == "<p>ééé\xa0©</p>"


def test_leading_newlines_in_pre_are_normalised_away():
    cleaned = clean_article_html("<pre>\n\n\ncode\n</pre><pre><span>\nx</span></pre>")
    assert cleaned == "<pre>code\n</pre><pre>x</pre>"
    assert canonical_text(cleaned) == "code\nx"


def test_carriage_returns_and_control_characters_are_normalised():
    assert clean_article_html("<p>a\r\nb\rc\x07d&#x0D;e</p>") == "<p>a\nb\ncd\ne</p>"


def test_empty_input_gives_empty_output():
    assert clean_article_html("") == ""
    assert render_note("") == ""
    assert render_note("   \n") == ""


def test_stray_table_text_is_moved_out_as_a_browser_does():
    cleaned = clean_article_html("<table>oops<tr><td>1</td></tr></table>")
    assert cleaned == "oops<table><tbody><tr><td>1</td></tr></tbody></table>"


@pytest.mark.parametrize("opening", ["<div>", "<b>", "<blockquote>", "<ul><li>", "<span><em>"])
def test_deep_nesting_is_capped_without_losing_text(opening):
    cleaned = clean_article_html(opening * 120 + "deep text")
    assert canonical_text(cleaned) == "deep text"
    assert depth(parse(cleaned)) <= 100
    assert clean_article_html(cleaned) == cleaned


@pytest.mark.parametrize("opening", ["<div>", "<b>", "<blockquote>", "<ul><li>", "<span><em>"])
def test_nesting_deeper_than_the_parse_budget_is_refused(opening):
    with pytest.raises(TooComplex, match="nests elements more than 256 deep"):
        clean_article_html(opening * 3000 + "deep text")


def test_plain_text_helper_strips_markup_and_collapses_space():
    assert clean_plain_text("  <b>Pete</b>\n  Hegseth<script>x()</script> &amp; co ") == (
        "Pete Hegseth & co"
    )
    assert clean_plain_text("a < b") == "a < b"
    assert clean_plain_text("") == ""


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters="<&"), max_size=60))
@example("Ada\x00 Vale\r\n\x0c\x85\ud800 \u202egnp.exe\ufdd0 \t>")
def test_plain_text_without_markup_comes_out_as_the_parser_would_give_it(text):
    """Text with no tag and no entity skips the parser: the result is the same as through it
    (an empty element before the text sends it through the parser)."""
    assert clean_plain_text(text) == clean_plain_text("<span></span>" + text)


# --- notes -------------------------------------------------------------------------------------


def test_note_markdown_renders_with_the_small_allowlist():
    rendered = render_note(
        "# Heading\n\nSome *em* and **strong** and `code` and ~~gone~~.\n\n"
        "> quoted\n\n1. one\n2. two\n\n```\nblock <x>\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert_safe(rendered, NOTE_TAGS, NOTE_ATTRIBUTES)
    tags = {node.tag for node in elements(rendered)}
    assert {"p", "strong", "em", "code", "blockquote", "ol", "li", "pre"} <= tags
    assert "<p><strong>Heading</strong></p>" in rendered
    assert "<pre><code>block &lt;x&gt;\n</code></pre>" in rendered


def test_note_links_and_bare_urls_get_ugc_rel():
    rendered = render_note(
        "See [docs](https://docs.test/x) and https://bare.example.org/p?q=1&r=2 now"
    )
    links = [(n.get("href"), n.get("rel")) for n in elements(rendered) if n.tag == "a"]
    assert links == [
        ("https://docs.test/x", "nofollow noopener ugc"),
        ("https://bare.example.org/p?q=1&r=2", "nofollow noopener ugc"),
    ]


def test_urls_in_code_are_not_linkified():
    rendered = render_note("`https://in.code.test`\n\n    https://indented.test\n")
    assert not [n for n in elements(rendered) if n.tag == "a"]


def test_note_images_become_their_alt_text():
    assert render_note("![a chart](https://img.test/c.png)") == "<p>a chart</p>"


# --- properties --------------------------------------------------------------------------------

TEXT_TOKENS = [
    "a", "b", "word", " ", "  ", "\n", "\t", "\r\n", "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;",
    "&#x1F600;", "&", "<", ">", '"', "'", "😀", "é", "e\u0301", "中文", "שלום", "\x00", "\x0c",
    "&bogus;", "https://link.test/x",
]  # fmt: skip
TAGS = [*sorted(ARTICLE_TAGS), "h1", "div", "span", "script", "style", "font", "mark", "svg"]
ATTRIBUTES = [
    'href="https://a.test/?x=1&amp;y=2"', 'href="javascript:alert(1)"', "href=/relative",
    'src="https://i.test/p.png"', 'src="http://i.test/p.png"', 'title="t &lt; &quot;q&quot;"',
    "onclick=alert(1)", 'style="color:red"', 'width="12"', 'colspan="2"', 'alt="x>y"',
]  # fmt: skip

texts = st.lists(st.sampled_from(TEXT_TOKENS), max_size=6).map("".join)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(parts: tuple[str, list[str], list[str], bool]) -> str:
        tag, attributes, inner, closed = parts
        start = f"<{tag}{''.join(' ' + a for a in attributes)}>"
        return start + "".join(inner) + (f"</{tag}>" if closed else "")

    return st.tuples(
        st.sampled_from(TAGS),
        st.lists(st.sampled_from(ATTRIBUTES), max_size=2),
        st.lists(children, max_size=4),
        st.booleans(),
    ).map(build)


random_html = st.recursive(texts, element, max_leaves=20)
TAG_SPLIT = re.compile(r"(<[^>]*>)")


@settings(max_examples=100, deadline=None)
@given(random_html)
def test_cleaning_is_safe_idempotent_and_countable_without_a_parser(html):
    cleaned = clean_article_html(html)
    assert_safe(cleaned, ARTICLE_TAGS, ARTICLE_ATTRIBUTES)
    assert clean_article_html(cleaned) == cleaned
    # The identity highlight.render relies on: the text between tags is the parser's text.
    between_tags = "".join(TAG_SPLIT.split(cleaned)[0::2])
    assert "<" not in between_tags
    assert ">" not in between_tags
    assert canonical_text(cleaned) == unescape(between_tags)


@settings(max_examples=40, deadline=None)
@given(random_html)
def test_notes_from_arbitrary_html_are_safe(html):
    assert_safe(render_note(html), NOTE_TAGS, NOTE_ATTRIBUTES)


# --- real pages from the shared corpora --------------------------------------------------------


def real_pages(corpora) -> list[tuple[str, str]]:
    anchoring = corpora / "hypothesis-anchoring"
    pages = [
        (path.name, path.read_text(encoding="utf-8")) for path in sorted(anchoring.rglob("*.html"))
    ]
    smallest = sorted(
        (corpora / "article-extraction").rglob("*.html.gz"), key=lambda p: p.stat().st_size
    )
    for path in smallest[:3]:
        pages.append((path.name, gzip.decompress(path.read_bytes()).decode("utf-8", "replace")))
    return pages


def test_real_pages_clean_to_fixed_points_countable_without_a_parser(corpora):
    for name, page in real_pages(corpora):
        cleaned = clean_article_html(page)
        assert_safe(cleaned, ARTICLE_TAGS, ARTICLE_ATTRIBUTES)
        assert clean_article_html(cleaned) == cleaned, name
        assert canonical_text(cleaned) == unescape("".join(TAG_SPLIT.split(cleaned)[0::2])), name
