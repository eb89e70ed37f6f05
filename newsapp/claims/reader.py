"""What the reader page shows of quotes and claims, in a fixed number of queries (the marks
themselves are decided in `layer`).

- `reader_claims`: the Quotes panel, the "Readers added context" box and the JSON-LD. The part
  that only depends on the article is cached per article state and shared by every viewer; the
  context carried over from the same quote in other articles is read per request (one query, or
  none when no quote of the article is quoted elsewhere), because a change to a note in another
  article does not touch this article's state.
- `attach_note_extras`: per note card, its status, the viewer's rating and the claim's
  speaker, for a page of cards at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse

from newsapp.annotations.models import Annotation, ContextSource
from newsapp.annotations.scoring import ORDERING_EXPLANATION, sort_key
from newsapp.annotations.scoring import NoteScore as Score
from newsapp.reader import cache

from .models import NoteRating, NoteScore, NoteStatus, Quote
from .ratings import CONTEXT_KINDS, context_notes

# A claim this close to a quote (the quote marks themselves) is taken as part of it.
QUOTE_REACH = 2
MAX_OFFSITE_SPANS = 60


@dataclass(frozen=True)
class SourceView:
    url: str
    title: str
    stance: str
    stance_label: str


@dataclass
class ContextItem:
    """A context note shown in the "Readers added context" box."""

    public_id: str
    kind: str
    exact: str
    note_html: str
    author: str
    created_at: datetime
    score: float
    ratings: int
    start: int | None
    sources: list[SourceView] = field(default_factory=list)
    speaker: str = ""
    anchor: str = ""  # where on this page the claim is: "hl-<id>" or "q-<quote>"
    article_title: str = ""
    article_url: str = ""
    elsewhere: bool = False

    @property
    def url(self) -> str:
        return reverse("annotations:permalink", kwargs={"public_id": self.public_id})


@dataclass(frozen=True)
class AlsoQuoted:
    quote_pk: int
    article_title: str
    article_url: str
    same_wording: bool

    @property
    def url(self) -> str:
        return f"{self.article_url}#q-{self.quote_pk}"


@dataclass
class PanelQuote:
    pk: int
    text: str
    start: int
    end: int
    speaker: str
    speaker_slug: str
    machine: str  # the machine's guess ("" when it had none)
    corrected: bool
    corrections: int
    also: list[AlsoQuoted] = field(default_factory=list)
    offsite_notes: int = 0

    @property
    def anchor(self) -> str:
        return f"q-{self.pk}"

    @property
    def item_fragment(self) -> str:
        return f"#quote-item-{self.pk}"

    @property
    def url(self) -> str:
        return reverse("claims:quote", kwargs={"pk": self.pk})

    @property
    def speaker_url(self) -> str:
        return reverse("claims:speaker", kwargs={"slug": self.speaker_slug})


@dataclass
class ArticleClaims:
    """The cached, viewer-independent part."""

    quotes: list[PanelQuote]
    context: list[ContextItem]
    # (this article's quote, other article id, other quote start, end) for each link
    links: list[tuple[int, int, int, int, str, str]]


@dataclass
class ReaderClaims:
    article: object
    quotes: list[PanelQuote]
    context: list[ContextItem]
    explanation: str = ORDERING_EXPLANATION

    @property
    def claims_url(self) -> str:
        return reverse("claims:article_claims", kwargs={"slug": self.article.slug})

    @property
    def attributed(self) -> int:
        return sum(1 for quote in self.quotes if quote.speaker)


# --- panel, context box ------------------------------------------------------------------------


def reader_claims(article) -> ReaderClaims:
    """The Quotes panel, the context box and the JSON-LD's data, the same for every viewer.

    Cached with the article's stamp, which also changes when a note changes in an article
    that carries one of the same quotes (`ClaimsLayer.articles_changed`), since context follows
    the quote."""
    quotes, context = cache.cached(
        cache.page_key(article, variant="claims"), lambda: _claims_and_context(article)
    )
    return ReaderClaims(article=article, quotes=quotes, context=context)


def _claims_and_context(article) -> tuple[list[PanelQuote], list[ContextItem]]:
    claims = article_claims(article)
    quotes, context = claims.quotes, list(claims.context)
    if claims.links:
        here = {item.public_id for item in context}
        context += [
            item for item in offsite_context(claims.links, quotes) if item.public_id not in here
        ]
    return quotes, context


def article_claims(article) -> ArticleClaims:
    rows = (
        Quote.objects.in_article(article)
        .with_speakers()
        .annotate(correction_count=Count("corrections"))
    )
    quotes = [panel_quote(quote, quote.correction_count) for quote in rows]
    by_pk = {quote.pk: quote for quote in quotes}
    links = []
    through = Quote.same_quotes.through
    link_rows = (
        through.objects.filter(from_quote__article=article)
        .order_by("to_quote__article__title", "to_quote_id")
        .values_list(
            "from_quote_id",
            "to_quote_id",
            "to_quote__article_id",
            "to_quote__start",
            "to_quote__end",
            "to_quote__article__title",
            "to_quote__article__slug",
            "to_quote__normalized",
            "from_quote__normalized",
        )
    )
    for mine, other, other_article, start, end, title, slug, other_text, my_text in link_rows:
        url = reverse("articles:detail", kwargs={"slug": slug})
        by_pk[mine].also.append(AlsoQuoted(other, title, url, other_text == my_text))
        links.append((mine, other_article, start, end, title, url))
    notes = list(
        context_notes()
        .filter(article=article, score__status=NoteStatus.HELPFUL)
        .select_related("author", "score")
    )
    context = context_items(notes, quotes)
    return ArticleClaims(quotes=quotes, context=context, links=links)


def panel_quote(quote: Quote, corrections: int) -> PanelQuote:
    """A quote as the panel and the quote page show it (`quote` with its speakers loaded)."""
    shown = quote.shown_speaker
    return PanelQuote(
        pk=quote.pk,
        text=quote.text,
        start=quote.start,
        end=quote.end,
        speaker=shown.name if shown else "",
        speaker_slug=shown.slug if shown else "",
        machine=quote.speaker.name if quote.speaker else "",
        corrected=quote.is_corrected,
        corrections=corrections,
    )


def context_items(notes: list[Annotation], quotes: list[PanelQuote]) -> list[ContextItem]:
    """Helpful notes as box items, best first, with their sources (one query)."""
    sources: dict[int, list[SourceView]] = {}
    if notes:
        for source in ContextSource.objects.filter(annotation__in=notes):
            sources.setdefault(source.annotation_id, []).append(
                SourceView(source.url, source.title, source.stance, source.get_stance_display())
            )
    ranked = sorted(notes, key=lambda note: sort_key(note.pk, _score_of(note), note.created_at))
    return [
        ContextItem(
            public_id=note.public_id,
            kind=note.kind,
            exact=note.exact,
            note_html=note.note_html,
            author=note.author.username,
            created_at=note.created_at,
            score=note.score.score,
            ratings=note.score.ratings,
            start=note.start,
            sources=sources.get(note.pk, []),
            speaker=speaker_for(note.start, note.end, quotes),
            anchor=f"hl-{note.public_id}",
        )
        for note in ranked
    ]


def _score_of(note: Annotation) -> Score:
    stored = getattr(note, "score", None)
    if stored is None:
        return Score(0.0, "wilson", "needs_ratings", 0, None)
    return Score(stored.score, stored.method, stored.status, stored.ratings, stored.factor)


def speaker_for(start: int | None, end: int | None, quotes) -> str:
    """The speaker of the quote a claim lies in (or touches), if any."""
    if start is None or end is None:
        return ""
    for quote in quotes:
        if quote.speaker and start < quote.end + QUOTE_REACH and end > quote.start - QUOTE_REACH:
            return quote.speaker
    return ""


def offsite_context(links, quotes: list[PanelQuote]) -> list[ContextItem]:
    """Context notes on the same quotation in other articles: counted per quote in the panel;
    the helpful ones go to the box, shown at this article's quote. One query, two when some
    are helpful."""
    by_pk = {quote.pk: quote for quote in quotes}
    links = links[:MAX_OFFSITE_SPANS]
    condition = Q()
    for _, other_article, start, end, _, _ in links:
        condition |= Q(article_id=other_article, start__lt=end, end__gt=start)
    notes = list(context_notes().filter(condition).select_related("author", "score"))
    helpful: list[Annotation] = []
    matched: dict[str, tuple[PanelQuote, str, str]] = {}
    for note in notes:
        for mine, other_article, start, end, title, url in links:
            if note.article_id == other_article and note.start < end and note.end > start:
                by_pk[mine].offsite_notes += 1
                if _score_of(note).status == NoteStatus.HELPFUL:
                    matched[note.public_id] = (by_pk[mine], title, url)
                    helpful.append(note)
                break
    items = context_items(helpful, quotes)
    for item in items:
        quote, title, url = matched[item.public_id]
        item.exact, item.speaker, item.anchor = quote.text, quote.speaker, quote.anchor
        item.article_title, item.article_url, item.elsewhere = title, url, True
    return items


# --- note cards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteExtras:
    """What a note card shows about a claim or quote: its speaker and, for a context note,
    its status and the viewer's rating."""

    context_note: bool
    status: str
    score: float
    status_label: str
    ratings: int
    my_rating: str
    own: bool
    speaker: str
    speaker_slug: str

    @property
    def speaker_url(self) -> str:
        return reverse("claims:speaker", kwargs={"slug": self.speaker_slug})

    @property
    def shown(self) -> bool:
        return self.status == NoteStatus.HELPFUL

    @property
    def explanation(self) -> str:
        return ORDERING_EXPLANATION


def attach_note_extras(notes: list[Annotation], user) -> None:
    """`note.claim` for each card: three or four queries for the whole page of cards."""
    relevant = [note for note in notes if note.kind in CONTEXT_KINDS and note.parent_id is None]
    if not relevant:
        for note in notes:
            note.claim = None
        return
    ids = [note.pk for note in relevant]
    scores = {score.annotation_id: score for score in NoteScore.objects.filter(annotation__in=ids)}
    context_ids = set(context_notes().filter(pk__in=ids).values_list("pk", flat=True))
    mine: dict[int, str] = {}
    if user is not None and user.is_authenticated:
        mine = dict(
            NoteRating.objects.filter(rater=user, annotation__in=ids).values_list(
                "annotation_id", "value"
            )
        )
    spans: dict[int, list] = {}
    rows = Quote.objects.filter(article_id__in={note.article_id for note in relevant})
    for article_id, start, end, name, slug in rows.values_list(
        "article_id", "start", "end", "shown_speaker__name", "shown_speaker__slug"
    ):
        if name:
            spans.setdefault(article_id, []).append((start, end, name, slug))
    for note in notes:
        if note not in relevant:
            note.claim = None
            continue
        speaker, slug = "", ""
        if note.start is not None and note.end is not None:
            for start, end, name, quote_slug in spans.get(note.article_id, []):
                if note.start < end + QUOTE_REACH and note.end > start - QUOTE_REACH:
                    speaker, slug = name, quote_slug
                    break
        score = scores.get(note.pk)
        status = score.status if score else NoteStatus.NEEDS_RATINGS
        note.claim = NoteExtras(
            context_note=note.pk in context_ids,
            status=status,
            score=score.score if score else 0.0,
            status_label=NoteStatus(status).label,
            ratings=score.ratings if score else 0,
            my_rating=mine.get(note.pk, ""),
            own=user is not None and user.is_authenticated and note.author_id == user.pk,
            speaker=speaker,
            speaker_slug=slug,
        )
