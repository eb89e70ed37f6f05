"""Import by URL: the service, the add-article view (page and HTMX), jobs and the command.

All offline: pages come from the ``local_site`` server on 127.0.0.1.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from newsapp.articles.jobs import MAX_ACTIVE_JOBS_PER_READER, job_start, run_job
from newsapp.articles.models import Article, ArticleRevision, Job, JobKind, JobStatus
from newsapp.articles.services import article_import_url, one_block_per_line, site_name
from tests.factories import make_user
from tests.webserver import SAMPLE_ARTICLE, SECOND_ARTICLE, article_page

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
STORY_PATH = "/news/2026/ferry-terminal-library"
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(autouse=True)
def web_settings(settings):
    """Fetching from the local test server; jobs run at once, inside enqueue."""
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    settings.GLOSS_FETCH_TIMEOUT = 2.0
    settings.TASKS = IMMEDIATE


@pytest.fixture
def story(local_site) -> str:
    return local_site.add(STORY_PATH, article_page(**SAMPLE_ARTICLE))


@pytest.fixture
def reader(client):
    user = make_user("ines")
    client.force_login(user)
    return user


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/story"


# --- The service --------------------------------------------------------------------------


def test_import_keeps_text_structure_metadata_and_addresses(local_site, story):
    result = article_import_url(url=story + "?utm_source=newsletter")
    article = result.article
    assert result.created
    assert article.title == SAMPLE_ARTICLE["title"]
    assert article.byline == "Marta Ellingsen"
    assert article.source_name == "Veldhaven Post"
    assert article.language == "en"
    assert article.published_at == datetime(2026, 3, 3, 6, 45, tzinfo=UTC)
    assert article.image_url == local_site.url("/images/terminal.jpg")
    assert article.canonical_url == local_site.url(STORY_PATH)
    assert article.source_url == story + "?utm_source=newsletter"
    # Sanitised once, structure kept, navigation and footer left out.
    assert "<h2>A cheaper option than a new building</h2>" in article.body_html
    assert "<blockquote>" in article.body_html
    assert "<li>" in article.body_html
    assert f'href="{local_site.url("/news/2025/quay-flooding")}"' in article.body_html
    assert "<script" not in article.body_html
    assert "cookies" not in article.body_text
    assert "Most read" not in article.body_text
    # Paragraphs are separate lines of the canonical text, as in Markdown imports.
    assert "almost four years.\nThe terminal has stood empty" in article.body_text
    assert ArticleRevision.objects.get(article=article).number == 1


def test_the_same_page_is_not_imported_twice(local_site, story):
    first = article_import_url(url=story)
    local_site.redirect("/short/ferry", STORY_PATH)
    for address in (
        story + "/",
        story.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "?utm_medium=social#top",
        local_site.url("/short/ferry"),  # a different address whose page names the same one
    ):
        again = article_import_url(url=address)
        assert again.article == first.article
        assert not again.created
    assert Article.objects.count() == 1


def test_a_page_without_canonical_link_is_known_by_its_address(local_site):
    url = local_site.add("/night-buses", article_page(**SECOND_ARTICLE))
    article = article_import_url(url=url).article
    assert article.canonical_url == url
    assert not article_import_url(url=url + "?fbclid=abc").created


def bad_inputs(local_site, monkeypatch) -> dict[str, tuple[str, str]]:
    def getaddrinfo(host, *args, **kwargs):
        if host == "nowhere.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return REAL_GETADDRINFO(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    local_site.add("/gone", "<h1>Gone</h1>", status=404)
    local_site.add("/broken", "<h1>Oops</h1>", status=503)
    local_site.add("/report.pdf", b"%PDF-1.7 not a page", content_type="application/pdf")
    local_site.add("/tiny", "<html><body><p>Subscribe to read.</p></body></html>")
    local_site.huge("/huge", 6 * 1024 * 1024)
    local_site.slow("/slow", 10)
    local_site.redirect("/loop-a", "/loop-b")
    local_site.redirect("/loop-b", "/loop-a")
    return {
        "unreachable": (closed_port_url(), "could not connect"),
        "dns": ("http://nowhere.invalid/story", "DNS lookup failed"),
        "not found": (local_site.url("/gone"), "404"),
        "server error": (local_site.url("/broken"), "503"),
        "not html": (local_site.url("/report.pdf"), "application/pdf"),
        "no article": (local_site.url("/tiny"), "too little for an article"),
        "giant": (local_site.url("/huge"), "larger than the 5 MB limit"),
        "timeout": (local_site.url("/slow"), "did not answer within"),
        "redirect loop": (local_site.url("/loop-a"), "redirects in a loop"),
        "scheme": ("ftp://files.example/story", "http:// or https://"),
    }


CASES = [
    "unreachable",
    "dns",
    "not found",
    "server error",
    "not html",
    "no article",
    "giant",
    "timeout",
    "redirect loop",
    "scheme",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_a_reason_and_writes_nothing(
    local_site, monkeypatch, settings, case
):
    settings.GLOSS_FETCH_TIMEOUT = 0.5
    url, reason = bad_inputs(local_site, monkeypatch)[case]
    with pytest.raises(ValidationError) as refused:
        article_import_url(url=url)
    message = " ".join(refused.value.message_dict["url"])
    assert reason.lower() in message.lower()
    assert Article.objects.count() == 0
    assert ArticleRevision.objects.count() == 0


def test_internal_addresses_are_refused_unless_the_setting_allows_loopback(settings, story):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError, match="loopback"):
        article_import_url(url=story)
    assert not Article.objects.exists()


def test_site_name_and_block_separation_helpers():
    assert site_name('<meta content="The Ledger" property="og:site_name">') == "The Ledger"
    assert site_name('<meta name="application-name" content="Ledger &amp; Co">') == "Ledger & Co"
    assert site_name("<p>no declaration</p>") == ""
    assert one_block_per_line("<p>a</p><ul><li>b</li><li>c</li></ul><p>d <b>e</b></p>") == (
        "<p>a</p>\n<ul>\n<li>b</li>\n<li>c</li>\n</ul>\n<p>d <b>e</b></p>"
    )


# --- Jobs ---------------------------------------------------------------------------------


def test_a_job_records_the_import_and_its_stages(story):
    user = make_user()
    job = job_start(kind=JobKind.IMPORT_URL, requested_by=user, url=story)
    assert job.status == JobStatus.DONE
    assert job.outcome == "imported"
    assert job.article.title == SAMPLE_ARTICLE["title"]
    assert job.message == f"Imported “{SAMPLE_ARTICLE['title']}”."
    assert job.progress == "Saving the article…"
    assert job.task_id
    assert job.started_at <= job.finished_at


def test_a_failed_job_says_why(local_site):
    local_site.add("/gone", "<h1>Gone</h1>", status=404)
    job = job_start(kind=JobKind.IMPORT_URL, url=local_site.url("/gone"))
    assert job.status == JobStatus.FAILED
    assert "404 Not Found" in job.message
    assert not Article.objects.exists()


def test_queued_jobs_wait_for_the_worker_and_run_once(settings, story):
    settings.TASKS = DUMMY
    job = job_start(kind=JobKind.IMPORT_URL, url=story)
    assert job.status == JobStatus.QUEUED
    assert not Article.objects.exists()
    assert run_job(job.pk) == JobStatus.DONE
    assert run_job(job.pk) == "skipped"
    assert Article.objects.count() == 1


def test_an_unexpected_error_fails_the_job_without_details(monkeypatch, story):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("newsapp.articles.jobs.article_import_url", explode)
    job = job_start(kind=JobKind.IMPORT_URL, url=story)
    assert job.status == JobStatus.FAILED
    assert "secret" not in job.message
    assert "went wrong" in job.message


# --- The add-article page -----------------------------------------------------------------


def test_add_page_offers_a_web_address_and_pasting(client, reader):
    html = client.get(reverse("articles:new")).content.decode()
    assert 'action="/articles/new/url/"' in html
    assert 'name="url"' in html
    assert 'name="body"' in html
    assert "Fetch article" in html


def test_import_by_url_plain_post_redirects_to_the_article(client, reader, story):
    response = client.post(reverse("articles:new_from_url"), {"url": story}, follow=True)
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert article.added_by == reader
    assert "Imported “Harbour town votes" in response.content.decode()


def test_import_by_url_htmx_shows_the_result_in_place(client, reader, story):
    response = client.post(reverse("articles:new_from_url"), {"url": story}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    article = Article.objects.get()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="url-import"' in html
    assert "Read it now" in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert "hx-trigger" not in html.split('id="job-')[1]  # finished: no polling
    assert "HX-Request" in response["Vary"]


def test_import_by_url_htmx_polls_while_the_worker_has_it(client, reader, settings, story):
    settings.TASKS = DUMMY
    response = client.post(reverse("articles:new_from_url"), {"url": story}, HTTP_HX_REQUEST="true")
    job = Job.objects.get()
    html = response.content.decode()
    assert f'hx-get="/jobs/{job.pk}/"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "waiting to start" in html

    running = client.get(reverse("articles:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert running.status_code == 200
    assert 'hx-trigger="every 1s"' in running.content.decode()

    run_job(job.pk)
    done = client.get(reverse("articles:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done.status_code == 286  # htmx stops polling
    assert "Read it now" in done.content.decode()
    assert "every 1s" not in done.content.decode()


def test_job_page_without_javascript(client, reader, settings, story):
    settings.TASKS = DUMMY
    response = client.post(reverse("articles:new_from_url"), {"url": story})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<html" in page
    assert 'http-equiv="refresh"' in page
    assert "waiting to start" in page
    run_job(job.pk)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Read it now" in page


def test_jobs_are_private_to_whoever_asked(client, reader, story):
    job = job_start(kind=JobKind.IMPORT_URL, requested_by=make_user(), url=story)
    assert client.get(reverse("articles:job", args=[job.pk])).status_code == 404


def test_a_job_whose_worker_died_is_reported_failed(client, reader, settings, story):
    settings.TASKS = DUMMY
    job = job_start(kind=JobKind.IMPORT_URL, requested_by=reader, url=story)
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - Job.STALE_AFTER * 2)
    response = client.get(reverse("articles:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert "worker stopped" in response.content.decode()
    assert Job.objects.get().status == JobStatus.FAILED


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "This field is required."),
        ("not a web address", "Enter a valid URL."),
        ("ftp://files.example/a", "Enter a valid URL."),
    ],
)
def test_import_by_url_refuses_bad_addresses_with_400(client, reader, url, message):
    page = client.post(reverse("articles:new_from_url"), {"url": url})
    assert page.status_code == 400
    assert message in page.content.decode()
    assert "<html" in page.content.decode()
    fragment = client.post(reverse("articles:new_from_url"), {"url": url}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400
    assert message in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert not Job.objects.exists()


def test_a_failed_fetch_is_a_form_error_or_a_failed_job(client, reader, local_site):
    url = local_site.add("/gone", "<h1>Gone</h1>", status=404)
    page = client.post(reverse("articles:new_from_url"), {"url": url})
    assert page.status_code == 400
    assert "404 Not Found" in page.content.decode()
    fragment = client.post(reverse("articles:new_from_url"), {"url": url}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "Failed:" in html
    assert "404 Not Found" in html
    assert f'value="{url}"' in html  # kept to correct it
    assert not Article.objects.exists()


def test_a_duplicate_address_sends_the_reader_to_the_article(client, reader, story):
    article = article_import_url(url=story).article
    response = client.post(reverse("articles:new_from_url"), {"url": story + "?utm_campaign=x"})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "already in the library" in page
    assert "Check for changes" in page

    fragment = client.post(reverse("articles:new_from_url"), {"url": story}, HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == article.get_absolute_url()
    assert Article.objects.count() == 1
    assert not Job.objects.exists()


def test_a_duplicate_found_after_redirects_is_reported_by_the_job(
    client, reader, local_site, story
):
    article = article_import_url(url=story).article
    local_site.redirect("/s/1", STORY_PATH)
    response = client.post(
        reverse("articles:new_from_url"), {"url": local_site.url("/s/1")}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Already in the library" in html
    assert "Open it" in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert Article.objects.count() == 1


def test_import_by_url_requires_login(client, story):
    response = client.post(reverse("articles:new_from_url"), {"url": story})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Job.objects.exists()


# --- The command --------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_import_article_accepts_a_url(story):
    slug, _ = run("import_article", story)
    assert Article.objects.get(slug=slug).title == SAMPLE_ARTICLE["title"]
    again, note = run("import_article", story + "?utm_source=x")
    assert again == slug
    assert "not imported again" in note
    assert Article.objects.count() == 1


def test_import_article_url_failure_is_a_command_error(local_site):
    url = local_site.add("/gone", "<h1>Gone</h1>", status=404)
    with pytest.raises(CommandError, match="404 Not Found"):
        run("import_article", url)


def test_a_reader_has_a_few_jobs_under_way_at_most(client, reader, settings, local_site):
    settings.TASKS = DUMMY
    for number in range(MAX_ACTIVE_JOBS_PER_READER):
        url = local_site.url(f"/story-{number}")
        assert client.post(reverse("articles:new_from_url"), {"url": url}).status_code == 302
    page = client.post(reverse("articles:new_from_url"), {"url": local_site.url("/one-more")})
    assert page.status_code == 429
    assert "Wait for one of them to finish" in page.content.decode()
    fragment = client.post(
        reverse("articles:new_from_url"),
        {"url": local_site.url("/one-more")},
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 429
    assert "<html" not in fragment.content.decode()
    assert Job.objects.count() == MAX_ACTIVE_JOBS_PER_READER
    run_job(Job.objects.first().pk)  # one finishes: room for another
    assert (
        client.post(
            reverse("articles:new_from_url"), {"url": local_site.url("/one-more")}
        ).status_code
        == 302
    )


def test_an_imported_page_has_its_quotations_found(story):
    from newsapp.claims.models import Quote

    article = article_import_url(url=story).article
    quote = Quote.objects.get(article=article)
    assert quote.text.startswith("We are not building a monument.")
