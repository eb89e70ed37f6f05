"""What a quotation is before who said it: speech, a scare quote, a title (of a work, a
slogan, an item in a list), or imagined words. Only speech is attributed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .lexicon import (
    _DETERMINERS,
    _NAMING_VERBS,
    _SPEECH_VERBS,
    _STOP_WORDS,
    _TERMINAL,
    _THOUGHT_VERBS,
    _TITLE_NOUNS,
    _WORD_RE,
)
from .records import _Span

# A quoted word or two that modifies the noun after it is a scare quote: the “interim”
# government, its “sponge streets” programme.
_MODIFIER_WORDS = 3
# Short quoted words repeated through an article are a name, a slogan or a term, not speech.
_REPEATED_WORDS = 8
_MINOR_WORDS = frozenset(
    {"a", "an", "the", "of", "for", "and", "or", "in", "on", "at", "to", "by", "with", "is"}
)
_ARTICLES_AND_DETERMINERS = _DETERMINERS | {"a", "an"}
_TITLE_WORD_RE = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*")


@dataclass(slots=True)
class _Context:
    """What a quotation's attribution may be read from, in the masked text."""

    before: str  # its sentence up to the opening mark (never before the last quotation)
    before_start: int
    after: str  # from the closing mark to the next quotation or the paragraph's end
    after_start: int
    at_paragraph_start: bool
    same_sentence_as_previous: bool


def repeated_texts(text: str, spans: list[_Span]) -> set[str]:
    """The short quoted texts (as `repeat_key`s) that occur more than once in the article."""
    counts: Counter[str] = Counter()
    for span in spans:
        if span.block or span.signature or len(span.parts) > 1:
            continue
        start, end = span.parts[0]
        if end - start < 80:
            counts[repeat_key(text[start:end])] += 1
    return {words for words, count in counts.items() if count > 1 and words}


def repeat_key(words: str) -> str:
    """`words` compared as a repetition: case, punctuation and spacing aside."""
    return " ".join(_WORD_RE.findall(words.lower()))


def kind_of(
    span: _Span, words: str, context: _Context, repeated: set[str], attributed_after: bool
) -> str:
    """ "speech", "scare" (so-called “reforms”, the “interim” government) or "title" (the
    book “The Long Winter”, a slogan, a term used again and again). `attributed_after`:
    whether an attribution follows the closing mark."""
    if span.block or span.signature:
        return "speech"
    before = context.before
    # Lower-casing maps each character on its own, so the last nine characters decide.
    if before.rstrip()[-9:].lower().endswith(("so-called", "so called")):
        return "scare"
    word_count = _word_count(words)
    if word_count > 12:
        return "speech"
    recent = [w.lower() for w in _WORD_RE.findall(" ".join(before[-60:].split()[-3:]))]
    spoken = attributed_after or (bool(recent) and recent[-1] in _SPEECH_VERBS)
    if not spoken and word_count <= 8 and before.strip() and _is_title_case(words):
        return "title"
    if not spoken and word_count <= _REPEATED_WORDS and repeated and repeat_key(words) in repeated:
        return "title"
    if words[-1:] in _TERMINAL:
        return "speech"
    # A title follows its noun or naming verb directly: the book “…”, a film called
    # ‘…’, a report, titled “…”. With a word between ("calls the plan a “…”") the
    # quoted words are something said about it.
    if recent and (
        recent[-1] in _TITLE_NOUNS
        or recent[-1] in _NAMING_VERBS
        or any(w in ("titled", "entitled") for w in recent)
    ):
        return "title"
    if (
        not spoken
        and word_count <= _MODIFIER_WORDS
        and _modifies_next_noun(words, before, context.after)
    ):
        return "scare"
    return "speech"


def _modifies_next_noun(words: str, before: str, after: str) -> bool:
    """The “interim” government: after a determiner, before the noun it modifies."""
    if words[-1:] in _TERMINAL or words[-1:] in ",;:":
        return False
    previous = before.rstrip().rsplit(None, 1)[-1:] if before.strip() else []
    if not previous:
        return False
    determiner = previous[0].lower() in _ARTICLES_AND_DETERMINERS
    if not (determiner or previous[0].endswith(("’s", "'s"))):
        return False
    following = _WORD_RE.match(after.lstrip())
    if following is None or not after[:1].isspace():
        return False
    word = following.group()
    return word.islower() and word not in _STOP_WORDS and word not in _SPEECH_VERBS


def is_imagined(before: str) -> bool:
    """Words introduced by a verb of thought ("left to wonder: “…”") were not said."""
    tail = before[-80:].lower()
    if "wonder" not in tail and "imagin" not in tail and "ponder" not in tail:
        return False
    words = _WORD_RE.findall(tail)[-4:]
    return any(word in _THOUGHT_VERBS for word in words) and not any(
        word in _SPEECH_VERBS for word in words
    )


def _word_count(words: str, cap: int = 13) -> int:
    """Words in `words`, counted up to `cap` (all the classification needs)."""
    return len(words.split(maxsplit=cap))


def _is_title_case(words: str) -> bool:
    tokens = _TITLE_WORD_RE.findall(words)
    if len(tokens) < 2:
        return False
    capitalised = [t for t in tokens if t[0].isupper()]
    return all(t[0].isupper() or t in _MINOR_WORDS for t in tokens) and len(capitalised) >= 2
