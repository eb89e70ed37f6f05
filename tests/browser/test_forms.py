"""The forms and pages around the reader, as a person uses them: add an article, annotate by
pasting words, sign up, a reader's public page, passwords. Each page passes axe-core (no
serious or critical violation), never scrolls sideways, and has no empty alert, at a phone's
and a desktop's width, light and dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from newsapp.accounts.services import profile_update
from newsapp.annotations.models import Annotation
from newsapp.annotations.services import annotation_delete
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BODY = """\
The ferry crossing closed in March after a storm damaged the pier.

Engineers said the ferry crossing would reopen once divers had checked the piles.

By July the ferry crossing carried more passengers than before the storm.
"""


@pytest.fixture
def article():
    return make_article(title="Ferry crossing reopens", body=BODY)


@pytest.fixture
def reader(context, sign_in):
    user = make_user("maria")
    sign_in(context, user)
    return user


def boxes(page, *selectors: str) -> list[dict]:
    return [page.locator(selector).bounding_box() for selector in selectors]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_add_article_fields_line_up_and_the_file_input_looks_like_a_control(page, reader, viewport):
    page.set_viewport_size(viewport)
    page.goto(reverse("articles:new"))
    byline, published, title = boxes(page, "#id_byline", "#id_published_at", "#id_title")
    assert published["height"] == byline["height"] == title["height"]
    if viewport == DESKTOP:  # side by side: the two inputs of a row start at the same height
        assert published["y"] == byline["y"]
    upload = page.locator("#id_upload")
    assert upload.evaluate("element => getComputedStyle(element).borderStyle") == "dashed"
    button = upload.evaluate(
        "element => getComputedStyle(element, '::file-selector-button').borderRadius"
    )
    assert button == "8px"


def test_uploading_a_saved_page_needs_no_title(page, reader, tmp_path):
    saved = tmp_path / "tide-gauges.html"
    saved.write_text(
        "<html><head><title>Tide gauges replaced | Coast Post</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        "<article><h1>Tide gauges replaced along the estuary</h1>"
        "<p>Six new tide gauges went into the estuary this week, replacing instruments"
        " that had drifted out of calibration over the winter storms.</p>"
        "<p>The harbour office said readings would appear online within the month.</p>"
        "</article><footer>Copyright Coast Post</footer></body></html>",
        encoding="utf-8",
    )
    page.goto(reverse("articles:new"))
    page.get_by_label("…or upload a file").set_input_files(str(saved))
    page.get_by_role("button", name="Add to library").click()
    expect(page.locator("h1.article-title")).to_have_text("Tide gauges replaced along the estuary")
    body = page.locator("[data-article-body]")
    expect(body).to_contain_text("Six new tide gauges")
    expect(body).not_to_contain_text("Sport")
    expect(body).not_to_contain_text("Copyright")


def test_pasted_words_found_twice_ask_which_place(page, article, reader):
    page.goto(reverse("annotations:new", args=[article.slug]))
    page.get_by_label("The words you are annotating").fill("the ferry crossing")
    page.get_by_label("Your note").fill("The summer figure.")
    page.get_by_role("button", name="Save").click()
    choices = page.locator(".occurrence-choice")
    expect(choices).to_have_count(2)
    expect(choices.nth(1)).to_contain_text("By July the ferry crossing carried")
    expect(page.get_by_label("Your note")).to_have_value("The summer figure.")
    choices.nth(1).click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("mark.hl")).to_have_text("the ferry crossing")
    second = article.body_text.index("the ferry crossing", article.body_text.index("July"))
    assert Annotation.objects.get().start == second


# --- Every page: axe, no sideways scroll, no empty alert ------------------------------------


def problems(page) -> list[str]:
    """What a stranger would trip over on the page as it is now."""
    found = []
    results = Axe().run(page).response
    for violation in results["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        found.append("the page scrolls sideways")
    empty = page.evaluate(
        "[...document.querySelectorAll('[role=alert]')].filter(e => !e.textContent.trim()).length"
    )
    if empty:
        found.append(f"{empty} empty role=alert element(s)")
    return found


def visit_pages(page, article, user):
    """Yield (name, page) for each page of this branch, in the state a person meets it."""
    page.goto(reverse("articles:new"))
    yield "add article", page
    page.get_by_label("Body").fill("Pier closes\n\nThe pier closes for repairs on Monday.")
    page.get_by_role("button", name="Add to library").click()
    page.goto(reverse("articles:new"))
    page.get_by_label("Body").fill("Pier closes\n\nThe pier closes for repairs on Monday.")
    page.get_by_role("button", name="Add to library").click()
    expect(page.locator(".same-text")).to_be_visible()
    yield "add article, same text again", page
    page.goto(reverse("annotations:new", args=[article.slug]))
    page.get_by_label("The words you are annotating").fill("the ferry crossing")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".occurrence-choice").first).to_be_visible()
    yield "annotate, which place", page
    page.goto(reverse("annotations:trash"))
    yield "trash", page
    page.goto(reverse("annotations:profile", args=[user.username]))
    yield "own public page", page
    page.goto(reverse("accounts:profile_edit"))
    yield "profile form", page
    page.goto(reverse("accounts:password_change"))
    page.get_by_role("button", name="Change password").click()
    yield "password change, refused", page
    page.goto(reverse("sharing:embed", args=[Annotation.objects.first().public_id]))
    yield "embed card", page
    page.context.clear_cookies()
    page.goto(reverse("accounts:signup"))
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password1").fill("abc")
    page.locator("#id_password2").fill("abc")
    page.get_by_role("button", name="Create account").click()
    yield "sign-up, refused", page
    page.goto(reverse("accounts:password_reset"))
    yield "password reset", page


# A phone in the dark and a desktop in the light: both widths and both palettes, in about two
# minutes (each round visits ten pages and runs axe on each).
@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(PHONE, "dark"), (DESKTOP, "light")],
    ids=["phone-dark", "desktop-light"],
)
def test_the_pages_pass_axe_and_hold_their_layout(page, article, reader, viewport, scheme):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    note = make_annotation(article=article, author=reader, exact="divers had checked")
    make_annotation(article=article, author=reader, exact="the pier", note="Rebuilt in 1990.")
    annotation_delete(annotation=note, user=reader)
    profile_update(user=reader, display_name="Maria L.", bio="Reads about ferries.", email="")
    found = {name: problems(shown) for name, shown in visit_pages(page, article, reader)}
    assert {name: issues for name, issues in found.items() if issues} == {}
