"""The site navigation marks where the reader is: the page itself (aria-current="page") or
the section it belongs to (aria-current="true"), and never a page that merely shares a URL
name with it (the annotate page is `annotations:new`, not "Add article")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
CURRENT = re.compile(r'<a href="([^"]*)"[^>]*aria-current="(page|true)"')


def marked(response) -> list[tuple[str, str]]:
    """(href, aria-current) of every navigation link marked as current, in the header's row
    (the phone Menu repeats the same links after it)."""
    nav = NAV.search(response.content.decode()).group(0)
    return CURRENT.findall(nav.split('<details class="site-menu"')[0])


@pytest.fixture
def reader(client):
    user = make_user("nadia")
    client.force_login(user)
    return user


def test_the_annotate_page_is_in_the_library_not_add_article(client, reader):
    article = make_article()
    response = client.get(reverse("annotations:new", args=[article.slug]))
    assert marked(response) == [(reverse("articles:library"), "true")]


@pytest.mark.parametrize(
    ("view", "expected_link", "state"),
    [
        ("articles:library", "articles:library", "page"),
        ("articles:new", "articles:new", "page"),
        ("annotations:mine", "annotations:mine", "page"),
        ("annotations:trash", "annotations:mine", "true"),
        ("articles:feeds", "articles:feeds", "page"),
    ],
)
def test_each_page_marks_its_own_link(client, reader, view, expected_link, state):
    response = client.get(reverse(view))
    assert marked(response) == [(reverse(expected_link), state)]


def test_article_pages_belong_to_the_library(client, reader):
    article = make_article()
    note = make_annotation(article=article, author=reader)
    for path in (
        article.get_absolute_url(),
        reverse("articles:revisions", args=[article.slug]),
        reverse("claims:article_claims", args=[article.slug]),
        note.get_absolute_url(),
    ):
        assert marked(client.get(path)) == [(reverse("articles:library"), "true")], path


def test_a_page_outside_the_navigation_marks_nothing(client):
    assert marked(client.get(reverse("accounts:login"))) == []
