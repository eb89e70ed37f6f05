"""The visibility matrix: who sees what, everywhere.

Viewers: the note's author, a member of its group, a moderator of that group, a signed-in
reader outside the group, an anonymous visitor, site staff. States: private, group, unlisted,
public, hidden by moderators (a public note, and a group note). For each pair, every endpoint
that names one note (found in the URL conf: a new one fails `test_every_note_endpoint_is_in_
the_matrix` until it is placed here), every listing, count, fragment and export.

Each test checks one (viewer, state) pair against every endpoint and reports all the
mismatches at once.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, reverse

from newsapp.annotations.models import Annotation, Moderation
from newsapp.moderation import services as moderation
from newsapp.moderation.models import ModerationAction, Report
from tests.factories import make_annotation, make_article, make_group, make_user

pytestmark = pytest.mark.django_db

VIEWERS = ["author", "member", "moderator", "outsider", "anonymous", "staff"]
STATES = ["private", "group", "unlisted", "public", "hidden", "hidden_group"]
MARKER = "matrix-marker-note"
HTMX = {"HTTP_HX_REQUEST": "true"}
SITE = "http://testserver"


def may_open(viewer: str, state: str) -> bool:
    """By its link: the author always; unlisted and public notes anyone; group notes the
    group's members; private and hidden notes nobody else."""
    if viewer == "author":
        return True
    if state == "group":
        return viewer in ("member", "moderator")
    return state in ("unlisted", "public")


def listed(viewer: str, state: str) -> bool:
    """In lists and counts: like `may_open`, but unlisted notes are never listed."""
    return may_open(viewer, state) and (state != "unlisted" or viewer == "author")


def moderates(viewer: str, state: str) -> bool:
    """Who may act on the note in the moderation queue (nobody on their own)."""
    if viewer == "staff":
        return state in ("unlisted", "public", "hidden")
    return viewer == "moderator" and state in ("group", "hidden_group")


@pytest.fixture
def world():
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    users = {
        "author": make_user("author"),
        "member": make_user("member"),
        "moderator": make_user("moderator"),
        "outsider": make_user("outsider"),
        "staff": staff,
    }
    group = make_group(
        owner=make_user("owner"),
        name="Matrix desk",
        members=[users["author"], users["member"]],
        moderators=[users["moderator"]],
    )
    article = make_article(title="Matrix article", source_url="https://news.example/bridge")
    return {"users": users, "group": group, "article": article}


def make_note(world, state: str) -> Annotation:
    visibility = {"hidden": "public", "hidden_group": "group"}.get(state, state)
    in_group = visibility == "group"
    note = make_annotation(
        article=world["article"],
        author=world["users"]["author"],
        exact="We cannot keep patching",
        kind="claim",
        note=MARKER,
        visibility=visibility,
        group=world["group"] if in_group else None,
    )
    if state == "hidden":
        moderation.note_hide(annotation=note, moderator=world["users"]["staff"], reason="spam")
    elif state == "hidden_group":
        moderation.note_hide(
            annotation=note, moderator=world["users"]["moderator"], reason="off_topic"
        )
    note.refresh_from_db()
    return note


def sign_in(client, world, viewer: str):
    client.logout()
    if viewer != "anonymous":
        client.force_login(world["users"][viewer])
    return client


# --- every endpoint that names one note -----------------------------------------------------------

LOGIN_REDIRECT = 302
NOTE_GETS = {
    # name: (success status, needs sign-in, author only)
    "annotations:permalink": (200, False, False),
    "annotations:edit": (200, True, True),
    "annotations:reattach": (200, True, True),
    "sharing:card": (200, False, False),
    "sharing:qr_svg": (200, False, False),
    "sharing:qr_png": (200, False, False),
    "sharing:original": (302, False, False),
    "sharing:embed": (200, False, False),
    "moderation:report": (200, True, False),
}
NOTE_POSTS = {
    # name: who besides viewers who may open the note is refused like a stranger
    "annotations:edit": "author",
    "annotations:delete": "author",
    "annotations:restore": "author",
    "annotations:reattach": "author",
    "annotations:reply": "reader",
    "claims:rate": "reader",
    "moderation:report": "reader",
    "moderation:hide": "moderator",
    "moderation:restore": "moderator",
    "moderation:dismiss": "moderator",
}


def note_url_names() -> set[str]:
    """Every named URL of the site whose route names a note (`public_id`)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and "public_id" in str(pattern.pattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


# Note endpoints whose matrix lives elsewhere, with where: the API authenticates by token,
# not by session, so its author / other / anonymous matrix is its own.
MATRIX_ELSEWHERE = {"api:annotation": "tests/api/test_permissions.py"}


def test_every_note_endpoint_is_in_the_matrix():
    placed = set(NOTE_GETS) | set(NOTE_POSTS) | set(MATRIX_ELSEWHERE)
    assert note_url_names() - placed == set()


def expected_get(name: str, viewer: str, state: str) -> int:
    success, needs_sign_in, author_only = NOTE_GETS[name]
    if needs_sign_in and viewer == "anonymous":
        return LOGIN_REDIRECT
    if author_only and viewer != "author":
        return 403 if may_open(viewer, state) else 404
    return success if may_open(viewer, state) else 404


def snapshot(note: Annotation) -> tuple:
    """Everything a refused request must leave as it was."""
    row = Annotation.objects.values_list("note", "visibility", "moderation", "deleted_at").get(
        pk=note.pk
    )
    return (
        row,
        Annotation.objects.filter(parent=note).count(),
        Report.objects.filter(annotation=note).count(),
        ModerationAction.objects.count(),
        note.ratings.count(),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_note_endpoints(client, world, viewer, state):
    note = make_note(world, state)
    sign_in(client, world, viewer)
    wrong = []
    for name in NOTE_GETS:
        response = client.get(reverse(name, args=[note.public_id]))
        expected = expected_get(name, viewer, state)
        if response.status_code != expected:
            wrong.append(f"GET {name}: {response.status_code}, expected {expected}")
        if expected in (403, 404) and MARKER.encode() in response.content:
            wrong.append(f"GET {name}: refused but shows the note")
    card = client.get(reverse("annotations:permalink", args=[note.public_id]), **HTMX)
    if (MARKER in card.content.decode()) != may_open(viewer, state):
        wrong.append(f"permalink card fragment: shown={MARKER in card.content.decode()}")
    oembed = client.get(
        reverse("sharing:oembed") + "?url=" + quote(SITE + note.get_absolute_url(), safe="")
    )
    if oembed.status_code != (200 if may_open(viewer, state) else 404):
        wrong.append(f"oembed: {oembed.status_code}")
    before = snapshot(note)
    for name, allowed in NOTE_POSTS.items():
        permitted = {
            "author": viewer == "author",
            "reader": may_open(viewer, state),
            "moderator": moderates(viewer, state),
        }[allowed]
        if permitted:
            continue
        response = client.post(
            reverse(name, args=[note.public_id]),
            {"note": "intruder", "reason": "spam", "value": "helpful", "kind": "note",
             "visibility": "public", "exact": "Critics say the cost"},
        )  # fmt: skip
        if viewer == "anonymous":
            expected = {LOGIN_REDIRECT}
        elif allowed == "author" and may_open(viewer, state):
            expected = {403}
        else:
            expected = {404}
        if response.status_code not in expected:
            wrong.append(f"POST {name}: {response.status_code}, expected {expected}")
    if snapshot(note) != before:
        wrong.append("a refused POST changed the note")
    assert wrong == []


# --- listings, counts, fragments, exports ---------------------------------------------------------


def shows(response) -> bool:
    return MARKER in response.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_listings_counts_and_exports(client, world, viewer, state):
    make_note(world, state)
    article, group = world["article"], world["group"]
    sign_in(client, world, viewer)
    wrong = []
    in_list = listed(viewer, state)
    views = {
        "reader page": client.get(article.get_absolute_url()),
        "reader fragment": client.get(article.get_absolute_url(), **HTMX),
        "reader, public switcher": client.get(article.get_absolute_url(), {"in": "public"}),
        "notes page fragment": client.get(
            reverse("annotations:notes", args=[article.slug]), **HTMX
        ),
        "claims page": client.get(reverse("claims:article_claims", args=[article.slug])),
        "export md": client.get(reverse("sharing:article_export", args=[article.slug, "md"])),
        "export jsonld": client.get(
            reverse("sharing:article_export", args=[article.slug, "jsonld"])
        ),
    }
    # The switcher's "Public" keeps public notes (its author still sees one moderators hid);
    # context notes (on the claims page) are public and shown ones only, whoever looks.
    public_only = {"reader, public switcher": ("public", "hidden"), "claims page": ("public",)}
    for label, response in views.items():
        expected = in_list and state in public_only.get(label, STATES)
        if shows(response) != expected:
            wrong.append(f"{label}: shown={shows(response)}, expected {expected}")
    jsonld = json.loads(views["export jsonld"].content)
    if (jsonld["total"] == 1) != in_list:
        wrong.append(f"export jsonld total {jsonld['total']}")
    library = client.get("/", {"shelf": "all"}).content.decode()  # signed in: the Library tab
    count = "1 note" if state == "public" else "0 notes"
    if count not in library:
        wrong.append(f"library count: expected {count}")
    if viewer != "anonymous":
        mine = client.get(reverse("annotations:mine"))
        if shows(mine) != (viewer == "author"):
            wrong.append(f"my notes: shown={shows(mine)}")
    is_member = viewer in ("author", "member", "moderator")
    for label, url in {
        "group page": reverse("groups:detail", args=[group.slug]),
        "group export": reverse("groups:export", args=[group.slug, "md"]),
    }.items():
        response = client.get(url)
        expected_status = 200 if is_member else 404
        if viewer == "anonymous":
            expected_status = LOGIN_REDIRECT
        if response.status_code != expected_status:
            wrong.append(f"{label}: {response.status_code}, expected {expected_status}")
        in_group = state in ("group", "hidden_group")
        expected = is_member and in_group and (state == "group" or viewer == "author")
        if shows(response) != expected:
            wrong.append(f"{label}: shown={shows(response)}, expected {expected}")
    queue = client.get(reverse("moderation:queue"), {"status": "hidden"})
    queue_shows = moderates(viewer, state) and state in ("hidden", "hidden_group")
    if shows(queue) != queue_shows:
        wrong.append(f"moderation queue: shown={shows(queue)}, expected {queue_shows}")
    assert wrong == []


@pytest.mark.parametrize("viewer", ["author", "outsider"])
def test_a_hidden_note_is_explained_to_its_author_only(client, world, viewer):
    note = make_note(world, "hidden")
    sign_in(client, world, viewer)
    page = client.get(note.article.get_absolute_url()).content.decode()
    assert ("Hidden by moderators" in page) == (viewer == "author")
    assert Annotation.objects.get(pk=note.pk).moderation == Moderation.HIDDEN
