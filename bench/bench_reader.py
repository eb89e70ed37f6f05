"""Reader page speed: a 10,000-word article with 0 to 5,000 annotations.

Prints the median render time and the SQL query count of GET /articles/<slug>/
through Django's test client. Targets: at most 5 queries with no annotations,
the same count for every size, 1,000 annotations in at most 2x the time of 0.
"""

from __future__ import annotations

import random
import statistics
import time

from bench.django_env import setup_django

WORDS = [
    "minister",
    "council",
    "harbour",
    "budget",
    "inflation",
    "glacier",
    "treaty",
    "border",
    "delegation",
    "forecast",
    "percent",
    "monitors",
    "artillery",
    "ceasefire",
    "economists",
    "survey",
    "report",
    "committee",
    "analysts",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "that",
    "said",
    "on",
    "for",
    "with",
    "as",
    "was",
    "by",
    "it",
    "at",
    "from",
]
RUNS_EMPTY = 200
RUNS_ANNOTATED = 30
RUNS_COLD = 15


def article_markdown(words: int, rng: random.Random) -> str:
    paragraphs, count = [], 0
    while count < words:
        length = rng.randint(40, 90)
        sentence = " ".join(rng.choice(WORDS) for _ in range(length))
        if rng.random() < 0.3:
            sentence = f"“{sentence[:120]},” the minister said. {sentence[120:]}"
        if rng.random() < 0.1:
            paragraphs.append(f"## {sentence[:40].title()}")
        paragraphs.append(sentence.capitalize() + ".")
        count += length
    return "\n\n".join(paragraphs)


def measure(client, url: str, runs: int, *, cold: bool = False) -> tuple[float, int]:
    """Median ms and SQL queries of one page view; `cold` empties the cache before each."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up: connection, template loaders, the CSRF cookie
    client.get(url)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    query_count = len(queries.captured_queries)  # read now: the next request resets the log
    timings = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), query_count


def page_bytes(client, url: str) -> tuple[int, int]:
    """The page's size as rendered, and as sent to a browser that accepts gzip."""
    raw = len(client.get(url).content)
    compressed = len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)
    return raw, compressed


def add_annotations(article, users, count: int, rng: random.Random) -> None:
    from newsapp.annotations.models import Annotation
    from newsapp.text.anchoring import selector_for
    from newsapp.text.sanitize import render_note

    text = article.body_text
    Annotation.objects.bulk_create(
        Annotation(
            article=article,
            author=rng.choice(users),
            kind=rng.choice(["highlight", "note", "claim", "quote", "question"]),
            note="Context with a [source](https://example.org/report).",
            note_html=render_note("Context with a [source](https://example.org/report)."),
            visibility=rng.choice(["public", "public", "unlisted", "private"]),
            **selector_for(text, start, start + rng.randint(5, 400)),
        )
        for start in (rng.randrange(0, len(text) - 500) for _ in range(count))
    )
    # As every write does: without it the warm figures would time the cached page from before.
    article.mark_annotations_changed()


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from newsapp.annotations.models import Annotation
    from newsapp.articles.services import article_import

    rng = random.Random(20261124)
    article = article_import(
        title="A long read", body=article_markdown(10_000, rng), body_format="markdown"
    )
    users = [get_user_model().objects.create_user(f"reader{n}") for n in range(20)]
    client = Client()
    signed_in = Client()
    signed_in.force_login(users[0])
    url = article.get_absolute_url()
    print(f"article: {article.word_count:,} words, {len(article.body_html):,} bytes of HTML")
    print("anonymous reader unless said; 'cold cache' = first view after any annotation change")

    results = {}
    for total in (0, 100, 1_000, 5_000):
        add_annotations(article, users, total - Annotation.objects.count(), rng)
        runs = RUNS_EMPTY if total == 0 else RUNS_ANNOTATED
        median_ms, queries = measure(client, url, runs)
        results[total] = (median_ms, queries)
        cold_ms, cold_queries = measure(client, url, RUNS_COLD, cold=True)
        reader_ms, reader_queries = measure(signed_in, url, RUNS_COLD)
        visible = Annotation.objects.visible_to(None).filter(article=article).count()
        raw, compressed = page_bytes(client, url)
        print(
            f"reader, {total:>5,} annotations ({visible:,} public): "
            f"median {median_ms:6.2f} ms, {queries} queries | "
            f"cold cache {cold_ms:6.2f} ms, {cold_queries} queries | "
            f"signed in {reader_ms:6.2f} ms, {reader_queries} queries | "
            f"page {raw / 1024:,.0f} KB, {compressed / 1024:,.0f} KB gzipped"
        )

    empty_ms, empty_queries = results[0]
    ratio = results[1_000][0] / empty_ms
    same_queries = len({queries for _, queries in results.values()}) == 1
    verdict = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    print(f"target: 0 annotations under 15 ms -> {empty_ms:.2f} ms {verdict(empty_ms < 15)}")
    print(f"target: at most 5 queries -> {empty_queries} {verdict(empty_queries <= 5)}")
    print(f"target: same query count for all sizes -> {verdict(same_queries)}")
    print(f"target: 1,000 annotations within 2x of 0 -> {ratio:.2f}x {verdict(ratio <= 2)}")


if __name__ == "__main__":
    main()
