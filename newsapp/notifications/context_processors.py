"""The unread count in the header of every page (one query, only when a page shows it)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.for_recipient(user).unread().count()
        )
    }
