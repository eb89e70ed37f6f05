"""The layout gate: at 320, 360, 768 and 1280 px, light and dark, no page scrolls sideways; on
the reader the header is one row whose controls neither overlap nor clip their words and stays
above the text that scrolls under it (quotes' speaker labels included), the selection toolbar
fits the screen without covering the header or its own buttons, and on a phone the article's
first paragraph is on the first screen.

Colours cannot move boxes, so every page is measured in the light theme and the reader pages
(where the dark theme has rules of its own) in both.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import drag_select, touch_select
from tests.scenes import build_scene, pages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.gate]

WIDTHS = [320, 360, 768, 1280]
HEIGHT = 740
READER_PAGES = {"reader", "reader-signed-in", "permalink", "reader-orphan"}

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"

# Pairs of boxes among `selector` (visible ones) that overlap, and boxes whose words are cut.
CROWDING = """(selector) => {
  const boxes = Array.from(document.querySelectorAll(selector))
    .filter(element => element.checkVisibility())
    .map(element => ({element, box: element.getBoundingClientRect()}))
    .filter(({box}) => box.width > 1 && box.height > 1);
  const name = element =>
    (element.textContent.trim() || element.getAttribute('aria-label') || element.tagName)
      .slice(0, 30);
  const problems = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.element.contains(b.element) || b.element.contains(a.element)) return;
    const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
    const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
    if (x > 1 && y > 1) problems.push(`“${name(a.element)}” overlaps “${name(b.element)}”`);
  }));
  boxes.forEach(({element, box}) => {
    if (element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1)
      problems.push(`“${name(element)}” cuts its words`);
    if (box.left < 0 || box.right > document.documentElement.clientWidth)
      problems.push(`“${name(element)}” is off the screen`);
  });
  return problems;
}"""

HEADER_ON_TOP = """() => {
  const header = document.querySelector('.site-header').getBoundingClientRect();
  const missed = [];
  for (let x = 4; x < header.width; x += 24) {
    for (const y of [header.top + 4, header.top + header.height / 2, header.bottom - 4]) {
      const hit = document.elementFromPoint(x, y);
      if (hit && !hit.closest('.site-header'))
        missed.push(`${hit.tagName}.${hit.className} at ${x},${Math.round(y)}`);
    }
  }
  return missed;
}"""

# Puts a quote whose speaker label shows just under the header, where the label would reach up.
SPEAKER_UNDER_HEADER = """() => {
  const mark = document.querySelector('[data-article-body] mark[data-speaker]');
  mark.classList.add('show-speaker');
  const header = document.querySelector('.site-header').getBoundingClientRect();
  window.scrollBy(0, mark.getBoundingClientRect().top - header.bottom - 4);
}"""

FIRST_PARAGRAPH = """() => {
  const paragraph = document.querySelector('[data-article-body] p');
  const box = paragraph.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(paragraph).lineHeight);
  return {top: box.top, lines: Math.floor((window.innerHeight - box.top) / line)};
}"""

TOOLBAR = """() => {
  const bar = document.querySelector('[data-selection-toolbar]').getBoundingClientRect();
  const header = document.querySelector('.site-header').getBoundingClientRect();
  return {top: bar.top, left: bar.left, right: bar.right, header: header.bottom,
          width: document.documentElement.clientWidth};
}"""


@pytest.fixture
def scene():
    return build_scene()


def check_reader(page, width: int, theme: str, name: str, problems: list[str]) -> None:
    where = f"{name} at {width}px, {theme}"
    header_height = page.locator(".site-header").bounding_box()["height"]
    if header_height > 64:
        problems.append(f"{where}: the header is {header_height:.0f}px tall (one row is ≤ 64)")
    crowding = page.evaluate(
        CROWDING, ".site-nav > *, .site-nav a, .site-nav button, .site-nav summary"
    )
    problems += [f"{where}, header: {problem}" for problem in crowding]
    if width <= 360 and name != "permalink":
        first = page.evaluate(FIRST_PARAGRAPH)
        if first["lines"] < 3:
            problems.append(f"{where}: the first paragraph starts at {first['top']:.0f}px")
    page.evaluate(SPEAKER_UNDER_HEADER)
    problems += [f"{where}: the header is covered by {hit}" for hit in page.evaluate(HEADER_ON_TOP)]
    # The label lets clicks through (elementFromPoint cannot see it): compare what is drawn.
    header = page.locator(".site-header").bounding_box()
    with_label = page.screenshot(clip=header)
    page.evaluate("document.querySelector('mark.show-speaker').classList.remove('show-speaker')")
    if page.screenshot(clip=header) != with_label:
        problems.append(f"{where}: a quote's speaker label shows over the header")


def check_toolbar(page, width: int, theme: str, problems: list[str]) -> None:
    where = f"toolbar at {width}px, {theme}"
    page.evaluate("window.scrollTo(0, 0)")
    words = "We did not come here to redraw maps"  # inside a quote, with its speaker
    (touch_select if width <= 768 else drag_select)(page, words)
    page.get_by_role("toolbar").wait_for()
    bar = page.evaluate(TOOLBAR)
    if bar["left"] < 0 or bar["right"] > bar["width"]:
        problems.append(f"{where}: off the screen ({bar['left']:.0f}–{bar['right']:.0f})")
    if bar["top"] < bar["header"]:
        problems.append(f"{where}: under the header")
    crowding = page.evaluate(
        CROWDING,
        ", ".join(f"[data-selection-toolbar] {part}" for part in ("button", "label", "select")),
    )
    problems += [f"{where}: {problem}" for problem in crowding]
    if page.evaluate(OVERFLOW) > 0:
        problems.append(f"{where}: the page scrolls sideways")


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_and_nothing_covers_the_words(browser, live_server, sign_in, scene, width):
    problems: list[str] = []
    for theme in ("light", "dark"):
        for signed_in in (False, True):
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": width, "height": HEIGHT},
                color_scheme=theme,
                has_touch=width <= 768,
                is_mobile=width <= 768,
            )
            context.set_default_timeout(10_000)
            if signed_in:
                sign_in(context, scene.alice)
            page = context.new_page()
            for visit in pages(scene):
                reader = visit.name in READER_PAGES
                if visit.signed_in != signed_in or (theme == "dark" and not reader):
                    continue
                page.goto(visit.path)
                page.wait_for_load_state("networkidle")
                overflow = page.evaluate(OVERFLOW)
                if overflow > 0:
                    problems.append(f"{visit.name} at {width}px, {theme}: {overflow}px sideways")
                if reader and visit.name != "reader-orphan":
                    check_reader(page, width, theme, visit.name, problems)
            if signed_in:
                page.goto(scene.article.get_absolute_url())
                check_toolbar(page, width, theme, problems)
            context.close()
    assert problems == [], "\n".join(problems)
