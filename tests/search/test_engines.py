"""One results contract on both engines; what only PostgreSQL adds (trigrams for typos)."""

from __future__ import annotations

import pytest
from django.db import connection

from newsapp.search.service import search
from tests.claims.factories import make_quoted_article
from tests.factories import make_annotation, make_article, make_user
from tests.search.helpers import found

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity (pg_trgm) is PostgreSQL's"
)


def test_the_results_contract():
    article = make_quoted_article(title="Ceasefire talks in Geneva")
    make_annotation(
        article=article, author=make_user(), exact="Monitors will watch", note="Ceasefire monitors",
        tags=["ceasefire"],
    )  # fmt: skip
    results = search(user=None, text="ceasefire")
    assert [group.name for group in results.groups] == [
        "articles", "notes", "quotes", "people", "tags", "sources",
    ]  # fmt: skip
    articles = results.get("articles")
    assert articles.count == 1
    assert articles.capped is False
    (hit,) = articles.hits
    assert hit.obj == article
    assert hit.url == article.get_absolute_url()
    assert str(hit.title) == "<mark>Ceasefire</mark> talks in Geneva"
    assert hit.score > 0
    assert results.get("tags").hits[0].obj.name == "ceasefire"


def test_excerpts_are_escaped_text_with_marks():
    make_article(
        title="Markup", body="Use <script>alert(1)</script> for the harbour.", body_format="text"
    )
    (hit,) = search(user=None, text="harbour").get("articles").hits
    assert "<script>" not in hit.excerpt
    assert "<mark>harbour</mark>" in hit.excerpt


@postgresql_only
def test_a_misspelt_word_gets_a_suggestion_from_article_words():
    make_article(title="Glacier retreat measured")
    results = search(user=None, text="glaicer retreat")
    assert results.suggestion == "glacier retreat"


@postgresql_only
def test_a_typo_in_a_name_still_finds_the_person():
    make_quoted_article()
    assert [speaker.name for speaker in found(None, "Okafr")["people"]] == ["Adaeze Okafor"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite engine's own behaviour")
def test_sqlite_offers_no_suggestions():
    make_article(title="Glacier retreat measured")
    assert search(user=None, text="glaicer").suggestion == ""
