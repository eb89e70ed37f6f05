"""Which writes tell whom: replies, context on followed claims, "Readers added context",
attribution corrections, new versions and orphaned notes, feeds and speakers followed; and
that no notification ever reaches someone who may not open its note."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from newsapp.annotations.models import Kind as NoteKind
from newsapp.annotations.services import annotation_update, reply_create
from newsapp.articles.revisions import article_revise
from newsapp.claims.models import Quote
from newsapp.claims.ratings import notes_rescore
from newsapp.claims.services import attribution_correct
from newsapp.notifications.models import Delivery, Kind, Notification, Preference, Target
from newsapp.notifications.services import notify
from tests.claims.factories import (
    OKAFOR_CLAIM,
    make_context_note,
    make_quoted_article,
    rate,
    seed_camps,
)
from tests.factories import make_annotation, make_article, make_group
from tests.notifications.factories import follow, follow_claim, make_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_quoted_article()


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- notify(), the service other apps call ---------------------------------------------------


def test_notify_tells_the_recipients_but_never_the_actor(article):
    author, moderator = make_reader(), make_reader()
    made = notify(
        recipients=[author, moderator],
        kind=Kind.MODERATION,
        message="A moderator hid your note.",
        actor=moderator,
        article=article,
    )
    assert [n.recipient for n in made] == [author]


def test_notify_respects_a_kind_turned_off(article):
    reader = make_reader()
    Preference.objects.create(user=reader, kind=Kind.MODERATION, delivery=Delivery.OFF)
    assert notify(recipients=[reader], kind=Kind.MODERATION, message="Hidden.") == []


@pytest.mark.parametrize(
    ("kind", "message"), [("gossip", "Hello."), (Kind.REPLY, ""), (Kind.REPLY, "x" * 301)]
)
def test_notify_refuses_an_unknown_kind_or_a_bad_message(kind, message):
    with pytest.raises(ValidationError):
        notify(recipients=[make_reader()], kind=kind, message=message)
    assert not Notification.objects.exists()


def test_notify_leaves_out_whoever_may_not_open_the_note(article):
    author, stranger = make_reader(), make_reader()
    private = make_annotation(article=article, author=author, visibility="private", note="mine")
    made = notify(
        recipients=[author, stranger], kind=Kind.MODERATION, message="Hidden.", annotation=private
    )
    assert [n.recipient for n in made] == [author]


# --- replies -------------------------------------------------------------------------------------


def test_a_reply_tells_the_notes_author_in_the_app_and_by_email(
    article, django_capture_on_commit_callbacks
):
    author, replier = make_reader("author"), make_reader("replier")
    note = make_annotation(article=article, author=author, note="A note.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(parent=note, author=replier, note="I **disagree**.")
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == Kind.REPLY
    assert notification.message.startswith("replier replied to your note on “")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["author@readers.example"]
    assert "I **disagree**." in mail.outbox[0].body
    assert "unsubscribe" in mail.outbox[0].body


def test_replying_to_ones_own_note_tells_nobody(article):
    author = make_reader()
    note = make_annotation(article=article, author=author, note="A note.")
    reply_create(parent=note, author=author, note="And another thing.")
    assert not Notification.objects.exists()


# --- context on followed claims ----------------------------------------------------------------


def test_new_context_on_a_followed_claim_reaches_its_followers(
    article, django_capture_on_commit_callbacks
):
    claim = make_annotation(
        article=article, author=make_reader(), exact=OKAFOR_CLAIM, kind=NoteKind.CLAIM
    )
    follower, bystander = make_reader("follower"), make_reader()
    follow_claim(follower, claim)
    with django_capture_on_commit_callbacks(execute=True):
        note = make_context_note(article=article, author=make_reader("checker"))
    notification = Notification.objects.get(recipient=follower)
    assert (notification.kind, notification.annotation) == (Kind.CONTEXT, note)
    assert "checker added context to a claim you follow" in notification.message
    assert kinds_for(bystander) == []
    assert [message.to for message in mail.outbox] == [["follower@readers.example"]]


def test_a_private_or_unlisted_note_on_a_followed_claim_tells_nobody(
    article, django_capture_on_commit_callbacks
):
    claim = make_annotation(
        article=article, author=make_reader(), exact=OKAFOR_CLAIM, kind=NoteKind.CLAIM
    )
    follower = make_reader()
    follow_claim(follower, claim)
    with django_capture_on_commit_callbacks(execute=True):
        for visibility in ("private", "unlisted"):
            make_context_note(article=article, visibility=visibility, note=f"{visibility} words")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_note_made_private_after_the_notification_disappears_and_is_not_emailed(
    article, django_capture_on_commit_callbacks
):
    claim = make_annotation(
        article=article, author=make_reader(), exact=OKAFOR_CLAIM, kind=NoteKind.CLAIM
    )
    follower = make_reader()
    follow_claim(follower, claim)
    Preference.objects.create(user=follower, kind=Kind.CONTEXT, delivery=Delivery.DIGEST)
    author = make_reader()
    with django_capture_on_commit_callbacks(execute=True):
        note = make_context_note(article=article, author=author, note="soon private words")
    assert Notification.objects.for_recipient(follower).count() == 1
    annotation_update(
        annotation=note,
        user=author,
        note=note.note,
        kind=note.kind,
        visibility="private",
        tags=[],
        sources=[],
    )
    assert Notification.objects.for_recipient(follower).count() == 0
    from newsapp.notifications.delivery import send_digests

    assert send_digests() == 0
    assert mail.outbox == []


def test_followers_of_the_article_the_author_and_a_tag_hear_once_each(
    article, django_capture_on_commit_callbacks
):
    author = make_reader("writer")
    fan = make_reader()
    for target, target_id in ((Target.ARTICLE, article.pk), (Target.READER, author.pk)):
        follow(fan, target, target_id)
    with django_capture_on_commit_callbacks(execute=True):
        make_annotation(article=article, author=author, tags=["energy"], note="Look here.")
    assert kinds_for(fan) == [Kind.FOLLOWING]


def test_a_group_note_tells_only_followers_who_are_in_the_group(
    article, django_capture_on_commit_callbacks
):
    author, member, outsider = make_reader(), make_reader(), make_reader()
    desk = make_group(owner=author, members=[member])
    for reader in (member, outsider):
        follow(reader, Target.ARTICLE, article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        make_annotation(
            article=article,
            author=author,
            note="For the desk only.",
            visibility="group",
            group=desk,
        )
    assert kinds_for(member) == [Kind.FOLLOWING]
    assert kinds_for(outsider) == []


# --- "Readers added context" -------------------------------------------------------------------


def test_an_author_hears_when_their_note_is_shown_as_readers_added_context(article):
    author = make_reader()
    note = make_context_note(article=article, author=author)
    camp_a, camp_b = seed_camps()
    Notification.objects.all().delete()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == Kind.HELPFUL
    assert "Readers added context" in notification.message
    notes_rescore()  # nothing changed: nobody is told twice
    assert Notification.objects.filter(recipient=author).count() == 1


# --- attributions --------------------------------------------------------------------------------


def test_a_reader_who_attributed_a_quote_hears_when_another_says_otherwise(article):
    quote = Quote.objects.filter(article=article).first()
    first, second = make_reader("first"), make_reader("second")
    attribution_correct(quote=quote, reader=first, speaker_name="Mara Lind")
    attribution_correct(quote=quote, reader=second, speaker_name="Paul Ode")
    notification = Notification.objects.get(recipient=first)
    assert notification.kind == Kind.ATTRIBUTION
    assert notification.quote == quote
    assert "second says Paul Ode, not Mara Lind" in notification.message
    attribution_correct(quote=quote, reader=second, speaker_name="Paul Ode")  # the same again
    assert Notification.objects.filter(recipient=first).count() == 1


# --- new versions --------------------------------------------------------------------------------


def test_a_new_version_tells_annotators_their_summary_and_orphans(
    django_capture_on_commit_callbacks,
):
    first = "The harbour council met on Monday evening to discuss the bridge and its cost."
    article = make_article(body=f"{first}\n\nThe vote was close, with six members against.")
    author, follower = make_reader(), make_reader()
    make_annotation(article=article, author=author, exact="six members against")
    make_annotation(
        article=article, author=author, exact="discuss the bridge", visibility="private"
    )
    follow(follower, Target.ARTICLE, article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article_revise(
            article=article,
            title=article.title,
            body=f"{first}\n\nIn the end nobody voted at all.",
            body_format="markdown",
        )
    mine = {n.kind: n.message for n in Notification.objects.filter(recipient=author)}
    assert "2 notes kept" not in mine[Kind.REVISION]
    assert "1 note kept its place, 1 orphaned" in mine[Kind.REVISION]
    assert mine[Kind.ORPHANED].startswith("1 of your notes on")
    theirs = Notification.objects.get(recipient=follower)
    assert theirs.kind == Kind.REVISION
    assert "0 notes kept their place, 1 orphaned" in theirs.message


# --- feeds and speakers --------------------------------------------------------------------------


def test_followers_of_a_speaker_hear_when_a_new_article_quotes_them(
    django_capture_on_commit_callbacks,
):
    first = make_quoted_article()
    speaker = Quote.objects.filter(article=first, shown_speaker__isnull=False).first().shown_speaker
    fan = make_reader()
    follow(fan, Target.SPEAKER, speaker.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = make_quoted_article(title="The talks again")
    notification = Notification.objects.get(recipient=fan)
    assert notification.article == second
    assert notification.message.startswith(f"{speaker.name} is quoted in")
