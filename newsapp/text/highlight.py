"""Wrap text ranges of clean article HTML in `<mark>` elements, without a parser.

`clean_html` must be the output of `sanitize.clean_article_html`: its canonical serialisation
(every element explicitly closed, `<`/`>` always escaped in text and attributes, no comments or
raw-text elements, no newline right after `<pre>`) makes a regular-expression split into tags
and text exact, so the text pieces between tags, with entities decoded, concatenate to
`extract.canonical_text(clean_html)`. Offsets are Unicode code points into that text.

Spans are swept once into disjoint segments with a constant set of ids (sorting the n span
boundaries: O(n log n)). Each segment finds its first text piece by binary search over the
piece offsets and is written piece by piece, copying the untouched HTML between marks as
slices. The split into pieces is O(m) for m characters of HTML and is cached per body, since a
reader page renders the same body again and again with different annotation sets.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from html import unescape
from itertools import accumulate
from typing import NamedTuple

type AnnotationId = int | str
type Span = tuple[int, int, Iterable[AnnotationId] | AnnotationId]
type MarkAttrs = Callable[[tuple[AnnotationId, ...], frozenset[AnnotationId]], Mapping[str, str]]

_TAG_SPLIT = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_:][-A-Za-z0-9_:.]*$")
_NEEDS_ESCAPE = re.compile('[&<>"]')
_HTML_SPACE = " \t\n\f\r"
_NO_IDS: frozenset[AnnotationId] = frozenset()

# A <mark> placed directly in these would be moved out by the parser (foster parenting), so text
# there is never wrapped. In canonical HTML only whitespace can sit there.
_TABLE_PARENTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
_TABLE_CHILDREN = frozenset(
    {"caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th"}
)
# Lists cannot hold phrasing content: whitespace between their items stays unwrapped.
_LIST_PARENTS = frozenset({"ul", "ol", "dl", "menu"})
_LIST_CHILDREN = frozenset({"li", "dt", "dd"})
_VOID = frozenset({"br", "hr", "img", "wbr", "col", "area", "input", "source", "track"})


class Segment(NamedTuple):
    """A run of text offsets [start, end) covered by exactly `ids` (sorted)."""

    start: int
    end: int
    ids: tuple[AnnotationId, ...]
    starts: frozenset[AnnotationId]  # ids whose span begins in this segment


def render(
    clean_html: str, spans: Iterable[Span] | None, *, mark_attrs: MarkAttrs | None = None
) -> str:
    """Return `clean_html` with every covered text piece wrapped in `<mark>`.

    Each mark gets `class="hl"` and `data-ids` (its ids sorted, space-separated: integers
    numerically, then strings). `mark_attrs`, if given, is called as `mark_attrs(ids, starts)`
    (`starts`: the ids whose span begins in this mark, i.e. their first mark) and its
    attributes are added to, or replace, those two; values are escaped, and a name that is not
    a valid attribute name or that starts with "on" raises ValueError. Bad spans (wrong shape,
    non-integer offsets, empty, inverted, outside the text) are ignored or clamped.
    """
    covering = _sweep(spans) if spans is not None else []
    if not clean_html or not covering:
        return clean_html
    index = _index(clean_html)
    node_starts, node_raw = index.node_starts, index.node_raw
    entity_offsets, unwrappable = index.entity_offsets, index.unwrappable
    node_count = len(node_raw)
    open_tag = _OpenTags(mark_attrs)
    track_starts = mark_attrs is not None
    pending_starts: set[AnnotationId] = set()

    out: list[str] = []
    append = out.append
    cursor = 0
    for start, end, ids, starts in covering:
        if track_starts and starts:
            pending_starts.update(starts)
        plain_tag = None
        node = bisect_right(node_starts, start) - 1
        while node < node_count:
            low = node_starts[node]
            if low >= end:
                break
            high = node_starts[node + 1]
            current = node
            node += 1
            if high == low or current in unwrappable:
                continue
            begin = start - low if start > low else 0
            finish = (end if end < high else high) - low
            offsets = entity_offsets.get(current)
            if offsets is not None:
                begin, finish = offsets[begin], offsets[finish]
                if finish <= begin:
                    continue  # inside one character reference that decodes to several
            base = node_raw[current]
            begin += base
            finish += base
            tag = plain_tag
            if pending_starts:
                beginning = pending_starts.intersection(ids)
                if beginning:
                    pending_starts.difference_update(beginning)
                    tag = open_tag(ids, frozenset(beginning))
            if tag is None:
                tag = plain_tag = open_tag(ids, _NO_IDS)
            append(clean_html[cursor:begin])
            append(tag)
            append(clean_html[begin:finish])
            append("</mark>")
            cursor = finish
    if not out:
        return clean_html
    append(clean_html[cursor:])
    return "".join(out)


def segments(spans: Iterable[Span]) -> list[Segment]:
    """Sweep spans into disjoint, sorted segments, each covered by a constant set of ids.

    Neighbouring segments with the same ids are merged. Ill-formed spans are skipped; negative
    starts are clamped to 0 (ends past the text simply find no text).
    """
    return [Segment(*segment) for segment in _sweep(spans)]


# --- the sweep ---------------------------------------------------------------------------------

type _RawSegment = tuple[int, int, tuple[AnnotationId, ...], frozenset[AnnotationId]]


def _sweep(spans: Iterable[Span]) -> list[_RawSegment]:
    opened_at: dict[int, list[AnnotationId]] = {}
    closed_at: dict[int, list[AnnotationId]] = {}
    total = 0
    for start, end, ids in _valid_spans(spans):
        total += len(ids)
        if start in opened_at:
            opened_at[start].extend(ids)
        else:
            opened_at[start] = list(ids)
        if end in closed_at:
            closed_at[end].extend(ids)
        else:
            closed_at[end] = list(ids)
    if not opened_at:
        return []
    positions = sorted(opened_at.keys() | closed_at.keys())
    all_ids = {i for ids in opened_at.values() for i in ids}
    order = _id_order if len({type(i) for i in all_ids}) > 1 else None  # ints and strings mixed
    # Usually every id has one span and a plain set tracks what is open; an id with several
    # spans needs a count of its open spans.
    counted = total != len(all_ids)
    active: set[AnnotationId] = set()
    open_spans: dict[AnnotationId, int] = {}

    result: list[_RawSegment] = []
    previous_end, previous_ids = -1, ()
    for number in range(len(positions) - 1):
        position = positions[number]
        closed = closed_at.get(position)
        opened = opened_at.get(position)
        if counted:
            for annotation in closed or ():
                open_spans[annotation] -= 1
                if not open_spans[annotation]:
                    active.discard(annotation)
            for annotation in opened or ():
                open_spans[annotation] = open_spans.get(annotation, 0) + 1
                active.add(annotation)
        else:
            if closed:
                active.difference_update(closed)
            if opened:
                active.update(opened)
        if not active:
            continue
        following = positions[number + 1]
        ids = tuple(sorted(active, key=order))
        if previous_end == position and ids == previous_ids:
            merged_start, _, _, merged_starts = result[-1]
            result[-1] = (merged_start, following, ids, merged_starts.union(opened or ()))
        else:
            result.append((position, following, ids, frozenset(opened) if opened else _NO_IDS))
        previous_end, previous_ids = following, ids
    return result


def _valid_spans(spans: Iterable[object]) -> Iterable[tuple[int, int, frozenset[AnnotationId]]]:
    try:
        iterator = iter(spans)  # type: ignore[call-overload]
    except TypeError:
        return
    for span in iterator:
        try:
            start, end, raw_ids = span  # type: ignore[misc]
            if type(start) is not int or type(end) is not int:
                start, end = operator.index(start), operator.index(end)
        except (TypeError, ValueError):
            continue
        if start < 0:
            start = 0
        if end <= start:
            continue
        ids = _normalise_ids(raw_ids)
        if ids:
            yield start, end, ids


def _normalise_ids(raw_ids: object) -> frozenset[AnnotationId]:
    if type(raw_ids) in (int, str):
        return frozenset((raw_ids,))  # a lone id, not an iterable of characters
    try:
        ids = frozenset(raw_ids)  # type: ignore[arg-type]
    except TypeError:  # not iterable, or holding something unhashable
        try:
            return frozenset(map(str, raw_ids))  # type: ignore[call-overload]
        except TypeError:
            return frozenset()
    for item in ids:
        if type(item) not in (int, str):
            return frozenset(i if type(i) in (int, str) else str(i) for i in ids)
    return ids


def _id_order(annotation: AnnotationId) -> tuple[int, int | str]:
    return (0, annotation) if type(annotation) is int else (1, annotation)


# --- the cached split of a body into tags and text ---------------------------------------------


class _Index(NamedTuple):
    node_starts: list[int]  # text offset where each text piece begins, then the total length
    node_raw: list[int]  # offset in the HTML where each text piece's counted text begins
    entity_offsets: dict[int, list[int]]  # for pieces with references: code point -> raw offset
    unwrappable: frozenset[int]  # pieces a mark must not wrap


@lru_cache(maxsize=32)
def _index(clean_html: str) -> _Index:
    pieces = _TAG_SPLIT.split(clean_html)  # even indexes: text; odd: tags and comments
    texts = pieces[0::2]
    node_raw = list(accumulate(map(len, pieces), initial=0))[0::2][: len(texts)]
    lengths = list(map(len, texts))
    entity_offsets: dict[int, list[int]] = {}
    unwrappable: set[int] = set()
    for node, text in enumerate(texts):
        if "&" in text:
            entity_offsets[node] = offsets = _raw_offsets(text)
            lengths[node] = len(offsets) - 1
        if text and not text.strip(_HTML_SPACE) and _must_stay_unwrapped(pieces, 2 * node):
            unwrappable.add(node)
    if "<pre" in clean_html:
        # A newline right after <pre> is not text to a parser (never so in canonical HTML).
        for node in _texts_after_pre_with_newline(pieces):
            node_raw[node] += 1
            lengths[node] -= 1
            if node in entity_offsets:
                entity_offsets[node] = [offset - 1 for offset in entity_offsets[node][1:]]
    return _Index(
        list(accumulate(lengths, initial=0)), node_raw, entity_offsets, frozenset(unwrappable)
    )


def _raw_offsets(raw: str) -> list[int]:
    """offsets[k] is where decoded code point k starts in `raw`; offsets[-1] == len(raw).

    A character reference that decodes to several code points cannot be cut; a cut inside
    it moves to its start.
    """
    offsets: list[int] = []
    position = 0
    for entity in _ENTITY.finditer(raw):
        offsets.extend(range(position, entity.start()))
        offsets.extend([entity.start()] * len(unescape(entity.group())))
        position = entity.end()
    offsets.extend(range(position, len(raw) + 1))
    return offsets


def _texts_after_pre_with_newline(pieces: list[str]) -> list[int]:
    dropped = []
    for index in range(1, len(pieces) - 1, 2):
        tag = pieces[index]
        if tag[:5].lower() in ("<pre>", "<pre ") and pieces[index + 1].startswith("\n"):
            dropped.append((index + 1) // 2)
    return dropped


def _tag(pieces: list[str], index: int) -> tuple[bool, str] | None:
    """(is_end_tag, name) of the tag piece at `index`, if there is one."""
    if index < 0 or index >= len(pieces):
        return None
    found = _TAG_NAME.match(pieces[index])
    return (found.group(1) == "/", found.group(2).lower()) if found else None


def _must_stay_unwrapped(pieces: list[str], index: int) -> bool:
    """True for whitespace whose parent is a table-structure element (a mark there would be
    foster-parented) or a list (between items). Canonical HTML has no other text there: the
    parser already moved stray table text out.

    In canonical HTML every element is closed explicitly, so the tags either side of a text
    piece identify its parent: a start tag before it or an end tag after it is the parent; an
    end tag before it or a start tag after it is a sibling.
    """
    for neighbour, before in ((index - 1, True), (index + 1, False)):
        tag = _tag(pieces, neighbour)
        if tag is None:
            continue
        is_end, name = tag
        if name in _VOID:
            continue
        is_parent = is_end != before  # <x> before or </x> after
        table, lists = (
            (_TABLE_PARENTS, _LIST_PARENTS) if is_parent else (_TABLE_CHILDREN, _LIST_CHILDREN)
        )
        if name in table or name in lists:
            return True
    return False


# --- markup ------------------------------------------------------------------------------------


class _OpenTags:
    """Builds (and memoises) the `<mark ...>` start tag for an id set."""

    def __init__(self, mark_attrs: MarkAttrs | None) -> None:
        self.mark_attrs = mark_attrs
        self.cache: dict[tuple[tuple[AnnotationId, ...], frozenset[AnnotationId]], str] = {}

    def __call__(self, ids: tuple[AnnotationId, ...], starts: frozenset[AnnotationId]) -> str:
        key = (ids, starts)
        tag = self.cache.get(key)
        if tag is None:
            data_ids = " ".join(map(str, ids))
            if self.mark_attrs is None:
                tag = f'<mark class="hl" data-ids="{_escape_attribute(data_ids)}">'
            else:
                attributes = {"class": "hl", "data-ids": data_ids}
                attributes.update(self.mark_attrs(ids, starts))
                tag = "<mark" + "".join(_attribute(n, v) for n, v in attributes.items()) + ">"
            self.cache[key] = tag
        return tag


def _attribute(name: str, value: object) -> str:
    if not _ATTRIBUTE_NAME.match(name) or name.lower().startswith("on"):
        raise ValueError(f"not an allowed attribute name for <mark>: {name!r}")
    return f' {name}="{_escape_attribute(str(value))}"'


def _escape_attribute(value: str) -> str:
    if not _NEEDS_ESCAPE.search(value):
        return value
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
