"""The inbox (read, mark read, mark all read), the unread badge in the header, following,
the settings page (how to hear of each kind, what you follow, the private feed), the Atom
feed, and the unsubscribe link of an email (which works signed out)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsapp.ratelimit import RateLimited
from newsapp.web import refusal, render_htmx, safe_next

from .delivery import read_unsubscribe_token
from .follows import follow_rows
from .models import DEFAULT_DELIVERY, Delivery, FeedKey, Kind, Notification, Target
from .services import (
    feed_key_revoke,
    feed_key_rotate,
    follow_create,
    follow_delete,
    follow_delete_by_id,
    notification_mark_read,
    notifications_mark_all_read,
    preference_restore,
    preference_stop_emails,
    preferences_set,
)

PER_PAGE = 30
FEED_ENTRIES = 50


def unread_count(user) -> int:
    return Notification.objects.for_recipient(user).unread().count()


def _shown(user):
    return Notification.objects.for_recipient(user).select_related(
        "actor", "article", "annotation", "quote"
    )


@login_required
@require_GET
def inbox(request):
    return _inbox(request)


def _inbox(request):
    only_unread = request.GET.get("show") == "unread"
    notifications = _shown(request.user)
    if only_unread:
        notifications = notifications.unread()
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "only_unread": only_unread, "unread": unread_count(request.user)}
    return render_htmx(request, "notifications/inbox.html", context, partial="list")


@require_GET
def badge(request):
    """The header's unread count (polled by htmx; the page renders it on every load). Signed
    out meanwhile: 204, so the poll swaps nothing (rather than a sign-in page into the link)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    context = {"unread_notifications": unread_count(request.user)}
    return render_htmx(request, "notifications/_badge.html", context)


def _own(request, pk: int) -> Notification:
    notification = _shown(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


@login_required
@require_GET
def notification_open(request, pk: int):
    """Follow a notification's link: it is read, and the reader goes where it points."""
    notification = _own(request, pk)
    notification_mark_read(user=request.user, notification=notification)
    return redirect(notification.target_url())


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = notification_mark_read(user=request.user, notification=_own(request, pk))
    if request.htmx:
        context = {"n": notification, "unread_notifications": unread_count(request.user)}
        return render_htmx(request, "notifications/inbox.html", context, partial="item_changed")
    return redirect(safe_next(request, reverse("notifications:inbox")))


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    if request.htmx:
        return _inbox(request)
    messages.success(request, f"Marked {count} notification{'s' * (count != 1)} read.")
    return redirect(safe_next(request, reverse("notifications:inbox")))


# --- following ----------------------------------------------------------------------------------


@login_required
@require_POST
def follow(request):
    """Follow or unfollow (`action`) a `target` named by `key`; the button answers HTMX."""
    target, key = request.POST.get("target", ""), request.POST.get("key", "")
    noun = request.POST.get("noun", "")[:80]
    unfollowing = request.POST.get("action") == "unfollow"
    slot = f"follow-{target}-{key}"[:120]
    try:
        if unfollowing:
            followable = follow_delete(user=request.user, target=target, key=key)
        else:
            followable = follow_create(user=request.user, target=target, key=key)
    except ValidationError as error:
        return refusal(request, " ".join(error.messages), status=400, slot=slot, back="/")
    except RateLimited as error:
        return refusal(request, str(error), status=429, slot=slot, back="/")
    if request.htmx:
        context = {
            "target": target,
            "key": key,
            "noun": noun,
            "following": not unfollowing,
            "quiet_noun": bool(request.POST.get("quiet")),
        }
        return render_htmx(request, "notifications/_follow_button.html", context)
    verb = "no longer follow" if unfollowing else "now follow"
    messages.success(request, f"You {verb} {followable.label}.")
    return redirect(safe_next(request, reverse("notifications:settings")))


@login_required
@require_POST
def follow_remove(request, pk: int):
    follow_delete_by_id(user=request.user, follow_id=pk)
    messages.success(request, "Unfollowed.")
    return redirect(reverse("notifications:settings") + "#follows")


# --- settings -----------------------------------------------------------------------------------


def _settings_context(request, errors=None) -> dict:
    chosen = dict(request.user.notification_preferences.values_list("kind", "delivery"))
    kinds = [
        (kind, label, chosen.get(kind, DEFAULT_DELIVERY[kind])) for kind, label in Kind.choices
    ]
    return {
        "kinds": kinds,
        "deliveries": Delivery.choices,
        "follows": follow_rows(request.user),
        "feed_key": FeedKey.objects.filter(user=request.user).first(),
        "errors": errors or [],
        "targets": Target,
    }


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        choices = {kind: request.POST[kind] for kind in Kind.values if kind in request.POST}
        try:
            preferences_set(user=request.user, choices=choices)
        except ValidationError as error:
            context = _settings_context(request, errors=error.messages)
            return render(request, "notifications/settings.html", context, status=400)
        messages.success(request, "Saved: you will hear of each kind the way you chose.")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", _settings_context(request))


@login_required
@require_POST
def feed_key(request):
    """Create or replace the private feed's address (`action=rotate`), or turn it off."""
    if request.POST.get("action") == "revoke":
        feed_key_revoke(user=request.user)
        messages.success(request, "Your private feed is off: its address no longer works.")
    else:
        feed_key_rotate(user=request.user)
        messages.success(
            request, "Your private feed has a new address; the old one stopped working."
        )
    return redirect(reverse("notifications:settings") + "#feed")


@require_GET
def atom_feed(request, token: str):
    """A reader's notifications as Atom, for feed readers: the secret address is the key."""
    key = FeedKey.objects.select_related("user").filter(token=token).first()
    if key is None:
        raise Http404("No such feed (its address may have been replaced).")
    user = key.user
    feed = Atom1Feed(
        title=f"Gloss notifications for {user.get_username()}",
        link=request.build_absolute_uri(reverse("notifications:inbox")),
        description="What happened to your notes and what you follow on Gloss.",
        feed_url=request.build_absolute_uri(),
        language="en",
    )
    for notification in _shown(user)[:FEED_ENTRIES]:
        note = notification.annotation
        feed.add_item(
            title=notification.message,
            link=request.build_absolute_uri(notification.target_url()),
            description=(note.note if note is not None else "")[:1000],
            unique_id=f"gloss-notification-{notification.pk}",
            pubdate=notification.created_at,
            updateddate=notification.created_at,
            author_name=notification.actor.get_username() if notification.actor else "Gloss",
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- unsubscribe (from an email; signed out works) ----------------------------------------------


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One click in an email stops that kind's emails (the notifications stay in Gloss);
    the page offers Undo. The signed token names the reader and the kind."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"invalid": True},
            status=400,
        )
    user_id, kind = found
    label = Kind(kind).label
    if request.method == "POST":
        try:
            preference_restore(
                user_id=user_id, kind=kind, delivery=request.POST.get("delivery", "")
            )
        except ValidationError as error:
            context = {"invalid": True, "reason": " ".join(error.messages)}
            return render(request, "notifications/unsubscribe.html", context, status=400)
        context = {"restored": True, "label": label, "token": token}
        return render(request, "notifications/unsubscribe.html", context)
    before = preference_stop_emails(user_id=user_id, kind=kind)
    if before is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    context = {
        "label": label,
        "token": token,
        "before": before,
        "emailed": before in ("email", "digest"),
    }
    return render(request, "notifications/unsubscribe.html", context)
