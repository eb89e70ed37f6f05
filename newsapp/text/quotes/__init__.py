"""Find the quotations in an article's canonical text and who said them.

`find_quotes(text)` returns the direct quotations (speech) in document order. It works on the
text alone; `find_quotes(body_text, blocks_from_html(body_html))` also knows the paragraph,
heading and block-quote boundaries exactly. `quote_similarity` matches the same quotation
across articles despite small wording changes; `speaker_slug` keys a speaker for URLs.

Conventions:

- Offsets are code points into `text`. `start`/`end` cover the quoted words only: the quote
  marks are never included, and the whitespace just inside them is trimmed.
- One quotation is one `FoundQuote`, even when it is interrupted by its attribution
  ("“We will not,” she said, “go back.”") or runs over several paragraphs (the opening mark
  repeated at each paragraph, no closing mark until the last). `parts` holds the quoted
  stretches; `text` is those stretches joined by one space, that is the words spoken without
  the attribution. For a one-part quote `text == original[start:end]`; for several parts
  `start..end` also covers what lies between them.
- A block quote without quote marks is a quotation when the blocks say so, or when it is a
  paragraph introduced by a paragraph that ends with a speech verb and a colon.
- Nested quotes are part of the outer quotation. Scare quotes and titles of works are not
  speech: `find_quotes(..., include_other=True)` also returns them, with `kind` "scare" or
  "title".
- The speaker is resolved to the fullest name the article gives ("Okafor" -> "Adaeze
  Okafor"; "the minister" -> the one minister named; "she" -> the nearest compatible person).
  When that is ambiguous or unknown, `speaker` is None and `speaker_as_written` still says
  what the article wrote.

Everything is linear in the length of the text: one pass pairs the marks with a stack, and
each quotation looks only at a bounded window around it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .attribution import _merge_interrupted
from .blocks import _add_block_quotes, _paragraphs, blocks_from_html
from .marks import QUOTE_MARKS, _mask, _pair_marks
from .people import _People
from .records import FoundQuote
from .resolution import _Resolver
from .signatures import add_signed
from .similarity import SAME_QUOTE_THRESHOLD, normalize_quote, quote_similarity, speaker_slug


def find_quotes(
    text: str,
    blocks: Iterable[tuple[int, int, str]] | None = None,
    *,
    include_other: bool = False,
) -> list[FoundQuote]:
    """The quotations in `text`, in document order.

    `blocks`, when given, are the text ranges of the article's leaf blocks in order, each
    `(start, end, kind)` with kind the element name: "blockquote" for text inside a block
    quote, "h1".."h6" for headings, anything else for ordinary paragraphs. Without them,
    lines of `text` are the paragraphs.
    """
    paragraphs = _paragraphs(text, blocks)
    spans = _pair_marks(text, paragraphs)
    spans = _add_block_quotes(text, paragraphs, spans, blocks is not None)
    spans = add_signed(text, paragraphs, spans, blocks is not None)
    masked = _mask(text, spans)
    spans = _merge_interrupted(text, masked, spans)
    people = _People(masked, paragraphs)
    return _Resolver(text, masked, paragraphs, people).run(spans, include_other)


__all__ = [
    "QUOTE_MARKS",
    "SAME_QUOTE_THRESHOLD",
    "FoundQuote",
    "blocks_from_html",
    "find_quotes",
    "normalize_quote",
    "quote_similarity",
    "speaker_slug",
]
