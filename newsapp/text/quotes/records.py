"""What the stages pass on: a found quotation (the result), a quotation's marks or block, and
an attribution."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """One quotation. See the package docstring for what the offsets and `text` cover."""

    start: int
    end: int
    text: str
    speaker: str | None
    speaker_as_written: str | None = None
    verb: str | None = None
    parts: tuple[tuple[int, int], ...] = ()
    kind: str = "speech"
    # How the speaker was found: "after" (“…,” she said), "before" (She said: “…”),
    # "interrupted" (“…,” she said, “…”), "according to" (later in the sentence),
    # "continuation" (a further quote after an attributed one), "same sentence",
    # "previous sentence" (Okafor said the talks had stalled. “…”), or None.
    attribution: str | None = None


@dataclass(slots=True)
class _Span:
    open_pos: int  # index of the opening mark, or the block's start
    close_pos: int  # index of the closing mark, or the block's end
    parts: list[tuple[int, int]]
    para_first: int
    para_last: int
    block: bool = False
    gap_attribution: _Attribution | None = None
    signature: str | None = None  # the name on a signature line after it (an embedded post)
    single: bool = False  # in single marks (‘…’)


@dataclass(slots=True)
class _Attribution:
    speaker_tokens: list[str] | None  # None: no speaker named
    kind: str  # "name", "role", "pronoun", "indefinite", "none"
    written: str | None
    verb: str | None
    position: int
    end: int  # end of the sentence holding the attribution
