"""Reading an attribution next to a quotation: “…,” said X / X said: “…” / according to X,
and joining a quotation interrupted by its attribution."""

from __future__ import annotations

from .lexicon import (
    _ACCORDING_WORDS,
    _AUXILIARIES,
    _HINT_WORDS,
    _NO_INVERSION,
    _SENTENCE_END_RE,
    _SKIPPABLE,
    _SPEECH_VERBS,
    _TERMINAL,
    _TOKEN_RE,
    _WORD_RE,
)
from .phrases import (
    _is_adverb,
    _lowered,
    _np_forward,
    _Phrase,
    _sentence_end,
    _subject_backward,
    _tokens,
)
from .records import _Attribution, _Span


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
    phrase = _np_forward(toks, i)
    if phrase is None:
        return None
    j = phrase.stop
    after_comma = j + 1
    while after_comma < len(toks) and (
        lowered[after_comma] in _SKIPPABLE or _is_adverb(toks[after_comma])
    ):
        after_comma += 1
    if (
        j < len(toks)
        and toks[j] == ","
        and after_comma < len(toks)
        and lowered[after_comma] in _SPEECH_VERBS
    ):
        j = after_comma  # the comma closed an appositive: "the secretary, Jo Pryce, told"
    if j < len(toks) and toks[j] == ",":
        close = j + 1
        while close < len(toks) and close - j <= 30 and toks[close] != ",":
            close += 1
        if close >= len(toks):
            return None
        j = close + 1
    while j < len(toks) and (lowered[j] in _SKIPPABLE or _is_adverb(toks[j])):
        j += 1
    if j < len(toks) and lowered[j] in _SPEECH_VERBS:
        return _attribution(phrase, lowered[j], window, toks, offset, sentence_end)
    return None


def _hint_indices(lowered: list[str]) -> list[int]:
    """Where a speech verb or an "according to" might start: "in the words of" is found
    from its "in"."""
    hits = []
    for index, word in enumerate(lowered):
        if word in _HINT_WORDS:
            hits.append(index - 2 if word == "words" and index >= 2 else index)
    return hits


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
    verb: str,
    window: str,
    toks: list[str],
    offset: int,
    sentence_end: int,
) -> _Attribution:
    spans = [match.span() for match in _TOKEN_RE.finditer(window)]
    first, stop = spans[phrase.first][0], spans[phrase.stop - 1][1]
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
        if lowered[v] not in _SPEECH_VERBS:
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
    return verb_only


def _according_anywhere(window: str, offset: int) -> _Attribution | None:
    """ "according to X" later in the same sentence as a partial quotation."""
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
