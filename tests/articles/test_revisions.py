"""New revisions: re-import and re-fetch, atomicity, the revisions page, "Check for changes",
the reader's revision notice and ``import_article --update``."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.annotations.models import AnchorState, Annotation, Visibility
from newsapp.articles.jobs import run_job
from newsapp.articles.models import Article, ArticleRevision, Job, RevisionOrigin
from newsapp.articles.revisions import article_refresh, article_revise
from newsapp.articles.services import BodyFormat, article_import_url
from tests.factories import make_annotation, make_article, make_user
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
STORY_PATH = "/news/2026/ferry-terminal-library"
KEPT = "ending a debate that has run for almost four years"
DELETED = "The council has commissioned a second survey of the sea wall."

BODY = """\
The council voted on Tuesday to widen the harbour bridge, a project first proposed in 2019.

“We cannot keep patching a structure built for half the traffic,” Mayor Ines Duarte said.

Critics say the cost, put at 84 million euros, is too high.
"""
EDITED_BODY = BODY.replace(
    "Critics say the cost, put at 84 million euros, is too high.",
    "The opposition wants a cheaper plan, now that the estimate has reached 91 million euros.",
)


@pytest.fixture(autouse=True)
def web_settings(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    settings.GLOSS_FETCH_TIMEOUT = 2.0
    settings.TASKS = IMMEDIATE


def changed_story() -> dict:
    """The sample story after an edit: a paragraph added on top, a sentence removed."""
    story = copy.deepcopy(SAMPLE_ARTICLE)
    story["blocks"].insert(
        0, ("p", "Updated on Tuesday: the council published the full survey of the north quay.")
    )
    story["blocks"] = [
        (tag, content.replace(" " + DELETED, "") if isinstance(content, str) else content)
        for tag, content in story["blocks"]
    ]
    return story


@pytest.fixture
def web_article(local_site):
    local_site.add(STORY_PATH, article_page(**SAMPLE_ARTICLE))
    return article_import_url(url=local_site.url(STORY_PATH)).article


@pytest.fixture
def reader(client):
    user = make_user("noor")
    client.force_login(user)
    return user


# --- Re-importing text --------------------------------------------------------------------


def test_unchanged_text_stores_no_revision():
    article = make_article(body=BODY)
    result = article_revise(
        article=article, title=article.title, body=BODY, body_format=BodyFormat.MARKDOWN
    )
    assert not result.changed
    assert result.describe() == "No changes since the last revision."
    assert article.revisions.count() == 1


def test_changed_text_stores_a_revision_and_reanchors_every_note():
    article = make_article(body=BODY)
    author = make_user()
    kept = make_annotation(article=article, author=author, exact="widen the harbour bridge")
    edited = make_annotation(article=article, author=author, exact="Critics say the cost")
    before = article.annotations_changed_at

    result = article_revise(
        article=article, title=article.title, body=EDITED_BODY, body_format=BodyFormat.MARKDOWN
    )

    article.refresh_from_db()
    revision = result.revision
    assert result.changed
    assert revision.number == 2
    assert revision.origin == RevisionOrigin.REIMPORT
    assert (revision.words_added, revision.words_removed) == (12, 9)
    assert article.body_text == revision.body_text
    assert "91 million" in article.body_text
    assert article.word_count == len(article.body_text.split())
    assert article.annotations_changed_at
    assert article.annotations_changed_at != before
    assert revision.followed["annotations"]["public"] == {
        "kept": 1,
        "moved": 0,
        "adjusted": 0,
        "orphaned": 1,
    }
    assert "1 note kept its place, 1 orphaned" in result.describe(with_notes=True)
    assert "note" not in result.describe()  # the job's message: other readers see it
    kept.refresh_from_db()
    edited.refresh_from_db()
    assert kept.revision == revision
    assert kept.anchor_method == "position"
    assert edited.is_orphaned
    assert edited.exact == "Critics say the cost"
    first = ArticleRevision.objects.get(article=article, number=1)
    assert first.body_text != article.body_text  # the earlier body is kept


def test_a_new_title_alone_is_a_revision():
    article = make_article(body=BODY, title="Bridge vote")
    result = article_revise(
        article=article, title="Bridge vote delayed", body=BODY, body_format=BodyFormat.MARKDOWN
    )
    assert result.changed
    assert result.article.title == "Bridge vote delayed"
    assert (result.revision.words_added, result.revision.words_removed) == (0, 0)


def test_a_refused_body_writes_nothing():
    article = make_article(body=BODY)
    with pytest.raises(Exception, match="empty"):
        article_revise(article=article, title=article.title, body=" ", body_format="markdown")
    assert article.revisions.count() == 1


def test_a_failure_midway_rolls_everything_back(monkeypatch):
    article = make_article(body=BODY)
    note = make_annotation(article=article, author=make_user(), exact="Critics say the cost")

    def fail(text):
        raise RuntimeError("disk full")

    # Fails after the revision is stored and the annotations are re-anchored.
    monkeypatch.setattr("newsapp.articles.revisions.word_count", fail)
    with pytest.raises(RuntimeError):
        article_revise(
            article=article, title=article.title, body=EDITED_BODY, body_format="markdown"
        )
    article.refresh_from_db()
    note.refresh_from_db()
    assert article.body_text.startswith("The council voted")
    assert "84 million" in article.body_text
    assert article.revisions.count() == 1
    assert note.anchor_state == AnchorState.ANCHORED
    assert note.revision.number == 1


# --- Re-fetching --------------------------------------------------------------------------


def test_refresh_fetches_the_source_and_reanchors(local_site, web_article):
    author = make_user()
    kept = make_annotation(article=web_article, author=author, exact=KEPT)
    gone = make_annotation(article=web_article, author=author, exact=DELETED)
    local_site.add(STORY_PATH, article_page(**changed_story()))

    result = article_refresh(article=web_article)

    assert result.changed
    assert result.revision.origin == RevisionOrigin.REFRESH
    assert result.revision.source_url == local_site.url(STORY_PATH)
    assert result.article.last_checked_at is not None
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.anchor_method == "quote"
    assert not kept.is_orphaned
    assert result.article.body_text[kept.start : kept.end] == KEPT
    assert gone.is_orphaned
    assert gone.revision.number == 1
    assert result.revision.followed["annotations"]["public"]["orphaned"] == 1

    again = article_refresh(article=web_article)
    assert not again.changed
    assert web_article.revisions.count() == 2


def test_a_failed_refresh_touches_nothing(local_site, web_article):
    note = make_annotation(article=web_article, author=make_user(), exact=KEPT)
    local_site.add(STORY_PATH, "<h1>Moved</h1>", status=410)
    with pytest.raises(Exception, match="410"):
        article_refresh(article=web_article)
    article = Article.objects.get(pk=web_article.pk)
    assert article.body_text == web_article.body_text
    assert article.last_checked_at is None
    assert article.revisions.count() == 1
    assert Annotation.objects.get(pk=note.pk).updated_at == note.updated_at


def test_an_article_without_a_source_cannot_be_refreshed():
    with pytest.raises(Exception, match="no source address"):
        article_refresh(article=make_article())


# --- The revisions page -------------------------------------------------------------------


def revised_article():
    article = make_article(body=BODY, title="Bridge vote")
    article_revise(article=article, title="Bridge vote", body=EDITED_BODY, body_format="markdown")
    article_revise(
        article=article,
        title="Bridge vote delayed",
        body=EDITED_BODY + "\nA final decision is due in June.\n",
        body_format="markdown",
    )
    return Article.objects.get(pk=article.pk)


def test_revisions_page_shows_the_latest_change_in_place(client):
    article = revised_article()
    response = client.get(reverse("articles:revisions", args=[article.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert html.count('<th scope="row">') == 3
    assert "Revision 2 → 3" in html
    assert "<ins>A final decision is due in June.</ins>" in html
    assert "<del>" not in html.split('id="diff"')[1].split("</section>")[0].replace(
        "<del>like this</del>", ""
    )
    assert "<ins> delayed</ins>" in html  # the headline changed too


def test_revisions_page_compares_any_two_revisions_and_swaps_the_diff(client):
    article = revised_article()
    url = reverse("articles:revisions", args=[article.slug])
    page = client.get(url, {"from": 1, "to": 3}).content.decode()
    assert "Revision 1 → 3" in page
    assert "<del>Critics" in page
    assert "<ins>The opposition" in page
    assert '<option value="1" selected>' in page

    fragment = client.get(url, {"from": 1, "to": 2}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section id="diff"')
    assert "Revision 1 → 2" in html
    assert "June" not in html
    assert "HX-Request" in fragment["Vary"]


def test_revisions_page_ignores_unknown_revision_numbers(client):
    article = revised_article()
    html = client.get(
        reverse("articles:revisions", args=[article.slug]), {"from": "x", "to": 99}
    ).content.decode()
    assert "Revision 2 → 3" in html


def test_revisions_page_for_an_unchanged_article(client):
    article = make_article()
    html = client.get(reverse("articles:revisions", args=[article.slug])).content.decode()
    assert "has not changed since it was added" in html
    assert 'id="compare-from"' not in html


def test_diffs_escape_the_articles_text(client):
    article = make_article(body="A <b>bold</b> claim.", body_format="text")
    article_revise(
        article=article,
        title=article.title,
        body="A <script>alert(1)</script> claim.",
        body_format="text",
    )
    html = client.get(reverse("articles:revisions", args=[article.slug])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;<del>b</del><ins>script</ins>&gt;<del>bold</del><ins>alert(1)</ins>" in html


# --- The reader's notice and "Check for changes" --------------------------------------------


def test_notice_says_how_often_the_article_changed_and_what_became_of_the_notes(client, reader):
    article = make_article(body=BODY)
    make_annotation(article=article, author=reader, exact="widen the harbour bridge")
    make_annotation(
        article=article,
        author=reader,
        exact="Critics say the cost",
        visibility=Visibility.PRIVATE,
    )
    article_revise(article=article, title=article.title, body=EDITED_BODY, body_format="markdown")

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated 1 time" in html
    assert f'href="{reverse("articles:revisions", args=[article.slug])}"' in html
    assert "1 note kept its place, 1 orphaned." in html

    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "1 note kept its place." in html
    assert "orphaned." not in html
    assert "Check for changes" not in html


def test_notice_is_empty_for_an_article_never_changed_and_not_from_the_web(client, reader):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert 'id="revision-notice"' not in html
    assert "Check for changes" not in html


def test_notice_costs_the_same_queries_however_many_revisions(client, reader):
    def queries_for(article) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    few = make_article(body=BODY, source_url="https://ledger.example/a")
    article_revise(article=few, title=few.title, body=EDITED_BODY, body_format="markdown")
    many = make_article(body=BODY, source_url="https://ledger.example/b")
    for number in range(5):
        article_revise(
            article=many,
            title=many.title,
            body=f"{BODY}\nUpdate {number}.\n",
            body_format="markdown",
        )
    assert queries_for(few) == queries_for(many)


def test_check_for_changes_plain_post(client, reader, local_site, web_article):
    local_site.add(STORY_PATH, article_page(**changed_story()))
    response = client.post(reverse("articles:check", args=[web_article.slug]), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == web_article.get_absolute_url()
    assert "Revision 2:" in html
    assert "Updated 1 time" in html
    assert "the full survey of the north quay" in html

    response = client.post(reverse("articles:check", args=[web_article.slug]), follow=True)
    assert "No changes since the last revision." in response.content.decode()
    assert web_article.revisions.count() == 2


def test_check_for_changes_htmx_updates_the_notice_and_reloads_the_body(
    client, reader, local_site, web_article
):
    make_annotation(article=web_article, author=reader, exact=DELETED)
    local_site.add(STORY_PATH, article_page(**changed_story()))
    response = client.post(
        reverse("articles:check", args=[web_article.slug]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Revision 2:" in html
    assert "0 notes kept their place, 1 orphaned" in html
    assert 'id="revision-status" hx-swap-oob="true"' in html
    assert "Updated 1 time" in html
    assert f'hx-get="{web_article.get_absolute_url()}" hx-trigger="load"' in html
    assert "See what changed" in html


def test_check_for_changes_reports_a_failure_and_offers_a_retry(
    client, reader, local_site, web_article
):
    local_site.add(STORY_PATH, "<h1>Down</h1>", status=503)
    html = client.post(
        reverse("articles:check", args=[web_article.slug]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Failed:" in html
    assert "503" in html
    assert "Try again" in html
    assert web_article.revisions.count() == 1

    response = client.post(reverse("articles:check", args=[web_article.slug]), follow=True)
    assert "Failed:" in response.content.decode()


def test_check_for_changes_in_the_background_polls_and_is_not_doubled(
    client, reader, settings, local_site, web_article
):
    settings.TASKS = DUMMY
    url = reverse("articles:check", args=[web_article.slug])
    first = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    client.post(url, HTTP_HX_REQUEST="true")
    job = Job.objects.get()
    assert f'hx-get="/jobs/{job.pk}/?on=reader"' in first
    assert "every 1s" in first

    page = client.get(web_article.get_absolute_url()).content.decode()
    assert f'id="job-{job.pk}"' in page  # the reader sees the check still running

    local_site.add(STORY_PATH, article_page(**changed_story()))
    run_job(job.pk)
    other = make_user()
    client.force_login(other)  # checks are shared: anyone reading may watch it finish
    done = client.get(
        reverse("articles:job", args=[job.pk]), {"on": "reader"}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 286
    assert "Updated 1 time" in done.content.decode()


def test_check_for_changes_needs_a_source_and_a_reader(client, reader):
    article = make_article()
    response = client.post(reverse("articles:check", args=[article.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "no source to check" in response.content.decode()
    client.logout()
    response = client.post(reverse("articles:check", args=[article.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Job.objects.exists()


# --- import_article --update ----------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_import_article_update_stores_a_revision_from_a_file(tmp_path):
    path = tmp_path / "bridge.md"
    path.write_text(BODY, encoding="utf-8")
    slug, _ = run("import_article", str(path))
    path.write_text(EDITED_BODY, encoding="utf-8")
    again, summary = run("import_article", str(path), "--update", slug)
    assert again == slug
    assert summary.startswith("Revision 2: 12 words added, 9 removed.")
    _, summary = run("import_article", str(path), "--update", slug)
    assert summary == "No changes since the last revision."
    with pytest.raises(CommandError, match="no article with the slug"):
        run("import_article", str(path), "--update", "missing")


def test_import_article_update_refetches_a_url(local_site, web_article):
    local_site.add(STORY_PATH, article_page(**changed_story()))
    slug, summary = run("import_article", web_article.source_url, "--update", web_article.slug)
    assert slug == web_article.slug
    assert summary.startswith("Revision 2:")
    with pytest.raises(CommandError, match="comes from"):
        run("import_article", local_site.url("/other"), "--update", web_article.slug)


def test_quotes_are_found_again_keeping_readers_corrections():
    from newsapp.claims.models import Quote
    from newsapp.claims.services import attribution_correct, quotes_refresh

    article = make_article(body=BODY)
    quotes_refresh(article=article)
    quote = Quote.objects.get(article=article)
    reader = make_user()
    attribution_correct(quote=quote, reader=reader, speaker_name="Ines Duarte Moreno")

    result = article_revise(
        article=article, title=article.title, body=EDITED_BODY, body_format="markdown"
    )

    survived = Quote.objects.get(article=article)
    assert survived.pk == quote.pk
    assert survived.corrections.get().reader == reader
    assert result.article.body_text[survived.start : survived.end] == survived.text
    assert result.followed["claims"].kept == 1
    assert "Quotes: " in result.describe(with_notes=True)
