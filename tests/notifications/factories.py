"""Test data for notifications: readers with email addresses, follows."""

from __future__ import annotations

from newsapp.notifications.models import Follow, Target
from tests.factories import make_user


def make_reader(username: str | None = None):
    user = make_user(username)
    user.email = f"{user.username}@readers.example"
    user.save(update_fields=["email"])
    return user


def follow(user, target: str, target_id: int) -> Follow:
    return Follow.objects.create(follower=user, target=target, target_id=target_id)


def follow_claim(user, claim) -> Follow:
    return follow(user, Target.CLAIM, claim.pk)
