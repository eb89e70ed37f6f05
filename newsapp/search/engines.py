"""The two full-text engines behind one interface: PostgreSQL full-text search and SQLite FTS5.

Each engine turns a parsed `SearchQuery` into ORM expressions over an index table joined to the
rows it indexes (the reverse one-to-one `search_entry` of `models.py`): a filter that keeps the
matching rows, a relevance score (higher is better), an excerpt with the matched words marked
(`text.search_query.MARK_START`/`MARK_END`), and the order in which a bounded window of matches
is taken (newest first, so a word that is everywhere costs as little as a rare one).

The reader's words reach the database only as parameters: FTS5 gets `fts5_expression` (every
word a quoted string), PostgreSQL gets each word through phraseto_tsquery.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQueryField,
    SearchRank,
    SearchVectorField,
)
from django.core.cache import cache
from django.db import connection
from django.db.models import Expression, F, FloatField, Lookup, Q, TextField, Value
from django.db.models.functions import Left
from rapidfuzz import fuzz

from newsapp.text.search_query import MARK_END, MARK_START, SearchQuery, fts5_expression

from .schema import LANGUAGE_CONFIGS

RELATION = "search_entry"
EXCERPT_WORDS = 28
HEADLINE_SOURCE_CHARS = 60_000
CONFIGS_CACHE_SECONDS = 600
# "Did you mean": words this long or longer, corrected to a known word this close (rapidfuzz's
# ratio, 0-100).
MIN_SUGGESTED_CHARS = 4
SUGGESTION_RATIO = 75.0


@dataclass(frozen=True)
class IndexSpec:
    """How one kind of row is indexed: its FTS5 columns with their bm25 weights, and which
    FTS5 column (or model field, on PostgreSQL) its excerpt and title come from."""

    table: str
    columns: tuple[str, ...]
    weights: tuple[float, ...]
    excerpt_field: str
    title_field: str = ""


ARTICLES = IndexSpec(
    "search_article",
    ("title", "byline", "source_name", "body_text"),
    (8.0, 2.0, 2.0, 1.0),
    excerpt_field="body_text",
    title_field="title",
)
NOTES = IndexSpec("search_note", ("note", "exact"), (4.0, 1.0), excerpt_field="note")
SOURCES = IndexSpec(
    "search_source", ("title", "url", "excerpt"), (3.0, 2.0, 1.0), excerpt_field="title"
)
QUOTES = IndexSpec("search_quote", ("text", "speaker"), (2.0, 1.0), excerpt_field="text")


class IndexTable(Expression):
    """The index table joined to the queryset's rows (an INNER join, added once and reused),
    rendered as its alias, or as one of its columns with `column`."""

    def __init__(self, column: str = "", output_field=None) -> None:
        super().__init__(output_field=output_field or TextField())
        self.column = column
        self.alias = ""

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        clone = self.copy()
        joins = query.setup_joins([RELATION], query.get_meta(), query.get_initial_alias())
        clone.alias = joins.joins[-1]
        query.demote_joins({clone.alias})  # the index row must exist: an inner join
        return clone

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(self.alias)
        if not self.column:
            return table, []
        return f"{table}.{connection.ops.quote_name(self.column)}", []


class Operator(Lookup):
    """`<lhs> <operator> <rhs>` as a filter, for operators the ORM has no lookup for (a Lookup,
    so that SQLite's WHERE takes it as it is rather than compared with true)."""

    operator = ""
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", [*lhs_params, *rhs_params]


class Fts5Match(Operator):
    lookup_name = "fts5_match"
    operator = "MATCH"


class TsMatch(Operator):
    lookup_name = "ts_match"
    operator = "@@"


class WordSimilar(Operator):
    """pg_trgm: the left word is close to some word of the right text."""

    lookup_name = "word_similar"
    operator = "<%%"


class Negated(Expression):
    """0 - the expression (bm25 is lower for better matches; scores are higher)."""

    def __init__(self, expression) -> None:
        super().__init__(output_field=FloatField())
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"(0.0 - {sql})", params


class Fts5Function(Expression):
    """An FTS5 auxiliary function of the joined index table: bm25, snippet or highlight."""

    def __init__(self, function: str, *arguments, output_field=None) -> None:
        super().__init__(output_field=output_field or TextField())
        self.function = function
        self.table = IndexTable()
        self.arguments = arguments

    def get_source_expressions(self):
        return [self.table]

    def set_source_expressions(self, expressions):
        (self.table,) = expressions

    def as_sql(self, compiler, connection):
        table, _ = compiler.compile(self.table)
        placeholders = "".join(", %s" for _ in self.arguments)
        return f"{self.function}({table}{placeholders})", list(self.arguments)


class Engine:
    """What the search module asks of a full-text engine (see the module docstring)."""

    vendor = ""
    has_typo_suggestions = False

    def matching(self, query: SearchQuery) -> Expression:
        raise NotImplementedError

    def score(self, spec: IndexSpec, query: SearchQuery) -> Expression:
        raise NotImplementedError

    def excerpt(self, spec: IndexSpec, query: SearchQuery) -> Expression:
        raise NotImplementedError

    def marked_title(self, spec: IndexSpec, query: SearchQuery) -> Expression:
        raise NotImplementedError

    def newest_first(self):
        """The order in which the window of matches is taken."""
        raise NotImplementedError

    def name_matches(self, field: str, words: tuple[str, ...]) -> Q:
        """Short names (speakers, tags) that contain every word."""
        return reduce(lambda a, b: a & b, (Q(**{f"{field}__icontains": w}) for w in words), Q())

    def suggestions(self, words: tuple[str, ...]) -> dict[str, str]:
        """Close known words for words that may be misspelt ({typed: suggested})."""
        return {}


class SqliteEngine(Engine):
    vendor = "sqlite"

    def matching(self, query):
        return Fts5Match(IndexTable(), Value(fts5_expression(query)))

    def score(self, spec, query):
        return Negated(Fts5Function("bm25", *spec.weights, output_field=FloatField()))

    def excerpt(self, spec, query):
        column = spec.columns.index(spec.excerpt_field)
        return Fts5Function("snippet", column, MARK_START, MARK_END, "…", EXCERPT_WORDS)

    def marked_title(self, spec, query):
        column = spec.columns.index(spec.title_field)
        return Fts5Function("highlight", column, MARK_START, MARK_END)

    def newest_first(self):
        # The index's own rowid order: FTS5 walks its lists backwards and stops at the window.
        return IndexTable("rowid").desc()


class TsQuery(Expression):
    """A tsquery written as SQL with its words as parameters."""

    output_field = SearchQueryField()

    def __init__(self, sql: str, params: list[str]) -> None:
        super().__init__()
        self.sql, self.params = sql, params

    def as_sql(self, compiler, connection):
        return self.sql, list(self.params)


class PostgresEngine(Engine):
    vendor = "postgresql"
    has_typo_suggestions = True

    def __init__(self) -> None:
        self._tsqueries: dict[SearchQuery, TsQuery] = {}

    def configs(self) -> list[str]:
        """The text search configurations in the index (cached): a query is read in each, so
        a French article's stems match a French reader's words."""
        configs = cache.get("search:configs")
        if configs is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT DISTINCT config::text FROM search_article")
                found = {name for (name,) in cursor.fetchall()}
            configs = sorted(found | {"simple", LANGUAGE_CONFIGS["en"]})
            cache.set("search:configs", configs, CONFIGS_CACHE_SECONDS)
        return configs

    def tsquery(self, query: SearchQuery) -> TsQuery:
        """The query read in every configuration: it matches when the words match in any
        reading, and an excluded word leaves a text out when it matches in any reading.

        One SQL expression with the words as parameters (built once per search: the ORM's
        own SearchQuery objects would make a tree of dozens of nodes to compile each time)."""
        if query in self._tsqueries:
            return self._tsqueries[query]
        configs = self.configs()
        params: list[str] = []

        def phrase(text: str, config: str) -> str:
            params.extend((config, text))
            return "phraseto_tsquery(%s::regconfig, %s)"

        readings = [
            "("
            + " && ".join(
                "(" + " || ".join(phrase(term.text, config) for term in clause) + ")"
                for clause in query.clauses
            )
            + ")"
            for config in configs
        ]
        sql = "(" + " || ".join(readings) + ")"
        for term in query.excluded:
            sql += " && (" + " && ".join(f"!!{phrase(term.text, c)}" for c in configs) + ")"
        self._tsqueries[query] = TsQuery(f"({sql})", params)
        return self._tsqueries[query]

    def vector(self):
        return IndexTable("vector", output_field=SearchVectorField())

    def matching(self, query):
        return TsMatch(self.vector(), self.tsquery(query))

    def score(self, spec, query):
        # Normalisation 1: a long text's many mentions count less than a short one's few.
        return SearchRank(self.vector(), self.tsquery(query), normalization=Value(1))

    def _headline(self, field: str, query: SearchQuery, **options):
        return SearchHeadline(
            Left(F(field), HEADLINE_SOURCE_CHARS),
            self.tsquery(query),
            config=IndexTable("config"),
            start_sel=MARK_START,
            stop_sel=MARK_END,
            **options,
        )

    def excerpt(self, spec, query):
        return self._headline(
            spec.excerpt_field,
            query,
            max_words=EXCERPT_WORDS,
            min_words=EXCERPT_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    def marked_title(self, spec, query):
        return self._headline(spec.title_field, query, highlight_all=True)

    def newest_first(self):
        return F("pk").desc()

    def name_matches(self, field, words):
        # Trigram word similarity forgives a typo in a name ("Okafr" finds "Ada Okafor").
        return reduce(
            lambda a, b: a & b,
            (
                Q(**{f"{field}__icontains": word}) | Q(WordSimilar(Value(word), F(field)))
                for word in words
            ),
            Q(),
        )

    def suggestions(self, words):
        if not words:
            return {}
        typed_words = [word.lower() for word in words if len(word) >= MIN_SUGGESTED_CHARS]
        with connection.cursor() as cursor:
            # Trigrams find candidates fast (GIN); the edit distance picks among them, since a
            # swap of two letters ("glaicer") costs trigrams dearly but is one slip of a finger.
            cursor.execute(
                "SELECT typed, close.word FROM unnest(%s::text[]) AS typed, LATERAL ("
                "  SELECT word FROM search_word WHERE word %% typed "
                "  ORDER BY word <-> typed LIMIT 5) AS close",
                [typed_words],
            )
            rows = cursor.fetchall()
        known = {typed for typed, close in rows if close == typed}
        best: dict[str, tuple[float, str]] = {}
        for typed, close in rows:
            if typed in known:
                continue
            score = fuzz.ratio(typed, close)
            if score >= SUGGESTION_RATIO and score > best.get(typed, (0.0, ""))[0]:
                best[typed] = (score, close)
        return {typed: close for typed, (_, close) in best.items()}


def engine() -> Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SqliteEngine()
    raise NotImplementedError(f"Search supports PostgreSQL and SQLite, not {connection.vendor}.")
