"""Gloss at scale: the pages that read the big tables, at 1,000 and at 50,000 articles.

Seeds articles, quotes and notes in bulk (the rows the app would write, without running every
import through the quote finder), then prints for each page the median time over a few runs,
warm, and its SQL query count, at a small and a large size: query counts must be the same,
times under the targets. Pages that read the big tables print their query plans.

It measures PostgreSQL (production): run from `make bench` or on its own
(`.venv/bin/python -m bench.bench_scale`), it starts a throwaway cluster (scripts/with-postgres)
unless DATABASE_URL already names one. GLOSS_SCALE=small runs the small size only (a smoke run).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from bench.django_env import rerun_on_postgres, setup_django

SIZES = {"small": (1_000, 10_000), "large": (50_000, 500_000)}
READERS = 200
SPEAKERS = 2_000
QUOTES_PER_ARTICLE = 2
RUNS = 7
PAGE_TARGET_MS = 50.0
SEARCH_TARGET_MS = 100.0
# Linking a new article's quotes to the same quotations elsewhere is the worker's job, not the
# import request's; bounded so that it never holds a worker long.
LINK_TARGET_MS = 250.0
IMPORT = "article import"
LINKING = "its quotes' linking (worker)"
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
    "ferry",
    "bridge",
    "vote",
    "tariff",
    "vaccine",
    "drought",
    "wildfire",
    "pension",
    "strike",
    "election",
    "court",
    "verdict",
]
FILLER = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "that",
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


def sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS if rng.random() < 0.4 else FILLER) for _ in range(length))


def body_templates(rng: random.Random, count: int = 40) -> list[dict]:
    """A few dozen bodies prepared once (sanitised, canonical text) and shared by the articles:
    the pages under test read rows, they do not care how alike the texts are."""
    from newsapp.articles.services import BodyFormat, prepare_body

    templates = []
    for number in range(count):
        paragraphs = []
        for _ in range(rng.randint(6, 14)):
            text = sentence(rng, rng.randint(30, 70)).capitalize() + "."
            if rng.random() < 0.3:
                text = f"“{sentence(rng, 14).capitalize()},” the minister said. {text}"
            paragraphs.append(text)
        prepared = prepare_body(
            title=f"Template {number}", body="\n\n".join(paragraphs), body_format=BodyFormat.TEXT
        )
        templates.append({"html": prepared.body_html, "text": prepared.body_text})
    return templates


def seed(articles: int, notes: int, rng: random.Random, *, offset: int = 0) -> None:
    """Add `articles` articles (with a revision and two quotes each) and `notes` notes."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from newsapp.annotations.models import Annotation, Tag
    from newsapp.articles.models import Article, ArticleRevision
    from newsapp.claims.linking import indexed_words
    from newsapp.claims.models import Quote, QuoteWord, Speaker
    from newsapp.text.anchoring import selector_for
    from newsapp.text.extract import word_count
    from newsapp.text.quotes import normalize_quote

    users = list(get_user_model().objects.order_by("pk"))
    if not users:
        get_user_model().objects.bulk_create(
            get_user_model()(username=f"reader{n}") for n in range(READERS)
        )
        Speaker.objects.bulk_create(
            Speaker(name=f"Speaker {n}", slug=f"speaker-{n}") for n in range(SPEAKERS)
        )
        Tag.objects.bulk_create(Tag(name=word) for word in WORDS)
        users = list(get_user_model().objects.order_by("pk"))
    speakers = list(Speaker.objects.order_by("pk"))
    tags = list(Tag.objects.order_by("pk"))
    templates = body_templates(random.Random(7))
    now = timezone.now()
    batch = 2_000
    for first in range(offset, offset + articles, batch):
        rows = []
        for number in range(first, min(first + batch, offset + articles)):
            template = templates[number % len(templates)]
            rows.append(
                Article(
                    title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} story {number}",
                    slug=f"story-{number}",
                    source_name=f"Outlet {number % 40}",
                    published_at=now - timezone.timedelta(minutes=number),
                    body_html=template["html"],
                    body_text=template["text"],
                    word_count=word_count(template["text"]),
                )
            )
        created = Article.objects.bulk_create(rows)
        ArticleRevision.objects.bulk_create(
            ArticleRevision(
                article=article,
                number=1,
                title=article.title,
                body_html=article.body_html,
                body_text=article.body_text,
            )
            for article in created
        )
        quotes = []
        for article in created:
            for part in range(QUOTES_PER_ARTICLE):
                start = 40 + part * 400
                text = article.body_text[start : start + 90]
                speaker = rng.choice(speakers)
                quotes.append(
                    Quote(
                        article=article,
                        text=text,
                        normalized=normalize_quote(text),
                        normalized_length=len(normalize_quote(text)),
                        start=start,
                        end=start + 90,
                        speaker=speaker,
                        shown_speaker=speaker,
                    )
                )
        created_quotes = Quote.objects.bulk_create(quotes)
        QuoteWord.objects.bulk_create(
            QuoteWord(quote=quote, word=word)
            for quote in created_quotes
            for word in indexed_words(quote.normalized)
        )
    all_articles = list(
        Article.objects.filter(slug__startswith="story-").values_list("pk", "body_text")
    )
    texts = {pk: text for pk, text in all_articles}
    # A few articles carry most notes (as popular stories do); every reader writes some.
    heavy = [pk for pk, _ in all_articles[:20]]
    for first in range(0, notes, 5_000):
        rows = []
        for _ in range(min(5_000, notes - first)):
            article_id = rng.choice(heavy) if rng.random() < 0.02 else rng.choice(all_articles)[0]
            text = texts[article_id]
            start = rng.randrange(0, len(text) - 200)
            rows.append(
                Annotation(
                    article_id=article_id,
                    author=rng.choice(users),
                    kind=rng.choice(["highlight", "note", "claim", "quote", "question"]),
                    note="Context with a [source](https://example.org/report).",
                    note_html='<p>Context with a <a href="https://example.org/report" '
                    'rel="nofollow noopener ugc">source</a>.</p>',
                    visibility=rng.choice(["public", "public", "unlisted", "private"]),
                    **selector_for(text, start, start + rng.randint(5, 150)),
                )
            )
        created = Annotation.objects.bulk_create(rows)
        Annotation.tags.through.objects.bulk_create(
            Annotation.tags.through(annotation_id=note.pk, tag_id=rng.choice(tags).pk)
            for note in created[::5]
        )


def timed(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: templates, connection, the page's cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries.captured_queries)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), count


def import_times(rng: random.Random) -> dict[str, tuple[float, int]]:
    """A new article with quotes, imported through the one import path as a request does (its
    quote linking queued for the worker, on the database's queue), then that linking as the
    worker runs it (it reads the word index of every stored quote)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsapp.articles.services import BodyFormat, article_import
    from newsapp.claims.linking import quotes_link

    rows: dict[str, tuple[list[float], list[int]]] = {IMPORT: ([], []), LINKING: ([], [])}

    def timed_work(name: str, work, **arguments):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = work(**arguments)
        rows[name][0].append((time.perf_counter() - started) * 1000)
        rows[name][1].append(len(queries.captured_queries))
        return result

    for number in range(RUNS):
        body = "\n\n".join(
            f"“{sentence(rng, 16).capitalize()},” said Minister Ada Vale. "
            f"{sentence(rng, 40).capitalize()}."
            for _ in range(8)
        )
        title = f"Fresh story {rng.random()} {number}"
        article = timed_work(
            IMPORT, article_import, title=title, body=body, body_format=BodyFormat.TEXT
        )
        timed_work(LINKING, quotes_link, article_id=article.pk)
    return {name: (statistics.median(times), max(counts)) for name, (times, counts) in rows.items()}


def pages(users) -> dict[str, tuple[str, object]]:
    """name -> (url, who asks: None for anonymous, else the signed-in reader)."""
    from django.urls import reverse

    from newsapp.annotations.models import Annotation
    from newsapp.articles.models import Article

    heavy = Article.objects.get(slug="story-0")
    reader = users[0]
    busy = speaker_with_notes(heavy, reader)
    return {
        "library": ("/", None),
        "library, signed in": ("/", reader),
        "library, page 40": ("/?page=40", None),
        "search": ("/?q=ceasefire", None),
        "reader, busiest article": (heavy.get_absolute_url(), None),
        "reader, signed in": (heavy.get_absolute_url(), reader),
        "permalink": (
            Annotation.objects.filter(article=heavy, visibility="public")
            .first()
            .get_absolute_url(),
            None,
        ),
        "My notes": (reverse("annotations:mine"), reader),
        "speaker": (busy.get_absolute_url(), None),
        "claims": (reverse("claims:article_claims", args=[heavy.slug]), None),
        "export, article, JSON-LD": (
            reverse("sharing:article_export", args=[heavy.slug, "jsonld"]),
            None,
        ),
    }


def speaker_with_notes(article, reader):
    """The speaker of `article`'s first quote, with a public note on that quote: a speaker
    page whose cards carry notes at every size (the queries that load them always run)."""
    from newsapp.annotations.models import Annotation
    from newsapp.claims.models import Quote
    from newsapp.text.anchoring import selector_for

    quote = Quote.objects.filter(article=article).order_by("start").first()
    overlapping = Annotation.objects.filter(
        article=article, visibility="public", start__lt=quote.end, end__gt=quote.start
    )
    if not overlapping.exists():
        Annotation.objects.create(
            article=article,
            author=reader,
            kind="claim",
            note="Context on the quote.",
            note_html="<p>Context on the quote.</p>",
            visibility="public",
            **selector_for(article.body_text, quote.start, quote.end),
        )
    return quote.shown_speaker


def measure(label: str, users, rng) -> dict[str, tuple[float, int]]:
    from django.test import Client

    results = {}
    clients = {}
    for name, (url, user) in pages(users).items():
        if user not in clients:
            clients[user] = Client()
            if user is not None:
                clients[user].force_login(user)
        results[name] = timed(clients[user], url)
    results.update(import_times(rng))
    for name, (ms, queries) in results.items():
        print(f"  {label:>5} {name:<26} {ms:8.1f} ms  {queries:3d} queries")
    return results


def explain() -> None:
    """Plans of the queries that read the big tables (PostgreSQL)."""
    from django.db import connection

    from newsapp.annotations.models import Annotation
    from newsapp.articles.models import Article

    if connection.vendor != "postgresql":
        return
    heavy = Article.objects.get(slug="story-0")
    plans = {
        "library page": Article.objects.for_library().newest_first()[:12],
        "reader marks": Annotation.objects.visible_to(None)
        .filter(article=heavy)
        .top_level()
        .values_list("public_id", "kind", "start", "end"),
    }
    for name, queryset in plans.items():
        print(f"\nEXPLAIN {name}:")
        print(queryset.explain(analyze=True))


def main() -> None:
    status = rerun_on_postgres("bench.bench_scale")
    if status is not None:
        sys.exit(status)
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    rng = random.Random(20261201)
    chosen = os.environ.get("GLOSS_SCALE", "all")
    results = {}
    done_articles = done_notes = 0
    for label, (articles, notes) in SIZES.items():
        if chosen == "small" and label != "small":
            continue
        started = time.perf_counter()
        seed(articles - done_articles, notes - done_notes, rng, offset=done_articles)
        done_articles, done_notes = articles, notes
        # What autovacuum gives a live database: statistics, and the visibility map that
        # lets index-only scans skip the table (bulk-loaded rows have none yet).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(
            f"{label}: {articles:,} articles, {notes:,} notes "
            f"(seeded in {time.perf_counter() - started:.0f} s)"
        )
        users = list(get_user_model().objects.order_by("pk")[:1])
        results[label] = measure(label, users, rng)
    explain()
    failed = report(results)
    sys.exit(1 if failed else 0)


def report(results: dict) -> bool:
    largest = results[list(results)[-1]]
    smallest = results[next(iter(results))]
    failed = False
    print("\ntargets (largest size):")
    for name, (ms, queries) in largest.items():
        target = SEARCH_TARGET_MS if name == "search" else PAGE_TARGET_MS
        if name == LINKING:
            target = LINK_TARGET_MS
        before = smallest[name][1]
        # Fewer is not growth: linking runs a query more when its quotes link elsewhere.
        grown = queries > before
        ok = ms < target and not grown
        failed |= not ok
        change = "GROW" if grown else ("same" if queries == before else "fewer")
        print(
            f"  {name:<26} {ms:8.1f} ms (target < {target:.0f}), queries "
            f"{before} -> {queries} ({change}): {'PASS' if ok else 'MISS'}"
        )
    return failed


if __name__ == "__main__":
    main()
