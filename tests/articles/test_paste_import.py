"""Adding an article by pasting or uploading it: the text's own title when none is typed, whole
web pages without their navigation, header and footer, the same text offered instead of a
silent second copy, and an address that stays in its field when its fetch fails."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsapp.articles.jobs import run_job
from newsapp.articles.models import Article, Job
from newsapp.articles.pasted import is_whole_page, read_pasted
from newsapp.articles.revisions import article_revise
from newsapp.text.extract import canonical_text, text_fingerprint
from newsapp.text.sanitize import clean_article_html
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

# A page as a browser saves it: the site's navigation, a banner, the article, a footer.
SAVED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour wall repaired after winter storms | The Tidewater Post</title>
<meta name="author" content="Lena Ortiz"></head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<p>Subscribe today for full access to every story.</p></header>
<main><article>
<h1>Harbour wall repaired after winter storms</h1>
<p>Crews finished repairs to the eastern harbour wall on Friday, three months after storms
tore a gap in the old stonework.</p>
<p>The work cost the town just under two million, most of it paid by a regional resilience
fund set up last year.</p>
<p>Fishermen said they were relieved to moor inside the wall again before the spring season.</p>
</article></main>
<footer><p>Copyright The Tidewater Post. All rights reserved.</p><a href="/privacy">Privacy</a>
</footer></body></html>
"""
CHROME = ("Subscribe today", "Copyright", "Privacy", "Sport")


@pytest.fixture
def reader(client):
    user = make_user("ines")
    client.force_login(user)
    return user


def upload(client, name: str, content: str, **fields):
    data = {
        "title": "",
        "body_format": "auto",
        "upload": SimpleUploadedFile(name, content.encode()),
    }
    return client.post(reverse("articles:new"), data | fields)


def paste(client, body: str, **fields):
    return client.post(
        reverse("articles:new"), {"title": "", "body": body, "body_format": "auto"} | fields
    )


# --- The text's own title -------------------------------------------------------------------


def test_a_saved_web_page_is_imported_without_its_navigation_header_and_footer(client, reader):
    response = upload(client, "harbour-wall.html", SAVED_PAGE)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Harbour wall repaired after winter storms"
    assert article.body_text.split()[:3] == ["Crews", "finished", "repairs"]
    for chrome in CHROME:
        assert chrome not in article.body_text, chrome
    assert article.byline == "Lena Ortiz"


def test_a_pasted_whole_page_goes_through_the_extractor_too(client, reader):
    response = paste(client, SAVED_PAGE, title="My own title")
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "My own title"
    for chrome in CHROME:
        assert chrome not in article.body_text, chrome
    assert "Fishermen said they were relieved" in article.body_text


def test_pasted_markup_with_a_site_header_loses_the_header(client, reader):
    markup = (
        "<header><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav></header>"
        "<p>The ferry resumed on Monday.</p><footer>Copyright the Post</footer>"
    )
    response = paste(client, markup, title="Ferry")
    assert response.status_code == 302
    assert Article.objects.get().body_text == "The ferry resumed on Monday."


def test_an_html_fragment_is_titled_by_its_first_heading(client, reader):
    response = upload(
        client, "story.html", "<h1>Tide gauges <em>replaced</em></h1><p>New gauges went in.</p>"
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Tide gauges replaced"
    assert article.body_text == "New gauges went in."


def test_a_markdown_file_is_titled_by_its_heading(client, reader):
    response = upload(
        client, "tolls.md", "# The *real* cost of tolls\n\nDrivers paid **more** in May.\n"
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "The real cost of tolls"
    assert article.body_text.strip() == "Drivers paid more in May."


def test_a_text_file_is_titled_by_its_first_line(client, reader):
    response = upload(
        client, "notes.txt", "Council backs new cycle lanes\n\nThe vote was nine to four.\n"
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Council backs new cycle lanes"
    assert article.body_text.strip() == "The vote was nine to four."


def test_a_long_first_line_names_the_article_but_stays_in_it(client, reader):
    line = "The harbour board met for six hours " * 8
    response = upload(client, "long.txt", line.strip() + "\n")
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title.startswith("The harbour board met for six hours")
    assert article.title.endswith("…")
    assert len(article.title) <= 80
    assert article.body_text.strip() == line.strip()


def test_a_typed_title_wins_and_the_body_stays_whole(client, reader):
    response = upload(
        client, "tolls.md", "# Heading in the file\n\nBody text here.\n", title="Typed"
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Typed"
    assert "Heading in the file" in article.body_text


# --- The same text twice --------------------------------------------------------------------


def test_pasting_the_same_text_again_offers_the_article_already_there(client, reader):
    first = paste(
        client, "Rail fares rise in April.\n\nCommuters face a 4% increase.", title="Fares"
    )
    assert first.status_code == 302
    existing = Article.objects.get()
    # The same words, wrapped differently and pasted as plain text this time.
    again = paste(
        client,
        "Rail fares rise in April.\n\nCommuters face a 4%\nincrease.",
        title="Fares",
        body_format="text",
    )
    assert again.status_code == 409
    html = again.content.decode()
    assert "This text is already in the library" in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert 'name="add_again"' in html
    assert Article.objects.count() == 1


def test_the_same_text_may_be_added_again_on_purpose(client, reader):
    make_article(title="Original", body="Rail fares rise in April.")
    response = paste(client, "Rail fares rise in April.", title="Copy", add_again="on")
    assert response.status_code == 302
    assert Article.objects.count() == 2


def test_a_revision_updates_the_fingerprint(reader):
    article = make_article(body="The first version of the text.")
    article_revise(article=article, title=article.title, body="A second text.", body_format="text")
    assert Article.objects.with_text("A second text.").get() == article
    assert not Article.objects.with_text("The first version of the text.").exists()
    assert Article.objects.get().text_hash == text_fingerprint("A second text.")


# --- Fetching by address --------------------------------------------------------------------


def test_the_address_stays_in_its_field_while_the_fetch_runs_and_after_it_fails(
    client, reader, settings
):
    settings.TASKS = DUMMY  # the worker has the job: the answer comes before the result
    url = "https://unreachable.example/2026/story"
    response = client.post(reverse("articles:new_from_url"), {"url": url}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'value="{url}"' in response.content.decode()


def test_a_failed_job_page_offers_the_address_again(client, reader, settings):
    settings.TASKS = DUMMY
    url = "https://unreachable.example/2026/story"
    client.post(reverse("articles:new_from_url"), {"url": url})
    job = Job.objects.get()
    run_job(job.pk)  # refused: the host does not resolve
    page = client.get(job.get_absolute_url()).content.decode()
    again = reverse("articles:new") + "?url=https%3A//unreachable.example/2026/story"
    assert f'href="{again}"' in page
    form = client.get(again).content.decode()
    assert f'value="{url}"' in form


def test_the_same_untitled_paste_twice_is_one_article(client, reader):
    body = "Storm closes coast road\n\nThe road reopens on Sunday."
    assert paste(client, body).status_code == 302
    assert paste(client, body).status_code == 409
    assert Article.objects.get().title == "Storm closes coast road"


def test_a_short_page_too_small_for_the_extractor_still_loses_its_chrome():
    page = (
        "<html><head><title>Pier notice</title></head><body><nav>Home News</nav>"
        "<p>The pier is closed today.</p><footer>Copyright</footer></body></html>"
    )
    pasted = read_pasted(page, "html")
    assert pasted.title == "Pier notice"
    assert canonical_text(clean_article_html(pasted.body)) == "The pier is closed today."


@pytest.mark.parametrize(
    ("markup", "whole"),
    [
        ("<!DOCTYPE html><p>x</p>", True),
        ("<html><body><p>x</p></body></html>", True),
        ("<div><nav>Menu</nav><p>x</p></div>", True),
        ("<h1>Title</h1><p>Body</p>", False),
        ("<article><p>Just the story.</p></article>", False),
    ],
)
def test_whole_pages_are_told_from_article_markup(markup, whole):
    assert is_whole_page(markup) is whole
