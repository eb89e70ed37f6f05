"""Plain helpers that build test data through the same services the app uses."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.test import TestCase

from newsapp.articles.services import BodyFormat, article_import

_counter = itertools.count(1)

DEFAULT_BODY = """\
The council voted on Tuesday to widen the harbour bridge, a project first proposed in 2019.

“We cannot keep patching a structure built for half the traffic,” Mayor Ines Duarte said.

Critics say the cost, put at 84 million euros, is too high.
"""


def make_user(username: str | None = None, password: str = "a-long-test-password"):
    username = username or f"reader{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password=password)


def make_article(
    *,
    title: str | None = None,
    body: str = DEFAULT_BODY,
    body_format: str = BodyFormat.MARKDOWN,
    **fields,
):
    """An article as a finished import leaves it: committed, so the work it queues for after
    the commit (linking its quotes to other articles) has run, as in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return article_import(
            title=title or f"Harbour bridge vote {next(_counter)}",
            body=body,
            body_format=body_format,
            **fields,
        )


def make_annotation(*, article, author, exact: str | None = None, occurrence: int = 0, **fields):
    """Annotate `exact` (default: the article's first sentence) through the real service."""
    from newsapp.annotations.services import annotation_create

    if exact is None:
        exact = article.body_text.split(".")[0].strip()
    start = -1
    for _ in range(occurrence + 1):
        start = article.body_text.index(exact, start + 1)
    return annotation_create(
        article=article,
        author=author,
        exact=exact,
        start=start,
        end=start + len(exact),
        **fields,
    )


def make_group(*, owner, name: str | None = None, members=(), moderators=(), **fields):
    """A group owned by `owner`, with `members` and `moderators` joined by an invitation link
    (the real services)."""
    from newsapp.groups import services

    group = services.group_create(creator=owner, name=name or f"Desk {next(_counter)}", **fields)
    if members or moderators:
        invite = services.invite_create(group=group, user=owner)
        for reader in [*members, *moderators]:
            services.invite_accept(invite=invite, user=reader)
        for reader in moderators:
            services.member_set_role(
                group=group, user=owner, username=reader.username, role="moderator"
            )
    return group
