"""What a client may list: the filters of the container and of search, and one page of
annotations and waiting annotations together, in a constant number of queries.

Every read starts from ``Annotation.objects.visible_to`` (and its twin for annotations still
waiting for their page), so whatever that rule hides, the API hides too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from newsapp.annotations.models import Annotation, Kind
from newsapp.search.service import search_notes
from newsapp.sharing.exports import BODY_FIELDS

from .errors import ApiError
from .models import WaitingAnnotation
from .targets import article_for_target, canonical_target

MAX_LIMIT = 200
MAX_URIS = 20  # each `uri` costs a look-up
MAX_OFFSET = 100_000
FILTERS = ("uri", "user", "tag", "q", "quote", "kind")
SORTS = {"created": "created_at", "updated": "updated_at"}


@dataclass(frozen=True)
class Filters:
    uri: tuple[str, ...] = ()
    user: str = ""
    tag: str = ""
    q: str = ""
    quote: str = ""
    kind: str = ""

    def query(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for the IRIs of pages)."""
        pairs = [("uri", uri) for uri in self.uri]
        pairs += [(name, getattr(self, name)) for name in FILTERS[1:] if getattr(self, name)]
        return pairs


def read_filters(params) -> Filters:
    for name in FILTERS:
        for value in params.getlist(name):
            if len(value) > 2000 or "\x00" in value:
                raise ApiError(400, "The value is too long or holds U+0000.", path=f"?{name}")
    if len(params.getlist("uri")) > MAX_URIS:
        raise ApiError(400, f"Give at most {MAX_URIS} uri parameters.", path="?uri")
    kind = params.get("kind", "")
    if kind and kind not in Kind.values:
        raise ApiError(400, f"Choose one of: {', '.join(Kind.values)}.", path="?kind")
    user = params.get("user", "").strip()
    if user.startswith("acct:"):  # Hypothesis names users acct:name@host
        user = user.removeprefix("acct:").rsplit("@", 1)[0]
    return Filters(
        uri=tuple(u.strip() for u in params.getlist("uri") if u.strip()),
        user=user,
        tag=params.get("tag", "").strip().lower().lstrip("#"),
        q=params.get("q", "").strip(),
        quote=params.get("quote", "").strip(),
        kind=kind,
    )


def read_int(params, name: str, *, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ApiError(400, f"Give a whole number from {low} to {high:,}.", path=f"?{name}")
    return value


def annotations_for(user, filters: Filters, *, host: str) -> QuerySet:
    found = Annotation.objects.visible_to(user).top_level()
    if filters.uri:
        articles = [article_for_target(uri, host=host) for uri in filters.uri]
        found = found.filter(article__in=[a for a in articles if a is not None])
    if filters.user:
        found = found.filter(author__username=filters.user)
    if filters.tag:
        found = found.filter(tags__name=filters.tag)
    if filters.q:
        try:
            found = search_notes(found, filters.q)
        except ValidationError as error:
            raise ApiError(400, error.messages[0], path="?q") from error
    if filters.quote:
        found = found.filter(exact__icontains=filters.quote)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    return found


def waiting_for(user, filters: Filters) -> QuerySet:
    found = WaitingAnnotation.objects.visible_to(user)
    if filters.uri:
        found = found.filter(canonical_url__in=[canonical_target(uri) for uri in filters.uri])
    if filters.user:
        found = found.filter(author__username=filters.user)
    if filters.tag:
        found = found.filter(tags_text__contains=f"\n{filters.tag}\n")
    if filters.q:
        found = found.filter(Q(note__icontains=filters.q) | Q(exact__icontains=filters.q))
    if filters.quote:
        found = found.filter(exact__icontains=filters.quote)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    return found


@dataclass(frozen=True)
class Page:
    total: int
    items: list[Annotation | WaitingAnnotation]


def page_of(
    user,
    filters: Filters,
    *,
    host: str,
    offset: int,
    limit: int,
    sort: str = "created",
    descending: bool = False,
) -> Page:
    """``limit`` items from ``offset``, and how many there are in all.

    The listing is the annotations on Gloss's articles, then those still waiting for their
    page, each in the order asked ("created" is the order of their ids, which an index
    serves without sorting). Queries: two counts, the annotations of the page with their
    article, author and identity, their tags and sources, and the waiting ones with their
    authors: the same whatever the page size or the number of annotations.
    """
    annotations = annotations_for(user, filters, host=host)
    waiting = waiting_for(user, filters)
    on_articles = annotations.count()
    total = on_articles + waiting.count()
    if offset >= total or limit == 0:
        return Page(total=total, items=[])
    order = ["pk"] if sort == "created" else [SORTS[sort], "pk"]
    if descending:
        order = [f"-{field}" for field in order]
    items: list[Annotation | WaitingAnnotation] = []
    if offset < on_articles:
        items += (
            annotations.order_by(*order)
            .select_related("article", "author", "revision", "api_identity")
            .defer(*BODY_FIELDS)
            .prefetch_related("tags", "sources")[offset : offset + limit]
        )
    if len(items) < limit:
        start = max(0, offset - on_articles)
        items += waiting.order_by(*order).select_related("author")[
            start : start + limit - len(items)
        ]
    return Page(total=total, items=items)
