"""Paragraphs and block quotes: the blocks of sanitised HTML in `body_text` offsets, and block
quotes without quote marks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element

import html5lib

from .lexicon import _SPEECH_VERBS, _WORD_RE
from .marks import QUOTE_MARKS, _trim
from .records import _Span

_LINE_RE = re.compile(r"[^\n]*\S[^\n]*")
# A line that ends mid-sentence, continued on the next line in lower case: hard-wrapped text.
_WRAPPED_END = re.compile(r"[^\W_,;]$|,$")


def _lines(text: str) -> list[tuple[int, int, str]]:
    """The paragraphs of plain text: its lines, with a hard-wrapped line (one that stops
    mid-sentence before a line starting in lower case) joined to the next."""
    result: list[tuple[int, int, str]] = []
    for match in _LINE_RE.finditer(text):
        start, end = match.span()
        if result:
            previous_start, previous_end, _kind = result[-1]
            first = text[start:end].lstrip()[:1]
            if (
                first.islower()
                and _WRAPPED_END.search(text, previous_end - 1, previous_end)
                and text.count("\n", previous_end, start) == 1
            ):
                result[-1] = (previous_start, end, "p")
                continue
        result.append((start, end, "p"))
    return result


_LEAF_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figcaption", "td", "th", "dt", "dd"}
)


def blocks_from_html(clean_html: str) -> list[tuple[int, int, str]]:
    """The `blocks` argument of `find_quotes` for an article's sanitised HTML: each leaf
    block's `(start, end, kind)` in offsets of `canonical_text(clean_html)`, with kind
    "blockquote" for blocks inside a block quote and the element name otherwise.

    The walk mirrors `newsapp.text.extract.canonical_text` (html5lib fragment parser, every
    text node in order) so the offsets agree with the stored `body_text`."""
    if not clean_html:
        return []
    root = html5lib.parseFragment(
        clean_html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )
    blocks: list[tuple[int, int, str]] = []
    length = _walk_blocks(root, 0, False, blocks)
    blocks.sort()
    # Text outside any block (bare text, a <div> of inline content) is a paragraph too.
    text = _text_of(root)
    filled: list[tuple[int, int, str]] = []
    cursor = 0
    for start, end, kind in [*blocks, (length, length, "")]:
        if text[cursor:start].strip():
            filled.append((cursor, start, "div"))
        if kind:
            filled.append((start, end, kind))
        cursor = end
    return filled


def _walk_blocks(
    element: Element, offset: int, quoted: bool, blocks: list[tuple[int, int, str]]
) -> int:
    """Appends the innermost blocks under `element`; returns the offset after it."""
    tag = element.tag if isinstance(element.tag, str) else ""
    quoted = quoted or tag == "blockquote"
    start, inner = offset, len(blocks)
    if element.text:
        offset += len(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag != "template":
            offset = _walk_blocks(child, offset, quoted, blocks)
        if child.tail:
            offset += len(child.tail)
    innermost = len(blocks) == inner
    if innermost and offset > start and (tag in _LEAF_BLOCKS or tag == "blockquote"):
        blocks.append((start, offset, "blockquote" if quoted else tag))
    return offset


def _text_of(element: Element) -> str:
    parts: list[str] = []
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag != "template":
            parts.append(_text_of(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _paragraphs(
    text: str, blocks: Iterable[tuple[int, int, str]] | None
) -> list[tuple[int, int, str]]:
    if blocks is None:
        return _lines(text)
    result = []
    for start, end, kind in sorted(blocks):
        segment = text[start:end]
        if segment.strip():
            lead = len(segment) - len(segment.lstrip())
            result.append((start + lead, start + len(segment.rstrip()), kind.lower()))
    return result


def _add_block_quotes(
    text: str, paragraphs: list[tuple[int, int, str]], spans: list[_Span], from_blocks: bool
) -> list[_Span]:
    """Block quotes without marks: given by the blocks, or guessed from a paragraph ending
    in a speech verb and a colon. Quotations inside a block quote are nested in it."""
    groups: list[tuple[int, int]] = []
    index = 0
    while index < len(paragraphs):
        last = index
        if from_blocks and paragraphs[index][2] == "blockquote":
            while last + 1 < len(paragraphs) and paragraphs[last + 1][2] == "blockquote":
                last += 1
        elif not (index and _introduces_block(text, paragraphs, index)):
            index += 1
            continue
        elif not from_blocks:
            last = _blank_line_group(text, paragraphs, index)
        groups.append((index, last))
        index = last + 1
    if not groups:
        return [_with_trimmed(text, span) for span in spans]
    result: list[_Span] = []
    span_index = 0
    for first, last in groups:
        start, end = paragraphs[first][0], paragraphs[last][1]
        while span_index < len(spans) and spans[span_index].close_pos < start:
            result.append(spans[span_index])
            span_index += 1
        covering = span_index < len(spans) and spans[span_index].open_pos <= start + 1
        if covering and spans[span_index].open_pos >= start:
            # A quotation with marks opens the block: it is the quotation, and what follows
            # it in the block (> “…,” said council leader Tomasz Nowak.) its attribution.
            continue
        if covering and spans[span_index].open_pos < start:
            continue  # the block belongs to a quotation that began earlier
        while span_index < len(spans) and spans[span_index].open_pos < end:
            span_index += 1  # nested inside the block quote
        parts = [(paragraphs[i][0], paragraphs[i][1]) for i in range(first, last + 1)]
        result.append(_Span(start, end, parts, first, last, block=True))
    result.extend(spans[span_index:])
    return [_with_trimmed(text, span) for span in result]


def _with_trimmed(text: str, span: _Span) -> _Span:
    span.parts = [part for part in (_trim(text, s, e) for s, e in span.parts) if part[1] > part[0]]
    if not span.parts:
        span.parts = [(span.open_pos, span.open_pos)]
    return span


def _introduces_block(text: str, paragraphs: list[tuple[int, int, str]], index: int) -> bool:
    previous_start, previous_end, _ = paragraphs[index - 1]
    start = paragraphs[index][0]
    if text[previous_end - 1] != ":" or text[start] in QUOTE_MARKS:
        return False
    intro = text[max(previous_start, previous_end - 200) : previous_end]
    return any(word in _SPEECH_VERBS for word in _WORD_RE.findall(intro.lower()))


def _blank_line_group(text: str, paragraphs: list[tuple[int, int, str]], index: int) -> int:
    """Markdown block quotes come out as a group of lines set off by blank lines."""
    if "\n\n" not in text[paragraphs[index - 1][1] : paragraphs[index][0]]:
        return index
    last = index
    while last + 1 < len(paragraphs):
        separator = text[paragraphs[last][1] : paragraphs[last + 1][0]]
        if "\n\n" in separator:
            break
        last += 1
    return last if last + 1 < len(paragraphs) else index
