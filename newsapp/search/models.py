"""The search index tables, as Django sees them: one row per indexed article, note, context
source and quotation, keyed by the indexed row's id in a column named `rowid`.

The tables themselves belong to the database engine (`schema.py` creates them in migrations and
database triggers keep them current on every write, bulk ones included): on PostgreSQL a table
of `tsvector`s with a GIN index, on SQLite an FTS5 virtual table. Django only needs to join
them, so these models are unmanaged and declare nothing but the key; `engines.py` reaches the
engine's own columns.
"""

from __future__ import annotations

from django.db import models


def _key(model: str) -> models.OneToOneField:
    return models.OneToOneField(
        model,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,  # the database triggers remove index rows
        related_name="search_entry",
    )


class ArticleEntry(models.Model):
    """An article's title (most weight), byline and source, and text."""

    article = _key("articles.Article")

    class Meta:
        managed = False
        db_table = "search_article"

    def __str__(self) -> str:
        return f"search index row {self.pk}"


class NoteEntry(models.Model):
    """A note or reply: its text, and the article words it marks."""

    annotation = _key("annotations.Annotation")

    class Meta:
        managed = False
        db_table = "search_note"

    def __str__(self) -> str:
        return f"search index row {self.pk}"


class SourceEntry(models.Model):
    """A context source attached to a note: title, address and excerpt."""

    source = _key("annotations.ContextSource")

    class Meta:
        managed = False
        db_table = "search_source"

    def __str__(self) -> str:
        return f"search index row {self.pk}"


class QuoteEntry(models.Model):
    """A quotation found in an article, with its speaker as written and as shown."""

    quote = _key("claims.Quote")

    class Meta:
        managed = False
        db_table = "search_quote"

    def __str__(self) -> str:
        return f"search index row {self.pk}"
