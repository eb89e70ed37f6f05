"""Reads about follows: whether a reader follows something, and their follows with names."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from newsapp.annotations.models import Annotation, Tag
from newsapp.articles.models import Article, Feed
from newsapp.claims.models import Speaker

from .models import Follow, Target


def _ids_for(target: str, key: str):
    """A subquery: the id `key` names for `target` (a public id, a tag, a username, an id)."""
    key = str(key or "")[:150]
    if target == Target.CLAIM:
        return Annotation.objects.filter(public_id=key).values("pk")
    if target == Target.TAG:
        return Tag.objects.filter(name=key.lower().lstrip("#")).values("pk")
    if target == Target.READER:
        return get_user_model().objects.filter(username=key).values("pk")
    return [int(key)] if key.isdigit() else []


def is_following(user, target: str, key) -> bool:
    """Whether `user` follows what `key` names (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(
        follower=user, target=target, target_id__in=_ids_for(target, str(key))
    ).exists()


@dataclass(frozen=True)
class FollowRow:
    pk: int
    target: str
    label: str
    url: str


def follow_rows(user) -> list[FollowRow]:
    """`user`'s follows, newest first, each named and linked (a query per kind of target);
    a claim they can no longer see is listed without its words."""
    follows = list(Follow.objects.filter(follower=user).order_by("-created_at")[:500])
    ids: dict[str, list[int]] = {}
    for follow in follows:
        ids.setdefault(follow.target, []).append(follow.target_id)
    names: dict[tuple[str, int], tuple[str, str]] = {}
    if Target.ARTICLE in ids:
        for article in Article.objects.filter(pk__in=ids[Target.ARTICLE]).only("title", "slug"):
            names[Target.ARTICLE, article.pk] = (f"“{article.title}”", article.get_absolute_url())
    if Target.CLAIM in ids:
        claims = Annotation.objects.visible_to(user).filter(pk__in=ids[Target.CLAIM])
        for claim in claims.only("exact", "public_id"):
            names[Target.CLAIM, claim.pk] = (
                f"“{claim.exact[:80]}”",
                reverse("annotations:permalink", kwargs={"public_id": claim.public_id}),
            )
    if Target.SPEAKER in ids:
        for speaker in Speaker.objects.filter(pk__in=ids[Target.SPEAKER]):
            names[Target.SPEAKER, speaker.pk] = (speaker.name, speaker.get_absolute_url())
    if Target.FEED in ids:
        for feed in Feed.objects.filter(pk__in=ids[Target.FEED]):
            names[Target.FEED, feed.pk] = (str(feed), feed.get_absolute_url())
    if Target.TAG in ids:
        for tag in Tag.objects.filter(pk__in=ids[Target.TAG]):
            names[Target.TAG, tag.pk] = (f"#{tag.name}", "")
    if Target.READER in ids:
        for reader in get_user_model().objects.filter(pk__in=ids[Target.READER]):
            names[Target.READER, reader.pk] = (reader.get_username(), "")
    rows = []
    for follow in follows:
        label, url = names.get((follow.target, follow.target_id), ("(no longer available)", ""))
        rows.append(FollowRow(follow.pk, Target(follow.target).label, label, url))
    return rows
