"""Top highlights: words that three or more readers highlighted publicly, per article.

Computed from the public annotations' offsets (`text.popular`) in one query for any number of
articles, and kept in the cache under the article's annotation stamp
(`Article.mark_annotations_changed` changes the key with every note written), so the reader page
and the library cards share it and a warm page costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Substr

from newsapp.annotations.models import AnchorState, Annotation
from newsapp.text.popular import PopularRange, most_popular, popular_ranges

CACHE_SECONDS = 24 * 3600
SNIPPET_CHARS = 140
# An article shows at most this many top highlights (the most read of them).
MAX_RANGES = 20


@dataclass(frozen=True)
class TopHighlights:
    ranges: tuple[PopularRange, ...]
    snippet: str | None = None  # the words of the most popular range (library cards only)

    @property
    def best(self) -> PopularRange | None:
        return most_popular(self.ranges)


def _key(article) -> str:
    changed = article.annotations_changed_at
    return f"gloss:top:{article.pk}:{changed.timestamp() if changed else 0}"


def _ranges(rows) -> dict[int, tuple[PopularRange, ...]]:
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for article_id, author_id, start, end in rows:
        spans.setdefault(article_id, []).append((start, end, author_id))
    found = {}
    for article_id, article_spans in spans.items():
        ranges = popular_ranges(article_spans)
        kept = sorted(ranges, key=lambda r: (-r.readers, r.start))[:MAX_RANGES]
        found[article_id] = tuple(sorted(kept, key=lambda r: r.start))
    return found


def _public_spans(article_ids: list[int]):
    """(article, author, start, end) of every public, anchored, top-level annotation."""
    return (
        Annotation.objects.visible_to(None)
        .top_level()
        .filter(article__in=article_ids, anchor_state=AnchorState.ANCHORED, start__isnull=False)
        .values_list("article_id", "author_id", "start", "end")
    )


def top_highlights(articles: list, *, snippets: bool = False) -> dict[int, TopHighlights]:
    """Each article's top highlights (empty ranges for none), by article id.

    `snippets` also fills `snippet` (the words of the most popular range), from the article's
    `body_text` when it is loaded, else with one more query for all of them.
    """
    keys = {article.pk: _key(article) for article in articles}
    cached = cache.get_many(list(keys.values()))
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [article for article in articles if article.pk not in found]
    if missing:
        ranges = _ranges(_public_spans([article.pk for article in missing]))
        for article in missing:
            found[article.pk] = TopHighlights(ranges.get(article.pk, ()))
    if snippets:
        wanted = [a for a in articles if found[a.pk].best and found[a.pk].snippet is None]
        if wanted:
            for pk, snippet in _snippets(wanted, found).items():
                found[pk] = TopHighlights(found[pk].ranges, snippet)
            missing = list({a.pk: a for a in [*missing, *wanted]}.values())
    if missing:
        cache.set_many({keys[a.pk]: found[a.pk] for a in missing}, CACHE_SECONDS)
    return found


def _snippets(articles: list, found: dict[int, TopHighlights]) -> dict[int, str]:
    """The words of each article's most popular range: from loaded text, or one query."""
    snippets: dict[int, str] = {}
    unloaded = []
    for article in articles:
        best = found[article.pk].best
        if "body_text" in article.__dict__:
            snippets[article.pk] = article.body_text[best.start : best.end]
        else:
            unloaded.append(article)
    if unloaded:
        model = type(unloaded[0])
        words = Case(
            *(
                When(
                    pk=article.pk,
                    then=Substr(
                        "body_text",
                        found[article.pk].best.start + 1,
                        min(found[article.pk].best.end - found[article.pk].best.start, 4000),
                    ),
                )
                for article in unloaded
            ),
            default=Value(""),
            output_field=CharField(),
        )
        rows = model.objects.filter(pk__in=[a.pk for a in unloaded]).annotate(words=words)
        snippets.update(rows.values_list("pk", "words"))
    return {pk: _trim(words) for pk, words in snippets.items()}


def _trim(words: str) -> str:
    words = " ".join(words.split())
    if len(words) <= SNIPPET_CHARS:
        return words
    return words[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
