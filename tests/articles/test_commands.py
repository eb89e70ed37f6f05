from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsapp.annotations.models import Annotation
from newsapp.articles.demo import demo_annotations, demo_articles
from newsapp.articles.models import Article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_import_article_prints_the_slug(tmp_path):
    path = tmp_path / "rates.md"
    path.write_text("Rates *held* at 3.5%.\n", encoding="utf-8")
    slug = run("import_article", str(path), "--title", "Rates held", "--published", "2026-11-02")
    article = Article.objects.get(slug=slug)
    assert slug == "rates-held"
    assert "<em>held</em>" in article.body_html


def test_import_article_format_option(tmp_path):
    path = tmp_path / "raw.txt"
    path.write_text("<b>not html</b>", encoding="utf-8")
    slug = run("import_article", str(path), "--format", "text")
    assert Article.objects.get(slug=slug).body_text == "<b>not html</b>"


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", [], "body: The article body is empty."),
        (b"\xff\xfe\x00bad", [], "binary"),
        (b"\xe9t\xe9", [], "not valid UTF-8"),
        (b"fine", ["--format", "docx"], "Unknown format"),
        (b"fine", ["--published", "yesterday"], "not an ISO 8601 date"),
        (b"fine", ["--source-url", "javascript:x"], "http"),
        (b"fine", ["--title", "t" * 301], "limit is 300"),
    ],
)
def test_import_article_fails_with_a_message(tmp_path, content, options, message):
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("import_article", str(path), *options)
    assert Article.objects.count() == 0


def test_import_article_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        run("import_article", "/nonexistent/story.md")


def test_loaddemo_is_idempotent():
    run("loaddemo")
    count = Article.objects.count()
    notes = Annotation.objects.count()
    assert count == len(demo_articles()) >= 3
    assert notes == len(demo_annotations()) >= 3
    run("loaddemo")
    assert (Article.objects.count(), Annotation.objects.count()) == (count, notes)
    for article in Article.objects.all():
        assert article.word_count >= 500, article.title
    for annotation in Annotation.objects.all():
        assert annotation.visibility == "public"
        assert annotation.article.body_text[annotation.start : annotation.end] == annotation.exact
    assert not Annotation.objects.first().author.has_usable_password()
