"""A team annotates together in a group that nobody else can see into; a moderator hides an
abusive public note in two clicks, and its author reads why."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from newsapp.annotations.models import Annotation
from newsapp.groups.models import Group
from tests.browser.helpers import drag_select
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BODY = """\
The regional council voted on Tuesday to widen the harbour bridge, a project first proposed in 2019.

“We cannot keep patching a structure built for half the traffic,” Mayor Ines Duarte said.

Critics say the cost, put at 84 million euros, is too high for a town of this size.
"""


@pytest.fixture
def article():
    return make_article(title="Council backs bridge widening", body=BODY)


def new_page(browser, live_server, sign_in, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    sign_in(context, user)
    return context, context.new_page()


def annotate(page, words: str, note: str) -> None:
    drag_select(page, words)
    page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
    panel = page.locator("#annotate-panel")
    panel.get_by_label("Your note").fill(note)
    panel.get_by_role("button", name="Save").click()
    expect(page.locator(".note-card", has_text=note)).to_be_visible()


def test_a_team_annotates_together_and_a_stranger_sees_none_of_it(
    browser, context, page, live_server, article, sign_in
):
    editor, reporter, stranger = make_user("editor"), make_user("reporter"), make_user("stranger")
    sign_in(context, editor)

    # The editor creates the group and makes an invitation link.
    page.goto("/groups/")
    page.get_by_label("Name").fill("Harbour desk")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", name="Harbour desk")).to_be_visible()
    page.get_by_role("link", name="Settings and invitations").click()
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.locator("input.invite-link").first.input_value()
    assert "/groups/join/" in link

    # The reporter opens the link and joins.
    reporter_context, reporter_page = new_page(browser, live_server, sign_in, reporter)
    reporter_page.goto(link)
    reporter_page.get_by_role("button", name="Join Harbour desk").click()
    expect(reporter_page.get_by_role("heading", name="Harbour desk")).to_be_visible()

    # Both annotate the same article in the group, chosen in the notes switcher.
    group = Group.objects.get(name="Harbour desk")
    page.goto(article.get_absolute_url())
    page.locator("summary", has_text="Reading tools").click()
    page.get_by_label("Whose notes").select_option(label="Harbour desk")
    expect(page).to_have_url(re.compile(rf"in={group.slug}"))
    annotate(page, "widen the harbour bridge", "Check the 2019 proposal first.")
    reporter_page.goto(f"{article.get_absolute_url()}?in={group.slug}")
    annotate(reporter_page, "84 million euros", "Budget office says 91 million.")
    notes = Annotation.objects.filter(group=group)
    assert sorted(notes.values_list("author__username", flat=True)) == ["editor", "reporter"]
    reporter_page.reload()
    expect(reporter_page.locator(".note-card", has_text="Check the 2019 proposal")).to_be_visible()
    expect(reporter_page.locator(".note-card .group-badge").first).to_have_text(
        re.compile("Harbour desk")
    )

    # A third reader sees none of it: no marks, no notes, no group.
    stranger_context, stranger_page = new_page(browser, live_server, sign_in, stranger)
    stranger_page.goto(article.get_absolute_url())
    expect(stranger_page.locator("mark.hl")).to_have_count(0)
    expect(stranger_page.locator("#notes")).not_to_contain_text("2019 proposal")
    expect(stranger_page.locator("#notes")).not_to_contain_text("91 million")
    expect(stranger_page.get_by_label("Whose notes")).not_to_contain_text("Harbour desk")
    assert stranger_page.goto(group.get_absolute_url()).status == 404
    for extra in (reporter_context, stranger_context):
        extra.close()


def test_a_reported_note_is_hidden_from_the_queue_and_explained_to_its_author(
    browser, context, page, live_server, article, sign_in
):
    author = make_user("troll")
    make_annotation(
        article=article,
        author=author,
        exact="too high for a town of this size",
        note="Everyone who backs this is an idiot.",
    )
    staff = get_user_model().objects.create_user("moderator", is_staff=True)

    # A reader reports it from its card.
    sign_in(context, make_user("reader"))
    page.goto(article.get_absolute_url())
    card = page.locator(".note-card", has_text="Everyone who backs this")
    card.get_by_role("link", name="Report").click()
    card.get_by_label("Harassment").check()
    card.get_by_role("button", name="Send report").click()
    expect(card).to_contain_text("moderators will look at it")

    # The moderator hides it in two clicks, with the reason readers gave.
    staff_context, staff_page = new_page(browser, live_server, sign_in, staff)
    staff_page.goto("/moderation/")
    item = staff_page.locator(".queue-item", has_text="Everyone who backs this")
    expect(item).to_contain_text("1 open report: Harassment")
    item.get_by_text("Hide…").click()
    expect(item.get_by_label("Harassment")).to_be_checked()
    item.get_by_role("button", name="Hide note").click()
    expect(staff_page.locator(".queue-item", has_text="Hidden.")).to_be_visible()

    # Gone for everyone else...
    page.reload()
    expect(page.locator("#notes")).not_to_contain_text("Everyone who backs this")
    expect(page.locator("mark.hl")).to_have_count(0)

    # ...and explained to its author.
    author_context, author_page = new_page(browser, live_server, sign_in, author)
    author_page.goto(article.get_absolute_url())
    notice = author_page.locator(".note-card .moderation-notice")
    expect(notice).to_contain_text("Hidden by moderators: Harassment")
    expect(notice).to_contain_text("Only you can see it")
    for extra in (staff_context, author_context):
        extra.close()
