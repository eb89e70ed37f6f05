"""The fetch guard refuses every loopback form, through the views that fetch (import by
address, subscribe to a feed) and not only at the fetch function."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsapp.articles.models import Article, Feed

pytestmark = pytest.mark.django_db

LOOPBACK_FORMS = [
    "http://127.0.0.1/", "http://127.1/", "http://127.0.0.1.:8000/", "http://2130706433/",
    "http://0x7f000001/", "http://0x7f.1/", "http://017700000001/", "http://0177.0.0.1/",
    "http://127.255.255.254/", "http://0.0.0.0/", "http://0/", "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[::]/", "http://localhost/", "http://LOCALHOST./", "http://user:pw@127.0.0.1/",
]  # fmt: skip


@pytest.fixture(autouse=True)
def guard_on(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = False
    settings.GLOSS_FETCH_TIMEOUT = 2.0


@pytest.mark.parametrize("url", LOOPBACK_FORMS)
def test_importing_a_loopback_address_is_refused(signed_in, url):
    response = signed_in.post(reverse("articles:new_from_url"), {"url": url})
    assert response.status_code == 400
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", LOOPBACK_FORMS)
def test_subscribing_to_a_loopback_feed_is_refused(signed_in, url):
    response = signed_in.post(reverse("articles:feeds"), {"url": url})
    assert response.status_code == 400
    assert not Feed.objects.exists()
