"""Groups and the visibility rule: the reader page for a member of 20 groups on an article with
1,000 notes across 30 groups, against a reader in no group.

Prints the SQL query count and median time of GET /articles/<slug>/ (warm and cold cache) for
both readers, the number of queries `visible_to` costs with memberships, and its query plan
(EXPLAIN) over a table big enough for the planner to prefer indexes: 40,000 more notes on 20 other
articles and 6,000 memberships. Run on PostgreSQL with
`scripts/with-postgres .venv/bin/python -m bench.bench_groups` (the plan is PostgreSQL's there,
SQLite's otherwise).

Targets: the same query count for both readers, warm and cold; `visible_to` one query; a plan
that reaches notes through an index (no sequential scan of the annotations table). The exit
status is non-zero if any is missed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from bench.bench_reader import article_markdown
from bench.django_env import setup_django

GROUPS = 30
MEMBER_OF = 20
NOTES = 1_000
OTHER_ARTICLES = 20
NOTES_PER_OTHER_ARTICLE = 2_000
MEMBERS_PER_GROUP = 200
RUNS = 15


def bulk_users(prefix: str, count: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    password = make_password(None)
    User.objects.bulk_create(User(username=f"{prefix}{n}", password=password) for n in range(count))
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def notes_for(article, groups, authors, count: int, rng: random.Random):
    """`count` notes on `article`: most shared with one of `groups`, some public or private."""
    from newsapp.annotations.models import Annotation
    from newsapp.text.anchoring import selector_for

    text = article.body_text
    notes = []
    for _ in range(count):
        start = rng.randrange(0, len(text) - 400)
        visibility = rng.choice(["group"] * 8 + ["public", "private"])
        group = rng.choice(groups) if visibility == "group" else None
        notes.append(
            Annotation(
                article=article,
                author=rng.choice(authors),
                kind=rng.choice(["highlight", "note", "claim", "question"]),
                note="Context for the desk.",
                note_html="<p>Context for the desk.</p>",
                visibility=visibility,
                group=group,
                **selector_for(text, start, start + rng.randint(5, 300)),
            )
        )
    Annotation.objects.bulk_create(notes, batch_size=2_000)


def measure(client, url: str, *, cold: bool) -> tuple[float, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    client.get(url)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    count = len(queries.captured_queries)
    timings = []
    for _ in range(RUNS):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), count


def build(rng: random.Random):
    from newsapp.articles.services import article_import
    from newsapp.groups.models import Group, Membership, Role

    article = article_import(
        title="A long read", body=article_markdown(6_000, rng), body_format="markdown"
    )
    crowd = bulk_users("crowd", MEMBERS_PER_GROUP * 2)
    groups = Group.objects.bulk_create(
        Group(name=f"Desk {n}", slug=f"desk-{n}") for n in range(GROUPS)
    )
    memberships = [
        Membership(group=group, user=user, role=Role.OWNER if i == 0 else Role.MEMBER)
        for group in groups
        for i, user in enumerate(rng.sample(crowd, MEMBERS_PER_GROUP))
    ]
    Membership.objects.bulk_create(memberships, batch_size=2_000)
    member, loner = bulk_users("reader-", 2)
    Membership.objects.bulk_create(
        Membership(group=group, user=member) for group in groups[:MEMBER_OF]
    )
    notes_for(article, groups, crowd, NOTES, rng)
    others = [
        article_import(title=f"Other {n}", body=article_markdown(800, rng), body_format="markdown")
        for n in range(OTHER_ARTICLES)
    ]
    for other in others:
        notes_for(other, groups, crowd, NOTES_PER_OTHER_ARTICLE, rng)
    return article, member, loner


def main() -> int:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsapp.annotations.models import Annotation

    rng = random.Random(20261125)
    started = time.perf_counter()
    article, member, loner = build(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Annotation.objects.count()
    print(
        f"database: {connection.vendor}; built {total:,} notes, {GROUPS} groups in "
        f"{time.perf_counter() - started:.1f} s"
    )
    url = article.get_absolute_url()
    results = {}
    for label, user in (("member of 20 groups", member), ("reader in no group", loner)):
        client = Client()
        client.force_login(user)
        visible = Annotation.objects.visible_to(user).filter(article=article).count()
        warm_ms, warm_queries = measure(client, url, cold=False)
        cold_ms, cold_queries = measure(client, url, cold=True)
        results[label] = (warm_queries, cold_queries)
        print(
            f"reader page, {label:>19} ({visible:,} of {NOTES:,} notes visible): "
            f"warm {warm_ms:6.2f} ms, {warm_queries} queries | "
            f"cold {cold_ms:7.2f} ms, {cold_queries} queries"
        )

    visible = Annotation.objects.visible_to(member).filter(article=article)
    with CaptureQueriesContext(connection) as queries:
        rows = list(visible.values_list("pk", "visibility", "group_id"))
    plan = visible.explain()
    print(f"visible_to(member of 20 groups) on the article: {len(rows):,} notes")
    print("EXPLAIN:")
    for line in plan.splitlines():
        print(f"    {line}")

    verdict = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    member_counts, loner_counts = results["member of 20 groups"], results["reader in no group"]
    same = member_counts == loner_counts
    print(
        f"target: same query count as a reader in no group (warm, cold) -> "
        f"{member_counts} vs {loner_counts} {verdict(same)}"
    )
    one = len(queries.captured_queries) == 1
    print(f"target: visible_to with memberships is one query -> {len(queries.captured_queries)} "
          f"{verdict(one)}")  # fmt: skip
    table = Annotation._meta.db_table
    if connection.vendor == "postgresql":
        indexed = "Index" in plan and f"Seq Scan on {table}" not in plan
    else:
        indexed = "USING INDEX" in plan and f"SCAN {table}\n" not in f"{plan}\n"
    print(f"target: index-backed plan (no full scan of {table}) -> {verdict(indexed)}")
    return 0 if same and one and indexed else 1


if __name__ == "__main__":
    sys.exit(main())
