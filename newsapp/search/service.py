"""The search module's entry points: `search` (everything, grouped) and `search_articles` (the
library's search box). Views, the library and the API call these; nothing else queries the
index.
"""

from __future__ import annotations

import json
import math
import re

from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, Lookup, Value

from newsapp.text.search_query import QueryError, SearchQuery, parse

from . import engines
from .groups import GROUP_NAMES, GROUPS, ArticleGroup, Context
from .results import Group, SearchResults

PER_PAGE = 20


def search(*, user, text: str, group: str = "", page: int = 1) -> SearchResults:
    """Search everything `user` may see. `group` ("articles", "notes", ...) asks for one group,
    paged PER_PAGE at a time; without it every group that applies shows its best few.

    Raises QueryError (its message is for the reader) for a search that cannot run."""
    if group and group not in GROUP_NAMES:
        raise QueryError(
            f"There is no “{group}” group to search. Use one of: {', '.join(GROUP_NAMES)}."
        )
    query = parse(text)
    results = SearchResults(query=query, group=group)
    if query.is_empty:
        return results
    context = Context(user=user, query=query, engine=engines.engine())
    for searcher in (kind() for kind in GROUPS):
        if (group and searcher.name != group) or not searcher.applies(query):
            continue
        ranked, capped = searcher.window(context)
        size = PER_PAGE if group else searcher.overview_size
        pages = max(1, math.ceil(len(ranked) / size)) if group else 1
        current = min(max(page, 1), pages)
        shown = ranked[(current - 1) * size : current * size]
        results.groups.append(
            Group(
                name=searcher.name,
                label=searcher.label,
                hits=searcher.load(context, shown) if shown else [],
                count=len(ranked),
                capped=capped,
                page=current,
                pages=pages,
            )
        )
    results.notices = notices(query)
    if context.engine.has_typo_suggestions and query.has_words and not results.found:
        results.suggestion = corrected(query, context.engine)
    return results


def notices(query: SearchQuery) -> list[str]:
    """What the reader should know about how their search was read."""
    said = []
    if query.note_filters:
        said.append("Only notes are shown: user:, tag:, kind: and is:mine filter notes.")
    elif query.speakers:
        said.append("Only quotations are shown: speaker: filters quotations.")
    if query.ignored:
        left_out = " ".join(query.ignored[:5])
        said.append(f"Left out what has no letters or digits: {left_out}")
    return said


def corrected(query: SearchQuery, engine: engines.Engine) -> str:
    """The search with each word the engine does not know replaced by a close known one, or
    "" when there is nothing to offer."""
    words = tuple(term.text for term in query.terms if not term.phrase and " " not in term.text)
    replacements = engine.suggestions(words)
    if not replacements:
        return ""
    text = query.text
    for typed, close in replacements.items():
        text = re.sub(rf"(?<![\w:]){re.escape(typed)}(?!\w)", close, text, flags=re.IGNORECASE)
    return text


class ListPosition(Func):
    """Where a row's id is in a list of ids: orders rows as the list does (one expression and
    one parameter, where a CASE would be a branch per id)."""

    output_field = IntegerField()

    def __init__(self, field: str, ids: list[int]) -> None:
        super().__init__(F(field))
        self.ids = "," + ",".join(str(int(pk)) for pk in ids) + ","

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        function = "strpos" if connection.vendor == "postgresql" else "instr"
        cast = "::text" if connection.vendor == "postgresql" else ""
        return f"{function}(%s, ',' || {column}{cast} || ',')", [self.ids, *params]


class IdIn(Lookup):
    """`id IN (the ids)` with the ids as one parameter (an array on PostgreSQL, JSON on
    SQLite): hundreds of ids cost one parameter to prepare, not hundreds."""

    lookup_name = "id_in"
    prepare_rhs = False

    def __init__(self, lhs, ids: list[int]) -> None:
        super().__init__(lhs, Value([int(pk) for pk in ids]))

    def as_sql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        ids = self.rhs.value
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", [*params, ids]
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(ids)]


def parsed(text: str) -> SearchQuery:
    """`text` read as a search; ValidationError (with the reader's reason) if it cannot run."""
    try:
        return parse(text)
    except QueryError as error:
        raise ValidationError(str(error)) from error


def search_articles(articles, text: str):
    """The library's search: `articles` (a queryset, already narrowed as the library wishes)
    that match `text`, best first among the newest WINDOW matches (`more_matches` on the
    result says whether more matched). Raises ValidationError with the reason for a search
    that cannot run (settings.GLOSS_ARTICLE_SEARCH names this function for the articles
    app)."""
    query = parsed(text)
    if query.note_filters or query.speakers:
        raise ValidationError(
            "The library searches articles: use the search page for notes, tags and speakers."
        )
    if query.is_empty:
        return articles
    context = Context(user=None, query=query, engine=engines.engine())
    ranked, capped = ArticleGroup(within=articles).window(context)
    ids = [pk for pk, _ in ranked]
    found = articles.filter(IdIn(F("pk"), ids)).order_by(ListPosition("pk", ids))
    # More matched than were ranked (the count of `found` is then a floor). An attribute of
    # this queryset only: a further filter makes a new queryset without it.
    found.more_matches = capped
    return found


def search_notes(notes, text: str):
    """The API's `q=`: `notes` (an Annotation queryset, already narrowed to what the caller
    may see) whose note or marked words match `text` through the full-text index, in the order
    `notes` has. Only words, phrases, OR and -excluded words are read: the API has parameters
    of its own for authors, tags and kinds. Raises ValidationError with the reason for a
    search that cannot run."""
    query = parsed(text)
    filters = query.note_filters or query.speakers or query.sources or query.after or query.before
    if filters:
        raise ValidationError(
            "q takes words and phrases only: use the user, tag and kind parameters to filter."
        )
    return notes.filter(engines.engine().matching(query))
