"""What a pasted or uploaded article becomes before it is imported.

A whole web page (saved from a browser, or its source pasted) goes through the same extractor
as an import by address, so its navigation, header and footer are left out. A body that names
its own title needs none typed: an HTML page's `<title>` or `<h1>`, a Markdown `# heading`, or
the first line of plain text. When the title comes from the body's leading heading or line,
that heading leaves the body (the reader page shows the title above it already).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import lxml.html
from lxml import etree

from newsapp.text.extract import markdown_to_html, plain_text
from newsapp.text.sanitize import clean_plain_text

from .extraction import ExtractionError, extract_article
from .services import MAX_TITLE_CHARS, BodyFormat, one_block_per_line

# A first line longer than this is a paragraph, not a title: it stays in the body and only its
# first words name the article.
MAX_TITLE_LINE_CHARS = 200
SHORT_TITLE_CHARS = 80

_PAGE_MARKUP = re.compile(r"<(?:!doctype|html|head|body|title)\b", re.I)
_CHROME_MARKUP = re.compile(r"<(?:nav|header|footer)\b", re.I)
_BLOCKS = ("h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td")
_CHROME_TAGS = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form")
_LEADING_H1 = re.compile(r"\s*<h1\b[^>]*>(.*?)</h1\s*>\s*", re.I | re.S)
_ATX_H1 = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"=+[ \t]*$")


@dataclass(frozen=True)
class PastedArticle:
    """A body ready for `article_import`, and what it said about itself ('' when nothing)."""

    title: str
    body: str
    body_format: str
    byline: str = ""
    published_at: datetime | None = None
    language: str = ""


def read_pasted(body: str, body_format: str, *, title: str = "") -> PastedArticle:
    """The article in `body`; `title` is the one the reader typed ('' to find one)."""
    if body_format == BodyFormat.HTML and is_whole_page(body):
        return _whole_page(body, title)
    if title.strip():
        return PastedArticle(title=title, body=body, body_format=body_format)
    if body_format == BodyFormat.HTML:
        found, rest = _html_title(body)
    elif body_format == BodyFormat.MARKDOWN:
        found, rest = _markdown_title(body)
    else:
        found, rest = _first_line_title(body, markdown=False)
    return PastedArticle(title=found, body=rest, body_format=body_format)


def is_whole_page(html: str) -> bool:
    """A page rather than an article's markup: a document (doctype, <html>, <head>, <body>,
    <title>), or markup with the navigation, header or footer of a site around it."""
    return bool(_PAGE_MARKUP.search(html[:5000]) or _CHROME_MARKUP.search(html))


def _whole_page(page: str, typed_title: str) -> PastedArticle:
    try:
        extracted = extract_article(page, "")
    except ExtractionError:
        # Too little text for the extractor's idea of an article (a short page): keep all of
        # the page's text but its chrome.
        body = without_chrome(page)
        if typed_title.strip():
            return PastedArticle(title=typed_title, body=body, body_format=BodyFormat.HTML)
        found, rest = _html_title(body, page_title=_page_title(page))
        return PastedArticle(title=found, body=rest, body_format=BodyFormat.HTML)
    body = one_block_per_line(extracted.body_html)
    title = typed_title if typed_title.strip() else _shorten(clean_plain_text(extracted.title))
    return PastedArticle(
        title=title,
        body=_without_leading_h1(body, title),
        body_format=BodyFormat.HTML,
        byline=extracted.byline,
        published_at=extracted.published_at,
        language=extracted.language,
    )


def without_chrome(page: str) -> str:
    """The page's body without its navigation, header, footer, asides, scripts and forms."""
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return page
    for element in list(tree.iter(*_CHROME_TAGS)):
        element.drop_tree()
    body = tree.find("body")
    root = body if body is not None else tree
    inner = "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return _escape(root.text or "") + inner


def _page_title(page: str) -> str:
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return ""
    element = tree.find(".//title")
    return _shorten(" ".join((element.text_content() if element is not None else "").split()))


def _html_title(body: str, *, page_title: str = "") -> tuple[str, str]:
    """An HTML fragment's title: its leading <h1> (which then leaves the body), else the
    page's <title>, else its first <h1> or <title> anywhere (the body stays whole), else its
    first line of text."""
    leading = _LEADING_H1.match(body)
    if leading:
        title = _shorten(plain_text(leading.group(1)))
        if title:
            return title, body[leading.end() :]
    if page_title:
        return page_title, body
    try:
        tree = lxml.html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return "", body
    for tag in ("h1", "title"):
        element = tree.find(f".//{tag}")
        if element is not None and element.text_content().strip():
            return _shorten(" ".join(element.text_content().split())), body
    first = next(
        (text for text in (_block_text(element) for element in tree.iter(*_BLOCKS)) if text),
        " ".join(tree.text_content().split()),
    )
    limit = MAX_TITLE_CHARS if len(first) <= MAX_TITLE_LINE_CHARS else SHORT_TITLE_CHARS
    return _shorten(first, limit), body


def _block_text(element) -> str:
    return " ".join(element.text_content().split())


def _markdown_title(body: str) -> tuple[str, str]:
    """A Markdown body's leading `# heading` (or `Heading` underlined with `===`), which then
    leaves the body; else its first line, as plain text."""
    lines = body.lstrip("\n").splitlines()
    if not lines:
        return "", body
    first = lines[0].strip()
    heading = _ATX_H1.match(first)
    if heading:
        return _markdown_line(heading.group(1)), "\n".join(lines[1:])
    if len(lines) > 1 and first and _SETEXT_H1.match(lines[1].strip()):
        return _markdown_line(first), "\n".join(lines[2:])
    return _first_line_title(body, markdown=True)


def _first_line_title(body: str, *, markdown: bool) -> tuple[str, str]:
    """The first line names the article; a short one leaves the body when text follows it."""
    lines = body.strip().splitlines()
    if not lines:
        return "", body
    first = lines[0].strip()
    title = _markdown_line(first) if markdown else " ".join(first.split())
    rest = "\n".join(lines[1:])
    if len(first) <= MAX_TITLE_LINE_CHARS and rest.strip():
        return title, rest
    return _shorten(title, SHORT_TITLE_CHARS), body


def _markdown_line(line: str) -> str:
    """One line of Markdown as the plain text it shows (`The *real* cost` -> The real cost)."""
    return _shorten(plain_text(markdown_to_html(line)))


def _without_leading_h1(body_html: str, title: str) -> str:
    leading = _LEADING_H1.match(body_html)
    if leading and plain_text(leading.group(1)) == title:
        return body_html[leading.end() :]
    return body_html


def _shorten(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """`text` within `limit` characters, cut at a word with an ellipsis when it is longer."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
