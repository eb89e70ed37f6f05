"""Annotating by pasting words (the page that works without JavaScript): when the words occur
more than once, the reader is asked which place they mean, each shown with its context,
instead of Gloss silently taking the first."""

from __future__ import annotations

import html5lib
import pytest
from django.urls import reverse

from newsapp.annotations.models import Annotation
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NS = {"h": "http://www.w3.org/1999/xhtml"}
BODY = """\
The ferry crossing closed in March after a storm damaged the pier.

Engineers said the ferry crossing would reopen once divers had checked the piles.

By July the ferry crossing carried more passengers than before the storm.
"""
WORDS = "the ferry crossing"


@pytest.fixture
def article():
    return make_article(title="Ferry crossing reopens", body=BODY)


@pytest.fixture
def author(client):
    user = make_user()
    client.force_login(user)
    return user


def pasted(**extra) -> dict:
    """What the annotate page posts: the pasted words and a note, no offsets or context."""
    return {"exact": WORDS, "kind": "note", "note": "Which one?", "visibility": "public"} | extra


def choices(html: str) -> list[tuple[str, str]]:
    """(value, visible text) of each occurrence radio button on the page."""
    document = html5lib.parse(html, namespaceHTMLElements=True)
    found = []
    for label in document.iterfind(".//h:label[@class='occurrence-choice']", NS):
        radio = label.find(".//h:input[@name='occurrence']", NS)
        found.append((radio.get("value"), " ".join("".join(label.itertext()).split())))
    return found


def starts(article) -> list[int]:
    lowered = article.body_text
    found, position = [], lowered.find(WORDS)
    while position != -1:
        found.append(position)
        position = lowered.find(WORDS, position + 1)
    return found


def test_words_that_occur_more_than_once_ask_which_place(client, article, author):
    response = client.post(reverse("annotations:create", args=[article.slug]), pasted())
    assert response.status_code == 200
    assert not Annotation.objects.exists()
    html = response.content.decode()
    offered = choices(html)
    assert offered == [
        (
            str(starts(article)[0]),
            "Engineers said the ferry crossing would reopen once divers had checked…",
        ),
        (
            str(starts(article)[1]),
            "By July the ferry crossing carried more passengers than before the…",
        ),
    ]
    assert "occur 2 times in the article" in html
    assert "Which one?" in html  # the note is kept while the reader chooses


def test_the_chosen_place_is_the_one_annotated(client, article, author):
    second = starts(article)[1]
    response = client.post(
        reverse("annotations:create", args=[article.slug]), pasted(occurrence=second)
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end) == (second, second + len(WORDS))


def test_a_place_that_is_not_one_of_them_is_refused(client, article, author):
    first = starts(article)[0]
    response = client.post(
        reverse("annotations:create", args=[article.slug]), pasted(occurrence=first + 1)
    )
    assert response.status_code == 400
    assert "Choose one of the places" in response.content.decode()
    assert not Annotation.objects.exists()


def test_words_found_once_are_annotated_at_once(client, article, author):
    response = client.post(
        reverse("annotations:create", args=[article.slug]), pasted(exact="divers had checked")
    )
    assert response.status_code == 302
    assert Annotation.objects.get().exact == "divers had checked"


def test_a_selection_with_its_offsets_is_never_asked_about(client, article, author):
    second = starts(article)[1]
    payload = pasted(start=second, end=second + len(WORDS))
    response = client.post(reverse("annotations:create", args=[article.slug]), payload)
    assert response.status_code == 302
    assert Annotation.objects.get().start == second


def test_the_question_comes_back_into_the_annotate_panel_for_htmx(client, article, author):
    response = client.post(reverse("annotations:create", args=[article.slug]), pasted(), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#annotate-panel"
    assert "<html" not in response.content.decode()
    assert len(choices(response.content.decode())) == 2
