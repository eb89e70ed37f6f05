from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_staff_manage_articles_in_the_admin(client):
    admin = get_user_model().objects.create_superuser("editor", password="harbour-lights-22")
    article = make_article(title="Admin visible story")
    client.force_login(admin)
    listing = client.get(reverse("admin:articles_article_changelist"), {"q": "Admin visible"})
    assert listing.status_code == 200
    assert "Admin visible story" in listing.content.decode()
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert change.status_code == 200
    assert "revision" in change.content.decode().lower()


def test_the_admin_is_closed_to_readers(client):
    client.force_login(get_user_model().objects.create_user("reader", password="x-long-password"))
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
