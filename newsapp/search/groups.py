"""The groups of results: what each searches, how the filters narrow it, and how its hits are
loaded (a fixed number of queries per group, whatever the data).

Every group that shows anything a reader wrote starts from `Annotation.objects.visible_to`
(`Context.notes`): notes and replies directly, context sources and tag counts through the notes
they belong to. A private note's words, tags and sources therefore reach nobody but its author.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import cached_property, reduce

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, slugify

from newsapp.annotations.models import Annotation, ContextSource, Tag
from newsapp.articles.models import Article
from newsapp.claims.models import Quote, Speaker
from newsapp.text.search_query import (
    QueryError,
    SearchQuery,
    has_word_characters,
    mark_words,
    markdown_as_text,
    marked_html,
)

from . import engines
from .results import WINDOW, Hit

Ranked = list[tuple[int, float]]  # (pk, score), best first
NAMES_LIMIT = 50  # people and tags: at most this many are listed
TAG_COUNT_CAP = 1_000  # a tag's note count reads "1,000+" past this


def marked(text: str | None) -> SafeString:
    return mark_safe(marked_html(text or ""))


def plain(text: str, chars: int) -> SafeString:
    return escape(Truncator(text).chars(chars))


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Context:
    user: object
    query: SearchQuery
    engine: engines.Engine

    @cached_property
    def notes(self) -> QuerySet:
        """The notes and replies this reader may see, narrowed by the search's filters."""
        query = self.query
        notes = Annotation.objects.visible_to(self.user)
        if query.mine:
            if not getattr(self.user, "is_authenticated", False):
                raise QueryError("Sign in to search your own notes with is:mine.")
            notes = notes.filter(author=self.user)
        if query.users:
            notes = notes.filter(
                reduce(lambda a, b: a | b, (Q(author__username__iexact=u) for u in query.users))
            )
        for tag in query.tags:
            notes = notes.filter(tags__name=tag)
        if query.kinds:
            kinds = [kind for kind in query.kinds if kind != "reply"]
            chosen = Q(kind__in=kinds, parent__isnull=True) if kinds else Q(pk__in=[])
            if "reply" in query.kinds:
                chosen |= Q(parent__isnull=False)
            notes = notes.filter(chosen)
        notes = notes.filter(from_sources(query, "article__"))
        return dated(notes, query, "created_at")


def from_sources(query: SearchQuery, path: str) -> Q:
    """`source:` values: an outlet's name or web address, any of them."""
    if not query.sources:
        return Q()
    return reduce(
        lambda a, b: a | b,
        (
            Q(**{f"{path}source_name__icontains": value})
            | Q(**{f"{path}source_url__icontains": value})
            for value in query.sources
        ),
    )


def dated(rows: QuerySet, query: SearchQuery, field: str) -> QuerySet:
    if query.after:
        rows = rows.filter(**{f"{field}__gte": start_of(query.after)})
    if query.before:
        rows = rows.filter(**{f"{field}__lt": start_of(query.before)})
    return rows


def article_dated(rows: QuerySet, query: SearchQuery, path: str = "") -> QuerySet:
    """Articles (or rows on them) by the article's date: published, else added."""
    if not (query.after or query.before):
        return rows
    rows = rows.annotate(
        search_date=Coalesce(
            f"{path}published_at", f"{path}created_at", output_field=DateTimeField()
        )
    )
    return dated(rows, query, "search_date")


class CappedCount(Subquery):
    """COUNT(*) of a subquery that stops at its LIMIT: bounded work for a busy tag."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


class TextGroup:
    """A group found by the full-text index (`spec`), ranked within a window of the newest
    matches; filter-only searches list the newest rows."""

    name = ""
    label = ""
    spec: engines.IndexSpec
    overview_size = 5

    def applies(self, query: SearchQuery) -> bool:
        return True

    def rows(self, context: Context) -> QuerySet:
        raise NotImplementedError

    def window(self, context: Context) -> tuple[Ranked, bool]:
        """The ranked matches (at most WINDOW) and whether more matched."""
        query, engine = context.query, context.engine
        rows = self.rows(context)
        if query.has_words:
            found = (
                rows.filter(engine.matching(query))
                .annotate(search_score=engine.score(self.spec, query))
                .order_by(engine.newest_first())
                .values_list("pk", "search_score")
            )
        else:
            found = rows.order_by("-pk").values_list("pk", Value(0.0))
        ranked = list(found[: WINDOW + 1])
        capped = len(ranked) > WINDOW
        ranked = ranked[:WINDOW]
        ranked.sort(key=lambda row: (-row[1], -row[0]))
        return ranked, capped

    def with_excerpts(self, rows: QuerySet, context: Context, **excerpts: str) -> QuerySet:
        """`rows` with each of `excerpts` (annotation name -> field) marked by the engine, or
        as they are for a search without words."""
        engine, query = context.engine, context.query
        if not query.has_words:
            return rows
        marked_fields = {
            name: (
                engine.marked_title(self.spec, query)
                if field == self.spec.title_field
                else engine.excerpt(replace(self.spec, excerpt_field=field), query)
            )
            for name, field in excerpts.items()
        }
        return rows.filter(engine.matching(query)).annotate(**marked_fields)

    def load(self, context: Context, ranked: Ranked) -> list[Hit]:
        raise NotImplementedError


class ArticleGroup(TextGroup):
    name, label = "articles", "Articles"
    spec = engines.ARTICLES

    def __init__(self, within: QuerySet | None = None) -> None:
        self.within = Article.objects.all() if within is None else within

    def applies(self, query):
        return not (query.note_filters or query.speakers)

    def rows(self, context):
        articles = self.within.filter(from_sources(context.query, ""))
        return article_dated(articles, context.query)

    def load(self, context, ranked):
        scores = dict(ranked)
        articles = self.with_excerpts(
            Article.objects.filter(pk__in=scores).defer("body_html", "body_text").order_by(),
            context,
            search_excerpt="body_text",
            search_title="title",
        )
        by_pk = {article.pk: article for article in articles}
        return [
            Hit(
                obj=article,
                url=article.get_absolute_url(),
                title=marked(getattr(article, "search_title", None) or article.title),
                excerpt=marked(getattr(article, "search_excerpt", "")),
                score=scores[pk],
            )
            for pk, _ in ranked
            if (article := by_pk.get(pk)) is not None
        ]


class NoteGroup(TextGroup):
    name, label = "notes", "Notes and replies"
    spec = engines.NOTES

    def applies(self, query):
        return not query.speakers

    def rows(self, context):
        return context.notes

    def load(self, context, ranked):
        query = context.query
        scores = dict(ranked)
        notes = self.with_excerpts(
            # Only rows already found through visible_to are loaded, by their ids.
            Annotation.objects.filter(pk__in=scores)
            .select_related("article", "author", "parent", "group")
            .defer("article__body_html", "article__body_text")
            .prefetch_related("tags")
            .order_by(),
            context,
            search_excerpt="note",
            search_quoted="exact",
        )
        by_pk = {note.pk: note for note in notes}
        hits = []
        for pk, _ in ranked:
            note = by_pk.get(pk)
            if note is None:
                continue
            if query.has_words:
                excerpt = marked(markdown_as_text(note.search_excerpt))
                quoted = marked(note.search_quoted)
            else:
                excerpt, quoted = plain(markdown_as_text(note.note), 280), plain(note.exact, 200)
            hits.append(
                Hit(
                    obj=note,
                    url=note.get_absolute_url(),
                    title=escape(note.article.title),
                    excerpt=excerpt,
                    quoted=quoted,
                    score=scores[pk],
                )
            )
        return hits


class SourceGroup(TextGroup):
    name, label = "sources", "Context sources"
    spec = engines.SOURCES
    overview_size = 3

    def applies(self, query):
        return query.has_words and not query.speakers

    def rows(self, context):
        # EXISTS probes each matched source's note by its key; `annotation__in` would first
        # list every note the reader may see (hundreds of thousands) on SQLite.
        return ContextSource.objects.filter(
            Exists(context.notes.filter(pk=OuterRef("annotation_id")))
        )

    def load(self, context, ranked):
        scores = dict(ranked)
        sources = self.with_excerpts(
            ContextSource.objects.filter(pk__in=scores)
            .select_related("annotation__article", "annotation__author")
            .defer("annotation__article__body_html", "annotation__article__body_text")
            .order_by(),
            context,
            search_title="title",
        )
        by_pk = {source.pk: source for source in sources}
        return [
            Hit(
                obj=source,
                url=source.annotation.get_absolute_url(),
                title=marked(source.search_title) if source.title else escape(source.url),
                excerpt=escape(source.url),
                score=scores[pk],
            )
            for pk, _ in ranked
            if (source := by_pk.get(pk)) is not None
        ]


class QuoteGroup(TextGroup):
    name, label = "quotes", "Quotations"
    spec = engines.QUOTES
    overview_size = 3

    def applies(self, query):
        return not query.note_filters

    def rows(self, context):
        query = context.query
        quotes = Quote.objects.filter(from_sources(query, "article__"))
        if query.speakers:
            # The speakers first (a small table), then quotes by them: a join with an OR
            # across both tables made PostgreSQL read every quotation.
            named = reduce(
                lambda a, b: a | b,
                (
                    Q(name__icontains=name) | Q(slug=slugify(name, allow_unicode=True))
                    for name in query.speakers
                ),
            )
            as_written = reduce(
                lambda a, b: a | b,
                (Q(speaker_as_written__icontains=name) for name in query.speakers),
            )
            quotes = quotes.filter(
                Q(shown_speaker__in=Speaker.objects.filter(named).values("pk")) | as_written
            )
        return article_dated(quotes, query, "article__")

    def load(self, context, ranked):
        query = context.query
        scores = dict(ranked)
        quotes = self.with_excerpts(
            Quote.objects.filter(pk__in=scores)
            .select_related("article", "shown_speaker")
            .defer("article__body_html", "article__body_text")
            .order_by(),
            context,
            search_excerpt="text",
        )
        by_pk = {quote.pk: quote for quote in quotes}
        hits = []
        for pk, _ in ranked:
            quote = by_pk.get(pk)
            if quote is None:
                continue
            speaker = quote.shown_speaker.name if quote.shown_speaker else quote.speaker_as_written
            excerpt = marked(quote.search_excerpt) if query.has_words else plain(quote.text, 280)
            hits.append(
                Hit(
                    obj=quote,
                    url=quote.get_absolute_url(),
                    title=mark_safe(
                        mark_words(speaker or "Unattributed", [t.text for t in query.terms])
                    ),
                    excerpt=excerpt,
                    score=scores[pk],
                )
            )
        return hits


class NameGroup:
    """People or tags: short names matched by words (and, on PostgreSQL, by trigrams)."""

    name = ""
    label = ""
    overview_size = 6

    def applies(self, query: SearchQuery) -> bool:
        only_words = not (
            query.note_filters or query.speakers or query.sources or query.after or query.before
        )
        return query.has_words and only_words

    def words(self, query: SearchQuery) -> tuple[str, ...]:
        return tuple(term.text for term in query.terms if has_word_characters(term.text))

    def found(self, context: Context) -> QuerySet:
        raise NotImplementedError

    def window(self, context: Context) -> tuple[Ranked, bool]:
        rows = list(self.found(context)[: NAMES_LIMIT + 1])
        capped = len(rows) > NAMES_LIMIT
        self.loaded = {row.pk: row for row in rows[:NAMES_LIMIT]}
        return [(row.pk, float(row.search_count)) for row in rows[:NAMES_LIMIT]], capped

    def load(self, context: Context, ranked: Ranked) -> list[Hit]:
        return [self.hit(self.loaded[pk], context.query) for pk, _ in ranked]

    def hit(self, row, query: SearchQuery) -> Hit:
        raise NotImplementedError


class PeopleGroup(NameGroup):
    name, label = "people", "People"

    def found(self, context):
        # Each matched speaker's quotations counted on their own (a correlated count): a
        # GROUP BY over the join made PostgreSQL count every quotation of every speaker.
        quotes = (
            Quote.objects.filter(shown_speaker=OuterRef("pk"))
            .order_by()
            .values("shown_speaker")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            Speaker.objects.filter(context.engine.name_matches("name", self.words(context.query)))
            .annotate(search_count=Coalesce(Subquery(quotes), 0))
            .filter(search_count__gt=0)
            .order_by("-search_count", "name")
        )

    def hit(self, speaker, query):
        count = speaker.search_count
        return Hit(
            obj=speaker,
            url=speaker.get_absolute_url(),
            title=mark_safe(mark_words(speaker.name, self.words(query))),
            excerpt=escape(f"{count:,} quotation{'s' if count != 1 else ''}"),
            score=float(count),
        )


class TagGroup(NameGroup):
    name, label = "tags", "Tags"
    overview_size = 8

    def found(self, context):
        words = [word.lower() for word in self.words(context.query)]
        named = reduce(
            lambda a, b: a | b, (context.engine.name_matches("name", (word,)) for word in words)
        )
        visible = context.notes.filter(tags=OuterRef("pk"))
        return (
            Tag.objects.filter(named)
            # Only tags on notes this reader may see, counted over those notes.
            .filter(Exists(visible))
            # Unordered: the count stops at the cap instead of sorting every note of the tag.
            .annotate(search_count=CappedCount(visible.values("pk").order_by()[:TAG_COUNT_CAP]))
            .order_by("-search_count", "name")
        )

    def hit(self, tag, query):
        count = tag.search_count
        value = f'"{tag.name}"' if " " in tag.name else tag.name
        shown = f"{count:,}+" if count >= TAG_COUNT_CAP else f"{count:,}"
        return Hit(
            obj=tag,
            url=reverse("search:results") + "?" + urlencode({"q": f"tag:{value}"}),
            title=mark_safe(mark_words(tag.name, self.words(query))),
            excerpt=escape(f"{shown} note{'s' if count != 1 else ''}"),
            score=float(count),
        )


# In the order the results page shows them.
GROUPS = (ArticleGroup, NoteGroup, QuoteGroup, PeopleGroup, TagGroup, SourceGroup)
GROUP_NAMES = tuple(group.name for group in GROUPS)
