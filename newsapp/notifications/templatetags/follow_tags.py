"""`{% follow_button target key noun %}`: a Follow / Following button for anything followable."""

from __future__ import annotations

from django import template

from newsapp.notifications.follows import is_following

register = template.Library()


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context, target: str, key, noun: str, following=None, quiet=False) -> dict:
    """`following` may be given when the page knows it (claim cards); else one query.
    `quiet` keeps the noun for screen readers only (where the page says what it is)."""
    request = context["request"]
    if following is None:
        following = is_following(request.user, target, key)
    return {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "key": key,
        "noun": noun,
        "following": following,
        "quiet_noun": quiet,
    }
