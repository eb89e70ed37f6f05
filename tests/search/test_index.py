"""The index follows every write: the app's services, bulk inserts, updates and deletes, on
both engines (the suite runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from newsapp.annotations import services
from newsapp.annotations.models import Annotation
from newsapp.annotations.services import SourceInput
from newsapp.articles.models import Article
from newsapp.articles.revisions import article_revise
from newsapp.claims.models import Quote
from newsapp.claims.services import attribution_correct
from newsapp.search import schema
from newsapp.search.models import ArticleEntry, NoteEntry
from tests.claims.factories import make_quoted_article
from tests.factories import make_annotation, make_article, make_user
from tests.search.helpers import found

pytestmark = pytest.mark.django_db


def test_an_imported_article_is_found_by_title_byline_source_and_text():
    article = make_article(
        title="Harbour dredging plan approved",
        byline="By Tomasz Wierzbicki",
        source_name="Quayside",
    )
    for words in ("dredging", "Wierzbicki", "Quayside", "patching structure"):
        assert found(None, words).get("articles") == [article], words


def test_words_are_found_in_other_forms():
    article = make_article(title="Councillors voted", body="The councils are voting on bridges.")
    assert found(None, "council vote bridge")["articles"] == [article]


def test_a_new_revision_replaces_the_old_words():
    article = make_article(body="The ferry timetable was cut.")
    article_revise(
        article=article, title=article.title, body="The tram timetable was cut.", body_format="text"
    )
    assert "articles" not in found(None, "ferry")
    assert found(None, "tram")["articles"] == [article]


def test_bulk_inserts_and_queryset_updates_are_indexed():
    Article.objects.bulk_create(
        [Article(title=f"Lighthouse keeper {n}", slug=f"keeper-{n}", body_text="") for n in (1, 2)]
    )
    Article.objects.filter(slug="keeper-2").update(title="Foghorn repairs")
    assert [a.slug for a in found(None, "lighthouse")["articles"]] == ["keeper-1"]
    assert [a.slug for a in found(None, "foghorn")["articles"]] == ["keeper-2"]


def test_deleting_an_article_removes_it_and_its_notes_from_the_index():
    article = make_article()
    note = make_annotation(article=article, author=make_user(), note="Silt surveys")
    article.delete()
    assert not ArticleEntry.objects.filter(pk=article.pk).exists()
    assert not NoteEntry.objects.filter(pk=note.pk).exists()


def test_notes_follow_create_edit_trash_restore_and_delete():
    author = make_user()
    note = make_annotation(article=make_article(), author=author, note="Tidal gauges disagree")
    assert found(None, "tidal gauges")["notes"] == [note]

    services.annotation_update(
        annotation=note, user=author, note="Rain gauges", kind="note", visibility="public",
        tags=[], sources=[],
    )  # fmt: skip
    assert "notes" not in found(None, "tidal")
    assert found(None, "rain gauges")["notes"] == [note]

    services.annotation_delete(annotation=note, user=author)
    assert "notes" not in found(author, "rain")
    services.annotation_restore(annotation=note, user=author)
    assert found(author, "rain")["notes"] == [note]

    Annotation.objects.filter(pk=note.pk).delete()
    assert not NoteEntry.objects.filter(pk=note.pk).exists()


def test_a_note_is_found_by_the_article_words_it_marks():
    article = make_article()
    note = make_annotation(article=article, author=make_user(), exact="84 million euros")
    assert found(None, "million euros")["notes"] == [note]


def test_replies_are_found():
    parent = make_annotation(article=make_article(), author=make_user(), note="A first note")
    reply = services.reply_create(parent=parent, author=make_user(), note="Sluice gates leak")
    assert found(None, "sluice")["notes"] == [reply]


def test_context_sources_follow_their_note():
    author = make_user()
    note = make_annotation(
        article=make_article(),
        author=author,
        sources=[SourceInput(url="https://audits.example/harbour", title="Harbour audit 2025")],
    )
    (source,) = note.sources.all()
    assert found(None, "harbour audit")["sources"] == [source]
    assert found(None, "audits.example")["sources"] == [source]

    services.annotation_update(
        annotation=note, user=author, note="", kind="note", visibility="public", tags=[],
        sources=[SourceInput(url="https://survey.example/", title="Seabed survey")],
    )  # fmt: skip
    assert "sources" not in found(None, "harbour audit")
    assert [s.title for s in found(None, "seabed")["sources"]] == ["Seabed survey"]


def test_quotes_are_found_by_words_and_speaker_and_follow_corrections():
    article = make_quoted_article()
    quote = Quote.objects.get(article=article, text__startswith="A pause in shelling")
    assert found(None, "pause shelling")["quotes"] == [quote]
    assert quote in found(None, "Šťastný")["quotes"]

    for reader in (make_user(), make_user()):  # two readers overturn the machine's guess
        attribution_correct(quote=quote, reader=reader, speaker_name="Ilse Marchetti")
    assert found(None, "Marchetti")["quotes"] == [quote]


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        for index, (table, _) in schema.FOLLOWED.items():
            for kind in ("insert", "update", "delete", "truncate"):
                if connection.vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {index}_{kind}")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {index}_{kind} ON {table}")


def test_repair_puts_back_dropped_triggers_and_indexes_what_was_written_meanwhile():
    """What SQLite does to a table another app's migration alters (it rebuilds the table and
    its triggers go with it); the post_migrate hook runs this repair after every migrate."""
    drop_triggers()
    article = make_article(title="Breakwater extension")
    assert "articles" not in found(None, "breakwater")

    assert set(schema.repair(connection)) == set(schema.FOLLOWED)
    assert found(None, "breakwater")["articles"] == [article]
    later = make_article(title="Breakwater lights")
    assert later in found(None, "breakwater")["articles"]
    assert schema.repair(connection) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="language configurations are PostgreSQL's"
)
def test_postgresql_reads_each_article_in_its_language():
    french = make_article(
        title="Les élections municipales", body="Les électeurs ont voté.", language="fr"
    )
    english = make_article(title="Elections held", body="Voters voted.", language="en")
    assert found(None, "élection")["articles"] == [french]
    assert found(None, "election")["articles"] == [english]


def test_the_rebuild_command_puts_back_triggers_and_rebuilds():
    drop_triggers()
    article = make_article(title="Breakwater extension")
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert "Search index rebuilt" in out.getvalue()
    assert found(None, "breakwater")["articles"] == [article]
    assert schema.repair(connection) == []
