from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from newsapp.annotations.models import Annotation, Moderation
from newsapp.annotations.services import SourceInput, annotation_update
from newsapp.claims.models import NoteScore
from newsapp.claims.ratings import context_notes, note_rate
from newsapp.moderation import services
from newsapp.moderation.models import Action, ModerationAction, Report, Resolution
from newsapp.ratelimit import RateLimited
from tests.factories import make_annotation, make_article, make_group, make_user

pytestmark = pytest.mark.django_db


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
def public_note(article, author):
    return make_annotation(article=article, author=author, note="buy cheap watches")


def visible_ids(user, **kwargs) -> set[int]:
    return set(Annotation.objects.visible_to(user, **kwargs).values_list("pk", flat=True))


def veteran(username: str):
    """A reader who joined long ago and wrote notes: established under any settings."""
    user = make_user(username)
    get_user_model().objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - timedelta(days=400)
    )
    user.refresh_from_db()
    return user


@pytest.fixture
def strict_settings(settings):
    """Real thresholds: accounts younger than 3 days or with fewer than 1 note are new."""
    settings.GLOSS_NEW_ACCOUNT_DAYS = 3
    settings.GLOSS_ESTABLISHED_NOTES = 1
    settings.GLOSS_REPORTS_TO_HOLD = 2
    settings.GLOSS_NEW_ACCOUNT_LINKS_PER_NOTE = 2
    settings.GLOSS_NEW_ACCOUNT_PUBLIC_NOTES_PER_DAY = 2
    return settings


# --- reports --------------------------------------------------------------------------------------


def test_a_report_is_recorded_and_the_note_stays_shown(public_note):
    report = services.report_create(
        annotation=public_note, reporter=make_user(), reason="spam", text="a shop"
    )
    public_note.refresh_from_db()
    assert report.resolution == Resolution.OPEN
    assert public_note.moderation == Moderation.SHOWN


@pytest.mark.parametrize(
    ("reason", "text", "message"),
    [("rude", "", "Choose why"), ("other", "  ", "what is wrong"), ("spam", "x" * 1001, "1,000")],
)
def test_a_report_needs_a_known_reason(public_note, reason, text, message):
    with pytest.raises(ValidationError, match=message):
        services.report_create(
            annotation=public_note, reporter=make_user(), reason=reason, text=text
        )
    assert not Report.objects.exists()


def test_one_report_per_reader_per_note(public_note):
    reader = make_user()
    services.report_create(annotation=public_note, reporter=reader, reason="spam")
    with pytest.raises(ValidationError, match="already reported"):
        services.report_create(annotation=public_note, reporter=reader, reason="harassment")
    assert Report.objects.count() == 1


def test_authors_do_not_report_their_own_notes(public_note, author):
    with pytest.raises(ValidationError, match="your own"):
        services.report_create(annotation=public_note, reporter=author, reason="spam")


def test_private_notes_are_not_reported(article, author):
    private = make_annotation(article=article, author=author, visibility="private")
    with pytest.raises(ValidationError, match="shared notes"):
        services.report_create(annotation=private, reporter=make_user(), reason="spam")


def test_enough_established_readers_reports_hold_a_note(strict_settings, public_note, author):
    for name in ("first", "second"):
        reporter = veteran(name)
        make_annotation(article=public_note.article, author=reporter, note="history")
        services.report_create(annotation=public_note, reporter=reporter, reason="spam")
    public_note.refresh_from_db()
    assert public_note.moderation == Moderation.HELD
    hold = ModerationAction.objects.get(action=Action.HOLD)
    assert hold.actor is None
    assert hold.reason == "spam"
    assert public_note.pk in visible_ids(author)
    assert public_note.pk not in visible_ids(None)


def test_new_accounts_reports_do_not_hold_a_note(strict_settings, public_note):
    for _ in range(3):
        services.report_create(annotation=public_note, reporter=make_user(), reason="spam")
    public_note.refresh_from_db()
    assert public_note.moderation == Moderation.SHOWN


# --- moderators' actions --------------------------------------------------------------------------


def test_staff_hide_a_public_note_with_a_reason(public_note, author, staff):
    reporter = make_user()
    services.report_create(annotation=public_note, reporter=reporter, reason="spam")
    action = services.note_hide(
        annotation=public_note, moderator=staff, reason="spam", explanation="Links to a shop."
    )
    public_note.refresh_from_db()
    assert public_note.moderation == Moderation.HIDDEN
    assert action.why == "Spam: Links to a shop."
    assert Report.objects.get().resolution == Resolution.HIDDEN
    assert public_note.pk in visible_ids(author)
    assert public_note.pk not in visible_ids(reporter)
    assert public_note.pk not in visible_ids(None, via_link=True)


def test_a_hide_needs_a_reason(public_note, staff):
    with pytest.raises(ValidationError, match="reason"):
        services.note_hide(annotation=public_note, moderator=staff, reason="")
    public_note.refresh_from_db()
    assert public_note.moderation == Moderation.SHOWN


def test_readers_cannot_hide_public_notes(public_note):
    with pytest.raises(PermissionDenied):
        services.note_hide(annotation=public_note, moderator=make_user(), reason="spam")


def test_nobody_moderates_their_own_note(article):
    staff_author = get_user_model().objects.create_user("editor", is_staff=True)
    own = make_annotation(article=article, author=staff_author)
    with pytest.raises(PermissionDenied, match="own"):
        services.note_hide(annotation=own, moderator=staff_author, reason="spam")


def test_group_moderators_moderate_their_groups_notes_only(article, author, public_note):
    moderator = make_user("mod")
    group = make_group(owner=make_user(), members=[author], moderators=[moderator])
    group_note = make_annotation(article=article, author=author, visibility="group", group=group)
    services.note_hide(annotation=group_note, moderator=moderator, reason="off_topic")
    with pytest.raises(PermissionDenied):
        services.note_hide(annotation=public_note, moderator=moderator, reason="spam")
    group_note.refresh_from_db()
    assert group_note.moderation == Moderation.HIDDEN
    assert ModerationAction.objects.get().group == group


def test_staff_do_not_moderate_groups_they_do_not_moderate(article, author, staff):
    group = make_group(owner=make_user(), members=[author])
    group_note = make_annotation(article=article, author=author, visibility="group", group=group)
    assert group_note.pk not in visible_ids(staff, moderating=True)
    with pytest.raises(PermissionDenied):
        services.note_hide(annotation=group_note, moderator=staff, reason="spam")


def test_restore_shows_a_hidden_note_again(public_note, staff):
    services.note_hide(annotation=public_note, moderator=staff, reason="spam")
    action = services.note_restore(annotation=public_note, moderator=staff)
    public_note.refresh_from_db()
    assert public_note.moderation == Moderation.SHOWN
    assert action.action == Action.RESTORE
    assert public_note.pk in visible_ids(None)


def test_dismissing_reports_releases_a_held_note(strict_settings, public_note, staff):
    for name in ("first", "second"):
        reporter = veteran(name)
        make_annotation(article=public_note.article, author=reporter)
        services.report_create(annotation=public_note, reporter=reporter, reason="misleading")
    services.reports_dismiss(annotation=public_note, moderator=staff)
    public_note.refresh_from_db()
    assert public_note.moderation == Moderation.SHOWN
    assert set(Report.objects.values_list("resolution", flat=True)) == {Resolution.DISMISSED}


def test_dismissing_without_open_reports_is_refused(public_note, staff):
    with pytest.raises(ValidationError, match="no open reports"):
        services.reports_dismiss(annotation=public_note, moderator=staff)
    assert not ModerationAction.objects.exists()


def test_a_hidden_context_note_leaves_the_bridging_scores(
    article, author, staff, django_capture_on_commit_callbacks
):
    claim = make_annotation(article=article, author=author, kind="claim", note="the real cost")
    note_rate(annotation=claim, rater=make_user(), value="helpful")
    assert NoteScore.objects.filter(annotation=claim).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.note_hide(annotation=claim, moderator=staff, reason="misleading")
    assert not context_notes().filter(pk=claim.pk).exists()
    assert not NoteScore.objects.filter(annotation=claim).exists()


# --- restricted authors and new accounts ----------------------------------------------------------


def test_a_restricted_authors_new_public_notes_wait_for_approval(article, author, staff):
    services.author_restrict(user=author, moderator=staff, explanation="spam wave")
    held = make_annotation(article=article, author=author, note="more watches")
    private = make_annotation(article=article, author=author, visibility="private")
    assert held.moderation == Moderation.HELD
    assert private.moderation == Moderation.SHOWN
    assert held.pk not in visible_ids(None)
    services.note_restore(annotation=held, moderator=staff)
    assert held.pk in visible_ids(None)
    assert ModerationAction.objects.filter(action=Action.APPROVE).count() == 1


def test_a_restricted_author_making_a_note_public_waits_too(article, author, staff):
    note = make_annotation(article=article, author=author, visibility="private", note="draft")
    services.author_restrict(user=author, moderator=staff)
    annotation_update(
        annotation=note,
        user=author,
        note="draft",
        kind="note",
        visibility="public",
        tags=[],
        sources=[],
    )
    note.refresh_from_db()
    assert note.moderation == Moderation.HELD


def test_only_staff_restrict_authors(author):
    with pytest.raises(PermissionDenied):
        services.author_restrict(user=author, moderator=make_user())


def test_lifting_a_restriction_is_logged(author, staff):
    services.author_restrict(user=author, moderator=staff)
    services.author_unrestrict(user=author, moderator=staff)
    actions = list(ModerationAction.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.RESTRICT, Action.UNRESTRICT]


def test_new_accounts_links_show_as_plain_domains(strict_settings, article):
    newcomer = make_user()
    note = make_annotation(
        article=article,
        author=newcomer,
        note="see [the report](https://www.example.org/report)",
        sources=[SourceInput(url="https://stats.example.net/t1")],
    )
    assert note.plain_links
    assert "<a " not in note.note_html
    assert "the report (example.org)" in note.note_html


def test_new_accounts_private_notes_keep_their_links(strict_settings, article):
    note = make_annotation(
        article=article,
        author=make_user(),
        note="[a](https://a.example) [b](https://b.example) [c](https://c.example)",
        visibility="private",
    )
    assert note.note_html.count("<a ") == 3


def test_new_accounts_put_few_links_in_a_public_note(strict_settings, article):
    with pytest.raises(ValidationError, match="at most 2 link"):
        make_annotation(
            article=article,
            author=make_user(),
            note="[a](https://a.example) [b](https://b.example)",
            sources=[SourceInput(url="https://c.example/x")],
        )
    assert not Annotation.objects.exists()


def test_new_accounts_publish_a_few_public_notes_a_day(strict_settings, article):
    newcomer = make_user()
    for _ in range(2):
        make_annotation(article=article, author=newcomer, note="fine")
    with pytest.raises(RateLimited, match="at most 2 public notes a day"):
        make_annotation(article=article, author=newcomer, note="one too many")
    make_annotation(article=article, author=newcomer, note="private is fine", visibility="private")
    assert Annotation.objects.filter(author=newcomer).count() == 3


def test_established_readers_keep_their_links(strict_settings, article):
    reader = veteran("old-hand")
    make_annotation(article=article, author=reader, visibility="private")
    note = make_annotation(
        article=article, author=reader, note="[a](https://a.example) [b](https://b.example) x"
    )
    assert not note.plain_links
    assert note.note_html.count("<a ") == 2
