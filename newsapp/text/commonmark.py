"""Markdown for notes and article bodies: CommonMark (markdown-it-py), in time linear in the input.

One dialect for both: CommonMark with GitHub's tables and strikethrough. Python-Markdown, used
before, spends time cubic in runs of unclosed brackets (4,000 `[` took 12 s) and quadratic in
other marker runs; markdown-it-py keeps every rule linear and caps nesting. Figures:
`python -m bench.bench_hostile`.

What comes out is *not* safe yet: `sanitize` cleans it with the one policy. Notes turn raw HTML
into visible text (`html=False`); article bodies pass raw HTML on to the article cleaner.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

# Block quotes and lists nest no deeper than this; deeper markers stay text.
MAX_MARKDOWN_NESTING = 20


def _converter(*, raw_html: bool) -> MarkdownIt:
    options = {"html": raw_html, "maxNesting": MAX_MARKDOWN_NESTING, "xhtmlOut": False}
    converter = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    # Which links are allowed is the sanitising policy's decision alone (it drops the href of
    # `[a](javascript:…)` and keeps the words); markdown-it's own check would keep the syntax.
    converter.validateLink = _any_link
    return converter


def _any_link(url: str) -> bool:
    return True


_NOTES = _converter(raw_html=False)
_ARTICLES = _converter(raw_html=True)


def note_markdown(source: str) -> str:
    """A note's Markdown as (unsanitised) HTML; HTML typed into the note becomes text."""
    return _NOTES.render(source).strip("\n")


def article_markdown(source: str) -> str:
    """An article's Markdown as (unsanitised) HTML; raw HTML passes through to the cleaner."""
    return _ARTICLES.render(source).strip("\n")
