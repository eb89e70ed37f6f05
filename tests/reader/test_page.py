"""The reader page is its layers: a settings list, in order, each marking the body."""

from __future__ import annotations

import pytest

from newsapp.reader.layers import Layer
from newsapp.reader.marks import NOTE, Mark
from tests.claims.factories import make_quoted_article
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db

LAYERS = [
    "newsapp.articles.layer.ArticleLayer",
    "newsapp.annotations.layer.AnnotationsLayer",
    "newsapp.sharing.layer.SharingLayer",
    "newsapp.claims.layer.ClaimsLayer",
]


class EveryWordLayer(Layer):
    """A made-up layer: marks the article's first word, and sees the marks before it."""

    name = "every-word"
    seen: list[Mark] = []

    def marks(self, page, earlier):
        EveryWordLayer.seen = list(earlier)
        return [Mark(NOTE, "first-word", 0, page.article.body_text.index(" "), kind="note")], {}


def test_a_layer_in_the_setting_marks_the_body_after_the_others(client, settings):
    article = make_quoted_article()
    note = make_annotation(article=article, author=make_user(), exact="Monitors will watch")
    settings.GLOSS_READER_LAYERS = [*LAYERS, "tests.reader.test_page.EveryWordLayer"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="hl-first-word"' in html
    assert [mark.key for mark in EveryWordLayer.seen if mark.layer == NOTE] == [note.public_id]


def test_without_the_claims_layer_there_are_no_quote_marks_or_panel(client, settings):
    article = make_quoted_article()
    assert "data-quote=" in client.get(article.get_absolute_url()).content.decode()
    settings.GLOSS_READER_LAYERS = [path for path in LAYERS if "claims" not in path]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "data-quote=" not in html
    assert 'class="quotes-panel"' not in html
    assert "data-article-body" in html
