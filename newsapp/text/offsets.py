"""Convert between JavaScript string offsets (UTF-16 code units) and Python ones (code points).

Pure: no Django. A browser counts a character outside the Basic Multilingual Plane (an emoji,
a rare CJK ideograph) as two units, Python as one, so every offset that crosses the wire has to
be converted. An offset that falls between the two halves of a surrogate pair is rounded down
to the character that the pair encodes; offsets beyond either end are clamped to the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_length(text: str) -> int:
    """Length of ``text`` as JavaScript's ``String.length`` reports it."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def codepoints_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 offset of code point ``offset`` in ``text`` (clamped to the text)."""
    offset = min(max(offset, 0), len(text))
    if text.isascii():
        return offset
    return len(text[:offset].encode("utf-16-le")) // 2


def utf16_to_codepoints(text: str, offset: int) -> int:
    """The code point offset of UTF-16 offset ``offset`` in ``text`` (clamped to the text)."""
    if offset <= 0:
        return 0
    if text.isascii():
        return min(offset, len(text))
    units = text.encode("utf-16-le", "surrogatepass")
    head = units[: 2 * offset].decode("utf-16-le", "surrogatepass")
    # A cut inside a pair leaves a lone high surrogate: count it as the character before.
    if head and "\ud800" <= head[-1] <= "\udbff" and len(units) > 2 * offset:
        return len(head) - 1
    return len(head)


class OffsetConverter:
    """Converts many offsets of one text in O(log n) each, after one O(n) scan.

    Use it when a request carries many offsets over the same text, such as a batch of
    selectors from the browser.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # Code point positions of astral characters, and where each one starts in UTF-16.
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        self._astral_utf16 = [position + index for index, position in enumerate(self._astral)]
        self.utf16_length = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        offset = min(max(offset, 0), len(self.text))
        return offset + bisect_left(self._astral, offset)

    def to_codepoints(self, offset: int) -> int:
        offset = min(max(offset, 0), self.utf16_length)
        # Each astral character that ends at or before ``offset`` took one extra unit; one
        # that starts a unit before ``offset`` is cut in half and rounds down to its start.
        whole_pairs_before = bisect_right(self._astral_utf16, offset - 2)
        cut = whole_pairs_before < len(self._astral_utf16) and (
            self._astral_utf16[whole_pairs_before] == offset - 1
        )
        return offset - whole_pairs_before - (1 if cut else 0)
