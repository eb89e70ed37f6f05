from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsapp.moderation import services
from tests.factories import make_annotation, make_article, make_group, make_user

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "groups_group",
    "groups_invite",
    "groups_readinglistentry",
    "moderation_moderationaction",
    "moderation_report",
    "moderation_restriction",
]


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_the_admin_lists_groups_and_moderation_records(client, changelist):
    admin = get_user_model().objects.create_superuser("admin", password="x")
    author = make_user()
    make_group(owner=author, name="Listed desk")
    note = make_annotation(article=make_article(), author=author, note="listed note")
    services.report_create(annotation=note, reporter=make_user(), reason="spam")
    services.note_hide(annotation=note, moderator=admin, reason="spam")
    client.force_login(admin)
    response = client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200


def test_the_audit_log_cannot_be_edited_in_the_admin(client):
    admin = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(admin)
    assert client.get(reverse("admin:moderation_moderationaction_add")).status_code == 403
