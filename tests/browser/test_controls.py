"""The no-dead-controls gate: on the reader, signed in and signed out, at 1280 and 360 px, every
visible button, link, disclosure and menu of the selection toolbar, the reader tools and the
note cards is pressed, each in a fresh page. None may answer 4xx/5xx, raise an uncaught
JavaScript error, swap an error page over the page, or make the page scroll sideways.

Controls are found by what a reader sees (their kind, name and link, with note ids left out):
one of each is pressed, so a card's "Edit" stands for every card's. What a press changes (a
highlight made, a note deleted) is undone through the services before the next press. Other
sites are answered by a stub: the gate tests Gloss, not the web.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import annotation_delete, annotation_restore
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import Traffic, drag_select, touch_select
from tests.scenes import build_scene

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.gate]

WORDS = "halt artillery fire"

# Marks each visible control in `selector` with data-probe=<n> and describes it.
PROBE = """(selector) => {
  const found = [];
  document.querySelectorAll(selector).forEach(root => {
    root.querySelectorAll('a[href], button, summary, select').forEach(element => {
      if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) return;
      const box = element.getBoundingClientRect();
      if (!box.width || !box.height) return;
      element.dataset.probe = String(found.length);
      const name = (element.getAttribute('aria-label') || element.textContent || '')
        .replace(/\\s+/g, ' ').trim().slice(0, 60);
      found.push({
        probe: found.length, tag: element.tagName.toLowerCase(), name,
        href: element.getAttribute('href') || '',
        download: element.hasAttribute('download'),
        // Shown only when it has the keyboard's focus ("Back to the highlight").
        keyboard: box.width <= 1 || box.height <= 1,
        external: Boolean(element.href) && new URL(element.href).origin !== location.origin,
      });
    });
  });
  return found;
}"""

PAGE_STATE = """() => ({
  headers: document.querySelectorAll('.site-header').length,
  mains: document.querySelectorAll('main').length,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  title: document.title,
})"""


@dataclass(frozen=True)
class Setting:
    name: str
    viewport: dict
    signed_in: bool

    @property
    def phone(self) -> bool:
        return self.viewport is PHONE


SETTINGS = [
    Setting("desktop-signed-in", DESKTOP, True),
    Setting("desktop-signed-out", DESKTOP, False),
    Setting("phone-signed-in", PHONE, True),
    Setting("phone-signed-out", PHONE, False),
]


def open_toolbar(page, setting):
    (touch_select if setting.phone else drag_select)(page, WORDS)
    page.get_by_role("toolbar").wait_for()


def open_tools(page, setting):
    page.locator("summary", has_text="Reading tools").click()


def open_cards(page, setting):
    if setting.phone:
        page.locator("[data-open-drawer]").click()
        page.wait_for_timeout(300)  # the drawer's slide


# (where, the controls' container, how a reader gets them on screen)
PLACES = [
    ("toolbar", "[data-selection-toolbar]", open_toolbar),
    ("reader tools", "[data-reader-tools]", open_tools),
    ("note cards", "#notes .note-card", open_cards),
]


def signature(control: dict, note_ids: list[str]) -> tuple:
    """What a reader sees of a control, whichever note it belongs to."""
    href = control["href"]
    for public_id in note_ids:
        href = href.replace(public_id, "<id>")
    return (control["tag"], control["name"], href)


def press(page, control: dict) -> None:
    element = page.locator(f'[data-probe="{control["probe"]}"]').first
    if control["tag"] == "select":
        current = element.input_value()
        choices = element.evaluate(
            "select => Array.from(select.options).filter(o => !o.disabled).map(o => o.value)"
        )
        others = [value for value in choices if value != current]
        if others:  # a menu with one choice has nothing to press
            element.select_option(others[0])
    elif control["keyboard"]:
        element.focus()
        page.keyboard.press("Enter")
    elif control["download"]:
        response = page.request.get(element.get_attribute("href"))
        assert response.status < 400, f"{control['name']}: download answered {response.status}"
    else:
        element.click()


@pytest.fixture
def scene():
    return build_scene()


def undo_changes(scene, before: set[int]) -> None:
    """Put the scene back: new notes go to the trash, trashed scene notes come back."""
    for annotation in Annotation.objects.alive().exclude(pk__in=before):
        annotation_delete(annotation=annotation, user=annotation.author)
    for annotation in Annotation.objects.filter(pk__in=before, deleted_at__isnull=False):
        annotation_restore(annotation=annotation, user=annotation.author)


@pytest.mark.parametrize("setting", SETTINGS, ids=[setting.name for setting in SETTINGS])
def test_every_visible_control_on_the_reader_works(browser, live_server, sign_in, scene, setting):
    alive = set(Annotation.objects.alive().values_list("pk", flat=True))
    note_ids = list(Annotation.objects.values_list("public_id", flat=True))
    context = browser.new_context(
        base_url=live_server.url,
        viewport=setting.viewport,
        has_touch=setting.phone,
        is_mobile=setting.phone,
    )
    context.set_default_timeout(5_000)
    context.set_default_navigation_timeout(20_000)
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Elsewhere</p>"),
    )
    if setting.signed_in:
        sign_in(context, scene.alice)
    errors: list[str] = []  # uncaught JavaScript errors in any page of the context
    context.on("page", lambda opened: opened.on("pageerror", lambda e: errors.append(str(e))))
    url = scene.article.get_absolute_url()
    problems: list[str] = []
    pressed = 0
    for where, selector, get_there in PLACES:
        if where == "toolbar" and not setting.signed_in:
            continue
        seen: set[tuple] = set()
        index = 0
        while True:
            page = context.new_page()
            errors.clear()
            page.goto(url)
            get_there(page, setting)
            controls = page.evaluate(PROBE, selector)
            todo = [c for c in controls if signature(c, note_ids) not in seen]
            if index == 0:
                assert controls, f"{setting.name}: no controls in the {where}"
            if not todo:
                page.close()
                break
            control = todo[0]
            seen.add(signature(control, note_ids))
            label = f"{setting.name}, {where}: {control['tag']} “{control['name']}”"
            traffic = Traffic(page, everywhere=True)
            try:
                press(page, control)
                traffic.wait_quiet()
            except Exception as error:  # a control that cannot be pressed is a dead control
                problems.append(f"{label}: could not be pressed ({str(error).splitlines()[0]})")
            traffic.stop()
            problems += [f"{label}: {m} {u} answered {s}" for m, u, s in traffic.failures()]
            problems += [f"{label}: JavaScript error {message}" for message in errors]
            for shown in context.pages:
                if not shown.url.startswith(live_server.url):
                    continue  # another site (the stub)
                shown.wait_for_load_state("load")
                state = shown.evaluate(PAGE_STATE)
                if state["headers"] != 1 or state["mains"] != 1:
                    problems.append(f"{label}: a whole page was swapped into the page")
                if state["overflow"] > 0:
                    problems.append(f"{label}: the page scrolls sideways by {state['overflow']}px")
            for shown in context.pages:
                shown.close()
            undo_changes(scene, alive)
            pressed += 1
            index += 1
    context.close()
    assert problems == [], "\n".join(problems)
    assert pressed >= (12 if setting.signed_in else 8)
