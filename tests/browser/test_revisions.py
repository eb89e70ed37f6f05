"""A reader imports an article from the (local) web, annotates it, the source changes, and
"Check for changes" shows the summary, the diff, and every note in place or visibly orphaned."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from newsapp.articles.jobs import run_job
from newsapp.articles.models import Article, Job
from tests.factories import make_annotation, make_user
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.django_db(transaction=True)

STORY_PATH = "/news/2026/ferry-terminal-library"
KEPT = "ending a debate that has run for almost four years"
DELETED = "The council has commissioned a second survey of the sea wall."
ADDED = "Updated on Tuesday: the council published the full survey of the north quay."


@pytest.fixture(autouse=True)
def web_settings(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def reader(context, sign_in):
    user = make_user("hedda")
    sign_in(context, user)
    return user


def changed_story() -> dict:
    story = copy.deepcopy(SAMPLE_ARTICLE)
    story["blocks"].insert(0, ("p", ADDED))
    story["blocks"] = [
        (tag, content.replace(" " + DELETED, "") if isinstance(content, str) else content)
        for tag, content in story["blocks"]
    ]
    return story


def test_import_annotate_update_see_the_diff_and_every_note(page, reader, local_site):
    url = local_site.add(STORY_PATH, article_page(**SAMPLE_ARTICLE))

    page.goto("/articles/new/")
    page.get_by_label("Article address").fill(url)
    page.get_by_role("button", name="Fetch article").click()
    # The job's own status line, in the page (the toast region outside main is the other one).
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "Imported “Harbour town votes"
    )
    page.get_by_role("link", name="Read it now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_ARTICLE["title"])

    article = Article.objects.get()
    make_annotation(article=article, author=reader, exact=KEPT, note="Four years is generous.")
    make_annotation(article=article, author=reader, exact=DELETED, note="Who pays for it?")
    page.reload()
    expect(page.locator("mark.hl")).to_have_count(2)
    page.evaluate("window.noReload = true")

    local_site.add(STORY_PATH, article_page(**changed_story()))
    page.get_by_role("button", name="Check for changes").click()

    notice = page.locator("#revision-notice")
    expect(notice.locator("#revision-status")).to_contain_text("Updated 1 time")
    expect(notice.locator("#revision-status")).to_contain_text("1 note kept its place, 1 orphaned.")
    expect(notice.get_by_role("status")).to_contain_text("Revision 2:")
    body = page.locator("[data-article-body]")
    expect(body).to_contain_text(ADDED)
    expect(body).not_to_contain_text(DELETED)
    expect(page.locator("mark.hl")).to_have_text(KEPT)
    orphaned = page.locator(".orphaned")
    expect(orphaned).to_contain_text("Orphaned notes")
    expect(orphaned.locator(".note-card")).to_contain_text(DELETED)
    expect(orphaned.locator(".note-card")).to_contain_text("Who pays for it?")
    assert page.evaluate("window.noReload") is True  # updated in place

    page.get_by_role("link", name="see changes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Changes to")
    diff = page.locator("#diff")
    expect(diff).to_contain_text("Revision 1 → 2")
    expect(diff.locator("ins").first).to_contain_text("Updated on Tuesday")
    expect(diff.locator("del")).to_contain_text([DELETED])

    page.get_by_label("Compare revision").select_option("2")
    expect(diff).to_contain_text("The same revision")


def test_a_queued_import_shows_progress_then_the_result_and_stops_polling(
    page, reader, local_site, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    url = local_site.add(STORY_PATH, article_page(**SAMPLE_ARTICLE))
    polls: list[str] = []
    page.on(
        "request", lambda request: polls.append(request.url) if "/jobs/" in request.url else None
    )

    page.goto("/articles/new/")
    page.get_by_label("Article address").fill(url)
    page.get_by_role("button", name="Fetch article").click()
    status = page.locator("main").get_by_role("status")
    expect(status).to_contain_text("waiting to start")

    run_job(Job.objects.get().pk)  # the worker takes it
    expect(status).to_contain_text("Imported “Harbour town votes")
    expect(page.get_by_role("link", name="Read it now")).to_be_visible()
    settled = len(polls)
    assert settled >= 1  # the result arrived by polling
    page.wait_for_timeout(2500)
    assert len(polls) == settled  # 286: htmx stopped polling
