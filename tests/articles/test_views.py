from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsapp.articles.models import Article
from newsapp.text.extract import canonical_text
from tests.factories import make_article, make_user
from tests.pages import article_body

pytestmark = pytest.mark.django_db


def test_library_lists_newest_first_with_meta(client):
    older = make_article(title="Older story", published_at="2026-01-02T10:00:00Z")
    newer = make_article(
        title="Newer story", published_at="2026-03-02T10:00:00Z", source_name="The Ledger"
    )
    response = client.get(reverse("articles:library"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert "The Ledger" in html
    assert "min read" in html
    assert "0 notes" in html


def test_library_search_full_page_and_fragment(client):
    make_article(title="Harbour bridge widened")
    make_article(title="Glacier retreat measured", body="Ice cores from the **plateau**.")
    response = client.get(reverse("articles:library"), {"q": "plateau"})
    assert response.status_code == 200
    assert "Glacier retreat measured" in response.content.decode()
    assert "Harbour bridge widened" not in response.content.decode()
    assert "<html" in response.content.decode()

    fragment = client.get(reverse("articles:library"), {"q": "bridge"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body
    assert 'id="results"' in body
    assert "Harbour bridge widened" in body
    assert "Glacier" not in body
    assert "HX-Request" in fragment["Vary"]


def test_library_paginates(client):
    for number in range(14):
        make_article(title=f"Story number {number}")
    first = client.get(reverse("articles:library")).content.decode()
    second = client.get(reverse("articles:library"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert first.count('class="article-card"') == 12
    assert second.count('class="article-card"') == 2


def test_reader_shows_article_with_body_element(client):
    article = make_article(
        title="Bridge vote",
        byline="By Ana Ruiz",
        source_name="Ledger",
        source_url="https://ledger.example/a",
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article-title">Bridge vote</h1>' in html
    assert "By Ana Ruiz" in html
    assert "https://ledger.example/a" in html
    # Marks may wrap words, never add text.
    assert canonical_text(article_body(html)) == article.body_text


def test_reader_404_for_unknown_slug(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_add_article_requires_login(client):
    response = client.get(reverse("articles:new"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_add_article_by_pasting(client):
    client.force_login(make_user())
    response = client.post(
        reverse("articles:new"),
        {
            "title": "Pasted",
            "body": "Hello *there*.",
            "body_format": "auto",
            "source_url": "https://news.example/x",
            "published_at": "2026-11-20T08:30",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert "<em>there</em>" in article.body_html
    assert article.published_at.year == 2026


def test_add_article_by_upload_detects_format(client):
    client.force_login(make_user())
    upload = SimpleUploadedFile("story.html", b"<h1>Head</h1><p>Body &amp; soul</p>")
    response = client.post(
        reverse("articles:new"), {"title": "Uploaded", "body_format": "auto", "upload": upload}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body_text == "HeadBody & soul"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Paste the article text or upload a file."),
        ({"title": "x" * 301}, "at most 300 characters"),
        ({"body_format": "docx"}, "Select a valid choice"),
        ({"published_at": "31/31/2026"}, "Enter a valid date/time."),
        ({"source_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"body": "<script>x</script>", "body_format": "html"}, "no readable text"),
    ],
)
def test_add_article_refuses_bad_input_with_400_and_message(client, data, message):
    client.force_login(make_user())
    payload = {"title": "Fine", "body": "Fine body.", "body_format": "auto"} | data
    response = client.post(reverse("articles:new"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "Upload a .txt, .md or .html file."),
        ("story.txt", b"\x00\x01binary", "looks binary"),
        ("story.txt", "Caf\u00e9".encode("latin-1"), "not valid UTF-8"),
        ("huge.txt", b"a" * (2 * 1024 * 1024 + 10), "limit is 2 MB"),
    ],
)
def test_add_article_refuses_bad_files(client, name, content, message):
    client.force_login(make_user())
    response = client.post(
        reverse("articles:new"),
        {"title": "File", "body_format": "auto", "upload": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0
