"""Making notifications and emailing them: the one place a Notification row is created, and the
background tasks that send email at once or as a daily digest.

Every notification is checked against `Annotation.objects.visible_to(recipient)` when it is
made, and again when it is emailed (visibility may have changed in between): nobody is ever
told about a note they cannot open.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsapp.annotations.models import Annotation

from .models import DEFAULT_DELIVERY, Delivery, Kind, Notification, Preference

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 300
UNSUBSCRIBE_SALT = "gloss.notifications.unsubscribe"
DIGEST_MAX_ITEMS = 50


def deliveries(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each of these readers hears of `kind` (one query)."""
    user_ids = list(user_ids)
    chosen = dict(
        Preference.objects.filter(user__in=user_ids, kind=kind).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, DEFAULT_DELIVERY[kind]) for pk in user_ids}


def may_open(annotation: Annotation | None, user_ids: list[int]) -> list[int]:
    """The readers among `user_ids` who may open `annotation` (`visible_to`): all of them in
    one query when anyone may (a public note), else one query each (a group's note, a
    private one: few readers)."""
    if annotation is None or not user_ids:
        return user_ids
    if Annotation.objects.visible_to(None).filter(pk=annotation.pk).exists():
        return user_ids
    users = get_user_model().objects.filter(pk__in=user_ids)
    return [
        user.pk
        for user in users
        if Annotation.objects.visible_to(user).filter(pk=annotation.pk).exists()
    ]


def deliver(
    recipient_ids: Iterable[int],
    *,
    kind: str,
    message: str,
    actor=None,
    annotation=None,
    article=None,
    quote=None,
    revision=None,
) -> list[Notification]:
    """Make the notifications (inside the caller's transaction) and queue the emails for when
    it commits. Leaves out the actor, readers who turned `kind` off and readers who may not
    open `annotation`. Returns what it made."""
    actor_id = getattr(actor, "pk", None)
    wanted = list(dict.fromkeys(pk for pk in recipient_ids if pk is not None and pk != actor_id))
    wanted = may_open(annotation, wanted)
    how = deliveries(wanted, kind)
    made = [
        Notification(
            recipient_id=pk,
            kind=kind,
            actor=actor,
            annotation=annotation,
            article=article,
            quote=quote,
            revision=revision,
            message=message[:MAX_MESSAGE_CHARS],
            delivery=how[pk],
        )
        for pk in wanted
        if how[pk] != Delivery.OFF
    ]
    Notification.objects.bulk_create(made)
    emails = [notification.pk for notification in made if notification.delivery == Delivery.EMAIL]
    if emails:
        transaction.on_commit(lambda: send_emails_task.enqueue(emails))
    return made


# --- email ------------------------------------------------------------------------------------


def site_url(path: str) -> str:
    """An absolute address for emails and feeds made outside a request (GLOSS_SITE_URL)."""
    return urljoin(settings.GLOSS_SITE_URL, path)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a link's token, or None when it was not made here."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in Kind.values:
        return None
    return user_id, kind


def unsubscribe_url(user_id: int, kind: str) -> str:
    return site_url(
        reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id, kind)})
    )


def still_visible(notifications: list[Notification]) -> list[Notification]:
    """Those whose note the recipient may still open (checked again at sending time)."""
    with_notes = [n for n in notifications if n.annotation_id is not None]
    if not with_notes:
        return notifications
    public = set(
        Annotation.objects.visible_to(None)
        .filter(pk__in=[n.annotation_id for n in with_notes])
        .values_list("pk", flat=True)
    )
    kept = []
    for notification in notifications:
        note = notification.annotation_id
        if (
            note is None
            or note in public
            or Annotation.objects.visible_to(notification.recipient).filter(pk=note).exists()
        ):
            kept.append(notification)
    return kept


def _loaded(ids) -> list[Notification]:
    return list(
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .select_related("recipient", "actor", "article", "annotation", "quote")
        .order_by("pk")
    )


def _email(notification_list: list[Notification], *, subject: str, template: str):
    """One email to the recipient of `notification_list`, with a link to stop emails of each
    kind in it (a single kind's link is also the List-Unsubscribe header)."""
    recipient = notification_list[0].recipient
    kinds = list(dict.fromkeys(notification.kind for notification in notification_list))
    unsubscribe = [(Kind(kind).label, unsubscribe_url(recipient.pk, kind)) for kind in kinds]
    context = {
        "recipient": recipient,
        "notifications": notification_list,
        "inbox_url": site_url(reverse("notifications:inbox")),
        "settings_url": site_url(reverse("notifications:settings")),
        "unsubscribe": unsubscribe,
    }
    for notification in notification_list:
        notification.link = site_url(notification.get_absolute_url())
    headers = {"List-Unsubscribe": f"<{unsubscribe[0][1]}>"} if len(unsubscribe) == 1 else {}
    return mail.EmailMessage(
        subject=" ".join(subject.split()),  # titles and names never break the header
        body=render_to_string(template, context),
        to=[recipient.email],
        headers=headers,
    )


def send_notification_emails(ids: list[int]) -> int:
    """Email each notification to its recipient (those with an address, who may still open
    its note); all of them are marked emailed. Returns how many emails went out."""
    notifications = _loaded(ids)
    sendable = [n for n in still_visible(notifications) if n.recipient.email]
    messages = [
        _email(
            [n],
            subject=f"Gloss: {n.message}"[:150],
            template="notifications/email/notification.txt",
        )
        for n in sendable
    ]
    if messages:
        mail.mailers.default.send_messages(messages)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )
    return len(messages)


@task
def send_emails_task(ids: list[int]) -> str:
    return f"Sent {send_notification_emails(ids)} email(s)."


def send_digests() -> int:
    """One email per reader with notifications waiting for the daily digest. Returns how
    many digests went out."""
    waiting = (
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)
        .values_list("recipient_id", "pk")
        .order_by("recipient_id", "-pk")
    )
    by_reader: dict[int, list[int]] = defaultdict(list)
    for reader, pk in waiting:
        by_reader[reader].append(pk)
    sent = 0
    for ids in by_reader.values():
        notifications = _loaded(ids)
        shown = [n for n in still_visible(notifications) if n.recipient.email][:DIGEST_MAX_ITEMS]
        if shown:
            count = len(shown)
            message = _email(
                shown,
                subject=f"Gloss: your daily digest ({count} notification{'s' * (count != 1)})",
                template="notifications/email/digest.txt",
            )
            mail.mailers.default.send_messages([message])
            sent += 1
        Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
    return sent


@task
def send_digests_task() -> str:
    return f"Sent {send_digests()} digest(s)."
