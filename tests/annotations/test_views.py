from __future__ import annotations

import re

import html5lib
import pytest
from django.urls import reverse

from newsapp.annotations.models import Annotation
from tests.factories import make_annotation, make_article, make_user
from tests.pages import marked_note_ids, marks

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article():
    return make_article()


@pytest.fixture
def author():
    return make_user("author")


def selection(article, exact: str) -> dict:
    start = article.body_text.index(exact)
    return {"exact": exact, "start": start, "end": start + len(exact), "prefix": "", "suffix": ""}


def create_payload(article, exact="We cannot keep patching", **extra) -> dict:
    return {
        **selection(article, exact),
        "kind": "claim",
        "note": "Bridge inspections say *otherwise*.",
        "tags": "bridges, budget",
        "visibility": "public",
        "source_url": ["https://audit.example/bridges", ""],
        "source_title": ["Audit 2025", ""],
        "source_stance": ["disputes", "background"],
    } | extra


def test_create_with_htmx_returns_body_with_mark_and_notes_out_of_band(client, article, author):
    client.force_login(author)
    response = client.post(
        reverse("annotations:create", args=[article.slug]), create_payload(article), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    annotation = Annotation.objects.get()
    assert html.lstrip().startswith('<div class="article-body" id="article-body"')
    assert marked_note_ids(html) == {annotation.public_id}
    assert re.search(r'<div id="notes" class="notes"[^>]* hx-swap-oob="true">', html)
    assert 'id="note-count" hx-swap-oob="true">1<' in html
    assert "<em>otherwise</em>" in html
    assert "Audit 2025" in html
    assert "#bridges" in html
    assert annotation.sources.get().url == "https://audit.example/bridges"


def test_create_without_htmx_redirects_to_the_note(client, article, author):
    client.force_login(author)
    response = client.post(
        reverse("annotations:create", args=[article.slug]), create_payload(article)
    )
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"{article.get_absolute_url()}#note-{annotation.public_id}"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    claim_marks = [mark for mark in marks(page) if mark["class"] == "hl hl-claim"]
    assert [mark["notes"] for mark in claim_marks] == [[annotation.public_id]]


def test_create_refuses_a_quote_not_in_the_article_with_400(client, article, author):
    client.force_login(author)
    payload = create_payload(article) | {"exact": "words nobody wrote", "start": 0, "end": 18}
    response = client.post(reverse("annotations:create", args=[article.slug]), payload, **HTMX)
    assert response.status_code == 400
    assert "not in this article" in response.content.decode()
    assert response["HX-Retarget"] == "#annotate-panel"
    assert Annotation.objects.count() == 0
    full = client.post(reverse("annotations:create", args=[article.slug]), payload)
    assert full.status_code == 400
    assert "<html" in full.content.decode()


def test_create_rate_limited_answers_429(client, article, author, monkeypatch):
    from newsapp.annotations import services

    monkeypatch.setattr(services, "RATE_LIMIT_PER_MINUTE", 1)
    client.force_login(author)
    url = reverse("annotations:create", args=[article.slug])
    assert client.post(url, create_payload(article), **HTMX).status_code == 200
    response = client.post(url, create_payload(article), **HTMX)
    assert response.status_code == 429
    assert "Take a breath" in response.content.decode()


def test_create_requires_login(client, article):
    response = client.post(
        reverse("annotations:create", args=[article.slug]), create_payload(article)
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Annotation.objects.count() == 0


def test_xss_in_notes_is_neutralised(client, article, author):
    client.force_login(author)
    payload = create_payload(article) | {
        "note": "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
        "tags": "<b>bold</b>",
    }
    client.post(reverse("annotations:create", args=[article.slug]), payload)
    document = html5lib.parse(
        client.get(article.get_absolute_url()).content, namespaceHTMLElements=False
    )
    notes = document.find(".//div[@id='notes']")
    elements = list(notes.iter())
    assert "alert(1)" in "".join(notes.itertext())  # kept as visible text, inert
    assert not [el for el in elements if el.tag in {"script", "img", "iframe"}]
    assert not [name for el in elements for name in el.attrib if name.startswith("on")]
    assert not [el for el in elements if el.get("href", "").startswith("javascript")]
    assert "#bold" in "".join(notes.itertext())


def test_annotate_form_fragment_and_fallback_page(client, article, author):
    client.force_login(author)
    url = reverse("annotations:new", args=[article.slug])
    fragment = client.get(url, {"exact": "We cannot keep patching", "kind": "claim"}, **HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body
    assert "We cannot keep patching" in body
    assert (
        'value="claim" checked' in body
        or 'checked value="claim"' in body
        or ('value="claim"' in body and "checked" in body)
    )
    page = client.get(url).content.decode()
    assert "<html" in page
    assert "Paste them exactly" in page


def test_preview_renders_sanitised_markdown(client, author):
    client.force_login(author)
    response = client.post(reverse("annotations:preview"), {"note": "**hi** <script>x</script>"})
    assert "<strong>hi</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_edit_fragment_and_save(client, article, author):
    annotation = make_annotation(article=article, author=author, exact="We cannot keep patching")
    client.force_login(author)
    url = reverse("annotations:edit", args=[annotation.public_id])
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"kind": "question", "note": "Is that so?", "tags": "", "visibility": "unlisted"},
        **HTMX,
    )
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.note, annotation.visibility) == (
        "question",
        "Is that so?",
        "unlisted",
    )
    bad = client.post(
        url, {"kind": "question", "note": "x" * 10_001, "visibility": "public"}, **HTMX
    )
    assert bad.status_code == 400
    assert bad["HX-Retarget"] == f"#note-{annotation.public_id}"


def test_delete_undo_and_trash(client, article, author):
    annotation = make_annotation(article=article, author=author, exact="We cannot keep patching")
    client.force_login(author)
    response = client.post(reverse("annotations:delete", args=[annotation.public_id]), **HTMX)
    assert response.status_code == 200
    assert "Moved to trash." in response.content.decode()
    assert "Undo" in response.content.decode()
    assert marked_note_ids(response.content.decode()) == set()
    assert annotation.public_id in client.get(reverse("annotations:trash")).content.decode()
    restore = client.post(
        reverse("annotations:restore", args=[annotation.public_id]), {"from": "reader"}, **HTMX
    )
    assert marked_note_ids(restore.content.decode()) == {annotation.public_id}
    plain = client.post(reverse("annotations:delete", args=[annotation.public_id]))
    assert plain.status_code == 302


def test_reply_htmx_and_plain(client, article, author):
    annotation = make_annotation(article=article, author=author, exact="We cannot keep patching")
    replier = make_user()
    client.force_login(replier)
    url = reverse("annotations:reply", args=[annotation.public_id])
    response = client.post(url, {"note": "Source for *that*?"}, **HTMX)
    assert response.status_code == 200
    assert "<em>that</em>" in response.content.decode()
    assert client.post(url, {"note": "Plain reply"}).status_code == 302
    empty = client.post(url, {"note": ""}, **HTMX)
    assert empty.status_code == 400
    assert "Write a reply first." in empty.content.decode()


def test_reader_filters_full_page_and_fragment(client, article, author):
    other = make_user("other")
    mine = make_annotation(
        article=article, author=author, exact="We cannot keep patching", kind="claim", tags=["x"]
    )
    theirs = make_annotation(
        article=article, author=other, exact="Critics say the cost", kind="question"
    )
    client.force_login(author)
    page = client.get(article.get_absolute_url(), {"kind": "question"}).content.decode()
    assert theirs.public_id in page
    assert mine.public_id not in page
    fragment = client.get(article.get_absolute_url(), {"show": "mine"}, **HTMX).content.decode()
    assert mine.public_id in fragment
    assert theirs.public_id not in fragment
    assert "<html" not in fragment
    tagged = client.get(article.get_absolute_url(), {"tag": "x"}).content.decode()
    assert mine.public_id in tagged
    assert theirs.public_id not in tagged
    by = client.get(article.get_absolute_url(), {"by": "other"}).content.decode()
    assert theirs.public_id in by
    assert mine.public_id not in by


def test_my_notes_lists_only_mine_with_filters(client, article, author):
    mine = make_annotation(
        article=article, author=author, exact="We cannot keep patching", kind="claim", tags=["x"]
    )
    mine_private = make_annotation(
        article=article, author=author, exact="Critics say the cost", visibility="private"
    )
    theirs = make_annotation(article=article, author=make_user(), exact="Critics say the cost")
    client.force_login(author)
    page = client.get(reverse("annotations:mine")).content.decode()
    assert mine.public_id in page
    assert mine_private.public_id in page
    assert theirs.public_id not in page
    fragment = client.get(reverse("annotations:mine"), {"kind": "claim"}, **HTMX).content.decode()
    assert mine.public_id in fragment
    assert mine_private.public_id not in fragment
    assert "<html" not in fragment


def test_my_notes_come_in_pages_in_constant_queries(
    client, article, author, django_assert_max_num_queries, monkeypatch
):
    from newsapp.annotations import views

    monkeypatch.setattr(views, "MY_NOTES_PER_PAGE", 3)
    notes = [
        make_annotation(article=article, author=author, exact="Critics say the cost", tags=["t"])
        for _ in range(7)
    ]
    client.force_login(author)
    client.get(reverse("annotations:mine"))  # the session and the user, once
    with django_assert_max_num_queries(8):
        first = client.get(reverse("annotations:mine")).content.decode()
    assert [note.public_id in first for note in reversed(notes)] == [True] * 3 + [False] * 4
    assert "Older →" in first
    last = client.get(reverse("annotations:mine"), {"page": 3}).content.decode()
    assert notes[0].public_id in last
    assert "Older →" not in last


def test_library_counts_only_public_top_level_annotations(client, article, author):
    public = make_annotation(article=article, author=author, exact="We cannot keep patching")
    make_annotation(
        article=article, author=author, exact="Critics say the cost", visibility="private"
    )
    make_annotation(
        article=article, author=author, exact="Critics say the cost", visibility="unlisted"
    )
    from newsapp.annotations.services import reply_create

    reply_create(parent=public, author=author, note="reply")
    assert "1 note<" in client.get("/").content.decode()


# ---- The permissions matrix: (author, other reader, anonymous) x visibility x action ----

VIEWERS = ["author", "other", "anonymous"]
VISIBILITIES = ["private", "unlisted", "public"]


def expected_status(viewer: str, visibility: str, action: str) -> int:
    if viewer == "author":
        return {"view": 200, "edit": 200, "delete": 200}[action]
    if action == "view":
        return 404 if visibility == "private" else 200
    if viewer == "anonymous":
        return 302  # to the login page
    return 404 if visibility == "private" else 403


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("action", ["view", "edit", "delete"])
def test_permissions_matrix(client, article, author, viewer, visibility, action):
    annotation = make_annotation(
        article=article,
        author=author,
        exact="We cannot keep patching",
        visibility=visibility,
        note="secret plan",
    )
    if viewer == "author":
        client.force_login(author)
    elif viewer == "other":
        client.force_login(make_user("other"))
    if action == "view":
        response = client.get(annotation.get_absolute_url())
    elif action == "edit":
        response = client.post(
            reverse("annotations:edit", args=[annotation.public_id]),
            {"kind": "note", "note": "changed", "visibility": "public"},
            **HTMX,
        )
    else:
        response = client.post(reverse("annotations:delete", args=[annotation.public_id]), **HTMX)
    assert response.status_code == expected_status(viewer, visibility, action)
    annotation.refresh_from_db()
    if viewer != "author":
        assert annotation.note == "secret plan"
        assert annotation.deleted_at is None
        if visibility == "private":
            assert "secret plan" not in response.content.decode()


@pytest.mark.parametrize("viewer", ["other", "anonymous"])
def test_private_and_unlisted_never_leak_into_listings(client, article, author, viewer):
    make_annotation(
        article=article,
        author=author,
        exact="We cannot keep patching",
        visibility="private",
        note="private words",
        tags=["hidden-tag"],
    )
    make_annotation(
        article=article,
        author=author,
        exact="Critics say the cost",
        visibility="unlisted",
        note="unlisted words",
    )
    if viewer == "other":
        client.force_login(make_user("other"))
    for response in (
        client.get(article.get_absolute_url()),
        client.get(article.get_absolute_url(), **HTMX),
        client.get(article.get_absolute_url(), {"tag": "hidden-tag"}),
        client.get(article.get_absolute_url(), {"by": "author"}),
        client.get("/"),
        client.get("/", {"q": "patching"}),
    ):
        html = response.content.decode()
        assert "private words" not in html
        assert "unlisted words" not in html
        assert "#hidden-tag" not in html
        assert '<mark class="hl' not in html
    # Signed in, the library opens on the reader's own list: the card is on the Library tab.
    assert "0 notes" in client.get("/", {"shelf": "all"}).content.decode()


def test_permalink_renders_the_target_state_without_javascript(client, article, author):
    annotation = make_annotation(
        article=article, author=author, exact="We cannot keep patching", note="Check the **audit**."
    )
    page = client.get(annotation.get_absolute_url()).content.decode()
    banner = page[page.index('class="permalink-banner') : page.index("</aside>")]
    assert "We cannot keep patching" in banner
    assert "<strong>audit</strong>" in banner
    assert f'href="#hl-{annotation.public_id}"' in banner
    assert f'id="hl-{annotation.public_id}"' in page
    assert "hl-target" in page
    assert "is-target" in page


# ---- One-click highlights: the reader's own default visibility ----


def toolbar_visibility(client, article) -> str:
    page = client.get(article.get_absolute_url()).content.decode()
    chosen = re.search(
        r'<select id="highlight-visibility"[^>]*>.*?<option value="(\w+)" selected>', page, re.S
    )
    return chosen.group(1)


def test_the_toolbar_shows_public_until_the_reader_chooses(client, article, author):
    client.force_login(author)
    assert toolbar_visibility(client, article) == "public"
    url = reverse("annotations:highlight_visibility")
    response = client.post(url, {"visibility": "private"}, **HTMX)
    assert response.status_code == 204
    assert toolbar_visibility(client, article) == "private"


def test_choosing_the_highlight_visibility_without_htmx_goes_back(client, article, author):
    client.force_login(author)
    url = reverse("annotations:highlight_visibility")
    response = client.post(url, {"visibility": "unlisted", "next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert toolbar_visibility(client, article) == "unlisted"


@pytest.mark.parametrize("visibility", ["", "everyone", "PUBLIC"])
def test_an_unknown_highlight_visibility_is_refused(client, article, author, visibility):
    client.force_login(author)
    url = reverse("annotations:highlight_visibility")
    response = client.post(url, {"visibility": visibility}, **HTMX)
    assert response.status_code == 400
    assert b"Choose public, unlisted or only me." in response.content
    assert toolbar_visibility(client, article) == "public"


def test_choosing_the_highlight_visibility_needs_a_signed_in_post(client, author):
    url = reverse("annotations:highlight_visibility")
    assert client.post(url, {"visibility": "private"}).status_code == 302  # to sign in
    client.force_login(author)
    assert client.get(url).status_code == 405


def test_the_annotate_form_and_the_toolbar_remember_their_own_choices(client, article, author):
    client.force_login(author)
    create = reverse("annotations:create", args=[article.slug])
    client.post(create, create_payload(article, visibility="private"), **HTMX)
    assert toolbar_visibility(client, article) == "public"
    quick = create_payload(article, exact="Critics say", kind="highlight", visibility="unlisted")
    client.post(create, quick | {"from": "toolbar", "note": ""}, **HTMX)
    form = client.get(reverse("annotations:new", args=[article.slug])).content.decode()
    assert re.search(r'<option value="private" selected>', form)
