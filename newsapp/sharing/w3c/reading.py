"""Read JSON from an upload within bounds: size, UTF-8, nesting depth, storable strings.

An upload is refused before ``json.loads`` when it is too large, is not UTF-8, or nests
deeper than ``MAX_DEPTH``: the depth is measured on the raw bytes by a vectorised scan of
the brackets outside strings, so no parser (ours or the json module's) ever recurses more
than that. After loading, strings that cannot be stored (a lone UTF-16 surrogate from a
``\\ud800`` escape, or U+0000, which PostgreSQL refuses) are refused too. Every refusal names
the JSON path of the place, like the parser's own.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import numpy as np

from .fields import abbreviated, child_path
from .model import AnnotationImportError

__all__ = ["MAX_DEPTH", "MAX_IMPORT_BYTES", "load_json"]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# Annotations nest about ten levels (collection, page, items, annotation, target, selector,
# refinedBy...); five times that is room for any real file and a bound for every recursion.
MAX_DEPTH = 64

_OPENERS = frozenset(b"[{")
_STRUCTURE = {ord(c): c for c in "[]{},:"}
# An escape that may decode to a lone surrogate or to NUL (a pair decodes to one character).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)")
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


def load_json(data: bytes | str) -> Any:
    """The JSON value in ``data``, or ``AnnotationImportError`` with the path of the problem."""
    raw, text = _utf8(data)
    _check_depth(raw)
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise AnnotationImportError(
            "$", f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:  # cannot happen below MAX_DEPTH; kept as a last line of defence
        raise AnnotationImportError("$", "JSON is nested too deeply") from None
    if _SUSPECT_ESCAPE.search(raw):
        _check_strings(document)
    return document


def _utf8(data: bytes | str) -> tuple[bytes, str]:
    """The upload as UTF-8 bytes and as text (without a byte-order mark), within the size."""
    if isinstance(data, str):
        if len(data) > MAX_IMPORT_BYTES:  # at least this many bytes: no need to encode
            _refuse_size(len(data))
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError as error:
            raise AnnotationImportError(
                "$", f"input holds a lone surrogate at character {error.start}"
            ) from None
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        raise AnnotationImportError("$", "expected JSON text as bytes or str")
    if len(raw) > MAX_IMPORT_BYTES:
        _refuse_size(len(raw))
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnnotationImportError(
            "$", f"input is not UTF-8 text (bad byte at offset {error.start})"
        ) from None


def _refuse_size(size: int) -> None:
    raise AnnotationImportError(
        "$", f"input is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,} bytes"
    )


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


# --- depth ----------------------------------------------------------------------------------


class _Structure:
    """Where the brackets, commas and colons outside strings are in a JSON text, and depths.

    ``json.loads`` stops at the first syntax error, and up to that point this scan agrees with
    it (quotes delimit strings unless an odd run of backslashes precedes them), so the depth
    it measures bounds whatever the parser will actually build.
    """

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        buffer = np.frombuffer(raw, dtype=np.uint8)
        quotes = np.flatnonzero(buffer == ord('"'))
        backslashes = np.flatnonzero(buffer == ord("\\"))
        self.quotes = quotes[~_escaped(quotes, backslashes)]
        marks = np.flatnonzero(np.isin(buffer, np.array(list(_STRUCTURE), dtype=np.uint8)))
        outside = np.searchsorted(self.quotes, marks) % 2 == 0
        self.marks = marks[outside]
        chars = buffer[self.marks]
        steps = np.isin(chars, np.array(list(_OPENERS), dtype=np.uint8)).astype(np.int32)
        steps -= np.isin(chars, np.array(list(b"]}"), dtype=np.uint8)).astype(np.int32)
        self.depths = np.cumsum(steps, dtype=np.int32)  # depth after each mark
        self.openers = np.flatnonzero(steps == 1)  # indices into marks

    def first_deeper_than(self, limit: int) -> int | None:
        """The offset of the first bracket that opens level ``limit + 1``, if any."""
        if not len(self.depths) or int(self.depths.max()) <= limit:
            return None
        return int(self.marks[int(np.argmax(self.depths > limit))])

    def path_to(self, offset: int) -> str:
        """The JSON path of the container that opens at ``offset``."""
        index = int(np.searchsorted(self.marks, offset))
        level = int(self.depths[index])
        # The containers still open at ``offset``: for each level, the last opener before it
        # that reached that level (a later one at the same level would have closed it first).
        openers = self.openers[self.openers <= index]
        levels = self.depths[openers]
        reversed_levels = levels[::-1]
        found, first_in_reverse = np.unique(reversed_levels, return_index=True)
        last = dict(zip(found.tolist(), (len(levels) - 1 - first_in_reverse).tolist(), strict=True))
        chain = [int(openers[last[depth]]) for depth in range(1, level + 1)]
        path = "$"
        for parent, child in itertools.pairwise(chain):
            path = self._step(path, parent, child)
        return path

    def _step(self, path: str, parent: int, child: int) -> str:
        """``path`` extended by the member or element of container ``parent`` at ``child``."""
        parent_offset, child_offset = int(self.marks[parent]), int(self.marks[child])
        if self.raw[parent_offset] == ord("["):
            between = slice(parent + 1, child)
            commas = (self.raw_chars(between) == ord(",")) & (
                self.depths[between] == self.depths[parent]
            )
            return f"{path}[{int(commas.sum())}]"
        # In an object the child is a member's value: the key is the string before its colon.
        # (The text is not yet known to be valid JSON: anything unexpected shows as "?".)
        key_end = int(np.searchsorted(self.quotes, child_offset)) - 1
        colon = self.marks[child - 1] if child > 0 else -1
        if key_end < 1 or self.raw[colon] != ord(":") or self.quotes[key_end] > colon:
            return f"{path}[?]"
        key_start, key_end = int(self.quotes[key_end - 1]), int(self.quotes[key_end])
        if key_start <= parent_offset:
            return f"{path}[?]"
        try:
            key = json.loads(self.raw[key_start : key_end + 1])
        except ValueError:
            return f"{path}[?]"
        return child_path(path, abbreviated(key))

    def raw_chars(self, indices: slice) -> np.ndarray:
        return np.frombuffer(self.raw, dtype=np.uint8)[self.marks[indices]]


def _escaped(quotes: np.ndarray, backslashes: np.ndarray) -> np.ndarray:
    """For each quote, whether an odd run of backslashes right before it escapes it."""
    if not len(backslashes) or not len(quotes):
        return np.zeros(len(quotes), dtype=bool)
    # Runs of consecutive backslashes: where each run starts, as an index into backslashes.
    starts = np.ones(len(backslashes), dtype=bool)
    starts[1:] = np.diff(backslashes) != 1
    run_start = np.maximum.accumulate(np.where(starts, np.arange(len(backslashes)), 0))
    before = np.searchsorted(backslashes, quotes) - 1  # the last backslash before each quote
    valid = before >= 0
    safe = np.where(valid, before, 0)
    adjacent = valid & (backslashes[safe] == quotes - 1)
    run_length = safe - run_start[safe] + 1
    return adjacent & (run_length % 2 == 1)


def _check_depth(raw: bytes) -> None:
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return
    structure = _Structure(raw)
    offset = structure.first_deeper_than(MAX_DEPTH)
    if offset is not None:
        raise AnnotationImportError(
            structure.path_to(offset),
            f"nested more than {MAX_DEPTH} levels deep; annotations need far fewer",
        )


# --- strings --------------------------------------------------------------------------------


def _check_strings(document: Any) -> None:
    """Refuse the first string, key or value, that holds a lone surrogate or U+0000."""
    found = _first_unstorable(document)
    if found is None:
        return
    segments, problem, in_key = found
    path = "$"
    for segment in reversed(segments):
        path = f"{path}[{segment}]" if isinstance(segment, int) else child_path(path, segment)
    where = "a key here" if in_key else "the string"
    raise AnnotationImportError(path, f"{where} holds {problem}, which is not text")


def _first_unstorable(node: Any) -> tuple[list[str | int], str, bool] | None:
    """(the path's segments, innermost first; the problem; whether in a key), or None.

    Recursive: the depth was bounded before parsing. Paths are built only for the one found.
    """
    if isinstance(node, str):
        problem = _unstorable(node)
        return None if problem is None else ([], problem, False)
    if isinstance(node, dict):
        members: Any = node.items()
    elif isinstance(node, list):
        members = enumerate(node)
    else:
        return None
    for segment, value in members:
        if isinstance(segment, str) and (problem := _unstorable(segment)) is not None:
            return [], problem, True
        if isinstance(value, str | list | dict):
            found = _first_unstorable(value)
            if found is not None:
                found[0].append(abbreviated(segment) if isinstance(segment, str) else segment)
                return found
    return None


def _unstorable(value: str) -> str | None:
    if value.isascii() and "\x00" not in value:
        return None
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    what = "U+0000" if found.group() == "\x00" else "a lone surrogate"
    return f"{what} (character {found.start()})"
