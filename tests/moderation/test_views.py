from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsapp.annotations.models import Moderation
from newsapp.annotations.services import reply_create
from newsapp.groups.services import invite_accept, invite_create
from newsapp.moderation import services
from newsapp.moderation.models import Action, ModerationAction, Report
from tests.factories import make_annotation, make_article, make_group, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article():
    return make_article()


@pytest.fixture
def author():
    return make_user("author")


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("staff", password="x", is_staff=True)


@pytest.fixture
def note(article, author):
    return make_annotation(
        article=article, author=author, exact="We cannot keep patching", note="abusive words"
    )


# --- reporting ------------------------------------------------------------------------------------


def test_other_readers_see_report_on_a_card_and_the_author_does_not(client, note, author):
    report_url = reverse("moderation:report", args=[note.public_id])
    client.force_login(make_user())
    assert report_url in client.get(note.article.get_absolute_url()).content.decode()
    client.force_login(author)
    assert report_url not in client.get(note.article.get_absolute_url()).content.decode()
    client.logout()
    assert report_url not in client.get(note.article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_the_report_form_loads_inline_or_as_a_page(client, note, htmx):
    client.force_login(make_user())
    response = client.get(
        reverse("moderation:report", args=[note.public_id]), **(HTMX if htmx else {})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Misleading without sources" in html
    assert ("<html" in html) is not htmx


@pytest.mark.parametrize("htmx", [False, True])
def test_reporting_a_note(client, note, htmx):
    reader = make_user()
    client.force_login(reader)
    response = client.post(
        reverse("moderation:report", args=[note.public_id]),
        {"reason": "harassment", "text": "insults another reader"},
        **(HTMX if htmx else {}),
    )
    report = Report.objects.get()
    assert (report.reporter, report.reason) == (reader, "harassment")
    if htmx:
        assert "moderators will look at it" in response.content.decode()
    else:
        assert response.status_code == 302
    card = client.get(note.article.get_absolute_url()).content.decode()
    assert "You reported this note." in card


def test_a_second_report_is_refused_with_a_reason(client, note):
    reader = make_user()
    services.report_create(annotation=note, reporter=reader, reason="spam")
    client.force_login(reader)
    response = client.post(
        reverse("moderation:report", args=[note.public_id]), {"reason": "spam"}, **HTMX
    )
    assert response.status_code == 400
    assert "already reported" in response.content.decode()


def test_nobody_reports_what_they_cannot_see(client, article, author):
    private = make_annotation(article=article, author=author, visibility="private")
    client.force_login(make_user())
    response = client.post(
        reverse("moderation:report", args=[private.public_id]), {"reason": "spam"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_replies_are_reported_too(client, note):
    replier = make_user("replier")
    reply = reply_create(parent=note, author=replier, note="a nasty reply")
    reader = make_user()
    client.force_login(reader)
    page = client.get(note.article.get_absolute_url()).content.decode()
    assert reverse("moderation:report", args=[reply.public_id]) in page
    client.post(reverse("moderation:report", args=[reply.public_id]), {"reason": "harassment"})
    assert Report.objects.get().annotation == reply


# --- the queue ------------------------------------------------------------------------------------


def member_of(group):
    """A new reader who joined `group` by an invitation link."""
    reader = make_user()
    invite_accept(invite=invite_create(group=group, user=group.created_by), user=reader)
    return reader


def test_the_queue_is_for_moderators(client):
    assert client.get(reverse("moderation:queue")).status_code == 302
    client.force_login(make_user())
    assert client.get(reverse("moderation:queue")).status_code == 403


def test_staff_see_reported_public_notes_with_their_reports_context_and_history(
    client, note, staff
):
    services.report_create(
        annotation=note, reporter=make_user(), reason="harassment", text="name-calling"
    )
    client.force_login(staff)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert "abusive words" in html
    assert "name-calling" in html
    assert "<mark>We cannot keep patching</mark>" in html
    assert "1 note" in html


def test_group_moderators_see_their_groups_reports_and_not_public_ones(client, article, note):
    moderator, member = make_user("mod"), make_user("member")
    group = make_group(owner=make_user(), members=[member], moderators=[moderator])
    group_note = make_annotation(
        article=article, author=member, note="group rant", visibility="group", group=group
    )
    reporter = make_user()
    services.report_create(annotation=group_note, reporter=member_of(group), reason="off_topic")
    services.report_create(annotation=note, reporter=reporter, reason="spam")
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert "group rant" in html
    assert "abusive words" not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_hiding_from_the_queue_takes_a_reason_the_author_then_reads(
    client, note, author, staff, htmx
):
    services.report_create(annotation=note, reporter=make_user(), reason="harassment")
    client.force_login(staff)
    response = client.post(
        reverse("moderation:hide", args=[note.public_id]),
        {"reason": "harassment", "explanation": "Personal attacks."},
        **(HTMX if htmx else {}),
    )
    note.refresh_from_db()
    assert note.moderation == Moderation.HIDDEN
    if htmx:
        assert "Hidden." in response.content.decode()
    else:
        assert response.status_code == 302
    client.force_login(make_user())
    assert "abusive words" not in client.get(note.article.get_absolute_url()).content.decode()
    client.force_login(author)
    page = client.get(note.article.get_absolute_url()).content.decode()
    assert "abusive words" in page
    assert "Hidden by moderators" in page
    assert "Harassment: Personal attacks." in page


def test_a_hide_without_a_reason_is_refused(client, note, staff):
    client.force_login(staff)
    response = client.post(reverse("moderation:hide", args=[note.public_id]), {}, **HTMX)
    assert response.status_code == 400
    note.refresh_from_db()
    assert note.moderation == Moderation.SHOWN


def test_a_reader_posting_to_the_queue_actions_finds_nothing(client, note):
    client.force_login(make_user())
    for name in ("hide", "restore", "dismiss"):
        response = client.post(
            reverse(f"moderation:{name}", args=[note.public_id]), {"reason": "spam"}
        )
        assert response.status_code == 404
    note.refresh_from_db()
    assert note.moderation == Moderation.SHOWN


def test_restoring_and_dismissing_from_the_queue(client, note, staff):
    services.report_create(annotation=note, reporter=make_user(), reason="spam")
    services.note_hide(annotation=note, moderator=staff, reason="spam")
    client.force_login(staff)
    hidden = client.get(reverse("moderation:queue"), {"status": "hidden"}).content.decode()
    assert "abusive words" in hidden
    client.post(reverse("moderation:restore", args=[note.public_id]), **HTMX)
    note.refresh_from_db()
    assert note.moderation == Moderation.SHOWN
    services.report_create(annotation=note, reporter=make_user(), reason="spam")
    client.post(reverse("moderation:dismiss", args=[note.public_id]), **HTMX)
    assert not Report.objects.filter(resolution="").exists()


def test_staff_restrict_an_author_from_the_queue(client, note, author, staff):
    client.force_login(staff)
    response = client.post(
        reverse("moderation:restrict", args=["author"]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:queue")
    held = make_annotation(article=note.article, author=author, note="after restriction")
    assert held.moderation == Moderation.HELD


# --- the log and an author's record ---------------------------------------------------------------


def test_the_audit_log_is_for_staff(client, note, staff):
    services.note_hide(annotation=note, moderator=staff, reason="spam", explanation="shop")
    client.force_login(make_user())
    assert client.get(reverse("moderation:log")).status_code == 403
    client.force_login(staff)
    html = client.get(reverse("moderation:log")).content.decode()
    assert "Hid a note" in html
    assert "Spam: shop" in html


def test_authors_read_why_but_never_who(client, note, author, staff):
    services.report_create(annotation=note, reporter=make_user("tattletale"), reason="spam")
    services.note_hide(annotation=note, moderator=staff, reason="spam", explanation="a shop")
    client.force_login(author)
    html = client.get(reverse("moderation:yours")).content.decode()
    assert "Spam: a shop" in html
    assert "tattletale" not in html
    assert "staff" not in html
    assert ModerationAction.objects.filter(action=Action.HIDE).exists()


def test_my_notes_says_which_of_mine_moderators_hid(client, note, author, staff):
    services.note_hide(annotation=note, moderator=staff, reason="spam")
    client.force_login(author)
    html = client.get(reverse("annotations:mine")).content.decode()
    assert "abusive words" in html
    assert "Hidden by moderators" in html
    assert reverse("moderation:yours") in html
