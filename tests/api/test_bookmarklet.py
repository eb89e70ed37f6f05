"""The bookmarklet: its install page, and where it lands (found or imported, then the annotate
form at the selected words)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from newsapp.articles.models import Article
from tests.factories import make_article, make_user
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.django_db

SOURCE = "https://news.example.org/2031/harbour-vote"


@pytest.fixture
def reader(client):
    user = make_user()
    client.force_login(user)
    return user


def test_the_install_page_offers_a_bookmarklet_that_only_navigates(client, db):
    page = client.get("/bookmarklet/")
    script = page.context["script"]
    assert page.status_code == 200
    assert script.startswith("javascript:")
    assert "location.href='http://testserver/bookmarklet/open/?url='" in script
    assert "fetch(" not in script
    assert "Drag the" in page.content.decode()


def test_an_article_in_the_library_opens_at_the_annotate_form(client, reader):
    article = make_article(source_url=SOURCE, canonical_url=SOURCE)
    response = client.get(
        "/bookmarklet/open/", {"url": SOURCE + "?utm_medium=x", "quote": "84 million euros"}
    )
    target = urlsplit(response["Location"])
    query = parse_qs(target.query)
    assert target.path == f"/articles/{article.slug}/annotate/"
    assert query["exact"] == ["84 million euros"]
    start = int(query["start"][0])
    assert article.body_text[start : int(query["end"][0])] == "84 million euros"


def test_without_a_selection_it_opens_the_reader(client, reader):
    article = make_article(source_url=SOURCE, canonical_url=SOURCE)
    response = client.get("/bookmarklet/open/", {"url": SOURCE})
    assert response["Location"] == article.get_absolute_url()


def test_a_new_page_asks_before_importing(client, reader):
    response = client.get(
        "/bookmarklet/open/", {"url": "https://elsewhere.example/story", "quote": "some words"}
    )
    assert response.status_code == 200
    assert "Add it and annotate" in response.content.decode()
    assert Article.objects.count() == 0


def test_a_new_page_is_imported_then_opened_at_the_words(client, reader, local_site, settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    url = local_site.add("/news/story", article_page(**SAMPLE_ARTICLE))
    words = SAMPLE_ARTICLE["blocks"][1][1].split(".")[0]
    response = client.post("/bookmarklet/open/", {"url": url, "quote": words})
    article = Article.objects.get()
    assert response["Location"].startswith(f"/articles/{article.slug}/annotate/?")
    assert parse_qs(urlsplit(response["Location"]).query)["exact"] == [words]


def test_a_page_that_cannot_be_fetched_says_why(client, reader, settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = False
    response = client.post("/bookmarklet/open/", {"url": "http://127.0.0.1:9/none"})
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_landing_needs_a_sign_in(client, db):
    response = client.get("/bookmarklet/open/", {"url": SOURCE})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
