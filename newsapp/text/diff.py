"""Word-level differences between two revisions of an article's text.

Pure: no Django. Tokens are words (or single punctuation marks) carrying the whitespace that
precedes them, so joining the tokens gives back the text exactly, and an inserted word carries
its own separating space.

The diff runs level by level to stay fast on long articles: paragraphs, then sentences inside
each run of changed paragraphs, then words inside each run of changed sentences. Sentences
are matched on their words (a sentence that only lost the space after it is the same
sentence). A run of changed sentences is diffed sentence by sentence when both sides have as
many sentences and each pair shares most of its words (an edit touching every sentence), and
as one block otherwise (sentences inserted before a kept one, others deleted after it); a
block too large to diff word by word in reasonable time (a rewrite, not an edit) is reported
as deleted and inserted whole.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

OpKind = Literal["equal", "insert", "delete"]

_TOKEN = re.compile(r"\s*(?:\w+(?:['’]\w+)*|[^\w\s])|\s+")
_PARAGRAPH = re.compile(r"[^\n]*\n*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|\n+")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_LINE_BREAKS = re.compile(r"[^\S\n]*\n\s*")
# Token-count product above which a block counts as rewritten: about 0.15 s of SequenceMatcher
# (autojunk off) on English prose, growing quadratically beyond.
MAX_WORD_DIFF_CELLS = 20_000_000


@dataclass(frozen=True, slots=True)
class DiffOp:
    kind: OpKind
    text: str


@dataclass(frozen=True, slots=True)
class DiffStats:
    words_added: int
    words_removed: int
    words_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.words_added or self.words_removed)


def tokenize(text: str) -> list[str]:
    """Split text into words and punctuation marks, each with its leading whitespace."""
    return _TOKEN.findall(text)


def word_diff(old_text: str, new_text: str) -> list[DiffOp]:
    """Return the edit from old_text to new_text as merged equal/insert/delete operations.

    Joining the text of the equal and delete operations gives old_text; joining equal and
    insert gives new_text. Within a replaced stretch the deletion comes before the insertion.
    """
    ops: list[DiffOp] = []
    _diff_units(ops, _paragraphs(old_text), _paragraphs(new_text), _sentence_level)
    return ops


def diff_stats(old_text: str, new_text: str, ops: list[DiffOp] | None = None) -> DiffStats:
    """Count words added, removed and kept (pass ops from word_diff to avoid diffing twice)."""
    if ops is None:
        ops = word_diff(old_text, new_text)
    counts = {"equal": 0, "insert": 0, "delete": 0}
    for op in ops:
        counts[op.kind] += len(_WORD.findall(op.text))
    return DiffStats(
        words_added=counts["insert"],
        words_removed=counts["delete"],
        words_unchanged=counts["equal"],
    )


def diff_html(old_text: str, new_text: str, ops: list[DiffOp] | None = None) -> str:
    """Render new_text as HTML paragraphs with <ins> and <del> marking the changes in place.

    Line breaks (in any operation) separate paragraphs, so a deleted paragraph shows as a
    paragraph of deleted text. All text is HTML-escaped; <ins>/<del> never cross a paragraph.
    """
    if ops is None:
        ops = word_diff(old_text, new_text)
    paragraphs: list[list[str]] = [[]]
    for op in ops:
        pieces = _LINE_BREAKS.split(op.text)
        for position, piece in enumerate(pieces):
            if position:
                paragraphs.append([])
            if not piece:
                continue
            escaped = html.escape(piece, quote=False)
            if op.kind == "equal":
                paragraphs[-1].append(escaped)
            else:
                tag = "ins" if op.kind == "insert" else "del"
                paragraphs[-1].append(f"<{tag}>{escaped}</{tag}>")
    return "\n".join(f"<p>{''.join(parts)}</p>" for parts in paragraphs if parts)


def _paragraphs(text: str) -> list[str]:
    return [chunk for chunk in _PARAGRAPH.findall(text) if chunk]


def _sentences(text: str) -> list[str]:
    """Split after sentence-ending punctuation or line breaks; each piece keeps its whitespace."""
    pieces = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _diff_units(
    ops: list[DiffOp],
    old_units: list[str],
    new_units: list[str],
    on_replace: Callable[[list[DiffOp], list[str], list[str]], None] | None,
    key: Callable[[str], str] | None = None,
) -> None:
    """Diff two lists of units; `key` says which units count as the same (their text by
    default). Units that match by key but differ in text go to `on_replace`.

    The units both lists start and end with are kept first: SequenceMatcher matches the
    longest common run wherever it is, so in repetitive text ("ferry ferry harbour ferry
    ferry ferry" against six ferries) it could pair an untouched word at the start with one
    further on, and report words nobody edited as changed."""
    same = 0
    limit = min(len(old_units), len(new_units))
    while same < limit and old_units[same] == new_units[same]:
        same += 1
    tail = 0
    while tail < limit - same and old_units[-1 - tail] == new_units[-1 - tail]:
        tail += 1
    _append(ops, "equal", "".join(old_units[:same]))
    old_units = old_units[same : len(old_units) - tail]
    ending = new_units[len(new_units) - tail :]
    new_units = new_units[same : len(new_units) - tail]
    old_keys = old_units if key is None else [key(unit) for unit in old_units]
    new_keys = new_units if key is None else [key(unit) for unit in new_units]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_part = old_units[old_start:old_end]
        new_part = new_units[new_start:new_end]
        if tag == "equal" and (key is None or old_part == new_part):
            _append(ops, "equal", "".join(old_part))
        elif tag in ("equal", "replace") and on_replace is not None:
            on_replace(ops, old_part, new_part)
        else:
            _append(ops, "delete", "".join(old_part))
            _append(ops, "insert", "".join(new_part))
    _append(ops, "equal", "".join(ending))


def _sentence_level(
    ops: list[DiffOp], old_paragraphs: list[str], new_paragraphs: list[str]
) -> None:
    _diff_units(
        ops,
        _sentences("".join(old_paragraphs)),
        _sentences("".join(new_paragraphs)),
        _word_level,
        key=str.strip,
    )


def _word_level(ops: list[DiffOp], old_sentences: list[str], new_sentences: list[str]) -> None:
    pairs = (
        list(zip(old_sentences, new_sentences, strict=True))
        if len(old_sentences) == len(new_sentences)
        and all(_alike(old, new) for old, new in zip(old_sentences, new_sentences, strict=True))
        else [("".join(old_sentences), "".join(new_sentences))]
    )
    for old_part, new_part in pairs:
        old_tokens = tokenize(old_part)
        new_tokens = tokenize(new_part)
        if len(old_tokens) * len(new_tokens) > MAX_WORD_DIFF_CELLS:
            _append(ops, "delete", old_part)
            _append(ops, "insert", new_part)
        else:
            _diff_units(ops, old_tokens, new_tokens, None)


def _alike(old: str, new: str) -> bool:
    """Whether two sentences share most of their words (one is an edit of the other)."""
    old_words, new_words = set(_WORD.findall(old)), set(_WORD.findall(new))
    if not old_words or not new_words:
        return old_words == new_words
    return len(old_words & new_words) >= 0.5 * max(len(old_words), len(new_words))


def _append(ops: list[DiffOp], kind: OpKind, text: str) -> None:
    """Append, merging with the previous operation of the same kind.

    A delete directly after an insert is moved in front of it, so each changed stretch reads
    deletion first; the two sides of the text are unaffected by the swap.
    """
    if not text:
        return
    if ops and ops[-1].kind == kind:
        ops[-1] = DiffOp(kind, ops[-1].text + text)
    elif kind == "delete" and ops and ops[-1].kind == "insert":
        inserted = ops.pop()
        _append(ops, "delete", text)
        ops.append(inserted)
    else:
        ops.append(DiffOp(kind, text))
