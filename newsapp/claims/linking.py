"""The same quotation in other articles, found through an index of the quotes' words.

Every stored quote keeps its distinct content words (`QuoteWord`: words of four letters or
more that are not among the commonest), so a new article's quotes find their candidates with
one indexed lookup each instead of reading every stored quote of a similar length (3.1 s per
import at 100,000 quotes). The lookup keeps the MAX_CANDIDATES quotes of a similar length
(quotes this different in length cannot reach SAME_QUOTE_THRESHOLD) that share the most
words; they then pass the same tests as before, in order of cost: enough words in common
(the same quotation, even reworded, keeps most of its words; the bound is loose so spelling
variants still pass), and `quote_similarity`.
"""

from __future__ import annotations

from math import ceil

from django.db.models import Q
from django.db.models.expressions import RawSQL

from newsapp.text.quotes import SAME_QUOTE_THRESHOLD, quote_similarity

from .models import Quote, QuoteWord

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


def index_quotes(article, quotes: list[Quote]) -> None:
    """Replace the word index of `article`'s quotes (an article has tens of quotes)."""
    QuoteWord.objects.filter(quote__article=article).delete()
    QuoteWord.objects.bulk_create(
        QuoteWord(quote=quote, word=word)
        for quote in quotes
        if linkable(quote.normalized)
        for word in sorted(indexed_words(quote.normalized))
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
