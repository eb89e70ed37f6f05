"""What held against an attacker stays held, for every endpoint in the URL conf: a private note
is seen by its author only, and script written into any input never runs on any page."""

from __future__ import annotations

import html5lib
import pytest
from django.test import Client

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import reply_create
from newsapp.articles.models import Article
from tests.factories import make_annotation, make_article, make_user
from tests.hostile.catalogue import build_world, endpoints, sample_path
from tests.text.xss_vectors import XSS_VECTORS

pytestmark = pytest.mark.django_db

ENDPOINTS = endpoints()
WITH_PUBLIC_ID = [e for e in ENDPOINTS if any(name == "public_id" for name, _ in e.parameters)]


def pages(client: Client, world: dict):
    """(path, response) for a GET of every endpoint, whole page and HTMX fragment."""
    for endpoint in ENDPOINTS:
        path = sample_path(endpoint, world)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            yield path, client.get(path, **headers)


@pytest.fixture
def world(production):
    return build_world()


def test_a_private_note_is_never_shown_to_anyone_but_its_author(world):
    stranger = Client(raise_request_exception=False)
    reader = Client(raise_request_exception=False)
    assert reader.login(username=world["owner"], password=world["password"])
    leaks = [
        (who, path)
        for who, client in (("signed out", stranger), ("another reader", reader))
        for path, response in pages(client, world)
        if world["private_text"].encode() in response.content
    ]
    assert leaks == []


def test_every_endpoint_given_a_private_notes_id_answers_as_if_it_did_not_exist(world):
    stranger = Client(raise_request_exception=False)
    reader = Client(raise_request_exception=False)
    assert reader.login(username=world["owner"], password=world["password"])
    answers = {}
    for endpoint in WITH_PUBLIC_ID:
        path = sample_path(endpoint, world, public_id=world["private_id"])
        for who, client in (("signed out", stranger), ("another reader", reader)):
            for method in ("get", "post"):
                response = getattr(client, method)(path, {"note": "x", "value": "helpful"})
                answers[(who, method, path)] = response.status_code
                assert world["private_text"].encode() not in response.content
    # 302: to the sign-in page; 405: the method is not offered at all.
    assert {key: status for key, status in answers.items() if status not in (302, 404, 405)} == {}


def test_the_author_does_see_the_private_note(world):
    author = Client(raise_request_exception=False)
    assert author.login(username=world["other"], password=world["password"])
    shown = [
        path for path, response in pages(author, world) if b"PRIVATE-NOTE-TEXT" in response.content
    ]
    assert shown, "the private note's author sees it somewhere (else the leak test proves nothing)"


# --- script written into every input -----------------------------------------------------------

MARKER = "gloss-xss"
EXECUTABLE_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc")


def active_script(page: str) -> list[str]:
    """Where the marker would run: inside a <script>, an on* handler, a javascript: or data:
    URL, an <iframe srcdoc>, or a <meta http-equiv=refresh>."""
    found = []
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.split("}")[-1]
        if tag == "script" and MARKER in (element.text or ""):
            found.append("script")
        for name, value in element.attrib.items():
            if MARKER not in value:
                continue
            lowered = "".join(value.split()).lower()
            if name.lower().startswith("on"):
                found.append(f"{tag} {name}")
            elif name in EXECUTABLE_ATTRIBUTES and lowered.startswith(("javascript:", "data:")):
                found.append(f"{tag} {name}={value[:40]}")
            elif tag == "meta" and name == "content" and "url=" in lowered:
                found.append("meta refresh")
    return found


def payloads() -> list[str]:
    return [vector.payload.replace("alert(1)", f"alert('{MARKER}')") for vector in XSS_VECTORS]


def test_script_written_into_every_input_never_runs_on_any_page(production):
    """Every field a reader writes (article title, byline, source name and body in all three
    formats; note, tags, source title and address; reply; attribution) carries each vector;
    then every page of the URL conf is read, by another reader and signed out."""
    world = build_world()
    author = make_user("xss-author")
    writer = Client(raise_request_exception=False)
    writer.force_login(author)
    hostile = payloads()
    for number, payload in enumerate(hostile):
        body_format = ("html", "markdown", "text")[number % 3]
        writer.post(
            "/articles/new/",
            {
                "title": f"Title {number} {payload}",
                "byline": payload,
                "source_name": payload,
                "body": f"<p>Body {number}.</p>{payload}\n\nThe mayor said it.",
                "body_format": body_format,
            },
        )
    article = make_article(title="Plain harbour article")
    exact = "We cannot keep patching"
    start = article.body_text.index(exact)
    note = make_annotation(article=article, author=author, exact=exact, note="seed")
    # Two writers and three repliers: one reader may add 60 annotations a minute.
    repliers = [make_user(f"xss-replier{number}") for number in range(3)]
    second = Client(raise_request_exception=False)
    second.force_login(repliers[0])
    for payload_number, payload in enumerate(hostile):
        (writer, second)[payload_number % 2].post(
            f"/articles/{article.slug}/annotations/",
            {
                "exact": exact, "start": start, "end": start + len(exact), "kind": "claim",
                "visibility": "public", "note": payload, "tags": f"t, {payload}",
                "source_url": f"https://s.test/?q={payload}", "source_title": payload,
                "source_stance": "supports",
            },
        )  # fmt: skip
        reply_create(parent=note, author=repliers[payload_number % 3], note=payload)
        writer.post(f"/quotes/{world['quote']}/attribution/", {"speaker": payload[:100]})
    reader = Client(raise_request_exception=False)
    assert reader.login(username=world["owner"], password=world["password"])
    assert Annotation.objects.filter(note__contains=MARKER).count() >= len(hostile)
    assert Article.objects.filter(byline__contains=MARKER).exists()
    running = {}
    for client in (reader, Client(raise_request_exception=False)):
        for path, response in pages(
            client, world | {"slug": article.slug, "public_id": note.public_id}
        ):
            if "html" in response.get("Content-Type", ""):
                where = active_script(response.content.decode("utf-8", "replace"))
                if where:
                    running[path] = where
    assert running == {}


def test_the_detector_sees_script_in_each_place_it_could_run():
    page = (
        f"<script>alert('{MARKER}')</script><img src=x onerror=\"alert('{MARKER}')\">"
        f"<a href=\" javascript:alert('{MARKER}')\">x</a><p>alert('{MARKER}') as text</p>"
    )
    assert active_script(page) == ["script", "img onerror", f"a href= javascript:alert('{MARKER}')"]
