"""`make screenshots`: every page at 360 and 1280 px, light and dark, as PNGs to look at.

Not part of the suite (the file name does not start with test_): `make screenshots` runs it
with pytest, which collects a file named on its command line. The pictures go to
$GLOSS_SCREENSHOTS (default: screenshots/, ignored by git). Each page gives its first screen,
`<page>-<width>-<theme>.png`, and the whole page down to four screens, `...-full.png`.
$GLOSS_SCREENSHOTS_ONLY (comma-separated page names, e.g. "reader,permalink") takes fewer.
With GLOSS_README_PICTURES=1 it also retakes the README's pictures, docs/reader.png (the
reader with a claim's note open in the margin) and docs/reader-phone.png (a shared link on a
phone: the words, and the note in the drawer below them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import drag_select, touch_select
from tests.scenes import build_scene, pages

pytestmark = pytest.mark.django_db(transaction=True)

OUT = Path(os.environ.get("GLOSS_SCREENSHOTS", "screenshots"))
SIZES = {"360": PHONE, "1280": DESKTOP}
THEMES = ("light", "dark")
MAX_SCREENS = 4
README_PICTURES = os.environ.get("GLOSS_README_PICTURES") == "1"
DOCS = Path(__file__).resolve().parents[2] / "docs"
ONLY = {name for name in os.environ.get("GLOSS_SCREENSHOTS_ONLY", "").split(",") if name}


def shoot(page, name: str, width: str, theme: str) -> None:
    stem = OUT / f"{name}-{width}-{theme}"
    page.screenshot(path=f"{stem}.png")
    height = min(
        page.evaluate("document.documentElement.scrollHeight"),
        MAX_SCREENS * page.viewport_size["height"],
    )
    page.screenshot(
        path=f"{stem}-full.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height},
    )


def test_screenshots(browser, live_server, sign_in):
    OUT.mkdir(parents=True, exist_ok=True)
    scene = build_scene()
    for width, viewport in SIZES.items():
        for theme in THEMES:
            for signed_in in (False, True):
                phone = viewport["width"] < 768  # a phone has a touch screen
                context = browser.new_context(
                    base_url=live_server.url,
                    viewport=viewport,
                    color_scheme=theme,
                    has_touch=phone,
                    is_mobile=phone,
                )
                if signed_in:
                    sign_in(context, scene.alice)
                page = context.new_page()
                for visit in pages(scene):
                    if visit.signed_in != signed_in or (ONLY and visit.name not in ONLY):
                        continue
                    page.goto(visit.path)
                    page.wait_for_load_state("networkidle")
                    shoot(page, visit.name, width, theme)
                if signed_in and (not ONLY or "interactions" in ONLY):
                    interactions(page, scene, width, theme)
                context.close()


def interactions(page, scene, width: str, theme: str) -> None:
    """The reader in use: the selection toolbar, the notes open, the annotate form."""
    page.goto(scene.article.get_absolute_url())
    words = "halt artillery fire along a 412-kilometre stretch"
    (touch_select if width == "360" else drag_select)(page, words)
    page.get_by_role("toolbar").wait_for()  # a touch screen waits for the selection to settle
    page.wait_for_timeout(200)
    page.screenshot(path=OUT / f"reader-toolbar-{width}-{theme}.png")
    page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
    page.locator("#annotate-panel form").wait_for()
    page.wait_for_timeout(300)
    page.screenshot(path=OUT / f"reader-annotate-{width}-{theme}.png")
    page.goto(scene.article.get_absolute_url())
    page.locator(f"#hl-{scene.claim.public_id}").click()
    page.wait_for_timeout(400)
    page.screenshot(path=OUT / f"reader-notes-open-{width}-{theme}.png")


def small_png(path: Path) -> None:
    """The committed pictures in 256 colours: a third of the bytes, the same to the eye."""
    from PIL import Image

    with Image.open(path) as picture:
        small = picture.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def test_readme_pictures(browser, live_server):
    if not README_PICTURES:
        pytest.skip("set GLOSS_README_PICTURES=1 to retake docs/reader.png and reader-phone.png")
    scene = build_scene()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, color_scheme="light"
    )
    page = context.new_page()
    page.goto(scene.article.get_absolute_url())
    page.locator(f"#hl-{scene.demo_note.public_id}").click()
    page.wait_for_timeout(600)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=DOCS / "reader.png")
    small_png(DOCS / "reader.png")
    context.close()
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(scene.demo_note.get_absolute_url())
    page.wait_for_timeout(800)
    page.screenshot(path=DOCS / "reader-phone.png")
    small_png(DOCS / "reader-phone.png")
    context.close()
