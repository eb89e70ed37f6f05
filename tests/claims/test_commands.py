from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from newsapp.articles.models import Article
from newsapp.claims.models import Quote
from tests.claims.factories import MARKETS, TALKS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    """Run a command as from a shell: its writes commit, so what they queue for after the
    commit (linking quotes across articles) runs."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(*args, stdout=out)
    return out.getvalue()


def articles_without_quotes(*bodies: tuple[str, str]) -> list:
    """Articles whose quotes are not stored yet (whether or not import already finds them)."""
    articles = [make_article(title=title, body=body) for title, body in bodies]
    Quote.objects.all().delete()
    return articles


def test_refresh_quotes_finds_the_quotes_of_every_article():
    articles_without_quotes(("Talks", TALKS), ("Markets", MARKETS))
    assert "3 quote(s) in 2 article(s); 2 article(s) changed." in run("refresh_quotes")
    assert Quote.objects.count() == 3
    assert Quote.same_quotes.through.objects.count() == 2
    assert "0 article(s) changed" in run("refresh_quotes")


def test_refresh_quotes_for_one_article():
    talks, _ = articles_without_quotes(("Talks", TALKS), ("Markets", MARKETS))
    out = run("refresh_quotes", "--article", talks.slug, "--verbosity", "2")
    assert f"{talks.slug}: 2 quote(s): 0 kept, 2 added, 0 removed" in out
    assert set(Quote.objects.values_list("article_id", flat=True)) == {talks.pk}


def test_refresh_quotes_refuses_an_unknown_slug():
    with pytest.raises(CommandError, match="No article"):
        run("refresh_quotes", "--article", "no-such-article")


def test_loaddemo_finds_the_demo_quotes_and_links_the_shared_one():
    run("loaddemo")
    assert Article.objects.count() >= 3
    assert Quote.objects.count() >= 40
    assert Quote.objects.filter(shown_speaker__slug="adaeze-okafor").count() >= 5
    linked = Quote.objects.filter(same_quotes__isnull=False).distinct()
    assert {quote.article.slug[:8] for quote in linked} >= {"minister", "bank-of-"}
    before = Quote.objects.count()
    run("loaddemo")
    assert Quote.objects.count() == before
