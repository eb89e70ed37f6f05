"""Bare web addresses in a note's text, found in one linear pass.

bleach's linkifier tried an e-mail pattern at every position (a 10 KB note of one repeated
letter cost ~49 s); this finds only `http://`, `https://` and `www.` addresses with one regex
whose every attempt starts at a literal and never backtracks, so the pass is linear. E-mail
addresses stay text (write `<mailto:…>` or `[name](mailto:…)` for a link).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Not inside a word or another address; up to the first space, quote, angle bracket or backtick.
_ADDRESS = re.compile(r"(?<![\w./@:-])(?:https?://|www\.)[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)
_TRAILING = ".,:;!?*_~'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class FoundLink:
    start: int
    end: int
    href: str


def find_links(text: str) -> Iterator[FoundLink]:
    """Web addresses in `text`, in order, without trailing punctuation or unmatched closers."""
    for match in _ADDRESS.finditer(text):
        address = _trim(match.group())
        if len(address) <= len("www."):
            continue
        start = match.start()
        href = address if "://" in address[:8] else f"https://{address}"
        yield FoundLink(start=start, end=start + len(address), href=href)


def _trim(address: str) -> str:
    """Drop sentence punctuation after an address, and a closing bracket it did not open
    (`(see https://a.test/x)` ends before the `)`; `https://w.test/A_(b)` keeps it)."""
    unmatched = {
        closer: address.count(closer) - address.count(opener) for closer, opener in _CLOSERS.items()
    }
    end = len(address)
    while end:
        last = address[end - 1]
        if last in _TRAILING:
            end -= 1
        elif unmatched.get(last, 0) > 0:
            unmatched[last] -= 1
            end -= 1
        else:
            break
    return address[:end]
