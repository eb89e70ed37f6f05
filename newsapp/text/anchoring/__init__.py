"""Anchor W3C text selectors (quote, context and position) onto a text, exactly or fuzzily;
``relocate`` carries them across a revision using both texts (see ``relocate.py``).

Pure: no Django. Offsets are Unicode code points (see ``offsets`` for the browser's UTF-16).

``locate`` tries, in order:

1. position: the text at ``start:end`` is still the quote and its context still fits;
2. quote: the exact occurrence of the quote whose prefix, suffix and position fit best;
3. fuzzy: the same search with whitespace runs collapsed on both sides (a re-extraction that
   turned tabs and newlines into spaces), then an approximate search for the quote within an
   edit budget of a quarter of its length, near the old position first and over the whole
   text only when nothing plausible was found. Exact and approximate candidates compete;
4. otherwise ``None``: the annotation is orphaned.

Candidates are ranked by *evidence*, counted in characters: each character of the quote,
prefix and suffix that matches counts +1 and each edit -1 (Levenshtein distance; a context
that changed beyond recognition counts 0, not less), plus a bonus for being near the old
position. A long quote thus decides by itself, while a short one is judged mostly by its
context. A candidate needs MIN_EVIDENCE to be accepted: when the sentence holding an annotated
"the government" is deleted, another "the government" with foreign context elsewhere is the
wrong place, and orphaning is the honest answer.
"""

from __future__ import annotations

from .locate import locate, locate_many, selector_for
from .relocate import relocate
from .scoring import CONTEXT_LENGTH, Anchor

__all__ = ["CONTEXT_LENGTH", "Anchor", "locate", "locate_many", "relocate", "selector_for"]
