from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from newsapp.articles.models import Article, ArticleRevision
from newsapp.articles.services import article_import
from newsapp.text.extract import canonical_text
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_markdown_import_sanitises_and_derives_the_canonical_text():
    article = make_article(
        title="Budget <b>talks</b>",
        body=(
            "Ministers **met** at dawn.\n\n<script>alert(1)</script>\n\n"
            "A [link](javascript:alert(1))."
        ),
    )
    assert article.title == "Budget talks"
    assert "<strong>met</strong>" in article.body_html
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html
    assert article.body_text == canonical_text(article.body_html)
    assert article.word_count == len(article.body_text.split())
    assert article.revisions.get().number == 1


def test_plain_text_becomes_paragraphs():
    article = make_article(body="First line.\n\nSecond & last.", body_format="text")
    assert article.body_html.count("<p>") == 2
    assert "Second & last." in article.body_text


def test_slugs_are_unique():
    first = make_article(title="Same title")
    second = make_article(title="Same title")
    assert first.slug == "same-title"
    assert second.slug == "same-title-2"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": "   "}, "body", "empty"),
        ({"body": "x" * (2 * 1024 * 1024 + 1)}, "body", "2 MB"),
        ({"title": "t" * 301}, "title", "limit is 300"),
        ({"body_format": "docx"}, "body_format", "Unknown format"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "http"),
        ({"source_url": "ftp://example.org/a"}, "source_url", "http"),
        ({"body": "<script>only a script</script>", "body_format": "html"}, "body", "no readable"),
    ],
)
def test_refused_input_names_the_reason_and_writes_nothing(fields, field, message):
    arguments = {"title": "A title", "body": "Some text.", "body_format": "markdown"} | fields
    with pytest.raises(ValidationError) as caught:
        article_import(**arguments)
    assert message in " ".join(caught.value.message_dict[field])
    assert Article.objects.count() == 0
    assert ArticleRevision.objects.count() == 0
