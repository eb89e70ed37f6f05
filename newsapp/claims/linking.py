"""The same quotation in other articles, found through an index of the quotes' words.

Every stored quote keeps its distinct content words (`QuoteWord`: words of four letters or
more that are not among the commonest), so a new article's quotes find their candidates with
one indexed lookup each instead of reading every stored quote of a similar length (3.1 s per
import at 100,000 quotes). The lookup keeps the MAX_CANDIDATES quotes of a similar length
(quotes this different in length cannot reach SAME_QUOTE_THRESHOLD) that share the most
words; they then pass the same tests as before, in order of cost: enough words in common
(the same quotation, even reworded, keeps most of its words; the bound is loose so spelling
variants still pass), and `quote_similarity`.

Linking reads the whole quote index, so it is not part of storing an article's quotes (an
import answers in tens of milliseconds whatever the library's size): `quotes_refresh` records
a `LinkRequest` in its transaction and a background task (`link_quotes_task`) links them a
moment later. The row, not the queue, is the record of that work: the worker's supervisor
sends again a request that waits too long (`link_requests_recover`).
"""

from __future__ import annotations

import logging
from math import ceil

from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.tasks import task
from django.utils import timezone

from newsapp.articles.jobs import resend_after
from newsapp.articles.models import Article
from newsapp.text.quotes import SAME_QUOTE_THRESHOLD, quote_similarity

from .models import LinkRequest, Quote, QuoteWord

logger = logging.getLogger(__name__)

# Quotes shorter than this (normalised) are phrases many stories share ("act decisively"):
# linking them across articles would link unrelated stories.
MIN_LINKED_QUOTE_CHARS = 24
MIN_LINKED_QUOTE_WORDS = 4
LINK_LENGTH_RATIO = 0.5
LINK_SHARED_WORDS = 0.4  # of the shorter quote's distinct words
# A candidate shares at least this share of a quote's indexed words (looser than
# LINK_SHARED_WORDS, which counts every word and is checked after).
INDEX_SHARED_WORDS = 0.25
# The candidates a quote is compared with: those of a compatible length sharing the most
# indexed words. The same quotation, even reworded, keeps most of its words and ranks first;
# the cap keeps an import's work bounded when common words are in many stored quotes.
MAX_CANDIDATES = 100
# Of each word, the newest entries read: bounds an import's work however common a word is.
POSTINGS_PER_WORD = 500
MIN_INDEXED_LETTERS = 4
COMMON_WORDS = frozenset(
    "that with this from have were they their them there been would which about what when "
    "will into more than also said some only then very just over such these those after "
    "could should where while being because".split()
)

type Links = tuple[set[int], set[tuple[int, int]]]  # other articles; (this quote, other quote)


def linkable(normalized: str) -> bool:
    return len(normalized) >= MIN_LINKED_QUOTE_CHARS and (
        normalized.count(" ") + 1 >= MIN_LINKED_QUOTE_WORDS
    )


def indexed_words(normalized: str) -> frozenset[str]:
    return frozenset(
        word[:40]
        for word in normalized.split()
        if len(word) >= MIN_INDEXED_LETTERS and word not in COMMON_WORDS
    )


def quotes_link_later(article) -> None:
    """Ask for the article's quotes to be linked once this transaction commits."""
    LinkRequest.objects.bulk_create(
        [LinkRequest(article_id=article.pk, requested_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["requested_at"],
    )
    article_id = article.pk
    transaction.on_commit(lambda: _send(article_id), robust=True)


def _send(article_id: int) -> None:
    try:
        link_quotes_task.enqueue(article_id)
    except Exception as error:  # whatever the backend raises: Redis down, a full queue...
        logger.warning("quote links of article %s wait for the queue: %r", article_id, error)


@task
def link_quotes_task(article_id: int) -> str:
    linked = quotes_link(article_id)
    return "Nothing to do." if linked is None else f"{linked} quote(s) also quoted elsewhere."


def quotes_link(article_id: int) -> int | None:
    """Link the article's quotes if they wait to be (their `LinkRequest`); returns how many
    are also quoted elsewhere, or None when nothing waited (done already, or the article is
    gone). Marks every article whose links changed as changed for the reader's cache."""
    with transaction.atomic():
        # The article's row first, as quotes_refresh takes it: a revision storing new quotes
        # and this task run one after the other.
        article = Article.objects.select_for_update().only("pk").filter(pk=article_id).first()
        waiting = LinkRequest.objects.select_for_update().filter(article_id=article_id)
        if article is None or not waiting.exists():
            return None
        quotes = list(
            Quote.objects.filter(article_id=article_id).only(
                "pk", "normalized", "normalized_length"
            )
        )
        old_links = linked_articles(article)
        linked, new_links = relink(article, quotes)
        # One stamp for every page that shows a changed link: the articles linked or unlinked,
        # and this one when its own links changed.
        changed = old_links[0] ^ new_links[0]
        if old_links[1] != new_links[1]:
            changed.add(article_id)
        Article.objects.filter(pk__in=changed).mark_annotations_changed()
        waiting.delete()
    return linked


def link_requests_recover() -> int:
    """Send again the link requests waiting longer than the jobs' resend delay (the queue may
    have lost them); returns how many. Several workers may run it at once: each request is
    taken by a conditional update only one of them wins."""
    now = timezone.now()
    sent = 0
    stale = LinkRequest.objects.filter(requested_at__lt=now - resend_after())
    for article_id, requested_at in stale.values_list("article_id", "requested_at")[:500]:
        taken = LinkRequest.objects.filter(article_id=article_id, requested_at=requested_at)
        if taken.update(requested_at=now):
            sent += 1
            _send(article_id)
    return sent


def index_quotes(article, quotes: list[Quote]) -> None:
    """Replace the word index of `article`'s quotes (an article has tens of quotes)."""
    QuoteWord.objects.filter(quote__article=article).delete()
    QuoteWord.objects.bulk_create(
        QuoteWord(quote=quote, word=word)
        for quote in quotes
        if linkable(quote.normalized)
        for word in sorted(indexed_words(quote.normalized))
    )


def articles_quoting(quote_ids: list[int]):
    """The articles (a values queryset of ids) whose quotes are linked to these quotes."""
    return Quote.same_quotes.through.objects.filter(from_quote_id__in=quote_ids).values(
        "to_quote__article_id"
    )


def linked_articles(article) -> Links:
    """Articles linked to this one's quotes, and the links."""
    through = Quote.same_quotes.through
    rows = through.objects.filter(from_quote__article=article).values_list(
        "from_quote_id", "to_quote_id", "to_quote__article_id"
    )
    articles, links = set(), set()
    for from_id, to_id, article_id in rows:
        articles.add(article_id)
        links.add((from_id, to_id))
    return articles, links


def relink(article, quotes: list[Quote]) -> tuple[int, Links]:
    """Link each quote to the same quotation in other articles (both ways). One query per
    linkable quote, whatever the number of stored quotes."""
    through = Quote.same_quotes.through
    through.objects.filter(Q(from_quote__article=article) | Q(to_quote__article=article)).delete()
    index_quotes(article, quotes)
    links: set[tuple[int, int]] = set()
    articles: set[int] = set()
    for quote in quotes:
        if not linkable(quote.normalized):
            continue
        for other_id, other_article in _same_quotation(quote, article):
            links.add((quote.pk, other_id))
            articles.add(other_article)
    through.objects.bulk_create(
        [through(from_quote_id=a, to_quote_id=b) for a, b in links]
        + [through(from_quote_id=b, to_quote_id=a) for a, b in links],
        ignore_conflicts=True,
    )
    return len({a for a, _ in links}), (articles, links)


def _same_quotation(quote: Quote, article) -> list[tuple[int, int]]:
    """(quote id, article id) of stored quotes elsewhere that are `quote` (one query)."""
    indexed = sorted(indexed_words(quote.normalized))
    if not indexed:
        return []
    length = quote.normalized_length
    rows = (
        Quote.objects.filter(
            pk__in=RawSQL(*_candidates_sql(indexed)),
            normalized_length__gte=int(length * LINK_LENGTH_RATIO),
            normalized_length__lte=int(length / LINK_LENGTH_RATIO) + 1,
        )
        .exclude(article=article)
        .order_by()
        .values_list("id", "article_id", "normalized")
    )
    words = frozenset(quote.normalized.split())
    same = []
    for other_id, other_article, other_text in rows:
        other_words = frozenset(other_text.split())
        if len(words & other_words) < LINK_SHARED_WORDS * min(len(words), len(other_words)):
            continue
        if linkable(other_text) and quote_similarity(quote.normalized, other_text) >= (
            SAME_QUOTE_THRESHOLD
        ):
            same.append((other_id, other_article))
    return same


def _candidates_sql(words: list[str]) -> tuple[str, list]:
    """The stored quotes sharing the most of `words`, reading at most POSTINGS_PER_WORD of
    each word's newest entries: a word that is in a fifth of all quotes costs no more than a
    rare one (a quote's rarer words still find an older copy). Plain SQL that PostgreSQL and
    SQLite both run: a LIMIT inside UNION ALL needs its own subquery."""
    table = QuoteWord._meta.db_table
    postings = " UNION ALL ".join(
        f"SELECT quote_id FROM (SELECT quote_id FROM {table} WHERE word = %s"
        f" ORDER BY quote_id DESC LIMIT {POSTINGS_PER_WORD}) AS word_{number}"
        for number in range(len(words))
    )
    sql = (
        f"SELECT quote_id FROM ({postings}) AS postings GROUP BY quote_id"
        f" HAVING COUNT(*) >= %s ORDER BY COUNT(*) DESC, quote_id LIMIT {MAX_CANDIDATES}"
    )
    return sql, [*words, max(1, ceil(INDEX_SHARED_WORDS * len(words)))]
