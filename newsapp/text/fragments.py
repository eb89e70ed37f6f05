"""Deep links that scroll a browser to a quote: WICG Text Fragments (``#:~:text=``).

``text_fragment_url`` builds the directive for a highlight over an article's canonical text, and
``match_text_directive`` is a simplified model of how a browser finds the first match of a
directive (case-insensitive, whitespace collapsed, word-bounded). The builder checks every
candidate with that matcher and adds ``prefix-,`` / ``,-suffix`` context until the first match is
the highlighted occurrence.

Simplifications, on purpose: word boundaries are approximated (letters, digits, marks and ``_``
form words; an apostrophe between letters joins them; every CJK ideograph or kana is its own word,
where browsers use a dictionary), and block boundaries are treated as plain whitespace.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote

__all__ = [
    "LONG_QUOTE_CHARS",
    "LONG_QUOTE_WORDS",
    "TextDirective",
    "encode_fragment_component",
    "match_text_directive",
    "parse_text_directive",
    "text_fragment_url",
]

LONG_QUOTE_CHARS = 300
LONG_QUOTE_WORDS = 40
_EDGE_WORDS = (4, 6, 9, 14)
_MAX_CONTEXT_WORDS = 8
_DIRECTIVE_MARK = ":~:text="

_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x3FFFF),
)
_APOSTROPHES = "'\u2019"


@dataclass(frozen=True)
class TextDirective:
    """One parsed ``text=`` directive, every part already percent-decoded."""

    text_start: str
    text_end: str | None = None
    prefix: str | None = None
    suffix: str | None = None

    def encode(self) -> str:
        parts = []
        if self.prefix:
            parts.append(encode_fragment_component(self.prefix) + "-")
        parts.append(encode_fragment_component(self.text_start))
        if self.text_end:
            parts.append(encode_fragment_component(self.text_end))
        if self.suffix:
            parts.append("-" + encode_fragment_component(self.suffix))
        return ",".join(parts)


def encode_fragment_component(s: str) -> str:
    """Percent-encode one directive part: UTF-8 escapes, and ``-``, ``,`` and ``&`` escaped too.

    ``quote`` with no safe characters leaves only ASCII letters, digits and ``_.~-`` alone; the
    dash is syntax in a text directive, so it is escaped by hand.
    """
    return quote(s, safe="").replace("-", "%2D")


def text_fragment_url(source_url: str, text: str, start: int, end: int) -> str:
    """``source_url`` (its fragment dropped) plus a text directive that selects text[start:end].

    The range is first widened to whole words and trimmed of surrounding whitespace, because a
    browser only matches a directive at word boundaries. Raises ``ValueError`` for a range outside
    the text or one that holds no visible character.
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(f"range [{start}, {end}) is not a non-empty slice of the text")
    start, end = _widen_to_words(text, start, end)
    if start >= end:
        raise ValueError("the range holds only whitespace")
    directive = _choose_directive(text, start, end)
    base = source_url.split("#", 1)[0]
    return f"{base}#{_DIRECTIVE_MARK}{directive.encode()}"


def parse_text_directive(url_or_directive: str) -> TextDirective:
    """Parse the first ``text=`` directive of a URL (or a bare directive value)."""
    value = url_or_directive
    if _DIRECTIVE_MARK in value:
        value = value.split(_DIRECTIVE_MARK, 1)[1]
    value = value.split("&", 1)[0]
    raw_parts = value.split(",")
    prefix = suffix = None
    if raw_parts and raw_parts[0].endswith("-"):
        prefix = unquote(raw_parts.pop(0)[:-1])
    if raw_parts and raw_parts[-1].startswith("-"):
        suffix = unquote(raw_parts.pop()[1:])
    if not 1 <= len(raw_parts) <= 2 or not raw_parts[0]:
        raise ValueError(f"not a text directive: {url_or_directive!r}")
    text_start = unquote(raw_parts[0])
    text_end = unquote(raw_parts[1]) if len(raw_parts) == 2 else None
    return TextDirective(text_start=text_start, text_end=text_end, prefix=prefix, suffix=suffix)


def match_text_directive(text: str, directive: str | TextDirective) -> tuple[int, int] | None:
    """Where a browser would land first: (start, end) code-point offsets in ``text``, or None."""
    if isinstance(directive, str):
        directive = parse_text_directive(directive)
    haystack = _Normalised(text)
    found = _first_match(haystack, directive)
    if found is None:
        return None
    return haystack.original_range(*found)


# --- building -----------------------------------------------------------------------------


def _choose_directive(text: str, start: int, end: int) -> TextDirective:
    haystack = _Normalised(text)
    quote_text = text[start:end]
    tokens = _tokens(text, start, end)
    is_long = (
        len(quote_text) > LONG_QUOTE_CHARS or len(tokens) > LONG_QUOTE_WORDS or "\n" in quote_text
    )
    cores: list[tuple[str, str | None]] = []
    if is_long:
        for edge in _EDGE_WORDS:
            core = _range_core(text, tokens, edge)
            if core is not None and core not in cores:
                cores.append(core)
    if not cores:
        cores.append((_collapse(quote_text), None))

    fallback: TextDirective | None = None
    for text_start, text_end in cores:
        for directive in _with_context(text, start, end, text_start, text_end):
            fallback = directive
            if _lands_on(haystack, directive, start, end):
                return directive
    # Identical passages with identical surroundings cannot be told apart; the widest context
    # tried is the best a browser can be given.
    assert fallback is not None
    return fallback


def _range_core(text: str, tokens: list[tuple[int, int]], edge: int) -> tuple[str, str] | None:
    """textStart from the first ``edge`` words of the first line, textEnd from the last line."""
    if len(tokens) < 2:
        return None
    first_line_end = text.find("\n", tokens[0][0], tokens[-1][1])
    last_line_start = text.rfind("\n", tokens[0][0], tokens[-1][1])
    head = [t for t in tokens if first_line_end < 0 or t[1] <= first_line_end][:edge]
    tail = [t for t in tokens if last_line_start < 0 or t[0] > last_line_start][-edge:]
    if not head or not tail or head[-1][1] > tail[0][0]:
        return None
    return _collapse(text[head[0][0] : head[-1][1]]), _collapse(text[tail[0][0] : tail[-1][1]])


def _with_context(text: str, start: int, end: int, text_start: str, text_end: str | None):
    yield TextDirective(text_start, text_end)
    for words in range(1, _MAX_CONTEXT_WORDS + 1):
        prefix = _context_before(text, start, words)
        suffix = _context_after(text, end, words)
        if prefix:
            yield TextDirective(text_start, text_end, prefix=prefix)
        if suffix:
            yield TextDirective(text_start, text_end, suffix=suffix)
        if prefix and suffix:
            yield TextDirective(text_start, text_end, prefix=prefix, suffix=suffix)


def _context_before(text: str, start: int, words: int) -> str | None:
    line_start = text.rfind("\n", 0, start) + 1
    before = _tokens(text, line_start, start)
    if not before:
        return None
    chosen = before[-words:]
    return _collapse(text[chosen[0][0] : start]).strip() or None


def _context_after(text: str, end: int, words: int) -> str | None:
    line_end = text.find("\n", end)
    after = _tokens(text, end, len(text) if line_end < 0 else line_end)
    if not after:
        return None
    chosen = after[:words]
    return _collapse(text[end : chosen[-1][1]]).strip() or None


def _lands_on(haystack: _Normalised, directive: TextDirective, start: int, end: int) -> bool:
    found = _first_match(haystack, directive)
    return found is not None and haystack.original_range(*found) == (start, end)


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not _is_boundary(text, start):
        start -= 1
    while end < len(text) and not _is_boundary(text, end):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_TOKEN = re.compile(r"\S+")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Word-ish spans in text[start:end]: whitespace-separated runs, CJK split per character."""
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text, start, end):
        run_start = match.start()
        for i in range(match.start(), match.end()):
            if _is_cjk(text[i]):
                if run_start < i:
                    spans.append((run_start, i))
                spans.append((i, i + 1))
                run_start = i + 1
        if run_start < match.end():
            spans.append((run_start, match.end()))
    return spans


def _collapse(s: str) -> str:
    return " ".join(s.split())


# --- matching -----------------------------------------------------------------------------


class _Normalised:
    """Text with whitespace runs collapsed to one space and letters lower-cased, plus a map back."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        in_space = False
        for i, c in enumerate(text):
            if c.isspace():
                if in_space:
                    continue
                in_space = True
                chars.append(" ")
            else:
                in_space = False
                chars.append(_fold(c))
            origin.append(i)
        self.text = "".join(chars)
        self._origin = origin

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        return self._origin[start], self._origin[end - 1] + 1


def _fold(c: str) -> str:
    lowered = c.lower()
    return lowered if len(lowered) == 1 else c


def _fold_query(s: str) -> str:
    return "".join(_fold(c) for c in _collapse(s))


def _first_match(haystack: _Normalised, directive: TextDirective) -> tuple[int, int] | None:
    text = haystack.text
    start_q = _fold_query(directive.text_start)
    end_q = _fold_query(directive.text_end) if directive.text_end else None
    prefix_q = _fold_query(directive.prefix) if directive.prefix else None
    suffix_q = _fold_query(directive.suffix) if directive.suffix else None
    if not start_q:
        return None
    position = 0
    while position <= len(text):
        if prefix_q:
            prefix_at = _find_bounded(text, prefix_q, position, end_bounded=False)
            if prefix_at is None:
                return None
            position = prefix_at + 1
            match_start = _skip_space(text, prefix_at + len(prefix_q))
            if not _matches_at(text, start_q, match_start, end_bounded=end_q is None):
                continue
        else:
            found = _find_bounded(text, start_q, position, end_bounded=end_q is None)
            if found is None:
                return None
            match_start = found
            position = found + 1
        start_end = match_start + len(start_q)
        if end_q is None:
            candidates = [start_end]
        else:
            candidates = list(_all_bounded(text, end_q, start_end))
            if not candidates:
                return None
        for match_end in candidates:
            if suffix_q is None:
                return match_start, match_end
            if _matches_at(text, suffix_q, _skip_space(text, match_end), end_bounded=True):
                return match_start, match_end
    return None


def _find_bounded(text: str, query: str, position: int, *, end_bounded: bool) -> int | None:
    while True:
        found = text.find(query, position)
        if found < 0:
            return None
        if _is_boundary(text, found) and (
            not end_bounded or _is_boundary(text, found + len(query))
        ):
            return found
        position = found + 1


def _all_bounded(text: str, query: str, position: int):
    while True:
        found = _find_bounded(text, query, position, end_bounded=True)
        if found is None:
            return
        yield found + len(query)
        position = found + 1


def _matches_at(text: str, query: str, at: int, *, end_bounded: bool) -> bool:
    return text.startswith(query, at) and (not end_bounded or _is_boundary(text, at + len(query)))


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _is_boundary(text: str, at: int) -> bool:
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    if _is_cjk(before) or _is_cjk(after):
        return True
    return not (_is_word_char(text, at - 1) and _is_word_char(text, at))


def _is_word_char(text: str, i: int) -> bool:
    c = text[i]
    if c == "_" or unicodedata.category(c)[0] in "LMN":
        return True
    return (
        c in _APOSTROPHES
        and 0 < i < len(text) - 1
        and text[i - 1].isalpha()
        and text[i + 1].isalpha()
    )


def _is_cjk(c: str) -> bool:
    code = ord(c)
    return any(low <= code <= high for low, high in _CJK_RANGES)
