"""Signed-out visitors share one rendering of the reader page a minute: what they see is what a
fresh render shows them, it carries no CSRF token for anyone to share, and the article's
changes reach them at once."""

from __future__ import annotations

import gzip
import re

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from newsapp.reader.shared import shared_page
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')


@pytest.fixture
def article():
    return make_article(title="Ferry timetable cut")


def test_a_second_visitor_costs_one_query_and_sees_the_same_page(
    article, django_assert_num_queries
):
    first = Client().get(article.get_absolute_url())
    with django_assert_num_queries(1):  # the article's state, for the key
        second = Client().get(article.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content


def test_a_signed_out_page_carries_no_csrf_token_and_sets_no_cookie(article, client):
    for _ in range(2):  # the render, then the stored page
        response = Client().get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Ferry timetable cut" in response.content.decode()
        assert not TOKEN.search(response.content.decode())
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "csrftoken" not in response.cookies
    client.force_login(make_user("tomasz"))  # a signed-in reader's page does carry one
    assert TOKEN.search(client.get(article.get_absolute_url()).content.decode())


def test_a_visitor_from_a_shared_page_can_still_sign_in(article):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(article.get_absolute_url())
    form = visitor.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', form).group(1)
    sign_in = visitor.post("/accounts/login/", {"username": "nobody", "password": "wrong",
                                                "csrfmiddlewaretoken": token})  # fmt: skip
    assert sign_in.status_code == 200  # the form again, with its error: not a 403 CSRF refusal
    assert "Please enter a correct username and password" in sign_in.content.decode()


def test_a_rendering_that_made_a_csrf_token_is_never_shared():
    made = []

    def render_with_a_form():
        made.append(get_token(request))
        return HttpResponse(f'<form><input name="csrfmiddlewaretoken" value="{made[-1]}"></form>')

    request = RequestFactory().get("/page/")
    shared_page(request, "a-page-with-a-form", render_with_a_form)
    request = RequestFactory().get("/page/")
    second = shared_page(request, "a-page-with-a-form", render_with_a_form)
    assert len(made) == 2  # rendered again for the second visitor, with their own token
    assert made[1] in second.content.decode()


def test_a_new_public_note_shows_to_the_next_visitor_at_once(article):
    Client().get(article.get_absolute_url())
    make_annotation(article=article, author=make_user("maria"), note="Since March, says the port.")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Since March, says the port." in page


def test_a_signed_in_reader_never_gets_the_shared_page(article, client):
    Client().get(article.get_absolute_url())
    client.force_login(make_user("tomasz"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Sign out" in html
    assert "tomasz" in html


def test_a_visitor_with_a_message_waiting_sees_it(article, client):
    Client().get(article.get_absolute_url())
    maria = make_user("maria")
    client.force_login(maria)
    client.post("/accounts/logout/")  # "signed out" waits for the next page
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="message' in html


def test_a_private_note_never_reaches_the_shared_page(article):
    maria = make_user("maria")
    make_annotation(article=article, author=maria, visibility="private", note="My own hunch.")
    author = Client()
    author.force_login(maria)
    assert "My own hunch." in author.get(article.get_absolute_url()).content.decode()
    assert "My own hunch." not in Client().get(article.get_absolute_url()).content.decode()
    assert "My own hunch." not in Client().get(article.get_absolute_url()).content.decode()


def test_a_shared_link_is_rendered_once_for_signed_out_visitors(article, django_assert_num_queries):
    note = make_annotation(article=article, author=make_user("maria"), note="The port agrees.")
    first = Client().get(note.get_absolute_url())
    with django_assert_num_queries(1):  # may this visitor open the note (with its article)
        second = Client().get(note.get_absolute_url())
    assert "The port agrees." in second.content.decode()
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_a_shared_link_made_private_is_404_even_with_its_page_cached(article):
    from newsapp.annotations.services import annotation_update

    maria = make_user("maria")
    note = make_annotation(article=article, author=maria, note="The port agrees.")
    assert Client().get(note.get_absolute_url()).status_code == 200
    annotation_update(
        annotation=note, user=maria, note=note.note, kind=note.kind, visibility="private",
        tags=[], sources=[],
    )  # fmt: skip
    assert Client().get(note.get_absolute_url()).status_code == 404


def test_a_visitor_who_accepts_gzip_gets_the_same_page_compressed(article):
    make_annotation(article=article, author=make_user("maria"), note="The port agrees.")
    plain = Client().get(article.get_absolute_url()).content  # renders it
    response = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(article.get_absolute_url())
    assert response["Content-Encoding"] == "gzip"
    assert {"Accept-Encoding", "Cookie"} <= set(response["Vary"].split(", "))
    assert gzip.decompress(response.content) == plain
    assert "The port agrees." in plain.decode()
