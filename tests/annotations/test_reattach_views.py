"""Re-attaching an orphaned note: the reader's way back from "the article changed"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.articles.revisions import article_revise
from tests.factories import make_annotation, make_article, make_user
from tests.pages import marked_note_ids

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BEFORE = "The council voted to widen the bridge.\n\nCritics called the plan reckless and costly.\n"
AFTER = "The council voted to widen the bridge.\n\nThe mayor promised a public inquiry.\n"


@pytest.fixture
def orphan():
    article = make_article(title="Bridge", body=BEFORE)
    author = make_user("author")
    annotation = make_annotation(
        article=article, author=author, exact="reckless and costly", note="Kept safe"
    )
    article_revise(article=article, title="Bridge", body=AFTER, body_format="markdown")
    annotation.refresh_from_db()
    assert annotation.is_orphaned
    return annotation


def selection(article, words):
    start = article.body_text.index(words)
    return {"exact": words, "start": start, "end": start + len(words)}


def test_orphans_show_with_a_reattach_action_for_their_author_only(client, orphan):
    client.force_login(orphan.author)
    page = client.get(orphan.article.get_absolute_url()).content.decode()
    assert "Orphaned notes" in page
    assert "Kept safe" in page
    assert reverse("annotations:reattach", args=[orphan.public_id]) in page
    client.force_login(make_user("other"))
    page = client.get(orphan.article.get_absolute_url()).content.decode()
    assert "Kept safe" in page
    assert reverse("annotations:reattach", args=[orphan.public_id]) not in page


def test_reattach_with_htmx_puts_the_mark_back(client, orphan):
    client.force_login(orphan.author)
    orphan.article.refresh_from_db()
    response = client.post(
        reverse("annotations:reattach", args=[orphan.public_id]),
        selection(orphan.article, "a public inquiry"),
        **HTMX,
    )
    assert response.status_code == 200
    assert marked_note_ids(response.content.decode()) == {orphan.public_id}
    orphan.refresh_from_db()
    assert (orphan.anchor_state, orphan.exact) == ("anchored", "a public inquiry")


def test_reattach_page_works_without_javascript(client, orphan):
    client.force_login(orphan.author)
    url = reverse("annotations:reattach", args=[orphan.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "reckless and costly" in page.content.decode()
    response = client.post(url, {"exact": "The mayor promised"})
    assert response.status_code == 302
    assert Annotation.objects.get(pk=orphan.pk).exact == "The mayor promised"


def test_reattach_refuses_words_not_in_the_article(client, orphan):
    client.force_login(orphan.author)
    url = reverse("annotations:reattach", args=[orphan.public_id])
    response = client.post(url, {"exact": "reckless and costly"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#toast"
    assert "not in this article" in response.content.decode()
    plain = client.post(url, {"exact": "reckless and costly"})
    assert plain.status_code == 400
    assert "not in this article" in plain.content.decode()
    orphan.refresh_from_db()
    assert orphan.is_orphaned


@pytest.mark.parametrize("viewer", ["other", "anonymous"])
def test_only_the_author_reattaches(client, orphan, viewer):
    if viewer == "other":
        client.force_login(make_user("other"))
    response = client.post(
        reverse("annotations:reattach", args=[orphan.public_id]), {"exact": "The mayor promised"}
    )
    assert response.status_code == (403 if viewer == "other" else 302)
    orphan.refresh_from_db()
    assert orphan.is_orphaned
