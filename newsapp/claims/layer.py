"""The quotes-and-claims layer of the reader page.

Follows the article: its quotations are found again on every import and revision
(`services.quotes_refresh`, keeping readers' corrections). On the page: quote marks (speaker
on hover), a context badge at the end of each claim whose readers' context is shown, the claim
extras on note cards (speaker, status, rating buttons), the "Readers added context" box, the
Quotes panel and the JSON-LD in the head.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from newsapp.annotations.layer import shown
from newsapp.articles.models import Article
from newsapp.reader import cache
from newsapp.reader.layers import Layer
from newsapp.reader.marks import CONTEXT, NOTE, QUOTE, Mark

from .models import NoteScore, NoteStatus, Quote
from .reader import attach_note_extras, reader_claims
from .services import quotes_refresh


class ClaimsLayer(Layer):
    name = "claims"
    templates = {
        "head": "claims/_head.html",
        "before_notes": "claims/_context_box.html",
        "card": "claims/_note_extras.html",
        "aside": "claims/reader/_aside.html",
        "oob": "claims/reader/_oob.html",
    }

    def follow_import(self, *, article):
        return quotes_refresh(article=article)

    def follow_revision(self, *, article, revision, old_text, new_text, ops):
        # Found again on the new text; quotes that survive keep their id, so readers'
        # attribution corrections and links to them stay.
        return quotes_refresh(article=article)

    def describe(self, outcome) -> str:
        return f"Quotes: {outcome.describe()}"

    def articles_changed(self, *, article_ids, stamp) -> None:
        """Context follows the quote: articles carrying one of these articles' quotes show
        their context notes (and count them), so their pages change too (one UPDATE)."""
        quoting = Quote.same_quotes.through.objects.filter(
            from_quote__article__in=article_ids
        ).values("to_quote__article_id")
        Article.objects.filter(pk__in=quoting).exclude(pk__in=article_ids).update(
            annotations_changed_at=stamp
        )

    def marks(self, page, earlier):
        marks = [
            Mark(QUOTE, pk, start, end, part=number, label=speaker or "")
            for pk, spans, speaker in _quote_spans(page.article)
            for number, (start, end) in enumerate(spans)
        ]
        notes = [mark for mark in earlier if mark.layer == NOTE]
        if notes:
            helpful = set(
                NoteScore.objects.filter(
                    annotation__in=shown(page).top_level.values("pk"), status=NoteStatus.HELPFUL
                ).values_list("annotation__public_id", flat=True)
            )
            # The badge sits on the claim's last character.
            marks += [
                Mark(CONTEXT, mark.key, mark.end - 1, mark.end)
                for mark in notes
                if mark.key in helpful
            ]
        return marks, {}

    def context(self, page):
        claims = SimpleLazyObject(lambda: reader_claims(page.article))
        quotes_panel = SimpleLazyObject(
            lambda: cache.rendered_for_viewer(
                page.request,
                cache.page_key(page.article, user=page.user, variant="quotes-panel"),
                "claims/_quotes_panel.html",
                lambda: {"claims": claims, "article": page.article},
            )
        )
        return {"claims": claims, "quotes_panel_html": quotes_panel}

    def card_extras(self, notes, user) -> None:
        attach_note_extras(notes, user)


def _quote_spans(article) -> list[tuple[int, list[tuple[int, int]], str | None]]:
    """Each quote's pieces and the speaker readers see (one query)."""
    rows = Quote.objects.filter(article=article).values_list(
        "pk", "start", "end", "parts", "shown_speaker__name"
    )
    return [
        (pk, [(s, e) for s, e in parts] or [(start, end)], name)
        for pk, start, end, parts, name in rows
    ]
