"""How much structure one input may have, checked before a parser runs and while it runs.

A parser's time grows with the structure of its input, not only with its length: html5lib walks
the stack of open elements for most tags (so 20,000 nested `<div>` cost 140 s), re-opens every
unclosed formatting element at each new block (18 KB of `<b id=…>` and `<p>` built 400,000
elements), and spends tens of microseconds on each `&` or stray `<`. So every input is measured
twice:

- before parsing, by counting in C (`str.count`, one regex): markup tokens for HTML, Markdown
  markers for Markdown; past the limit it is refused with a sentence that says why;
- while parsing, by html5lib's tree builder (`parse_fragment`): the elements it creates and how
  deep they nest. Amplification and depth are therefore bounded exactly, whatever the input.

Pure Python, no Django: callers turn `TooComplex` into a 400 with its message.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

import html5lib
from html5lib.treebuilders import getTreeBuilder

# Elements an article may hold: a very long article has a few thousand.
MAX_ELEMENTS = 16_000
# Tags, character references and stray "<" (each one is a token for the HTML parser). The
# largest whole news page in the shared corpus has 3,300; its extracted article 1,200.
MAX_MARKUP_TOKENS = 16_000
# Open elements at once while parsing (browsers stop near 512; sanitising keeps 100 levels).
MAX_PARSE_DEPTH = 256
# Markdown characters that start an inline rule or a table cell.
MAX_MARKDOWN_MARKERS = 20_000
# Elements a parse may create for each "<" in its input: tables add implied rows and bodies,
# misnested formatting is re-opened a few times; only amplification goes past this.
ELEMENTS_PER_TAG = 4

_MARKDOWN_MARKERS = "[]!`*_~<>&|\\"


class TooComplex(ValueError):
    """The input's structure would cost too much to parse; the message says what and why."""


def check_html(html: str) -> None:
    """Refuse HTML with more markup tokens than any article needs (before parsing it)."""
    tokens = html.count("<") + html.count("&")
    if tokens > MAX_MARKUP_TOKENS:
        raise TooComplex(
            f"This article needs {tokens:,} HTML tags and character references; the limit is "
            f"{MAX_MARKUP_TOKENS:,}. Split it into several articles."
        )


def check_markdown(source: str) -> None:
    """Refuse Markdown with more formatting markers than any article needs (before parsing)."""
    markers = sum(source.count(marker) for marker in _MARKDOWN_MARKERS)
    if markers > MAX_MARKDOWN_MARKERS:
        raise TooComplex(
            f"This Markdown has {markers:,} formatting characters ([ ] * _ ` < & | …); the "
            f"limit is {MAX_MARKDOWN_MARKERS:,}. Split it, or paste it as plain text."
        )


_EtreeBuilder = getTreeBuilder("etree")


class _BoundedTreeBuilder(_EtreeBuilder):
    """html5lib's etree builder that counts the elements it creates and how deep they nest.

    Every element html5lib makes goes through `elementClass` (new tags, implied ones, and the
    formatting elements it re-opens), so counting there bounds the tree whatever the input."""

    max_elements = MAX_ELEMENTS

    def __init__(self, namespaceHTMLElements: bool) -> None:
        super().__init__(namespaceHTMLElements)
        make_element = type(self).elementClass

        def counted_element(name: str, namespace: str | None = None):
            self.created += 1
            if self.created > self.max_elements:
                raise TooComplex(
                    f"This HTML makes more than {self.max_elements:,} elements when parsed "
                    f"(the limit is {ELEMENTS_PER_TAG} for each tag it has, and "
                    f"{MAX_ELEMENTS:,} in all); close the formatting tags it opens."
                )
            if len(self.openElements) >= MAX_PARSE_DEPTH:
                raise TooComplex(
                    f"This HTML nests elements more than {MAX_PARSE_DEPTH} deep; "
                    "close the tags it opens."
                )
            return make_element(name, namespace)

        self.elementClass = counted_element

    def reset(self) -> None:
        super().reset()
        self.created = 0


def parse_fragment(html: str) -> Element:
    """Parse as a browser parses a `<div>`'s innerHTML (html5lib, elements not namespaced),
    creating at most ELEMENTS_PER_TAG elements per "<" of the input (and MAX_ELEMENTS) and
    nesting them at most MAX_PARSE_DEPTH deep; TooComplex past either."""
    parser = html5lib.HTMLParser(tree=_BoundedTreeBuilder, namespaceHTMLElements=False)
    parser.tree.max_elements = min(MAX_ELEMENTS, ELEMENTS_PER_TAG * html.count("<") + 64)
    return parser.parseFragment(html, container="div")
