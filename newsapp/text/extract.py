"""Canonical text of sanitised HTML, reading statistics, and plain text / Markdown to HTML.

`canonical_text` is the browser's `textContent` of a `<div>` holding the HTML: the server's
offsets and the browser's selections agree because both count over exactly this string.

`text_to_html` and `markdown_to_html` return *clean* article HTML: they run
`sanitize.clean_article_html` themselves, so their output can be stored as `body_html` as is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html import escape
from xml.etree.ElementTree import Element

import html5lib

from newsapp.text import budget
from newsapp.text.commonmark import article_markdown
from newsapp.text.sanitize import clean_article_html

WORDS_PER_MINUTE = 230

# Scripts written without spaces between words: each ideograph or kana counts as one word.
_UNSPACED_SCRIPT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u31f0-\u31ff"
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED_SCRIPT}]")
_WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")
_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")
# Where a block ends (or a line breaks) the words on either side are separate words.
_BLOCK_BOUNDARY = re.compile(
    r"</(?:p|li|h[1-6]|blockquote|pre|div|ul|ol|dd|dt|tr|td|th|figcaption)>|<br\s*/?>", re.I
)


def canonical_text(clean_html: str) -> str:
    """The `textContent` a browser gives for a `<div>` whose innerHTML is `clean_html`.

    Every text node in document order, whitespace-only ones included, entities decoded, nothing
    added between blocks. Parsed with html5lib's fragment parser, which follows the same HTML
    parsing algorithm as browsers (so a newline right after `<pre>` is dropped, tables
    foster-parent stray text, and so on). Template contents and comments are not text.
    """
    if not clean_html:
        return ""
    root = html5lib.parseFragment(
        clean_html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )
    parts: list[str] = [root.text or ""]
    stack: list[tuple[Iterator[Element], str | None]] = [(iter(root), None)]
    while stack:  # iterative: hostile input can nest thousands deep
        children, tail = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            parts.append(tail or "")
        # Comments have a non-string tag; a template's content lives in a separate fragment.
        elif isinstance(child.tag, str) and child.tag != "template":
            parts.append(child.text or "")
            stack.append((iter(child), child.tail))
        else:
            parts.append(child.tail or "")
    return "".join(parts)


def plain_text(html_fragment: str) -> str:
    """Sanitised HTML (a note's `note_html`) as one line of plain text, for a meta description,
    JSON-LD or an image: tags gone, entities decoded (`&amp;` is `&`), blocks separated by a
    space, runs of whitespace one space. The result is text: escape it wherever it is written.
    """
    spaced = _BLOCK_BOUNDARY.sub(lambda match: match.group(0) + " ", html_fragment or "")
    return " ".join(canonical_text(spaced).split())


def text_fingerprint(text: str) -> str:
    """The same for two texts that differ only in whitespace (a paste that rewrapped lines,
    Markdown and plain text of the same words): SHA-256 of the words joined by one space."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    """Words in `text`; in Chinese and Japanese, where words are not spaced, each character."""
    unspaced = len(_UNSPACED_CHAR.findall(text))
    spaced = len(_WORD.findall(_UNSPACED_CHAR.sub(" ", text)))
    return unspaced + spaced


def reading_minutes(words: int) -> int:
    """Minutes to read `words` words at about 230 words a minute, rounded, never below 1."""
    return max(1, (words + WORDS_PER_MINUTE // 2) // WORDS_PER_MINUTE)


def text_to_html(text: str) -> str:
    """Plain text to clean article HTML: blank lines separate paragraphs, single newlines
    become `<br>`. Paragraphs are joined by a newline, and each `<br>` is followed by one, so
    the canonical text keeps the line structure of the original."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = [p.strip("\n") for p in _BLANK_LINES.split(text)]
    rendered = [
        "<p>" + "<br>\n".join(escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    ]
    return clean_article_html("\n".join(rendered))


def markdown_to_html(source: str, *, base_url: str | None = None) -> str:
    """Markdown (CommonMark with tables and strikethrough) to clean article HTML.

    Raw HTML inside the Markdown is allowed through Markdown and then sanitised by
    `clean_article_html` like any imported HTML. Raises `budget.TooComplex` for Markdown or
    HTML whose structure would cost too much to parse.
    """
    if not source.strip():
        return ""
    budget.check_markdown(source)
    return clean_article_html(article_markdown(source), base_url=base_url)
