"""The inbox, the header's unread count, following, settings, unsubscribe links and the
private Atom feed, through the test client (full pages and HTMX fragments)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from newsapp.annotations.models import Kind as NoteKind
from newsapp.annotations.services import reply_create
from newsapp.articles.models import Feed, FeedSubscription
from newsapp.claims.models import Quote
from newsapp.notifications.delivery import unsubscribe_token
from newsapp.notifications.models import Delivery, FeedKey, Follow, Kind, Notification, Preference
from newsapp.notifications.services import notify
from tests.claims.factories import OKAFOR_CLAIM, make_quoted_article
from tests.factories import make_annotation, make_article
from tests.notifications.factories import make_reader

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
INBOX = reverse("notifications:inbox")


@pytest.fixture
def reader(client):
    user = make_reader("reader")
    client.force_login(user)
    return user


@pytest.fixture
def replied(reader):
    """A reply to the reader's note, by someone else: one unread notification."""
    article = make_article(title="Bridge vote")
    note = make_annotation(article=article, author=reader, note="My note.")
    reply_create(parent=note, author=make_reader("replier"), note="A *thoughtful* reply.")
    return Notification.objects.get(recipient=reader)


def unread_badge(html: str) -> str:
    found = re.search(r'<span class="count-badge unread-badge">(\d+\+?)</span>', html)
    return found.group(1) if found else "0"


def test_every_page_shows_the_unread_count_in_the_header(client, reader, replied):
    assert unread_badge(client.get("/").content.decode()) == "1"
    assert unread_badge(client.get(reverse("annotations:mine")).content.decode()) == "1"


def test_the_badge_fragment_polls_the_count(client, reader, replied):
    response = client.get(reverse("notifications:badge"), **HTMX)
    html = response.content.decode()
    assert unread_badge(html) == "1"
    assert 'hx-trigger="every 60s"' in html
    assert "<html" not in html


def test_the_inbox_lists_the_notification_with_the_replys_words(client, reader, replied):
    html = client.get(INBOX).content.decode()
    assert "replier replied to your note on “Bridge vote”" in html
    assert "<em>thoughtful</em>" in html
    assert "is-unread" in html


def test_the_inbox_as_an_htmx_fragment(client, reader, replied):
    response = client.get(INBOX, {"show": "unread"}, **HTMX)
    html = response.content.decode()
    assert 'id="inbox"' in html
    assert "<html" not in html
    assert "replier replied" in html


def test_mark_read_with_htmx_updates_the_item_and_the_badge(client, reader, replied):
    url = reverse("notifications:read", args=[replied.pk])
    html = client.post(url, **HTMX).content.decode()
    assert "is-unread" not in html
    assert 'id="inbox-link"' in html
    assert 'hx-swap-oob="true"' in html
    assert unread_badge(html) == "0"
    replied.refresh_from_db()
    assert replied.read_at is not None


def test_mark_all_read_without_javascript(client, reader, replied):
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.unread().exists()


def test_mark_all_read_with_htmx_answers_the_list(client, reader, replied):
    html = client.post(reverse("notifications:read_all"), **HTMX).content.decode()
    assert 'id="inbox"' in html
    assert "is-unread" not in html


def test_opening_a_notification_reads_it_and_goes_to_the_note(client, reader, replied):
    response = client.get(replied.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == replied.annotation.get_absolute_url()
    replied.refresh_from_db()
    assert not replied.unread


def test_someone_elses_notification_is_a_404(client, replied):
    client.force_login(make_reader("intruder"))
    assert client.get(replied.get_absolute_url()).status_code == 404
    assert client.post(reverse("notifications:read", args=[replied.pk])).status_code == 404


def test_a_notification_whose_note_went_private_leaves_inbox_count_and_feed(
    client, reader, replied
):
    replied.annotation.visibility = "private"
    replied.annotation.save()
    html = client.get(INBOX).content.decode()
    assert "replier replied" not in html
    assert unread_badge(html) == "0"
    assert client.get(replied.get_absolute_url()).status_code == 404


def test_the_inbox_needs_an_account(client):
    assert client.get(INBOX).status_code == 302


# --- following ---------------------------------------------------------------------------------


@pytest.fixture
def claim():
    article = make_quoted_article()
    return make_annotation(
        article=article, author=make_reader(), exact=OKAFOR_CLAIM, kind=NoteKind.CLAIM
    )


def test_a_claim_card_has_a_follow_button_that_follows_it(client, reader, claim):
    html = client.get(claim.article.get_absolute_url()).content.decode()
    assert "Follow claim" in html
    response = client.post(
        reverse("notifications:follow"),
        {"target": "claim", "key": claim.public_id, "noun": "claim"},
        **HTMX,
    )
    assert "Following" in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()
    assert Follow.objects.filter(follower=reader, target="claim", target_id=claim.pk).exists()
    # the card, cached per viewer, shows it at once
    assert "Following" in client.get(claim.article.get_absolute_url()).content.decode()


def test_unfollowing_without_javascript_redirects_back(client, reader, claim):
    Follow.objects.create(follower=reader, target="claim", target_id=claim.pk)
    response = client.post(
        reverse("notifications:follow"),
        {"target": "claim", "key": claim.public_id, "action": "unfollow", "next": "/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"target": "planet", "key": "1"},
        {"target": "article", "key": "abc"},
        {"target": "article", "key": "999999"},
        {"target": "reader", "key": "reader"},  # oneself
        {"target": "tag", "key": "never-used"},
        {"target": "feed", "key": "1"},  # not subscribed
    ],
)
def test_bad_follows_are_a_400_with_the_reason(client, reader, data):
    response = client.post(reverse("notifications:follow"), data, **HTMX)
    assert response.status_code == 400
    assert response.content.decode().strip()
    assert not Follow.objects.exists()


def test_a_private_claim_cannot_be_followed_by_others(client, reader):
    article = make_quoted_article()
    hidden = make_annotation(
        article=article,
        author=make_reader(),
        exact=OKAFOR_CLAIM,
        kind=NoteKind.CLAIM,
        visibility="private",
    )
    response = client.post(
        reverse("notifications:follow"), {"target": "claim", "key": hidden.public_id}
    )
    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_the_article_page_offers_to_follow_the_article(client, reader):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r"Follow <span class=\"visually-hidden\">this article</span>", html)


# --- settings ------------------------------------------------------------------------------------


def test_settings_store_how_each_kind_is_heard(client, reader):
    url = reverse("notifications:settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {Kind.REPLY: Delivery.DIGEST, Kind.FOLLOWING: Delivery.OFF})
    assert response.status_code == 302
    chosen = dict(Preference.objects.filter(user=reader).values_list("kind", "delivery"))
    assert chosen == {Kind.REPLY: Delivery.DIGEST, Kind.FOLLOWING: Delivery.OFF}


def test_settings_refuse_an_unknown_delivery_with_a_400(client, reader):
    response = client.post(reverse("notifications:settings"), {Kind.REPLY: "pigeon"})
    assert response.status_code == 400
    assert "Choose in Gloss, email at once, daily digest or off" in response.content.decode()
    assert not Preference.objects.exists()


def test_settings_list_follows_and_unfollow_them(client, reader, claim):
    Follow.objects.create(follower=reader, target="claim", target_id=claim.pk)
    html = client.get(reverse("notifications:settings")).content.decode()
    assert OKAFOR_CLAIM[:40] in html
    follow = Follow.objects.get()
    client.post(reverse("notifications:follow_remove", args=[follow.pk]))
    assert not Follow.objects.exists()


# --- unsubscribe links ---------------------------------------------------------------------------


def test_an_unsubscribe_link_works_signed_out_and_can_be_undone(client):
    reader = make_reader()
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(reader.pk, Kind.REPLY)])
    response = client.get(url)
    assert response.status_code == 200
    assert "no longer get emails for" in response.content.decode()
    assert Preference.objects.get(user=reader, kind=Kind.REPLY).delivery == Delivery.APP
    client.post(url, {"delivery": Delivery.EMAIL})
    assert Preference.objects.get(user=reader, kind=Kind.REPLY).delivery == Delivery.EMAIL


@pytest.mark.parametrize("token", ["nonsense", "W1sxLCJyZXBseSJd:forged:signature"])
def test_a_forged_unsubscribe_link_is_a_400(client, token):
    response = client.get(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_an_email_carries_its_unsubscribe_link(client, django_capture_on_commit_callbacks):
    reader = make_reader()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[reader], kind=Kind.REPLY, message="Someone replied to your note.")
    assert len(mail.outbox) == 1
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert link in mail.outbox[0].body
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    assert Preference.objects.get(user=reader).delivery == Delivery.APP


# --- the private Atom feed -----------------------------------------------------------------------


def test_the_private_feed_lists_notifications_and_can_be_revoked(client, reader, replied):
    client.post(reverse("notifications:feed_key"), {"action": "rotate"})
    key = FeedKey.objects.get(user=reader)
    client.logout()
    response = client.get(key.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "replier replied to your note" in response.content.decode()
    client.force_login(reader)
    client.post(reverse("notifications:feed_key"), {"action": "rotate"})
    assert client.get(key.get_absolute_url()).status_code == 404
    client.post(reverse("notifications:feed_key"), {"action": "revoke"})
    assert not FeedKey.objects.exists()


def test_the_badge_poll_signed_out_swaps_nothing(client):
    assert client.get(reverse("notifications:badge"), **HTMX).status_code == 204


def test_a_speakers_page_and_a_feeds_page_offer_to_follow_them(client, reader):
    article = make_quoted_article()
    speaker = Quote.objects.filter(article=article, shown_speaker__isnull=False).first()
    html = client.get(speaker.shown_speaker.get_absolute_url()).content.decode()
    assert f"Follow {speaker.shown_speaker.name}" in html
    feed = Feed.objects.create(url="https://feeds.example/harbour.xml", title="Harbour News")
    FeedSubscription.objects.create(feed=feed, user=reader)
    html = client.get(feed.get_absolute_url()).content.decode()
    assert "Follow feed" in html
    client.post(reverse("notifications:follow"), {"target": "feed", "key": str(feed.pk)})
    assert Follow.objects.filter(follower=reader, target="feed", target_id=feed.pk).exists()


def test_a_tag_filter_offers_to_follow_the_tag(client, reader):
    article = make_article()
    make_annotation(article=article, author=make_reader(), tags=["harbour"], note="Tagged.")
    html = client.get(article.get_absolute_url(), {"tag": "harbour"}).content.decode()
    assert "Follow #harbour" in html
    fragment = client.get(article.get_absolute_url(), {"tag": "harbour"}, **HTMX).content.decode()
    assert 'id="follow-filter" hx-swap-oob="true"' in fragment
