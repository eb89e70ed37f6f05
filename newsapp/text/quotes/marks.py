"""Quote marks: which may open or close where, pairing them into quotations with a stack, and
the masked text in which the quoted words are blanked."""

from __future__ import annotations

import re

from .lexicon import _MASK, _PRONOUNS, _SPEECH_VERBS, _TERMINAL, _WORD_RE
from .records import _Span

QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚‛"


_CLOSERS_FOR = {
    "“": '”"',
    "„": '“”"',
    "‟": '”"',
    "”": "”",
    '"': '"”',
    "«": "»",
    "»": "«»",
    "‘": "’'",
    "‚": "‘’'",
    "‛": "’'",
    "'": "'’",
    "‹": "›",
    "›": "‹›",
}


_OPENERS_FOR: dict[str, str] = {}


for _opener, _closers in _CLOSERS_FOR.items():
    for _closer in _closers:
        _OPENERS_FOR[_closer] = _OPENERS_FOR.get(_closer, "") + _opener


_OPEN_AFTER = frozenset("([{<—–-/:") | frozenset(QUOTE_MARKS)


_CLOSE_BEFORE = frozenset(".,;:!?)]}>—–-/…") | frozenset(QUOTE_MARKS)


_NO_OPEN_BEFORE = frozenset(".,;:!?)]}")


_ELISIONS = frozenset({"em", "tis", "twas", "n", "til", "cause", "bout", "round", "s"})


# Hangul, kana and CJK ideographs: the scripts whose particles follow a closing mark directly.
_CJK = "\uac00-\ud7a3\u3131-\u318e\u3040-\u30ff\u4e00-\u9fff"


def _flanking_re() -> re.Pattern[str]:
    """Each mark that may open or close, with its flanking decided by the regex engine.

    Group 1: "both"; group 2: "left" (can open: space or opening punctuation before, a word
    after); group 3: "right" (can close: a word or punctuation before; space, punctuation, or
    a Korean, Japanese or Chinese character after, where particles attach to the mark).
    Groups 4 and 5: a curly “ or ” with a stray space just inside (“ I love it.”), which
    can only open and only close. Guillemets also match with no group, since French spacing
    (« … ») leaves them flanked by spaces. Marks inside words (don’t) never match.
    The pattern starts with the mark itself so the engine skips ahead to candidates (the
    guillemets' match without a group is a last branch after the mark, not a second pattern
    beside it, which would stop that); the look-behinds span the character before and the
    mark (or the start of the text)."""
    marks = re.escape(QUOTE_MARKS)
    opening = re.escape("".join(sorted(_OPEN_AFTER)))
    opening_solid = re.escape("".join(sorted(_OPEN_AFTER - frozenset("([{"))))
    closing = re.escape("".join(sorted(_CLOSE_BEFORE)))
    closing_solid = re.escape("".join(sorted(_CLOSE_BEFORE - _NO_OPEN_BEFORE)))
    no_open = re.escape("".join(sorted(_NO_OPEN_BEFORE)))
    return re.compile(
        rf"[{marks}](?:"
        rf"((?<=[{opening_solid}][{marks}])(?=[{closing_solid}]))"
        rf"|((?:(?<=[\s{opening}][{marks}])|(?<=^[{marks}]))(?=[^\s{no_open}]))"
        rf"|((?<=[^\s(\[{{][{marks}])(?=[\s{closing}{_CJK}]|$))"
        rf"|((?:(?<=[\s{opening}]“)|(?<=^“))(?= [^\s{no_open}{marks}]))"
        rf"|((?<=[^\s{marks}] ”)(?=[\s{closing}]|$))"
        r"|(?<=[«»‹›]))"
    )


_FLANKED_MARK_RE = _flanking_re()


_CAN_OPEN = (False, True, True, False, True, False)  # by the group that matched (0: none)


_CAN_CLOSE = (False, True, False, True, False, True)


def _mark_flags(text: str, i: int, ch: str, flank: int) -> tuple[bool, bool]:
    """(can open, can close) for the mark `ch` at `i`, given its flanking group."""
    left = _CAN_OPEN[flank]
    right = _CAN_CLOSE[flank]
    if ch in '“”"‟':
        return left, right
    if ch in "„‚":
        return left, False
    if ch in "«‹»›":
        prev = text[i - 1] if i else " "
        open_context = prev.isspace() or prev in _OPEN_AFTER
        nxt = text[i + 1] if i + 1 < len(text) else " "
        close_context = nxt.isspace() or nxt in _CLOSE_BEFORE
        if ch in "«‹":
            return (True, False) if open_context else (False, close_context)
        return (True, False) if left else (False, close_context)
    if ch == "‘":
        return left and not text[i + 1].isdigit(), right
    if ch == "'" and left:
        word = _WORD_RE.match(text, i + 1)
        if text[i + 1].isdigit() or (word and word.group().lower() in _ELISIONS):
            left = False
    if right and ch in "’'" and _closes_elision(text, i):
        right = False
    return (left if ch in "'‛" else False), right


def _closes_elision(text: str, i: int) -> bool:
    """The second apostrophe of rock ’n’ roll: the word before began with one."""
    j = i - 1
    while j >= 0 and i - j <= 3 and text[j].isalpha():
        j -= 1
    return j >= 0 and j < i - 1 and text[j] in "’'" and (j == 0 or text[j - 1].isspace())


def _is_possessive(text: str, i: int, open_pos: int, open_char: str) -> bool:
    """An apostrophe after a plural s followed by a lower-case word (the students’ union),
    unless it closes a single quote of a few words (the ‘sponge streets’ programme)."""
    if text[i - 1] not in "sS" or i + 2 >= len(text) or text[i + 1] != " ":
        return False
    if not text[i + 2].islower():
        return False
    if open_char in "‘'‚" and i - open_pos < 60 and text.count(" ", open_pos, i) < 3:
        return False
    word = _WORD_RE.match(text, i + 2)
    return not (word and (word.group() in _SPEECH_VERBS or word.group() in _PRONOUNS))


# The (can open, can close) of the marks whose answer depends only on the flanking group, by
# group then mark: the hot loop looks these up and calls `_mark_flags` only for the rest
# (single marks that may be apostrophes, and guillemets after a letter or with no group).
# A guillemet in group 1 or 2 follows a space, opening punctuation or nothing (the group's
# look-behind says so), which is the context in which `_mark_flags` reads it as opening; a
# ‘ in group 1 comes before punctuation, never a digit. The table is read off `_mark_flags`
# in such a context: the mark at the start, a dash after it.
def _context_free_flags() -> list[dict[str, tuple[bool, bool]]]:
    table: list[dict[str, tuple[bool, bool]]] = []
    for flank, (left, right) in enumerate(zip(_CAN_OPEN, _CAN_CLOSE, strict=True)):
        table.append(
            {
                ch: _mark_flags(ch + "—", 0, ch, flank)
                for ch in QUOTE_MARKS
                if not (
                    (ch in "«‹»›" and flank not in (1, 2))
                    or (ch == "‘" and left and flank != 1)
                    or (ch == "'" and (left or right))
                    or (ch == "’" and right)
                )
            }
        )
    return table


_FIXED_FLAGS = _context_free_flags()


# One bit per mark; a closer may close the openers in its mask.
_BIT = {ch: 1 << index for index, ch in enumerate(QUOTE_MARKS)}


_CLOSES_MASK = {
    closer: sum(_BIT[opener] for opener in openers) for closer, openers in _OPENERS_FOR.items()
}


def _pair_marks(text: str, paragraphs: list[tuple[int, int, str]]) -> list[_Span]:
    """Top-level quotations bounded by marks, pairing openers and closers with a stack.

    A closer pops back to the nearest opener it can close (openers left above it were
    strays); `masks[k]` holds a bit for each kind of mark in `chars[:k + 1]`, so whether a
    closer has anything to close is one `&`, and a closer with nothing to close costs
    nothing. An opener still open at the end of a paragraph carries over when the next
    paragraph starts with the same mark, the convention for a quotation over several
    paragraphs.

    One function on purpose (about 70 lines): the stack, the masks and the carried parts are
    one state updated per mark in the hot loop of the whole finder; split into helpers they
    would be passed around on every mark of a megabyte of text.
    """
    pairs: list[tuple[int, int, list[tuple[int, int]] | None, int, int]] = []
    chars: list[str] = []
    positions: list[int] = []
    masks: list[int] = []
    carried: list[tuple[int, int]] = []  # earlier paragraphs of the bottom opener
    carried_from = 0
    part_start = 0
    skip = -1
    # Local names for the hot loop.
    finditer, fixed_flags, mark_flags = _FLANKED_MARK_RE.finditer, _FIXED_FLAGS, _mark_flags
    openers_for, bit, closes_mask = _OPENERS_FOR, _BIT, _CLOSES_MASK
    push_char, push_position, push_mask = chars.append, positions.append, masks.append
    pop_char, pop_position, pop_mask = chars.pop, positions.pop, masks.pop
    pair = pairs.append
    for index, (pstart, pend, _kind) in enumerate(paragraphs):
        for match in finditer(text, pstart, pend):
            i = match.start()
            if i == skip:
                continue
            ch = text[i]
            flank = match.lastindex or 0
            flags = fixed_flags[flank].get(ch)
            opens, closes = flags if flags is not None else mark_flags(text, i, ch, flank)
            if (
                closes
                and masks
                and masks[-1] & closes_mask.get(ch, 0)
                and (ch not in "’'" or not _is_possessive(text, i, positions[-1], chars[-1]))
            ):
                openers = openers_for[ch]
                while True:
                    top = pop_char()
                    pop_mask()
                    position = pop_position()
                    if top in openers:
                        break
                if carried and not chars:
                    parts = [*carried, (part_start, i)]
                    pair((position, i, parts, carried_from, index))
                    carried = []
                else:
                    pair((position, i, None, index, index))
            elif opens:
                push_mask(masks[-1] | bit[ch] if masks else bit[ch])
                push_char(ch)
                push_position(i)
        skip = -1
        if chars and index + 1 < len(paragraphs):
            next_start, _next_end, next_kind = paragraphs[index + 1]
            if text[next_start] == chars[0] and not next_kind.startswith("h"):
                if not carried:
                    carried_from = index
                    part_start = positions[0] + 1
                carried.append((part_start, pend))
                part_start = next_start + 1
                skip = next_start
                del chars[1:], positions[1:], masks[1:]
                continue
        if chars:
            chars.clear()
            positions.clear()
            masks.clear()
        carried = []
    return _outermost(text, pairs)


def _outermost(
    text: str, pairs: list[tuple[int, int, list[tuple[int, int]] | None, int, int]]
) -> list[_Span]:
    pairs.sort()
    result: list[_Span] = []
    reach = -1
    for open_pos, close_pos, parts, first, last in pairs:
        if open_pos > reach:
            span_parts = parts if parts is not None else [(open_pos + 1, close_pos)]
            span = _Span(open_pos, close_pos, span_parts, first, last)
            span.single = text[open_pos] in "‘'‚‛‹›"
            result.append(span)
            reach = close_pos
    return result


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _mask(text: str, spans: list[_Span]) -> str:
    """`text` with each quotation's words blanked (same length), keeping its last
    punctuation mark so that sentence ends stay visible."""
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        for start, end in span.parts:
            if end <= start:
                continue
            pieces.append(text[cursor:start])
            last = text[end - 1]
            if end - start == 1:
                pieces.append(_MASK)
            elif last in _TERMINAL or last in ",;:—":
                pieces.append(_MASK + " " * (end - start - 2) + last)
            else:
                pieces.append(_MASK + " " * (end - start - 1))
            cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
