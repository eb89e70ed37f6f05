"""Classifying each quotation (speech, scare quote, title) and resolving its speaker to the
fullest name the article gives."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .attribution import _according_anywhere, _parse_after, _parse_before
from .lexicon import _HINT_WORDS, _NAMING_VERBS, _PRONOUNS, _TERMINAL, _TITLE_NOUNS, _WORD_RE
from .people import _People, _Person
from .phrases import _is_title_word, _sentence_start
from .records import FoundQuote, _Attribution, _Span


@dataclass(slots=True)
class _Context:
    """What a quotation's attribution may be read from, in the masked text."""

    before: str  # its sentence up to the opening mark (never before the last quotation)
    before_start: int
    after: str  # from the closing mark to the next quotation or the paragraph's end
    after_start: int
    at_paragraph_start: bool
    same_sentence_as_previous: bool


@dataclass(slots=True)
class _Previous:
    span: _Span
    quote: FoundQuote
    attribution_end: int


class _Resolver:
    """Classifies each quotation and finds its speaker, in document order (a quotation
    may take its speaker from the one before it)."""

    def __init__(
        self, text: str, masked: str, paragraphs: list[tuple[int, int, str]], people: _People
    ) -> None:
        self.text = text
        self.masked = masked
        self.paragraphs = paragraphs
        self.people = people
        self.spoken: list[tuple[int, _Person]] = []
        # Where attribution words occur, so a window without one is skipped in O(log n).
        self.hints = [
            match.start()
            for match in _WORD_RE.finditer(masked)
            if match.group().lower() in _HINT_WORDS
        ]

    def _has_hint(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.hints, start)
        return index < len(self.hints) and self.hints[index] < end

    def run(self, spans: list[_Span], include_other: bool) -> list[FoundQuote]:
        found: list[FoundQuote] = []
        previous: _Previous | None = None
        for index, span in enumerate(spans):
            words = " ".join(self.text[s:e] for s, e in span.parts)
            if not words.strip():
                continue
            next_open = spans[index + 1].open_pos if index + 1 < len(spans) else len(self.text)
            context = self._context(span, previous, next_open)
            kind = self._kind(span, words, context)
            quote, attribution_end = None, span.close_pos + 1
            if kind == "speech":
                quote, attribution_end = self._attribute(span, words, context, previous)
                kind = "scare" if quote is None else kind
            if quote is not None:
                found.append(quote)
                previous = _Previous(span, quote, attribution_end)
            elif include_other:
                found.append(self._quote(span, words, kind, None, None, None))
        return found

    def _context(self, span: _Span, previous: _Previous | None, next_open: int) -> _Context:
        masked = self.masked
        pstart = self.paragraphs[span.para_first][0]
        begin = max(pstart, span.open_pos - 200)
        clamped = False
        if previous is not None and previous.span.close_pos + 1 >= begin:
            begin, clamped = previous.span.close_pos + 1, True
        window = masked[begin : span.open_pos]
        start = _sentence_start(window)
        before = window[start:]
        pend = self.paragraphs[span.para_last][1]
        after_start = span.close_pos + 1
        after = masked[after_start : min(pend, next_open, after_start + 150)]
        return _Context(
            before=before,
            before_start=begin + start,
            after=after,
            after_start=after_start,
            at_paragraph_start=begin + start == pstart and not before.strip(" —–-"),
            same_sentence_as_previous=clamped and start == 0 and begin > pstart,
        )

    def _quote(
        self,
        span: _Span,
        words: str,
        kind: str,
        speaker: str | None,
        attribution: _Attribution | None,
        how: str | None,
    ) -> FoundQuote:
        return FoundQuote(
            start=span.parts[0][0],
            end=span.parts[-1][1],
            text=words,
            speaker=speaker,
            speaker_as_written=attribution.written if attribution else None,
            verb=attribution.verb if attribution else None,
            parts=tuple(span.parts),
            kind=kind,
            attribution=how,
        )

    def _kind(self, span: _Span, words: str, context: _Context) -> str:
        """ "speech", "scare" (so-called “reforms”) or "title" (the book “The Long Winter”)."""
        if span.block:
            return "speech"
        before = context.before
        if before.rstrip().lower().endswith(("so-called", "so called")):
            return "scare"
        word_count = _word_count(words)
        if word_count > 12 or words[-1:] in _TERMINAL:
            return "speech"
        # A title follows its noun or naming verb directly: the book “…”, a film called
        # ‘…’, a report, titled “…”. With a word between ("calls the plan a “…”") the
        # quoted words are something said about it.
        recent = [w.lower() for w in _WORD_RE.findall(" ".join(before[-60:].split()[-3:]))]
        if recent and (
            recent[-1] in _TITLE_NOUNS
            or recent[-1] in _NAMING_VERBS
            or any(w in ("titled", "entitled") for w in recent)
        ):
            return "title"
        if (
            word_count <= 8
            and before.strip()
            and _is_title_case(words)
            and not (
                self._has_hint(context.after_start, context.after_start + 60)
                and _parse_after(context.after[:60], context.after_start)
            )
        ):
            return "title"
        return "speech"

    def _attribute(
        self, span: _Span, words: str, context: _Context, previous: _Previous | None
    ) -> tuple[FoundQuote | None, int]:
        """The quotation with its speaker, or None when it is a scare quote after all
        (a few words mid-sentence with no one said to have said them)."""
        before, before_start = context.before, context.before_start
        if span.block or context.at_paragraph_start:
            intro = self._intro_paragraph(span)
            if intro is not None:
                before, before_start = intro
        terminal = words[-1:] in _TERMINAL
        word_count = _word_count(words)
        sentence_like = (
            span.block
            or terminal
            or word_count >= 8
            or (context.at_paragraph_start and word_count >= 4)
            or before.rstrip().endswith(":")
        )
        speaker: str | None = None
        attribution, how = span.gap_attribution, "interrupted"
        after_end = context.after_start + len(context.after)
        after_hint = self._has_hint(context.after_start, after_end)
        if attribution is None and not span.block and after_hint:
            attribution, how = _parse_after(context.after, context.after_start), "after"
        if (
            attribution is None
            and (before.strip() or span.block)
            and self._has_hint(before_start, before_start + len(before))
        ):
            attribution, how = _parse_before(before, before_start), "before"
        if attribution is not None:
            speaker = self._resolve(attribution)
        elif not span.block and after_hint:
            attribution = _according_anywhere(context.after, context.after_start)
            how = "according to"
            speaker = self._resolve(attribution) if attribution is not None else None
            if speaker is None:
                attribution = None  # "“AI-powered” thermostats, according to the firm"
        attribution_end = attribution.end if attribution and how == "after" else span.close_pos + 1
        if attribution is not None:
            quote = self._quote(span, words, "speech", speaker, attribution, how)
        elif previous is not None and context.same_sentence_as_previous:
            speaker = previous.quote.speaker
            quote = self._quote(span, words, "speech", speaker, None, "same sentence")
        elif not sentence_like:
            return None, attribution_end
        else:
            quote = self._unattributed(span, words, terminal, previous, before_start)
        return quote, attribution_end

    def _unattributed(
        self,
        span: _Span,
        words: str,
        terminal: bool,
        previous: _Previous | None,
        sentence_start: int,
    ) -> FoundQuote:
        """A quotation with no attribution of its own: it continues the quotation just
        before it, or takes the speaker of the sentence before it, or has none."""
        if previous is not None and terminal and previous.quote.speaker:
            gap = self.masked[previous.attribution_end : span.open_pos]
            if previous.attribution_end <= span.open_pos and not gap.strip(" \n\t.,;:—–"):
                speaker = previous.quote.speaker
                return self._quote(span, words, "speech", speaker, None, "continuation")
        sentence = self._previous_sentence(span, sentence_start)
        if sentence is not None and self._has_hint(sentence[1], sentence[1] + len(sentence[0])):
            attribution = _parse_before(sentence[0], sentence[1])
            if attribution is not None and attribution.speaker_tokens is not None:
                speaker = self._resolve(attribution)
                if speaker is not None:
                    how = "previous sentence"
                    return self._quote(span, words, "speech", speaker, attribution, how)
        return self._quote(span, words, "speech", None, None, None)

    def _intro_paragraph(self, span: _Span) -> tuple[str, int] | None:
        """The sentence ending in a colon that introduces a quotation or block quote."""
        if span.para_first == 0:
            return None
        pstart, pend, _ = self.paragraphs[span.para_first - 1]
        if self.masked[pend - 1] != ":":
            return None
        begin = max(pstart, pend - 240)
        window = self.masked[begin:pend]
        start = _sentence_start(window)
        return window[start:], begin + start

    def _previous_sentence(self, span: _Span, sentence_start: int) -> tuple[str, int] | None:
        pstart = self.paragraphs[span.para_first][0]
        if sentence_start > pstart:
            begin, end = max(pstart, sentence_start - 240), sentence_start
        else:
            if span.para_first == 0:
                return None
            previous_start, previous_end, kind = self.paragraphs[span.para_first - 1]
            if kind.startswith("h"):
                return None
            begin, end = max(previous_start, previous_end - 240), previous_end
        window = self.masked[begin:end].rstrip()
        start = _sentence_start(window.rstrip(_TERMINAL + "”’\"'"))
        return window[start:], begin + start

    def _resolve(self, attribution: _Attribution) -> str | None:
        people = self.people
        tokens = attribution.speaker_tokens
        if tokens is None or attribution.kind in ("indefinite", "none"):
            return None
        person: _Person | None = None
        if attribution.kind == "pronoun":
            gender = _PRONOUNS.get(tokens[0])
            if gender is None:
                return None
            person = people.nearest(attribution.position, gender, self.spoken)
            if person is not None and people.gender_of(person) is None:
                person.gender = gender
        elif attribution.kind == "role":
            person = people.resolve_role(tokens)
        else:
            words = [w for w in tokens if w.lower() != "the"]
            first = 0
            for index, word in enumerate(words):
                if _is_title_word(word):
                    first = index + 1
            while first < len(words) - 1 and words[first][0].islower():
                first += 1  # "economist Priyanka Raman"
            names = words[first:] or words
            names[-1] = names[-1][:-2] if names[-1].endswith(("’s", "'s")) else names[-1]
            key = tuple(w.lower() for w in names)
            if key in people.organisations:
                return " ".join(names)
            person = people.resolve_words(key)
            if person is None:
                if key in people.by_tail:
                    return None  # several people go by this name
                person = people.add(names)
        if person is None:
            return None
        bisect.insort(self.spoken, (attribution.position, person), key=lambda item: item[0])
        return person.name


def _word_count(words: str, cap: int = 13) -> int:
    """Words in `words`, counted up to `cap` (all the classification needs)."""
    return len(words.split(maxsplit=cap))


def _is_title_case(words: str) -> bool:
    tokens = _WORD_RE.findall(words)
    if len(tokens) < 2:
        return False
    capitalised = [t for t in tokens if t[0].isupper()]
    minor = {"a", "an", "the", "of", "for", "and", "or", "in", "on", "at", "to", "by", "with"}
    return all(t[0].isupper() or t in minor for t in tokens) and len(capitalised) >= 2
