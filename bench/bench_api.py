"""The annotation API at scale: a container page of 100 and search over 100,000 annotations.

Seeds 100,000 annotations on 500 articles by 200 readers (the rows the services write, in
bulk) and 2,000 annotations waiting for pages Gloss does not have, then prints for each request
the median time over a few warm runs and its SQL query count, with 10 and with 100 items a
page: the counts must stay within a bound that does not depend on the page size (they differ
only by the one query for waiting annotations, when a page reaches them) and the times under
the targets.

PostgreSQL only (production): run it as `python -m bench.bench_api` and it starts a throwaway
cluster through scripts/with-postgres itself, or under DATABASE_URL=postgres://...
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from bench.django_env import rerun_on_postgres

ANNOTATIONS = 100_000
WAITING = 2_000
ARTICLES = 500
READERS = 200
RUNS = 9
# Warm medians on this 2-core machine shared with other work (the load is printed beside them).
PAGE_TARGET_MS = 300.0
SEARCH_TARGET_MS = 500.0
# Queries of any page, whatever its size: the token, two counts, the annotations with their
# article and author, their tags, their sources, the waiting ones (when the page reaches them),
# and one look-up per `uri` filter.
QUERY_BOUND = 8
WORDS = [
    "harbour", "bridge", "council", "budget", "ferry", "strike", "minister", "tariff",
    "court", "verdict", "drought", "pension", "vote", "survey", "report", "the", "a", "of",
    "and", "to", "in", "that", "said", "on", "for", "with",
]  # fmt: skip


def words_at(text: str, start: int, end: int) -> dict:
    """The selectors the services store for ``text[start:end]`` (32 characters of context)."""
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[end : end + 32],
        "start": start,
        "end": end,
    }


def seed(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model

    from newsapp.annotations.models import Annotation, Tag
    from newsapp.api.models import WaitingAnnotation
    from newsapp.articles.models import Article

    User = get_user_model()
    User.objects.bulk_create(User(username=f"reader{n}") for n in range(READERS))
    users = list(User.objects.order_by("pk"))
    Tag.objects.bulk_create(Tag(name=word) for word in WORDS[:12])
    tags = list(Tag.objects.order_by("pk"))
    texts = [" ".join(rng.choice(WORDS) for _ in range(600)) + "." for _ in range(ARTICLES)]
    Article.objects.bulk_create(
        Article(
            title=f"Story {number}",
            slug=f"story-{number}",
            source_url=f"https://news.example.org/{number}",
            canonical_url=f"https://news.example.org/{number}",
            body_html=f"<p>{text}</p>",
            body_text=text,
            word_count=600,
        )
        for number, text in enumerate(texts)
    )
    articles = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    batch = []
    for n in range(ANNOTATIONS):
        index = rng.randrange(ARTICLES)
        text = texts[index]
        start = rng.randrange(0, len(text) - 200)
        batch.append(
            Annotation(
                article_id=articles[index],
                author=rng.choice(users),
                kind=rng.choice(["highlight", "note", "claim", "quote", "question"]),
                note=f"Context {n} on the {rng.choice(WORDS)} with a source.",
                note_html=f"<p>Context {n}.</p>",
                visibility=rng.choice(["public", "public", "unlisted", "private"]),
                **words_at(text, start, start + rng.randint(5, 150)),
            )
        )
        if len(batch) == 5_000 or n == ANNOTATIONS - 1:
            created = Annotation.objects.bulk_create(batch)
            Annotation.tags.through.objects.bulk_create(
                Annotation.tags.through(annotation_id=a.pk, tag_id=rng.choice(tags).pk)
                for a in created[::5]
            )
            batch = []
    WaitingAnnotation.objects.bulk_create(
        WaitingAnnotation(
            author=rng.choice(users),
            target_url=f"https://elsewhere.example/{n % 300}",
            canonical_url=f"https://elsewhere.example/{n % 300}",
            exact="some words",
            note="Waiting for its page.",
            visibility="public",
        )
        for n in range(WAITING)
    )


def timed(client, url: str, headers: dict) -> tuple[float, int]:
    from django.db import connection

    client.get(url, **headers)  # warm: connection, code paths
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), len(executed)


def main() -> int:
    status = rerun_on_postgres("bench.bench_api")
    if status is not None:
        return status
    from bench.django_env import setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from newsapp.api.services import api_token_create

    settings.GLOSS_API_READS_PER_MINUTE = 1_000_000
    began = time.perf_counter()
    seed(random.Random(12))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {ANNOTATIONS:,} annotations and {WAITING:,} waiting ones "
        f"in {time.perf_counter() - began:.0f} s (PostgreSQL)"
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="reader7")
    token = api_token_create(user=user, name="bench")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    requests = [
        ("container page", "/api/annotations/?page=0&limit={n}", PAGE_TARGET_MS),
        ("container (first page embedded)", "/api/annotations/?limit={n}", PAGE_TARGET_MS),
        ("container page 50", "/api/annotations/?page=50&limit={n}", PAGE_TARGET_MS),
        ("search, newest", "/api/search?limit={n}", SEARCH_TARGET_MS),
        # Words in notes and quotes, through the search module's full-text index.
        ("search q=harbour", "/api/search?q=harbour&limit={n}", SEARCH_TARGET_MS),
        ("search tag=budget", "/api/search?tag=budget&limit={n}", SEARCH_TARGET_MS),
        ("search uri=", "/api/search?uri=https://news.example.org/7&limit={n}", SEARCH_TARGET_MS),
        ("search user=", "/api/search?user=reader3&limit={n}", SEARCH_TARGET_MS),
    ]
    missed = False
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        f"SQL at most {QUERY_BOUND} queries a page"
    )
    print(
        f"{'request':34} {'ms @10':>8} {'ms @100':>8} {'target':>8} {'SQL @10':>8} {'SQL @100':>9}"
    )
    for label, url, target in requests:
        small_ms, small_queries = timed(client, url.format(n=10), headers)
        large_ms, large_queries = timed(client, url.format(n=100), headers)
        ok = large_ms <= target and max(small_queries, large_queries) <= QUERY_BOUND
        missed |= not ok
        print(
            f"{label:34} {small_ms:8.1f} {large_ms:8.1f} {target:8.0f} "
            f"{small_queries:8d} {large_queries:9d}  {'ok' if ok else 'MISS'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
