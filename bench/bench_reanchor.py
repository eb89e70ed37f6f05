"""Benchmark the stored re-anchoring of a new revision: the database side of bench_anchoring.

Run: .venv/bin/python -m bench.bench_reanchor

bench_anchoring times ``locate_many`` alone (and compares it with approx-string-match). This
times what "Check for changes" does with a changed article on top of that, in one transaction:
the word diff, locating every annotation, classifying it for the summary and writing all of
them back (``newsapp.annotations.reanchor.reanchor_annotations``). Same cases as
bench_anchoring's case B: 5,000 annotations on a 10,000-word article, 20 small edits; the
stored offsets are judged against the tracked truth.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Sequence

from bench.bench_anchoring import ARTICLE_SEED, ARTICLE_WORDS, CASE_B
from bench.django_env import setup_django
from bench.reanchor_cases import CaseSet, Tally, make_cases, news_article

TARGET_MS = 2_000.0
TARGET_RIGHT = 0.99
RUNS = 3


def run(case_set: CaseSet) -> tuple[float, Tally, dict]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from newsapp.annotations.models import Annotation
    from newsapp.annotations.reanchor import reanchor_annotations
    from newsapp.articles.models import Article, ArticleRevision

    author, _ = get_user_model().objects.get_or_create(username="bench-reanchor")
    article = Article.objects.create(
        title="Bench",
        slug=f"bench-reanchor-{time.monotonic_ns()}",
        body_html="<p>(bench)</p>",
        body_text=case_set.old_text,
    )
    first = ArticleRevision.objects.create(
        article=article, number=1, title="Bench", body_html="", body_text=case_set.old_text
    )
    Annotation.objects.bulk_create(
        [
            Annotation(article=article, author=author, revision=first, **case.selector)
            for case in case_set.cases
        ],
        batch_size=1000,
    )
    ids = list(
        Annotation.objects.filter(article=article).order_by("id").values_list("id", flat=True)
    )
    second = ArticleRevision.objects.create(
        article=article, number=2, title="Bench", body_html="", body_text=case_set.new_text
    )
    began = time.perf_counter()
    with transaction.atomic():
        report = reanchor_annotations(
            article=article,
            revision=second,
            old_text=case_set.old_text,
            new_text=case_set.new_text,
        )
    elapsed = (time.perf_counter() - began) * 1000

    stored = {
        row["id"]: row
        for row in Annotation.objects.filter(article=article).values(
            "id", "start", "end", "anchor_state", "anchor_method"
        )
    }
    tally = Tally()
    for annotation_id, case in zip(ids, case_set.cases, strict=True):
        row = stored[annotation_id]
        found = None if row["anchor_state"] == "orphaned" else (row["start"], row["end"])
        tally.add(case, found, row["anchor_method"] or "orphaned")
    article.delete()
    return elapsed, tally, report.as_json()["public"]


def main(argv: Sequence[str] = ()) -> int:
    setup_django()
    from django.db import connection

    article = news_article(ARTICLE_SEED, ARTICLE_WORDS)
    case_set = make_cases(article, **CASE_B)
    results = [run(case_set) for _ in range(RUNS)]
    elapsed = statistics.median(result[0] for result in results)
    tally, counts = results[0][1], results[0][2]
    edits = sum(case_set.edits.values())
    passed = elapsed < TARGET_MS and tally.right_share >= TARGET_RIGHT
    print(
        f"stored re-anchoring, {len(case_set.cases):,} annotations / {edits} edits on "
        f"{len(article.split()):,} words (diff, locate, classify, write back; "
        f"{connection.vendor}; median of {RUNS})"
    )
    print(
        f"re-anchor a revision: {elapsed:.0f} ms, {tally.right_share:.2%} stored right "
        f"(target <{TARGET_MS:.0f} ms, >={TARGET_RIGHT:.0%}) {'PASS' if passed else 'MISS'}"
    )
    print(
        f"  reader's summary: {counts['kept']} kept their place, {counts['moved']} moved, "
        f"{counts['adjusted']} followed edited words, {counts['orphaned']} orphaned"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
