"""Reading an attribution next to a quotation: “…,” said X / X said: “…” / according to X,
and joining a quotation interrupted by its attribution."""

from __future__ import annotations

import re

from .lexicon import (
    _ACCORDING_WORDS,
    _AUXILIARIES,
    _DETERMINERS,
    _HINT_WORDS,
    _NO_INVERSION,
    _NON_FINITE_VERBS,
    _SENTENCE_END_RE,
    _SKIPPABLE,
    _SPEECH_VERBS,
    _TERMINAL,
    _TOKEN_RE,
    _WORD_RE,
)
from .phrases import (
    _COMPANIONS,
    _clause_subject,
    _is_adverb,
    _lowered,
    _np_forward,
    _Phrase,
    _sentence_end,
    _subject_backward,
    _tokens,
)
from .records import _Attribution, _Span

# How far past a speaker's name an appositive may run before its speech verb, in tokens.
_APPOSITIVE_TOKENS = 45
# Speech words that are also plural nouns, and what shows they are nouns ("his claims").
_NOUN_LIKE_VERBS = frozenset(
    {"claims", "calls", "notes", "states", "reports", "answers", "promises", "posts", "remarks"}
)
_NOUN_DETERMINERS = frozenset(
    {"his", "her", "their", "its", "my", "our", "your", "these", "those", "such", "whose"}
)
# In a colon introduction, words that show the quotation is something else's: "… the website,
# which contains the following statement:".
_INTRODUCES_OTHER = frozenset({"which", "following", "reads", "read", "says", "said"})
_ADJECTIVE_ENDING = re.compile(r"(?:ed|ing|ful|ous|al|ive|ent|ic|less)$")


def _merge_interrupted(text: str, masked: str, spans: list[_Span]) -> list[_Span]:
    """Join “A,” she said, “B.” into one quotation whose attribution is the gap."""
    result: list[_Span] = []
    for span in spans:
        previous = result[-1] if result else None
        if (
            previous is not None
            and not previous.block
            and not span.block
            and previous.para_last == span.para_first
            and span.open_pos - previous.close_pos <= 160
        ):
            gap = masked[previous.close_pos + 1 : span.open_pos]
            first_words = text[previous.parts[-1][0] : previous.parts[-1][1]]
            stripped = gap.strip()
            if (
                stripped[-1:] in (",", "—", "–")
                and first_words[-1:] not in _TERMINAL
                and not _SENTENCE_END_RE.search(gap)
            ):
                attribution = None
                if not _HINT_WORDS.isdisjoint(_WORD_RE.findall(gap.lower())):
                    attribution = _parse_after(gap, previous.close_pos + 1)
                if attribution is not None:
                    previous.parts.extend(span.parts)
                    previous.close_pos = span.close_pos
                    previous.para_last = span.para_last
                    previous.gap_attribution = attribution
                    continue
        result.append(span)
    return result


def _parse_after(window: str, offset: int) -> _Attribution | None:
    """Attribution that directly follows a closing mark: “…,” said X / X said / she added /
    according to X. `window` starts just after the mark; `offset` is its place in the text."""
    end = _sentence_end(window)
    window = window[:end]
    toks = _tokens(window)
    i = 0
    while i < len(toks) and toks[i] in ",;—–-.":
        i += 1
    if i >= len(toks):
        return None
    lowered = _lowered(window, toks)
    if _HINT_WORDS.isdisjoint(lowered):
        return None  # every attribution below is read from a speech verb or "according to"
    sentence_end = offset + end
    marker = _marker_at(lowered, i)
    if marker:
        phrase = _np_forward(toks, i + marker[1])
        if phrase is not None:
            return _attribution(phrase, marker[0], window, toks, offset, sentence_end)
    if lowered[i] in _AUXILIARIES and i + 1 < len(toks) and lowered[i + 1] in _SPEECH_VERBS:
        i += 1
    if lowered[i] in _SPEECH_VERBS and lowered[i] not in _NO_INVERSION:
        phrase = _np_forward(toks, i + 1)
        if phrase is not None:
            return _attribution(phrase, lowered[i], window, toks, offset, sentence_end)
    if lowered[i] == "as":
        i += 1  # “…,” as one chief executive told me
    phrase = _np_forward(toks, i)
    if phrase is None:
        return None
    j = _after_companions(toks, lowered, phrase.stop)
    while j < len(toks) and (lowered[j] in _SKIPPABLE or _is_adverb(toks[j])):
        j += 1
    if j < len(toks) and lowered[j] in _SPEECH_VERBS:
        return _attribution(phrase, lowered[j], window, toks, offset, sentence_end)
    if j < len(toks) and toks[j] == ",":
        # An appositive, which may hold commas itself: "Kurinji Selvaraj, a research analyst
        # at the Council on Energy, Environment and Water, told …". The first speech verb
        # in the sentence after it is the subject's.
        for k in range(j + 1, min(len(toks), j + _APPOSITIVE_TOKENS)):
            if lowered[k] in _SPEECH_VERBS and not _used_as_noun(toks, lowered, k):
                return _attribution(phrase, lowered[k], window, toks, offset, sentence_end)
    return None


def _after_companions(toks: list[str], lowered: list[str], j: int) -> int:
    """Past "and his team", "and colleagues" after a speaker's name: the name still speaks."""
    if j + 1 < len(toks) and lowered[j] == "and":
        k = j + 1
        if lowered[k] in _DETERMINERS:
            k += 1
        if k < len(toks) and lowered[k] in _COMPANIONS:
            return k + 1
    return j


def _used_as_noun(toks: list[str], lowered: list[str], v: int) -> bool:
    """ "His repeated claims", "their calls": a speech word that is a noun here."""
    if lowered[v] not in _NOUN_LIKE_VERBS or v == 0:
        return False
    before = v - 1
    if before > 0 and _ADJECTIVE_ENDING.search(lowered[before]):
        before -= 1
    return lowered[before] in _NOUN_DETERMINERS


# The words a marker ("according to", "in the words of", "selon") is found from.
_MARKER_WORDS = ("according", "words", *sorted(_ACCORDING_WORDS))


def _hint_indices(lowered: list[str]) -> list[int]:
    """Where a speech verb or an "according to" might start: "in the words of" is found
    from its "in"."""
    return [
        index - 2 if word == "words" and index >= 2 else index
        for index, word in enumerate(lowered)
        if word in _HINT_WORDS
    ]


def _marker_at(lowered: list[str], i: int) -> tuple[str, int] | None:
    """ "according to" or "in the words of" (or a one-word equivalent) at `i`:
    (verb, length)."""
    if lowered[i] in _ACCORDING_WORDS:
        return lowered[i], 1
    if lowered[i] != "according" and lowered[i] != "in":
        return None
    if lowered[i : i + 2] == ["according", "to"]:
        return "according to", 2
    if lowered[i : i + 4] == ["in", "the", "words", "of"]:
        return "in the words of", 4
    return None


def _attribution(
    phrase: _Phrase,
    verb: str | None,
    window: str,
    toks: list[str],
    offset: int,
    sentence_end: int,
) -> _Attribution:
    # Where the phrase's first and last tokens stand: the tokens of `toks` again, read only
    # as far as the phrase.
    first = stop = 0
    last = phrase.stop - 1
    for index, match in enumerate(_TOKEN_RE.finditer(window)):
        if index == phrase.first:
            first = match.start()
        if index == last:
            stop = match.end()
        if index >= last and index >= phrase.first:
            break
    return _Attribution(
        phrase.words, phrase.kind, window[first:stop], verb, offset + first, sentence_end
    )


def _parse_before(window: str, offset: int) -> _Attribution | None:
    """Attribution in the same sentence before an opening mark: X said: “…”, X said the
    plan was “…”, according to X, “…”. The verb nearest the quotation that has a speaker
    wins; a colon after a verb with no speaker still makes an attribution (to no one)."""
    toks = _tokens(window)
    lowered = _lowered(window, toks)
    end = offset + len(window)
    verb_only: _Attribution | None = None
    # The attribution of a quotation is among the last few verbs before it; looking no
    # further keeps a sentence dense with verbs cheap.
    for v in reversed(_hint_indices(lowered)[-4:]):
        marker = _marker_at(lowered, v)
        if marker:
            phrase = _np_forward(toks, v + marker[1])
            if phrase is not None:
                return _attribution(phrase, marker[0], window, toks, offset, end)
            continue
        if lowered[v] not in _SPEECH_VERBS or _used_as_noun(toks, lowered, v):
            continue
        if _is_non_finite(lowered, v):
            # "… weighed in, telling Morrow: “…”": the subject of the clause speaks.
            phrase = _clause_subject(toks, v)
            if phrase is not None:
                return _attribution(phrase, lowered[v], window, toks, offset, end)
            continue
        phrase = _subject_backward(toks, v)
        if phrase is not None:
            return _attribution(phrase, lowered[v], window, toks, offset, end)
        phrase = _np_forward(toks, v + 1)
        if (
            phrase is not None
            and phrase.kind in ("name", "pronoun")
            and (phrase.stop >= len(toks) or toks[phrase.stop] in ":,")
        ):
            return _attribution(phrase, lowered[v], window, toks, offset, end)
        if verb_only is None and window.rstrip().endswith(":"):
            verb_only = _Attribution(None, "none", None, lowered[v], end - 1, end)
    if verb_only is None and window.rstrip().endswith(":") and toks:
        # "Paula Greer had a similar experience: “…”": a person introduces the quotation.
        phrase = _clause_subject(toks, len(toks) - 1)
        if (
            phrase is not None
            and (phrase.kind == "pronoun" or (phrase.kind == "name" and len(phrase.words) > 1))
            and not _INTRODUCES_OTHER.intersection(lowered[phrase.stop :])
        ):
            return _attribution(phrase, None, window, toks, offset, end)
    return verb_only


def _is_non_finite(lowered: list[str], v: int) -> bool:
    """A participle ("saying") or an infinitive ("to describe"): no subject of its own."""
    word = lowered[v]
    if word not in _NON_FINITE_VERBS:
        return False
    return word.endswith("ing") or (v > 0 and lowered[v - 1] == "to")


def _according_anywhere(window: str, offset: int) -> _Attribution | None:
    """ "according to X" later in the same sentence as a partial quotation."""
    lowered_window = window.lower()
    if not any(word in lowered_window for word in _MARKER_WORDS):
        return None  # no token can start a marker (a token's lower case is in the window's)
    window = window[: _sentence_end(window)]
    toks = _tokens(window)
    lowered = _lowered(window, toks)
    for i in _hint_indices(lowered):
        marker = _marker_at(lowered, i)
        if marker:
            phrase = _np_forward(toks, i + marker[1])
            if phrase is not None and phrase.kind != "indefinite":
                return _attribution(phrase, marker[0], window, toks, offset, offset + len(window))
    return None
