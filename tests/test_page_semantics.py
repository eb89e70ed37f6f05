"""What assistive technology finds in every page's HTML: no empty alerts, one live region for
toasts, named highlight marks. (The browser gate, tests/browser/test_accessibility.py, runs
axe-core on the rendered pages.)"""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from tests.scenes import build_scene, pages

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """Every page of the scene, rendered once for the module (signed out, or as alice)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            scene = build_scene()
            anonymous, alice = Client(), Client()
            alice.force_login(scene.alice)
            documents = {}
            for visit in pages(scene):
                response = (alice if visit.signed_in else anonymous).get(visit.path)
                assert response.status_code == 200, visit.name
                documents[visit.name] = lxml.html.fromstring(response.content)
            transaction.set_rollback(True)
    return documents


def test_no_page_has_an_empty_alert(rendered):
    empty = {
        name: [lxml.html.tostring(element).decode() for element in found]
        for name, document in rendered.items()
        if (
            found := [
                element
                for element in document.xpath('//*[@role="alert"]')
                if not element.text_content().strip()
            ]
        )
    }
    assert empty == {}


@pytest.mark.parametrize("name", ["reader", "reader-signed-in", "permalink", "my-notes"])
def test_a_page_has_one_polite_live_region_for_toasts(rendered, name):
    regions = rendered[name].xpath('//*[@aria-live or @role="status" or @role="log"]')
    assert [region.get("id") for region in regions] == ["toast"]


def test_every_highlight_mark_that_takes_focus_is_named(rendered):
    stops = rendered["reader-signed-in"].xpath("//mark[@tabindex]")
    assert len(stops) >= 4
    assert [mark.get("aria-label") for mark in stops if not mark.get("aria-label")] == []


def test_a_marks_name_says_what_it_is_and_whose(rendered):
    names = [mark.get("aria-label") for mark in rendered["reader-signed-in"].xpath("//mark[@id]")]
    assert "Claim by alice" in names
