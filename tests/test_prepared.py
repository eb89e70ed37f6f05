"""A lookup compiled once answers as its queryset does, in one query, with Python values."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import annotation_delete
from newsapp.prepared import PreparedLookup
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

SIGNED_OUT_VIA_LINK = PreparedLookup(
    lambda public_id: (
        Annotation.objects.visible_to(None, via_link=True).filter(public_id=public_id).order_by()
    ),
    ("public_id", "note", "created_at", "article", "article__title", "article__updated_at"),
)


@pytest.fixture
def article():
    return make_article(title="Ferry timetable")


@pytest.fixture
def author():
    return make_user("ines")


def test_it_finds_what_its_queryset_finds_and_nothing_else(article, author):
    public = make_annotation(article=article, author=author, note="Open.", visibility="public")
    unlisted = make_annotation(article=article, author=author, note="Link.", visibility="unlisted")
    private = make_annotation(article=article, author=author, note="Mine.", visibility="private")
    trashed = make_annotation(article=article, author=author, note="Gone.", visibility="public")
    annotation_delete(annotation=trashed, user=author)

    found = {
        note.public_id: SIGNED_OUT_VIA_LINK.row(note.public_id)
        for note in (public, unlisted, private, trashed)
    }
    assert found[private.public_id] is None
    assert found[trashed.public_id] is None
    assert found[public.public_id]["note"] == "Open."
    assert found[unlisted.public_id]["note"] == "Link."
    assert SIGNED_OUT_VIA_LINK.row("no-such-note") is None


def test_a_row_has_the_values_the_orm_gives_in_one_query(article, author):
    note = make_annotation(article=article, author=author, note="Open.", visibility="public")
    SIGNED_OUT_VIA_LINK.row(note.public_id)  # compiled on first use
    with CaptureQueriesContext(connection) as queries:
        row = SIGNED_OUT_VIA_LINK.row(note.public_id)
    assert len(queries) == 1
    assert row == Annotation.objects.filter(pk=note.pk).values(*SIGNED_OUT_VIA_LINK.fields).get()
    assert row["created_at"].tzinfo is not None  # SQLite's text came back as a datetime


def test_an_instance_carries_its_related_row_with_the_rest_deferred(article, author):
    note = make_annotation(article=article, author=author, note="Open.", visibility="public")
    found = SIGNED_OUT_VIA_LINK.instance(note.public_id)
    assert (found.public_id, found.note, found.article_id) == (note.public_id, "Open.", article.pk)
    assert (found.article.pk, found.article.title) == (article.pk, "Ferry timetable")
    assert found.get_deferred_fields() >= {"id", "exact", "visibility"}
    assert found.article.get_deferred_fields() >= {"body_text", "slug"}


def test_a_value_that_never_reaches_the_sql_is_refused():
    ignores_its_value = PreparedLookup(lambda value: Annotation.objects.all(), ("public_id",))
    with pytest.raises(ValueError, match="must reach the SQL as a parameter"):
        ignores_its_value.row("anything")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_on_postgresql_the_lookup_is_prepared_once_on_the_server(article, author):
    note = make_annotation(article=article, author=author, note="Open.", visibility="public")
    for _ in range(3):
        assert SIGNED_OUT_VIA_LINK.row(note.public_id)["note"] == "Open."
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
            " AND statement LIKE %s AND statement LIKE %s",
            [  # this lookup's statement: its value bound on the server ($n), its own columns
                '%"annotations_annotation"."public_id" = $%',
                '%"annotations_annotation"."created_at"%',
                '%"articles_article"."title"%',
            ],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == 1
