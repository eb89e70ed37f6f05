"""The notifications app's writes: tell readers something (`notify`, `notify_followers`),
follow and unfollow, mark read, choose how to hear of each kind, the private feed's key.

Other apps call `notify` (moderation tells an author their note was hidden or restored); writes
of lower apps reach this app through the reader layers (`NotificationsLayer.follow_change`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsapp import ratelimit
from newsapp.annotations.models import Annotation, Tag
from newsapp.annotations.models import Kind as NoteKind
from newsapp.articles.models import Article, Feed
from newsapp.claims.models import Speaker

from .delivery import MAX_MESSAGE_CHARS, deliver, deliveries
from .fanout import fanout_queue
from .models import Delivery, FeedKey, Follow, Kind, Notification, Preference, Target

FOLLOWS_PER_MINUTE = 60
MAX_FOLLOWS = 2_000
CLAIM_KINDS = (NoteKind.CLAIM, NoteKind.QUOTE)


def notify(
    *,
    recipients,
    kind: str,
    message: str,
    actor=None,
    annotation=None,
    article=None,
    quote=None,
    revision=None,
) -> list[Notification]:
    """Tell `recipients` (users or user ids) that something happened; returns what was made.

    Call it inside the transaction of the write that causes it (never from a signal): the
    notifications commit or roll back with the write, and the emails go out from the
    background worker once it commits. `kind` is a `Kind` (for moderation: Kind.MODERATION);
    `message` is one plain-text sentence of at most 300 characters, such as "A moderator
    hid your note on “Harbour bridge vote”", and must never quote a note: the inbox shows the
    note's words itself, from `annotation`, to those who may still see it. Pass what the
    notification is about (`annotation`, `article`, `quote`, `revision`): it links there.

    Nobody hears of their own doing (`actor` is left out), readers who turned `kind` off hear
    nothing, and a reader who may not open `annotation` (`Annotation.objects.visible_to`) is
    left out. For the followers of something (possibly thousands) use `notify_followers`.
    Raises ValidationError for an unknown kind or an empty or overlong message.
    """
    _check(kind, message)
    ids = [getattr(recipient, "pk", recipient) for recipient in recipients]
    return deliver(
        ids,
        kind=kind,
        message=message,
        actor=actor,
        annotation=annotation,
        article=article,
        quote=quote,
        revision=revision,
    )


def notify_followers(
    *,
    audiences: list[tuple[str, str, int]],
    messages: dict[str, str],
    actor=None,
    annotation=None,
    article=None,
    quote=None,
    revision=None,
    excluded: list[int] | None = None,
):
    """Tell everyone who follows any of the targets, in the background, in batches.

    `audiences` are (kind, Target, target id) in order of precedence (someone following two
    of them hears once, as the first); `messages` holds the sentence for each kind. Readers
    told already about the same note or revision, and `excluded` ones, are left out. Call it
    inside the write's transaction: it stores one row and starts once that commits.
    """
    for kind, target, _ in audiences:
        if target not in Target.values:
            raise ValidationError(f"Unknown follow target {target!r}.")
        _check(kind, messages.get(kind, ""))
    return fanout_queue(
        audiences=audiences,
        messages=messages,
        actor=actor,
        annotation=annotation,
        article=article,
        quote=quote,
        revision=revision,
        excluded=excluded,
    )


def _check(kind: str, message: str) -> None:
    if kind not in Kind.values:
        raise ValidationError(f"Unknown notification kind {kind!r}.")
    if not message.strip() or len(message) > MAX_MESSAGE_CHARS:
        raise ValidationError(f"A notification says one sentence of 1 to {MAX_MESSAGE_CHARS}.")


# --- follows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Followable:
    target: str
    target_id: int
    label: str
    article: Article | None = None  # the article whose reader page shows it (a claim's)


def resolve_target(*, user, target: str, key: str) -> Followable:
    """What `user` asks to follow: `key` is an id (article, speaker, feed), a note's public id
    (claim), a tag's name or a username. ValidationError({"target": reason}) when it is not
    something they may follow."""
    key = str(key or "").strip()[:150]
    if target not in Target.values:
        raise ValidationError(
            {"target": "Follow an article, a claim, a speaker, a feed, a tag or a reader."}
        )
    if target == Target.CLAIM:
        claim = (
            Annotation.objects.visible_to(user)
            .top_level()
            .filter(public_id=key, kind__in=CLAIM_KINDS)
            .select_related("article")
            .first()
        )
        if claim is None:
            raise ValidationError({"target": "There is no such claim or quote you can see."})
        return Followable(target, claim.pk, f"“{claim.exact[:60]}”", claim.article)
    if target == Target.TAG:
        tag = Tag.objects.filter(name=key.lower().lstrip("#")).first()
        if tag is None:
            raise ValidationError({"target": "No note carries that tag yet."})
        return Followable(target, tag.pk, f"#{tag.name}")
    if target == Target.READER:
        reader = get_user_model().objects.filter(username=key).first()
        if reader is None:
            raise ValidationError({"target": "There is no reader with that name."})
        if reader.pk == user.pk:
            raise ValidationError({"target": "You cannot follow yourself."})
        return Followable(target, reader.pk, reader.get_username())
    if not key.isdigit():
        raise ValidationError({"target": f"“{key[:20]}” is not a {target}'s number."})
    pk = int(key)
    if target == Target.ARTICLE:
        article = Article.objects.filter(pk=pk).only("pk", "title", "slug").first()
        if article is None:
            raise ValidationError({"target": "There is no such article."})
        return Followable(target, pk, f"“{article.title}”", article)
    if target == Target.SPEAKER:
        speaker = Speaker.objects.filter(pk=pk).first()
        if speaker is None:
            raise ValidationError({"target": "There is no such speaker."})
        return Followable(target, pk, speaker.name)
    feed = Feed.objects.filter(pk=pk, subscriptions__user=user).first()
    if feed is None:
        raise ValidationError({"target": "Subscribe to the feed first."})
    return Followable(target, pk, str(feed))


def follow_create(*, user, target: str, key: str) -> Followable:
    """`user` follows it (again is fine). Raises ValidationError or RateLimited, writing
    nothing then."""
    followable = resolve_target(user=user, target=target, key=key)
    limit = ratelimit.counted(
        "follow",
        user.pk,
        limit=FOLLOWS_PER_MINUTE,
        message=f"You have followed {FOLLOWS_PER_MINUTE} things in the last minute. "
        "Try again shortly.",
    )
    with limit, transaction.atomic():
        if Follow.objects.filter(follower=user).count() >= MAX_FOLLOWS:
            raise ValidationError(
                {"target": f"You follow {MAX_FOLLOWS:,} things: unfollow some first."}
            )
        Follow.objects.get_or_create(
            follower=user, target=followable.target, target_id=followable.target_id
        )
        _changed(followable)
    return followable


def follow_delete(*, user, target: str, key: str) -> Followable:
    followable = resolve_target(user=user, target=target, key=key)
    with transaction.atomic():
        Follow.objects.filter(
            follower=user, target=followable.target, target_id=followable.target_id
        ).delete()
        _changed(followable)
    return followable


def follow_delete_by_id(*, user, follow_id: int) -> None:
    """Unfollow from the settings page's list (what was followed may be gone)."""
    Follow.objects.filter(follower=user, pk=follow_id).delete()


def _changed(followable: Followable) -> None:
    # Claim cards on the reader page are cached per viewer under the article's stamp.
    if followable.target == Target.CLAIM and followable.article is not None:
        followable.article.mark_annotations_changed()


def follows_of(user, target: str, ids) -> set[int]:
    """Which of `ids` `user` follows (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        Follow.objects.filter(follower=user, target=target, target_id__in=list(ids)).values_list(
            "target_id", flat=True
        )
    )


# --- reading them -----------------------------------------------------------------------------


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValidationError("That notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- how to hear of each kind -----------------------------------------------------------------


def preferences_set(*, user, choices: dict[str, str]) -> None:
    """Store how `user` hears of each kind in `choices` ({kind: delivery}); ValidationError,
    writing nothing, for an unknown kind or delivery."""
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            raise ValidationError({kind: "Unknown kind of notification."})
        if delivery not in Delivery.values:
            raise ValidationError({kind: "Choose in Gloss, email at once, daily digest or off."})
    with transaction.atomic():
        for kind, delivery in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


def preference_stop_emails(*, user_id: int, kind: str) -> str | None:
    """An unsubscribe link: no more email for `kind` (notifications stay in Gloss). Returns
    how it was delivered before (None when the reader is gone)."""
    if not get_user_model().objects.filter(pk=user_id).exists():
        return None
    before = deliveries([user_id], kind)[user_id]
    if before in (Delivery.EMAIL, Delivery.DIGEST):
        Preference.objects.update_or_create(
            user_id=user_id, kind=kind, defaults={"delivery": Delivery.APP}
        )
    return before


def preference_restore(*, user_id: int, kind: str, delivery: str) -> None:
    """Undo an unsubscribe: back to email at once or the digest."""
    if delivery not in (Delivery.EMAIL, Delivery.DIGEST) or kind not in Kind.values:
        raise ValidationError("Nothing to undo.")
    Preference.objects.update_or_create(user_id=user_id, kind=kind, defaults={"delivery": delivery})


# --- the private Atom feed ----------------------------------------------------------------------


def feed_key_rotate(*, user) -> FeedKey:
    """A new secret feed address; the old one stops working at once."""
    with transaction.atomic():
        FeedKey.objects.filter(user=user).delete()
        return FeedKey.objects.create(user=user)


def feed_key_revoke(*, user) -> None:
    FeedKey.objects.filter(user=user).delete()
