"""Claims at library scale: linking an article's quotes to the library, recomputing note scores
from stored ratings, and the reader page's queries with many quotes and claims.

Run from the repo root: .venv/bin/python -m bench.bench_claims
"""

from __future__ import annotations

import random
import statistics
import time

from bench.django_env import setup_django

LIBRARY_QUOTES = 5_000
ARTICLE_QUOTES = 40
RATERS = 1_000
NOTES = 500
RATINGS_PER_RATER = 10
LINK_TARGET_MS = 500.0
RESCORE_TARGET_MS = 2_000.0
COMMON = [
    *("the", "a", "of", "to", "and", "in", "that", "is", "we", "it", "not", "for", "on", "will"),
    *("be", "this", "are", "they", "our", "have", "with", "as", "was", "people", "there"),
]


def vocabulary(rng: random.Random, size: int = 4_000) -> list[str]:
    """Pseudo-words: quotes in a library share common words and differ in the rest."""
    letters = "abcdefghiklmnoprstuvwy"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size)]


def sentence(rng: random.Random, words: int, vocab: list[str]) -> str:
    picked = [
        rng.choice(COMMON) if rng.random() < 0.45 else rng.choice(vocab) for _ in range(words)
    ]
    return " ".join(picked).capitalize()


def reworded(text: str, rng: random.Random) -> str:
    """The same quotation as another outlet prints it: a word or two changed."""
    words = text.split()
    for _ in range(2):
        words[rng.randrange(len(words))] = rng.choice(COMMON)
    return " ".join(words)


def quoted_article(rng: random.Random, quotes: list[str]) -> str:
    paragraphs = []
    for number, quote in enumerate(quotes):
        paragraphs.append(sentence(rng, rng.randint(20, 40), VOCAB) + ".")
        speaker = f"Speaker{number % 12} Surname{number % 12}"
        paragraphs.append(f"“{quote},” said {speaker}.")
    return "\n\n".join(paragraphs)


VOCAB = vocabulary(random.Random(7))


def fill_library(rng: random.Random, planted: list[str]) -> None:
    """LIBRARY_QUOTES stored quotes spread over articles, written straight to the table; among
    them a reworded copy of each quote in `planted`."""
    from newsapp.articles.services import article_import
    from newsapp.claims.models import Quote
    from newsapp.text.quotes import normalize_quote

    holders = [
        article_import(title=f"Library {n}", body="A short story.", body_format="text")
        for n in range(50)
    ]
    texts = [reworded(text, rng) for text in planted]
    texts += [sentence(rng, rng.randint(8, 30), VOCAB) for _ in range(LIBRARY_QUOTES - len(texts))]
    rows = []
    for number, text in enumerate(texts):
        normalized = normalize_quote(text)
        rows.append(
            Quote(
                article=holders[number % len(holders)],
                text=text,
                normalized=normalized,
                normalized_length=len(normalized),
                start=0,
                end=len(text),
                parts=[[0, len(text)]],
            )
        )
    Quote.objects.bulk_create(rows, batch_size=1_000)


def time_linking(rng: random.Random, quotes: list[str]) -> tuple[float, int, int]:
    """Median ms of linking a new article's quotes against the library (the worker's task
    after an import, `claims.linking.quotes_link`), the quotes the import stored and how many
    of them were linked."""
    from newsapp.articles.services import article_import
    from newsapp.claims.linking import quotes_link
    from newsapp.claims.models import Quote

    timings = []
    for run in range(5):
        article = article_import(
            title=f"Interview {run}", body=quoted_article(rng, quotes), body_format="markdown"
        )
        started = time.perf_counter()
        linked = quotes_link(article.pk)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), Quote.objects.filter(article=article).count(), linked


def time_rescore(rng: random.Random) -> tuple[float, object]:
    """ms of notes_rescore over stored ratings (load, fit, write), the cost a rating triggers."""
    from django.contrib.auth import get_user_model

    from newsapp.annotations.models import Annotation
    from newsapp.articles.services import article_import
    from newsapp.claims.models import NoteRating
    from newsapp.claims.ratings import notes_rescore
    from newsapp.text.anchoring import selector_for

    article = article_import(title="Rated", body=" ".join(["Claim."] * NOTES), body_format="text")
    author = get_user_model().objects.create_user("note-author")
    notes = Annotation.objects.bulk_create(
        Annotation(
            article=article,
            author=author,
            kind="claim",
            note=f"Context {number}",
            note_html=f"<p>Context {number}</p>",
            **selector_for(article.body_text, 7 * number, 7 * number + 6),
        )
        for number in range(NOTES)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"rater{number}") for number in range(RATERS)
    )
    ratings = []
    for number, user in enumerate(users):
        camp = number % 2
        for note in rng.sample(notes, RATINGS_PER_RATER):
            leaning = note.pk % 3
            value = "helpful" if leaning == 2 or leaning == camp else "not"
            ratings.append(NoteRating(annotation=note, rater=user, value=value))
    NoteRating.objects.bulk_create(ratings, batch_size=2_000)
    notes_rescore()  # first run writes every score
    started = time.perf_counter()
    result = notes_rescore()
    return (time.perf_counter() - started) * 1000, result


def reader_queries() -> tuple[int, int]:
    """Cold-cache queries of two reader pages with every feature in use: one with 1 quote and
    1 rated claim, one with 40 of each; both have quotes also found in another article."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsapp.annotations.services import annotation_create
    from newsapp.articles.services import article_import
    from newsapp.claims.linking import quotes_link
    from newsapp.claims.models import NoteRating, Quote
    from newsapp.claims.ratings import notes_rescore

    client = Client()
    client.force_login(get_user_model().objects.create_user("page-reader"))
    author = get_user_model().objects.create_user("claimant")
    raters = list(get_user_model().objects.filter(username__startswith="rater")[:5])
    rng = random.Random(3)

    def page_with(quotes: int):
        texts = [sentence(rng, rng.randint(8, 30), VOCAB) for _ in range(quotes)]
        article = article_import(
            title=f"{quotes} quotes", body=quoted_article(rng, texts), body_format="markdown"
        )
        copy = article_import(title=f"Copy {quotes}", body=article.body_text, body_format="text")
        quotes_link(copy.pk)  # as the worker does, a moment after the import
        for quote in Quote.objects.filter(article=article):
            note = annotation_create(
                article=article,
                author=author,
                exact=quote.text,
                start=quote.start,
                end=quote.end,
                kind="claim",
                note="Context.",
            )
            NoteRating.objects.bulk_create(
                NoteRating(annotation=note, rater=rater, value="helpful") for rater in raters
            )
        notes_rescore()
        article.refresh_from_db()
        return article

    def cold(article) -> int:
        client.get(article.get_absolute_url())
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        return len(queries.captured_queries)

    return cold(page_with(1)), cold(page_with(ARTICLE_QUOTES))


def main() -> None:
    setup_django()
    rng = random.Random(20261124)
    verdict = lambda ok: "PASS" if ok else "MISS"  # noqa: E731

    quotes = [sentence(rng, rng.randint(8, 30), VOCAB) for _ in range(ARTICLE_QUOTES)]
    fill_library(rng, quotes)
    link_ms, found, linked = time_linking(rng, quotes)
    print(
        f"linking the quotes of a {ARTICLE_QUOTES}-quote article against {LIBRARY_QUOTES:,} "
        f"stored quotes (the worker's task after an import): {link_ms:.1f} ms (median of 5), "
        f"target <= {LINK_TARGET_MS:.0f} ms {verdict(link_ms <= LINK_TARGET_MS)}"
    )
    print(
        f"  found {found} quotes, linked {linked} to the reworded copies planted in the library "
        f"(expected {ARTICLE_QUOTES}) {verdict(found == linked == ARTICLE_QUOTES)}"
    )

    rescore_ms, result = time_rescore(rng)
    print(
        f"notes_rescore, {result.ratings:,} stored ratings / {RATERS:,} raters / "
        f"{result.notes} notes: {rescore_ms:.1f} ms ({result.helpful} shown), "
        f"target <= {RESCORE_TARGET_MS:.0f} ms {verdict(rescore_ms <= RESCORE_TARGET_MS)}"
    )

    small, big = reader_queries()
    print(f"reader page, cold cache, 1 quote, 1 rated claim, linked: {small} queries")
    print(
        f"reader page, cold cache, {ARTICLE_QUOTES} quotes and rated claims, linked: {big} queries"
    )
    print(f"target: the same query count -> {verdict(small == big)}")


if __name__ == "__main__":
    main()
