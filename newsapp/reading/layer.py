"""The reading layer: the reader's own list on the reader page and in the library.

On the reader page: Save for later / Archive and "Mark as read" under the title, the place the
reader left off (the page's script resumes there and reports progress as they scroll), and a
subtle "Top highlight" marking where three or more readers highlighted the same words. In the
library: the tabs "My reading list" and "Archive" beside "Library", and on each card the
reader's status, the reading time left, "New since your last visit" for feed items and the
most highlighted words.
"""

from __future__ import annotations

import math

from django.db.models import Count, F, Q
from django.utils.functional import SimpleLazyObject

from newsapp.articles.models import FeedItem
from newsapp.reader.layers import Layer, Shelf
from newsapp.reader.marks import TOP, Mark

from .models import ON_THE_LIST, ReadingEntry, Status
from .services import FINISHED, library_visit_record
from .top import top_highlights


def minutes_left(article, entry: ReadingEntry | None) -> int | None:
    """Reading time left of a partly read article (None when not started or finished)."""
    if entry is None or not entry.started or entry.progress >= FINISHED:
        return None
    return max(1, math.ceil(article.reading_minutes * (1 - entry.progress)))


def entry_for(user, article) -> ReadingEntry | None:
    if not user.is_authenticated:
        return None
    return ReadingEntry.objects.filter(reader=user, article=article).first()


def _on_list(articles, user):
    return articles.filter(
        reading_entries__reader=user, reading_entries__status__in=ON_THE_LIST
    ).order_by(F("reading_entries__changed_at").desc(), "-pk")


def _archived(articles, user):
    return articles.filter(
        reading_entries__reader=user, reading_entries__status=Status.ARCHIVED
    ).order_by(F("reading_entries__changed_at").desc(), "-pk")


class ReadingLayer(Layer):
    name = "reading"
    templates = {
        "header": "reading/reader/_header.html",
        "scripts": "reading/reader/_scripts.html",
        "library_card": "reading/reader/_library_card.html",
        "library_card_footer": "reading/reader/_library_card_footer.html",
        "library_scripts": "reading/reader/_library_scripts.html",
    }

    def marks(self, page, earlier):
        """Top highlights: every public reader's highlights count, whatever the viewer's
        filter (the marks are the same for everyone, so they live in the shared cache)."""
        top = top_highlights([page.article])[page.article.pk]
        marks = []
        for number, found in enumerate(top.ranges):
            key = f"top-{number}"
            marks.append(Mark(TOP, key, found.start, found.end, count=found.readers))
            marks.append(Mark(TOP, key, found.end - 1, found.end, part=1, count=found.readers))
        return marks, {"top": len(top.ranges)}

    def context(self, page):
        return {"reading": SimpleLazyObject(lambda: ReaderPlace(page))}

    def library_cards(self, articles, user) -> None:
        """Per card: the reader's entry and time left, whether a followed feed brought it since
        their last visit, and the most highlighted words (a few queries for the whole page;
        the library view calls this once per page, so it also notes the visit)."""
        tops = top_highlights(articles, snippets=True)
        entries, new = {}, set()
        if user.is_authenticated and articles:
            ids = [article.pk for article in articles]
            entries = {
                entry.article_id: entry
                for entry in ReadingEntry.objects.filter(reader=user, article__in=ids)
            }
            seen_until = library_visit_record(reader=user)
            if seen_until is not None:
                new = set(
                    FeedItem.objects.filter(
                        article__in=ids,
                        feed__subscriptions__user=user,
                        created_at__gt=seen_until,
                    ).values_list("article_id", flat=True)
                )
        for article in articles:
            entry = entries.get(article.pk)
            article.reading_entry = entry
            article.minutes_left = minutes_left(article, entry)
            article.is_new = article.pk in new
            article.top_highlight = tops[article.pk]

    def library_shelves(self, request) -> list[Shelf]:
        user = request.user
        if not user.is_authenticated:
            return []
        counts = ReadingEntry.objects.filter(reader=user).aggregate(
            listed=Count("pk", filter=Q(status__in=ON_THE_LIST)),
            archived=Count("pk", filter=Q(status=Status.ARCHIVED)),
        )
        return [
            Shelf(
                key="reading",
                label="My reading list",
                short_label="My list",
                count=counts["listed"],
                select=lambda articles: _on_list(articles, user),
                position=-1,
                default=True,
                empty="Your reading list is empty. Save articles from the Library to read "
                "them later: they wait here, with your place kept.",
                shortcut="1",
            ),
            Shelf(
                key="archive",
                label="Archive",
                count=counts["archived"],
                select=lambda articles: _archived(articles, user),
                position=1,
                empty="Nothing archived yet. Articles you mark as read end up here.",
                shortcut="3",
            ),
        ]


class ReaderPlace:
    """The viewer's entry for the article on the reader page (one query, when rendered)."""

    def __init__(self, page) -> None:
        self.entry = entry_for(page.user, page.article)
        self.article = page.article
        self.minutes_left = minutes_left(page.article, self.entry)
