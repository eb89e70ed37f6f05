"""Quotations signed on the line after them, as embedded posts and reader reviews are:

    Delhi has turned into a gas chamber … pic.twitter.com/…
    — Arvind Kejriwal (@ArvindKejriwal) November 1, 2019

    “The show was really great.”
    – Man**

A line starting with a dash that holds only a name (and a handle and a date) signs the lines
just before it: they become one quotation by that name, without the links that end a post.
A dash line without a handle signs only a paragraph that is one quotation in marks, so a
closing "— Reuters" credit line does not turn the last paragraph into speech.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .records import _Span

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_SIGNATURE_RE = re.compile(
    r"[—–―-]\s*(?P<name>[^\W\d_][^()@\n]{0,80}?)\s*"
    r"(?P<handle>\(@\w{1,30}\))?\s*"
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})?\s*"
)
# What ends a post without being its words: links, and the picture links of a tweet.
_TRAILING_LINK_RE = re.compile(r"(?:\s*(?:pic\.twitter\.com/\S+|https?://\S+))+\s*$")
# Lines of one post: at most this many, and this long (a post is short; a run of lines
# longer than that is an article without blank lines, and only its last line is signed).
_MAX_LINES = 8
_MAX_CHARACTERS = 1200


def signature_name(line: str) -> tuple[str, bool] | None:
    """(name, has a handle) when `line` is a signature line, else None."""
    match = _SIGNATURE_RE.fullmatch(line)
    if match is None:
        return None
    name = re.sub(r"[^\w*.’'\-]+$", "", match.group("name")).strip()
    if not name or len(name.split()) > 6:
        return None
    return name, match.group("handle") is not None


def add_signed(
    text: str, paragraphs: list[tuple[int, int, str]], spans: list[_Span], from_blocks: bool
) -> list[_Span]:
    """`spans` with the quotations that signature lines sign, in document order.

    `spans` are in document order and do not overlap, so the quotations inside a post and the
    one that could straddle either of its ends are found by bisection, not by a pass over
    every quotation for each signature line."""
    signed: list[_Span] = []
    opens = [span.open_pos for span in spans]
    nested: set[int] = set()  # indices of quotations inside a post signed earlier
    for index in range(1, len(paragraphs)):
        start, end, _kind = paragraphs[index]
        if text[start] not in "—–―-":
            continue
        found = signature_name(text[start:end])
        if found is None:
            continue
        first = _first_line(text, paragraphs, index, from_blocks)
        low, high = paragraphs[first][0], paragraphs[index - 1][1]
        inside = []
        at = bisect_left(opens, low)
        while at < len(spans) and spans[at].close_pos < high:
            if at not in nested:
                inside.append(at)
            at += 1
        name, has_handle = found
        if len(inside) == 1:
            span = spans[inside[0]]
            if span.open_pos == low and span.close_pos == high - 1:
                span.signature = name  # a paragraph that is one quotation in marks
                continue
        if (
            not has_handle
            or _straddles(spans, opens, nested, low)
            or _straddles(spans, opens, nested, high)
        ):
            continue
        parts = [(paragraphs[i][0], paragraphs[i][1]) for i in range(first, index)]
        last_start, last_end = parts[-1]
        link = _TRAILING_LINK_RE.search(text, last_start, last_end)
        if link is not None:
            parts[-1] = (last_start, link.start())
        parts = [part for part in parts if part[1] > part[0]]
        if not parts:
            continue
        nested.update(inside)  # quoted inside the post: nested in it
        signed.append(_Span(low, high, parts, first, index - 1, block=True, signature=name))
    if not signed:
        return spans
    kept = [span for at, span in enumerate(spans) if at not in nested]
    return sorted([*kept, *signed], key=lambda span: span.open_pos)


def _straddles(spans: list[_Span], opens: list[int], nested: set[int], position: int) -> bool:
    """Whether a quotation (not nested in a post) opens before `position` and closes at or
    after it: only the last one opening before it can, as quotations do not overlap."""
    at = bisect_left(opens, position) - 1
    return at >= 0 and at not in nested and spans[at].close_pos >= position


def _first_line(
    text: str, paragraphs: list[tuple[int, int, str]], index: int, from_blocks: bool
) -> int:
    """The first line of the post that the signature at `index` closes: the lines before it
    up to a blank line (in plain text) or the block quote's lines (from HTML blocks)."""
    first = index - 1
    while first > 0 and index - first < _MAX_LINES:
        previous_end = paragraphs[first - 1][1]
        if from_blocks:
            if paragraphs[first - 1][2] != "blockquote" or paragraphs[first][2] != "blockquote":
                break
        elif "\n\n" in text[previous_end : paragraphs[first][0]]:
            break
        first -= 1
    if paragraphs[index - 1][1] - paragraphs[first][0] > _MAX_CHARACTERS:
        return index - 1
    return first
