"""Writes of the claims app: quotes found in an article, readers' attribution corrections.

Ratings of context notes and their scores live in `ratings.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsapp import ratelimit
from newsapp.reader import layers
from newsapp.text.quotes import (
    SAME_QUOTE_THRESHOLD,
    FoundQuote,
    blocks_from_html,
    find_quotes,
    normalize_quote,
    quote_similarity,
    speaker_slug,
)
from newsapp.text.sanitize import clean_plain_text

from .linking import articles_quoting, quotes_link_later
from .models import AttributionCorrection, Quote, Speaker

MAX_SPEAKER_CHARS = 120
# Fuzzy carry-over of quotes between revisions compares every old quote with every new one.
MAX_FUZZY_CARRY = 200
CORRECTIONS_PER_MINUTE = 30
QUOTE_FIELDS = [
    "text",
    "normalized",
    "normalized_length",
    "start",
    "end",
    "parts",
    "speaker",
    "speaker_as_written",
    "verb",
    "updated_at",
]


@dataclass(frozen=True)
class QuotesRefreshResult:
    found: int
    kept: int
    added: int
    removed: int
    changed: bool

    def describe(self) -> str:
        return (
            f"{self.found} quote(s): {self.kept} kept, {self.added} added, {self.removed} removed."
        )


def quotes_refresh(*, article) -> QuotesRefreshResult:
    """Find the article's quotations and store them, keeping what readers said about them.

    A stored quote survives a new revision when its normalised text is found again (exactly,
    else by `quote_similarity`): it keeps its id, so readers' attribution corrections and
    links to it stay. Speakers are resolved to `Speaker` rows by slug. Marks the article as
    changed for the reader's cache only when something did change, and then asks for its quotes
    to be linked to the same quotations in other articles, in the background (`linking`).
    """
    found = [
        quote
        for quote in find_quotes(article.body_text, blocks_from_html(article.body_html))
        if quote.end > quote.start and quote.text.strip()
    ]
    with transaction.atomic():
        type(article).objects.select_for_update().filter(pk=article.pk).values_list("pk").first()
        existing = list(Quote.objects.filter(article=article).order_by("start"))
        before = {quote.pk: _signature(quote) for quote in existing}
        speakers = _speakers_for(found)
        pairs, new = _carry_over(existing, found)
        kept_ids = {quote.pk for quote, _ in pairs}
        removed = [quote.pk for quote in existing if quote.pk not in kept_ids]

        for quote, found_quote in pairs:
            _fill(quote, found_quote, speakers)
        Quote.objects.bulk_update([quote for quote, _ in pairs], QUOTE_FIELDS)
        added = Quote.objects.bulk_create(
            [_fill(Quote(article=article), found_quote, speakers) for found_quote in new]
        )
        if removed:  # their links go with them: the articles at the other end change now
            type(article).objects.filter(
                pk__in=articles_quoting(removed)
            ).mark_annotations_changed()
        Quote.objects.filter(pk__in=removed).delete()
        kept = [quote for quote, _ in pairs]
        _update_shown_speakers(kept)  # a new quote has no corrections: it shows the guess
        quotes = kept + list(added)

        after = {quote.pk: _signature(quote) for quote in quotes}
        changed = before != after
        if changed:
            article.mark_annotations_changed()
            quotes_link_later(article)
    return QuotesRefreshResult(
        found=len(found),
        kept=len(pairs),
        added=len(added),
        removed=len(removed),
        changed=changed,
    )


def _signature(quote: Quote) -> tuple:
    return (
        quote.text,
        quote.start,
        quote.end,
        [list(part) for part in quote.parts],
        quote.speaker_id,
        quote.shown_speaker_id,
    )


def _speakers_for(found: list[FoundQuote]) -> dict[str, Speaker]:
    """Speaker rows by slug for every speaker the finder named, creating the new ones."""
    names: dict[str, str] = {}
    for quote in found:
        if quote.speaker:
            name = clean_plain_text(quote.speaker)[:MAX_SPEAKER_CHARS]
            slug = speaker_slug(name)[:140]
            if slug:
                names.setdefault(slug, name)
    return _speaker_rows(names)


def _speaker_rows(names: dict[str, str]) -> dict[str, Speaker]:
    if not names:
        return {}
    known = {speaker.slug: speaker for speaker in Speaker.objects.filter(slug__in=names)}
    missing = [Speaker(name=name, slug=slug) for slug, name in names.items() if slug not in known]
    if missing:
        Speaker.objects.bulk_create(missing, ignore_conflicts=True)
        known = {speaker.slug: speaker for speaker in Speaker.objects.filter(slug__in=names)}
    return known


def _carry_over(
    existing: list[Quote], found: list[FoundQuote]
) -> tuple[list[tuple[Quote, FoundQuote]], list[FoundQuote]]:
    """Pair stored quotes with found ones: same normalised text first, then the most similar
    (at least SAME_QUOTE_THRESHOLD). Returns the pairs and the found quotes left unpaired."""
    by_text: dict[str, list[Quote]] = {}
    for quote in existing:
        by_text.setdefault(quote.normalized, []).append(quote)
    pairs: list[tuple[Quote, FoundQuote]] = []
    unpaired: list[FoundQuote] = []
    for found_quote in found:
        same = by_text.get(normalize_quote(found_quote.text))
        if same:
            pairs.append((same.pop(0), found_quote))
        else:
            unpaired.append(found_quote)
    leftovers = [quote for quotes in by_text.values() for quote in quotes]
    if not leftovers or not unpaired or len(leftovers) * len(unpaired) > MAX_FUZZY_CARRY**2:
        return pairs, unpaired
    candidates = sorted(
        (
            (quote_similarity(old.text, new.text), index, old)
            for index, new in enumerate(unpaired)
            for old in leftovers
        ),
        key=lambda item: (-item[0], item[1], item[2].start),
    )
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for similarity, index, old in candidates:
        if similarity < SAME_QUOTE_THRESHOLD:
            break
        if index in taken_new or old.pk in taken_old:
            continue
        taken_new.add(index)
        taken_old.add(old.pk)
        pairs.append((old, unpaired[index]))
    return pairs, [quote for index, quote in enumerate(unpaired) if index not in taken_new]


def _fill(quote: Quote, found: FoundQuote, speakers: dict[str, Speaker]) -> Quote:
    name = clean_plain_text(found.speaker or "")[:MAX_SPEAKER_CHARS]
    speaker = speakers.get(speaker_slug(name)[:140]) if name else None
    quote.text = found.text
    quote.normalized = normalize_quote(found.text)
    quote.normalized_length = len(quote.normalized)
    quote.start, quote.end = found.start, found.end
    quote.parts = [list(part) for part in found.parts] or [[found.start, found.end]]
    quote.speaker = speaker
    quote.speaker_as_written = clean_plain_text(found.speaker_as_written or "")[:200]
    quote.verb = (found.verb or "")[:40]
    if quote.pk is None:
        quote.shown_speaker = speaker
    quote.updated_at = timezone.now()
    return quote


# --- who said it: the machine's guess and readers' corrections ---------------------------------


def shown_speaker_for(machine: int | None, corrections: list[tuple[int, object]]) -> int | None:
    """The speaker readers see: the one with the most support, where each reader's correction
    is one vote and the machine's guess counts as one vote too and wins ties.

    `corrections` are (speaker id, time) pairs; among readers' answers with equal support the
    earliest wins. So one reader alone cannot overturn the machine, two can, and a quote the
    machine could not attribute takes the first reader's answer.
    """
    votes = Counter(speaker for speaker, _ in corrections)
    if machine is not None:
        votes[machine] += 1
    if not votes:
        return None
    first_seen: dict[int, object] = {}
    for speaker, when in sorted(corrections, key=lambda item: item[1]):
        first_seen.setdefault(speaker, when)
    order = {speaker: position for position, speaker in enumerate(first_seen)}
    return min(
        votes,
        key=lambda speaker: (-votes[speaker], speaker != machine, order.get(speaker, 0)),
    )


def _update_shown_speakers(quotes: list[Quote]) -> None:
    if not quotes:
        return
    corrections: dict[int, list[tuple[int, object]]] = {}
    rows = AttributionCorrection.objects.filter(quote__in=[quote.pk for quote in quotes])
    for quote_id, speaker_id, created in rows.values_list("quote_id", "speaker_id", "created_at"):
        corrections.setdefault(quote_id, []).append((speaker_id, created))
    changed = []
    for quote in quotes:
        shown = shown_speaker_for(quote.speaker_id, corrections.get(quote.pk, []))
        if shown != quote.shown_speaker_id:
            quote.shown_speaker_id = shown
            changed.append(quote)
    Quote.objects.bulk_update(changed, ["shown_speaker"])


def clean_speaker_name(raw: str) -> str:
    """A reader's speaker name as plain text, or ValidationError({"speaker": reason})."""
    if len(raw) > 4 * MAX_SPEAKER_CHARS:
        raise ValidationError({"speaker": f"Names are at most {MAX_SPEAKER_CHARS} characters."})
    name = clean_plain_text(raw).strip()
    if not name:
        raise ValidationError({"speaker": "Write the name of the person who said it."})
    if len(name) > MAX_SPEAKER_CHARS:
        raise ValidationError({"speaker": f"Names are at most {MAX_SPEAKER_CHARS} characters."})
    if not speaker_slug(name):
        raise ValidationError({"speaker": "A name needs letters."})
    return name


def attribution_correct(*, quote: Quote, reader, speaker_name: str) -> AttributionCorrection:
    """Record (or change) `reader`'s answer to who said `quote`; writes nothing if refused."""
    name = clean_speaker_name(speaker_name)
    slug = speaker_slug(name)[:140]
    limit = ratelimit.counted(
        "correct-attribution",
        reader.pk,
        limit=CORRECTIONS_PER_MINUTE,
        message=f"You have corrected {CORRECTIONS_PER_MINUTE} attributions in the last minute. "
        "Try again shortly.",
    )
    with limit, transaction.atomic():
        speaker = _speaker_rows({slug: name})[slug]
        before = (
            AttributionCorrection.objects.filter(quote=quote, reader=reader)
            .values_list("speaker_id", flat=True)
            .first()
        )
        correction, _ = AttributionCorrection.objects.update_or_create(
            quote=quote, reader=reader, defaults={"speaker": speaker}
        )
        _refresh_shown_speaker(quote)
        if before != speaker.pk:
            layers.follow_change(
                layers.Change(
                    layers.ATTRIBUTION_CORRECTED,
                    actor=reader,
                    quote=quote,
                    article=quote.article,
                    detail={"speaker": speaker.pk},
                )
            )
    return correction


def attribution_withdraw(*, quote: Quote, reader) -> None:
    with transaction.atomic():
        deleted, _ = AttributionCorrection.objects.filter(quote=quote, reader=reader).delete()
        if deleted:
            _refresh_shown_speaker(quote)


def _refresh_shown_speaker(quote: Quote) -> None:
    previous = quote.shown_speaker_id
    _update_shown_speakers([quote])
    if quote.shown_speaker_id != previous:
        quote.shown_speaker = (
            Speaker.objects.get(pk=quote.shown_speaker_id) if quote.shown_speaker_id else None
        )
    # The reader's cached marks carry the speaker's name, and the panel the correction counts.
    quote.article.mark_annotations_changed()


# --- the same quotation in other articles ------------------------------------------------------
