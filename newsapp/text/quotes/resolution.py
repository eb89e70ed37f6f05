"""Classifying each quotation (speech, scare quote, title) and resolving its speaker to the
fullest name the article gives."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .attribution import _according_anywhere, _parse_after, _parse_before
from .classify import _Context, _word_count, is_imagined, kind_of, repeated_texts
from .lexicon import _PARTICLE_SET, _PRONOUNS, _TERMINAL, hint_positions
from .people import _People, _Person
from .phrases import _is_title_word, _sentence_start
from .records import FoundQuote, _Attribution, _Span

# Speakers of a statement, named by their organisation: "a WeWork spokesperson".
_SPOKESPEOPLE = frozenset(
    {"spokesperson", "spokesman", "spokeswoman", "spokespeople", "representative", "statement"}
)
# What only says where a fact came from.
_ACCORDING_VERBS = frozenset({"according to", "selon", "laut", "según", "secondo"})


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
        self.hints = hint_positions(masked)

    def _has_hint(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.hints, start)
        return index < len(self.hints) and self.hints[index] < end

    def run(self, spans: list[_Span], include_other: bool) -> list[FoundQuote]:
        found: list[FoundQuote] = []
        previous: _Previous | None = None
        repeated = repeated_texts(self.text, spans)
        for index, span in enumerate(spans):
            parts = span.parts
            if len(parts) == 1:
                words = self.text[parts[0][0] : parts[0][1]]
            else:
                words = " ".join(self.text[s:e] for s, e in parts)
            if not words.strip():
                continue
            next_open = spans[index + 1].open_pos if index + 1 < len(spans) else len(self.text)
            context = self._context(span, previous, next_open)
            after = self._after_attribution(span, context)
            kind = kind_of(span, words, context, repeated, after is not None)
            quote, attribution_end = None, span.close_pos + 1
            if kind == "speech":
                outcome, attribution_end = self._attribute(span, words, context, previous, after)
                if isinstance(outcome, str):
                    kind = outcome
                else:
                    quote = outcome
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
        same_sentence = clamped and start == 0 and begin > pstart
        if clamped and previous is not None and previous.attribution_end > begin + start:
            # The attribution that follows the previous quotation is not this one's.
            start = min(previous.attribution_end, span.open_pos) - begin
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
            same_sentence_as_previous=same_sentence,
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

    def _after_attribution(self, span: _Span, context: _Context) -> _Attribution | None:
        """The attribution right after the closing mark (“…,” she said), if any."""
        if span.block:
            return None
        after_end = context.after_start + len(context.after)
        if not self._has_hint(context.after_start, after_end):
            return None
        words_end = self.text[span.parts[-1][1] - 1]
        if (
            words_end in ".?!"
            and context.after.rstrip()[-1:] in ",:"
            and (after_end < self.paragraphs[span.para_last][1])
        ):
            return None  # “…wisely.” Aslam said, “…”: it introduces the next quotation
        return _parse_after(context.after, context.after_start)

    def _attribute(
        self,
        span: _Span,
        words: str,
        context: _Context,
        previous: _Previous | None,
        after: _Attribution | None,
    ) -> tuple[FoundQuote | str, int]:
        """The quotation with its speaker, or the kind it turned out to be instead: "scare"
        (a few words mid-sentence that no one is said to have said) or "thought"."""
        if span.signature is not None:
            return self._signed(span, words), span.close_pos + 1
        before, before_start = context.before, context.before_start
        if span.block or context.at_paragraph_start:
            intro = self._intro_paragraph(span)
            if intro is not None:
                before, before_start = intro
        speaker: str | None = None
        attribution, how = span.gap_attribution, "interrupted"
        if attribution is None and after is not None:
            attribution, how = after, "after"
        if attribution is None and is_imagined(before):
            return "thought", span.close_pos + 1
        if (
            attribution is None
            and (before.strip() or span.block)
            and (
                self._has_hint(before_start, before_start + len(before))
                or before.rstrip().endswith(":")
            )
        ):
            attribution, how = _parse_before(before, before_start), "before"
        if attribution is not None:
            speaker = self._resolve(attribution)
        elif not span.block and self._has_hint(
            context.after_start, context.after_start + len(context.after)
        ):
            attribution = _according_anywhere(context.after, context.after_start)
            how = "according to"
            speaker = self._resolve(attribution) if attribution is not None else None
            if speaker is None:
                attribution = None  # "“AI-powered” thermostats, according to the firm"
        attribution_end = attribution.end if attribution and how == "after" else span.close_pos + 1
        if attribution is not None:
            return self._quote(span, words, "speech", speaker, attribution, how), attribution_end
        outcome = self._without_attribution(span, words, context, previous, before, before_start)
        return outcome, attribution_end

    def _without_attribution(
        self,
        span: _Span,
        words: str,
        context: _Context,
        previous: _Previous | None,
        before: str,
        before_start: int,
    ) -> FoundQuote | str:
        """A quotation nothing next to it attributes: it goes on from the one before, or
        stands as a sentence of its own (and may take the speaker of the sentence before),
        or it is a few words quoted mid-sentence: a scare quote."""
        word_count = _word_count(words)
        terminal = words[-1:] in _TERMINAL
        if previous is not None and context.same_sentence_as_previous and word_count > 1:
            speaker = previous.quote.speaker
            return self._quote(span, words, "speech", speaker, None, "same sentence")
        continued = self._continuation(span, words, terminal, previous)
        if continued is not None:
            return continued
        spoken_intro = self._has_hint(before_start, before_start + len(before))
        sentence_like = (
            span.block
            or (terminal and word_count >= 3)
            or word_count >= 8
            or (context.at_paragraph_start and word_count >= 4)
            or (before.rstrip().endswith(":") and (word_count >= 3 or spoken_intro))
        )
        if not sentence_like:
            return "scare"
        return self._unattributed(span, words, previous, before_start)

    def _signed(self, span: _Span, words: str) -> FoundQuote:
        """A post or review with the signature line after it."""
        name = span.signature or ""
        names = name.split()
        first = 0
        for index, word in enumerate(names[:-1]):
            if _is_title_word(word.rstrip(".")):
                first = index + 1  # "Governor Kristi Noem"
        names = names[first:]
        key = tuple(word.lower() for word in names)
        person = self.people.resolve_words(key) or self.people.resolve_given_form(key)
        speaker = person.name if person is not None else " ".join(names)
        if person is not None:
            bisect.insort(self.spoken, (span.open_pos, person), key=lambda item: item[0])
        attribution = _Attribution(names, "name", name, None, span.close_pos, span.close_pos)
        return self._quote(span, words, "speech", speaker, attribution, "signed")

    def _continuation(
        self, span: _Span, words: str, terminal: bool, previous: _Previous | None
    ) -> FoundQuote | None:
        """A further sentence of the quotation just before, with nothing said between."""
        if previous is None or not terminal or not previous.quote.speaker:
            return None
        gap = self.masked[previous.attribution_end : span.open_pos]
        if previous.attribution_end > span.open_pos or gap.strip(" \n\t.,;:—–"):
            return None
        return self._quote(span, words, "speech", previous.quote.speaker, None, "continuation")

    def _unattributed(
        self, span: _Span, words: str, previous: _Previous | None, sentence_start: int
    ) -> FoundQuote:
        """A quotation with no attribution of its own: it takes the speaker of the sentence
        before it, or has none. An "according to" in the paragraph before says where a fact
        came from, not who speaks next."""
        sentence = self._previous_sentence(span, sentence_start)
        if sentence is not None and self._has_hint(sentence[1], sentence[1] + len(sentence[0])):
            attribution = _parse_before(sentence[0], sentence[1])
            if attribution is not None and attribution.speaker_tokens is not None:
                earlier_paragraph = sentence[1] < self.paragraphs[span.para_first][0]
                if not (earlier_paragraph and attribution.verb in _ACCORDING_VERBS):
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
        if tokens is None or attribution.kind == "none":
            return None
        if attribution.kind in ("indefinite", "role"):
            organisation = _organisation(tokens)
            if organisation is not None:
                return organisation  # "a WeWork spokesperson said"
            if attribution.kind == "indefinite":
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
            names = _trailing_name(tokens)
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


def _trailing_name(tokens: list[str]) -> list[str]:
    """The name at the end of an attribution's words, without the titles, roles and
    organisations before it: "NASA planetary scientist Lucas Paganini", "Gov. Kristi Noem",
    "chairman, CEO and president Craig Menear", "the 14th-ranked Schwartzman"."""
    first = len(tokens)
    while first > 0:
        word = tokens[first - 1]
        if word[:1].isupper() and not (len(word) > 1 and word.isupper()):
            if _is_title_word(word) and first < len(tokens):
                break
        elif not (word in _PARTICLE_SET and first < len(tokens)):
            break
        first -= 1
    while first < len(tokens) and tokens[first] in _PARTICLE_SET:
        first += 1
    names = tokens[first:] or tokens[-1:]
    if names[0].lower() == "the" and len(names) > 1:
        names = names[1:]
    names[-1] = names[-1][:-2] if names[-1].endswith(("’s", "'s")) else names[-1]
    return names


def _organisation(tokens: list[str]) -> str | None:
    """The organisation in "a WeWork spokesperson", "the Treasury's statement"."""
    if tokens[-1].lower() not in _SPOKESPEOPLE:
        return None
    names = [_base_name(token) for token in tokens[1:-1] if token[:1].isupper()]
    return " ".join(names) or None


def _base_name(token: str) -> str:
    return token[:-2] if token.endswith(("’s", "'s")) else token
