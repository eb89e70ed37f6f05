"""The search index: unmanaged models for Django's joins, and the engine's own tables and
triggers (FTS5 on SQLite, tsvector tables with GIN indexes and pg_trgm on PostgreSQL), each
installed only on its engine. See newsapp/search/schema.py."""

import django.db.models.deletion
from django.db import migrations, models


def install_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from newsapp.search.schema import install_sqlite

        install_sqlite(schema_editor.connection)


def uninstall_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from newsapp.search.schema import uninstall_sqlite

        uninstall_sqlite(schema_editor.connection)


def install_postgres_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from newsapp.search.schema import install_postgres

        install_postgres(schema_editor.connection)


def uninstall_postgres_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from newsapp.search.schema import uninstall_postgres

        uninstall_postgres(schema_editor.connection)


def key(model):
    return models.OneToOneField(
        db_column="rowid",
        db_constraint=False,
        on_delete=django.db.models.deletion.DO_NOTHING,
        primary_key=True,
        related_name="search_entry",
        serialize=False,
        to=model,
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("annotations", "0001_initial"),
        ("articles", "0004_revision_followed"),
        ("claims", "0003_quote_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleEntry",
            fields=[("article", key("articles.article"))],
            options={"db_table": "search_article", "managed": False},
        ),
        migrations.CreateModel(
            name="NoteEntry",
            fields=[("annotation", key("annotations.annotation"))],
            options={"db_table": "search_note", "managed": False},
        ),
        migrations.CreateModel(
            name="SourceEntry",
            fields=[("source", key("annotations.contextsource"))],
            options={"db_table": "search_source", "managed": False},
        ),
        migrations.CreateModel(
            name="QuoteEntry",
            fields=[("quote", key("claims.quote"))],
            options={"db_table": "search_quote", "managed": False},
        ),
        migrations.RunPython(install_sqlite_index, uninstall_sqlite_index, elidable=False),
        migrations.RunPython(install_postgres_index, uninstall_postgres_index, elidable=False),
    ]
