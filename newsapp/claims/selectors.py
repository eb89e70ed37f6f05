"""Reads behind the claims pages: an article's claims, a speaker's quotes, one quote's story.

Every listing of annotations starts from `Annotation.objects.visible_to(user)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Max, Q

from newsapp.annotations.cards import with_card_details
from newsapp.annotations.models import AnchorState, Annotation, Kind
from newsapp.annotations.scoring import NoteScore as Score
from newsapp.annotations.scoring import sort_key
from newsapp.text.diff import diff_html

from .models import AttributionCorrection, Quote
from .ratings import CONTEXT_KINDS
from .reader import PanelQuote, panel_quote

MAX_CLAIMS = 300
QUOTES_PER_PAGE = 20


class ClaimStatus:
    SHOWN = "shown"
    PROPOSED = "proposed"
    NONE = "none"
    LABELS = {
        SHOWN: "Context shown",
        PROPOSED: "Context proposed",
        NONE: "No context yet",
    }
    ORDER = (SHOWN, PROPOSED, NONE)


@dataclass
class ClaimGroup:
    """Readers' claim marks over the same words, with the context notes among them."""

    start: int | None
    end: int | None
    words: str
    marks: list[Annotation] = field(default_factory=list)
    notes: list[Annotation] = field(default_factory=list)
    orphaned: bool = False

    @property
    def status(self) -> str:
        if any(note.claim.shown for note in self.notes):
            return ClaimStatus.SHOWN
        return ClaimStatus.PROPOSED if self.notes else ClaimStatus.NONE

    @property
    def status_label(self) -> str:
        return ClaimStatus.LABELS[self.status]

    @property
    def speaker(self):
        """The note extras of the first mark that knows the claim's speaker (or None)."""
        return next((mark.claim for mark in self.marks if mark.claim and mark.claim.speaker), None)

    @property
    def anchor(self) -> str:
        return f"hl-{self.marks[0].public_id}"


def note_rank(note: Annotation) -> tuple:
    extras = note.claim
    score = Score(extras.score, "bridging", extras.status, extras.ratings, None)
    return sort_key(note.pk, score, note.created_at)


def says_something(note: Annotation) -> bool:
    """A context note (`ratings.context_notes`, read by `with_card_details`)."""
    return bool(note.claim and note.claim.context_note)


def claim_groups(article, user) -> list[ClaimGroup]:
    """The article's claims the viewer may see, grouped where readers marked overlapping
    words, in text order (orphaned claims last)."""
    claims = list(
        Annotation.objects.visible_to(user)
        .top_level()
        .filter(article=article, kind=Kind.CLAIM)
        .select_related("author")
        .order_by("start", "created_at", "pk")[:MAX_CLAIMS]
    )
    with_card_details(claims, user)
    groups: list[ClaimGroup] = []
    orphans: list[ClaimGroup] = []
    for claim in claims:
        if claim.anchor_state != AnchorState.ANCHORED or claim.start is None:
            orphans.append(ClaimGroup(None, None, claim.exact, [claim], orphaned=True))
            continue
        current = groups[-1] if groups else None
        if current is not None and claim.start < current.end:
            current.end = max(current.end, claim.end)
            current.marks.append(claim)
        else:
            groups.append(ClaimGroup(claim.start, claim.end, "", [claim]))
    for group in groups:
        group.words = article.body_text[group.start : group.end]
    for group in groups + orphans:
        group.notes = sorted(filter(says_something, group.marks), key=note_rank)
    return groups + orphans


def count_by_status(groups: list[ClaimGroup]) -> dict[str, int]:
    counts = dict.fromkeys(ClaimStatus.ORDER, 0)
    for group in groups:
        counts[group.status] += 1
    return counts


# --- speakers --------------------------------------------------------------------------------


def overlapping(quotes) -> Q:
    """Annotations on any of these quotes' words (a condition for one query)."""
    conditions = [Q(article_id=q.article_id, start__lt=q.end, end__gt=q.start) for q in quotes]
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def attach_annotations(quotes: list[Quote], user) -> None:
    """`quote.annotations`: the readers' annotations on each quote that the viewer may see."""
    found = list(
        Annotation.objects.visible_to(user)
        .top_level()
        .filter(overlapping(quotes))
        .select_related("author")
        .order_by("start", "created_at")
    )
    with_card_details(found, user)
    for quote in quotes:
        quote.annotations = [
            note
            for note in found
            if note.article_id == quote.article_id
            and note.start is not None
            and note.start < quote.end
            and note.end > quote.start
        ]


def speaker_page_key(speaker) -> str:
    """The key of a speaker's signed-out page. It shows the quotes given to them or taken from
    them, and the notes on those quotes' words; every note, rating and correction on an
    article moves that article's stamp, so the page changes only when these figures do."""
    state = Quote.objects.filter(Q(shown_speaker=speaker) | Q(speaker=speaker)).aggregate(
        quotes=Count("pk"),
        newest=Max("pk"),
        notes=Max("article__annotations_changed_at"),
        texts=Max("article__updated_at"),
    )
    parts = [speaker.pk, state["quotes"], state["newest"] or 0]
    parts += [stamp.timestamp() if stamp else 0 for stamp in (state["notes"], state["texts"])]
    return "gloss:speaker:" + ":".join(str(part) for part in parts)


def reattributed_away(speaker) -> list[Quote]:
    """Quotes the machine gave to `speaker` that readers attribute to someone else."""
    return list(
        Quote.objects.filter(speaker=speaker)
        .exclude(shown_speaker=speaker)
        .select_related("article", "shown_speaker")
        .defer("article__body_html", "article__body_text")
        .order_by("-created_at")[:20]
    )


# --- one quote ---------------------------------------------------------------------------------


@dataclass
class QuoteStory:
    quote: Quote
    panel: PanelQuote
    tally: list[tuple[str, str, int]]  # (name, slug, readers) of readers' answers
    my_answer: str
    others: list[Quote]
    notes: list[Annotation]


def quote_story(quote: Quote, user) -> QuoteStory:
    """A quote with who readers say said it, the same quotation elsewhere (with the wording
    differences) and the context notes on it in every article that carries it."""
    corrections = AttributionCorrection.objects.filter(quote=quote)
    tally = [
        (row["speaker__name"], row["speaker__slug"], row["readers"])
        for row in corrections.values("speaker__name", "speaker__slug")
        .annotate(readers=Count("pk"))
        .order_by("-readers", "speaker__name")
    ]
    my_answer = ""
    if user.is_authenticated:
        mine = corrections.filter(reader=user).values_list("speaker__name", flat=True).first()
        my_answer = mine or ""
    others = list(
        quote.same_quotes.select_related("article", "shown_speaker")
        .defer("article__body_html", "article__body_text")
        .order_by("article__published_at", "pk")
    )
    for other in others:
        other.same_wording = other.normalized == quote.normalized
        other.wording_diff = "" if other.same_wording else diff_html(quote.text, other.text)
    notes = list(
        Annotation.objects.visible_to(user)
        .top_level()
        .filter(kind__in=CONTEXT_KINDS)
        .filter(overlapping([quote, *others]))
        .select_related("author", "article")
        .defer("article__body_html", "article__body_text")
    )
    with_card_details(notes, user)
    notes = sorted(
        (note for note in notes if says_something(note)),
        key=note_rank,
    )
    return QuoteStory(
        quote=quote,
        panel=panel_quote(quote, sum(count for _, _, count in tally)),
        tally=tally,
        my_answer=my_answer,
        others=others,
        notes=notes,
    )
