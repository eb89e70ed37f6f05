"""The search index inside the database: its tables, the triggers that keep it current, and its
repair. Migrations install it; `repair` puts back triggers another migration removed.

Database triggers, not Python, follow every write (services, imports, bulk inserts, updates
and deletes alike), so no write path can forget the index and no app below `search` has to
know it exists.

- PostgreSQL: one table per kind of thing, `(rowid, config, vector tsvector)` with a GIN index,
  written by statement-level triggers (one set-based statement per insert, bulk or not). The
  text search configuration comes from the article's language (`search_config`), for the
  article and for the notes, sources and quotations on it. `search_word` is the vocabulary of
  article titles and texts (never of notes, which may be private) with a trigram index, for
  "did you mean". Speaker and tag names get trigram indexes too.
- SQLite: FTS5 tables (`porter unicode61 remove_diacritics 2`). Articles, notes and sources are
  external-content tables over their own rows (nothing copied); quotations store their text
  and speaker name, which lives in another table. Row triggers follow writes.
"""

from __future__ import annotations

from django.db import connections

# index table -> the table it follows, and the columns whose change changes what is indexed
FOLLOWED = {
    "search_article": (
        "articles_article",
        ("title", "byline", "source_name", "body_text", "language"),
    ),
    "search_note": ("annotations_annotation", ("note", "exact", "article_id")),
    "search_source": ("annotations_contextsource", ("title", "url", "excerpt", "annotation_id")),
    "search_quote": (
        "claims_quote",
        ("text", "speaker_as_written", "shown_speaker_id", "article_id"),
    ),
}

# Article.language (a BCP 47 tag, "en-GB") -> PostgreSQL text search configuration; languages
# without one (and configurations a server lacks) use "simple": words as written, no stemming.
LANGUAGE_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip

# Text past this many characters is not indexed (a tsvector holds at most 1 MB; no news article
# comes near it).
INDEXED_CHARS = 200_000


# --- PostgreSQL ---------------------------------------------------------------------------------

# What each index row holds, as a SELECT over the followed rows (`{rows}`: the table itself, or
# a trigger's transition table).
_PG_ROWS = {
    "search_article": """
        SELECT a.id, c.cfg,
               search_words(c.cfg, a.title, 'A')
            || search_words(c.cfg, concat_ws(' ', a.byline, a.source_name), 'B')
            || search_words(c.cfg, a.body_text, 'D')
        FROM {rows} a CROSS JOIN LATERAL (SELECT search_config(a.language) AS cfg) c""",
    "search_note": """
        SELECT n.id, c.cfg,
               search_words(c.cfg, n.note, 'A') || search_words(c.cfg, n.exact, 'C')
        FROM {rows} n JOIN articles_article a ON a.id = n.article_id
        CROSS JOIN LATERAL (SELECT search_config(a.language) AS cfg) c""",
    "search_source": """
        SELECT s.id, c.cfg,
               search_words(c.cfg, s.title, 'A')
            || search_words(c.cfg, concat_ws(' ', s.url,
                                             regexp_replace(s.url, '[^[:alnum:]]+', ' ', 'g')), 'B')
            || search_words(c.cfg, s.excerpt, 'C')
        FROM {rows} s JOIN annotations_annotation n ON n.id = s.annotation_id
        JOIN articles_article a ON a.id = n.article_id
        CROSS JOIN LATERAL (SELECT search_config(a.language) AS cfg) c""",
    "search_quote": """
        SELECT q.id, c.cfg,
               search_words(c.cfg, q.text, 'A')
            || search_words(c.cfg, concat_ws(' ', q.speaker_as_written, sp.name), 'B')
        FROM {rows} q JOIN articles_article a ON a.id = q.article_id
        LEFT JOIN claims_speaker sp ON sp.id = q.shown_speaker_id
        CROSS JOIN LATERAL (SELECT search_config(a.language) AS cfg) c""",
}
# The rows on an article whose index rows carry its language (refreshed when it changes).
_PG_ON_ARTICLE = {
    "search_note": "n.article_id",
    "search_source": "n.article_id",
    "search_quote": "q.article_id",
}
_UPSERT = "ON CONFLICT (rowid) DO UPDATE SET config = EXCLUDED.config, vector = EXCLUDED.vector"
# The vocabulary for "did you mean": words of article titles and texts only.
_PG_VOCABULARY = """
    INSERT INTO search_word (word)
    SELECT DISTINCT w.word
    FROM {rows} a,
         unnest(tsvector_to_array(to_tsvector('simple',
             left(concat_ws(' ', a.title, a.body_text), INDEXED_CHARS)))) AS w(word)
    WHERE w.word ~ '^[[:alpha:]]{{3,32}}$'
    ON CONFLICT DO NOTHING""".replace("INDEXED_CHARS", str(INDEXED_CHARS))


def _pg_config_function(available: set[str]) -> str:
    cases = "\n".join(
        f"        WHEN '{code}' THEN '{config}'::regconfig"
        for code, config in sorted(LANGUAGE_CONFIGS.items())
        if config in available
    )
    return f"""
    CREATE OR REPLACE FUNCTION search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE regexp_replace(lower(coalesce(language, '')), '[-_].*$', '')
{cases}
        ELSE 'simple'::regconfig END
    $$"""


_PG_FUNCTIONS = f"""
    CREATE OR REPLACE FUNCTION search_words(config regconfig, content text, weight "char")
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector(config, left(coalesce(content, ''), {INDEXED_CHARS})), weight)
    $$;
    CREATE OR REPLACE FUNCTION search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('TRUNCATE %I', TG_ARGV[0]);
      RETURN NULL;
    END $$;
"""


def _pg_changed_rows(index: str) -> str:
    columns = FOLLOWED[index][1]
    new = ", ".join(f"n.{column}" for column in columns)
    old = ", ".join(f"o.{column}" for column in columns)
    return (
        f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({new}) IS DISTINCT FROM ({old}))"
    )


def _pg_trigger_function(index: str) -> str:
    """One function per followed table, for its INSERT, UPDATE and DELETE statement triggers
    (their transition tables are `new_rows` and `old_rows`)."""
    rows = _PG_ROWS[index]
    inserted = (
        f"INSERT INTO {index} (rowid, config, vector) {rows.format(rows='new_rows')} {_UPSERT};"
    )
    changed_rows = _pg_changed_rows(index)
    updated = (
        f"INSERT INTO {index} (rowid, config, vector) {rows.format(rows=changed_rows)} {_UPSERT};"
    )
    extra_insert = extra_update = ""
    if index == "search_article":
        extra_insert = _PG_VOCABULARY.format(rows="new_rows") + ";"
        extra_update = _PG_VOCABULARY.format(rows=changed_rows) + ";"
        relanguaged = (
            "(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
            "WHERE search_config(n.language) <> search_config(o.language))"
        )
        for other, article_column in _PG_ON_ARTICLE.items():
            table = FOLLOWED[other][0]
            extra_update += (
                f"\n      INSERT INTO {other} (rowid, config, vector) "
                f"{_PG_ROWS[other].format(rows=table)} "
                f"WHERE {article_column} IN {relanguaged} {_UPSERT};"
            )
    return f"""
    CREATE OR REPLACE FUNCTION {index}_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {inserted}
        {extra_insert}
      ELSIF TG_OP = 'UPDATE' THEN
        {updated}
        {extra_update}
      ELSE
        DELETE FROM {index} WHERE rowid IN (SELECT id FROM old_rows);
      END IF;
      RETURN NULL;
    END $$"""


def _pg_triggers(index: str) -> list[str]:
    table = FOLLOWED[index][0]
    follow = f"FOR EACH STATEMENT EXECUTE FUNCTION {index}_follow()"
    statements = [
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name in (f"{index}_insert", f"{index}_update", f"{index}_delete", f"{index}_truncate")
    ]
    return [
        *statements,
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows {follow}",
        f"CREATE TRIGGER {index}_update AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {follow}",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows {follow}",
        f"CREATE TRIGGER {index}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION search_truncate('{index}')",
    ]


def _pg_install(cursor, index: str) -> None:
    cursor.execute(_pg_trigger_function(index))
    for statement in _pg_triggers(index):
        cursor.execute(statement)


def _pg_rebuild(cursor, index: str) -> None:
    table = FOLLOWED[index][0]
    cursor.execute(f"TRUNCATE {index}")
    cursor.execute(
        f"INSERT INTO {index} (rowid, config, vector) {_PG_ROWS[index].format(rows=table)}"
    )
    if index == "search_article":
        cursor.execute(_PG_VOCABULARY.format(rows=table))


def install_postgres(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        available = {name for (name,) in cursor.fetchall()}
        cursor.execute(_pg_config_function(available))
        cursor.execute(_PG_FUNCTIONS)
        for index in FOLLOWED:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {index} "
                "(rowid bigint PRIMARY KEY, config regconfig NOT NULL, vector tsvector NOT NULL)"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index}_vector ON {index} USING gin (vector)"
            )
        cursor.execute("CREATE TABLE IF NOT EXISTS search_word (word text PRIMARY KEY)")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_word_trgm ON search_word "
            "USING gin (word gin_trgm_ops)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_speaker_name_trgm ON claims_speaker "
            "USING gin (name gin_trgm_ops)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_tag_name_trgm ON annotations_tag "
            "USING gin (name gin_trgm_ops)"
        )
        for index in FOLLOWED:
            _pg_install(cursor, index)
            _pg_rebuild(cursor, index)


def uninstall_postgres(connection) -> None:
    with connection.cursor() as cursor:
        for index, (table, _) in FOLLOWED.items():
            for trigger in ("insert", "update", "delete", "truncate"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {index}_{trigger} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {index}_follow()")
            cursor.execute(f"DROP TABLE IF EXISTS {index}")
        cursor.execute("DROP TABLE IF EXISTS search_word")
        cursor.execute("DROP INDEX IF EXISTS search_speaker_name_trgm")
        cursor.execute("DROP INDEX IF EXISTS search_tag_name_trgm")
        cursor.execute("DROP FUNCTION IF EXISTS search_truncate()")
        cursor.execute('DROP FUNCTION IF EXISTS search_words(regconfig, text, "char")')
        cursor.execute("DROP FUNCTION IF EXISTS search_config(text)")


# --- SQLite -------------------------------------------------------------------------------------

_TOKENIZER = "porter unicode61 remove_diacritics 2"
# index -> (its FTS5 columns, the value each column takes from a row `{row}` of the followed
# table); external-content tables name the followed table's own columns.
_FTS_COLUMNS = {
    "search_article": ("title", "byline", "source_name", "body_text"),
    "search_note": ("note", "exact"),
    "search_source": ("title", "url", "excerpt"),
}
# Quotations keep their own copy: the speaker's name is in another table.
_QUOTE_SPEAKER = (
    "trim(coalesce({row}.speaker_as_written, '') || ' ' || "
    "coalesce((SELECT name FROM claims_speaker WHERE id = {row}.shown_speaker_id), ''))"
)


def _sqlite_table(index: str) -> str:
    if index == "search_quote":
        return (
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_quote "
            f"USING fts5(text, speaker, tokenize='{_TOKENIZER}')"
        )
    table = FOLLOWED[index][0]
    columns = ", ".join(_FTS_COLUMNS[index])
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({columns}, "
        f"content='{table}', content_rowid='id', tokenize='{_TOKENIZER}')"
    )


def _sqlite_write(index: str, row: str, *, delete: bool) -> str:
    """The statement that adds (or, `delete`, removes) the index entry of `row` (new/old)."""
    if index == "search_quote":
        if delete:
            return f"DELETE FROM search_quote WHERE rowid = {row}.id;"
        speaker = _QUOTE_SPEAKER.format(row=row)
        return (
            "INSERT INTO search_quote (rowid, text, speaker) "
            f"VALUES ({row}.id, {row}.text, {speaker});"
        )
    columns = _FTS_COLUMNS[index]
    values = ", ".join(f"{row}.{column}" for column in columns)
    if delete:
        # An external-content table forgets a row given the values it indexed.
        return (
            f"INSERT INTO {index} ({index}, rowid, {', '.join(columns)}) "
            f"VALUES ('delete', {row}.id, {values});"
        )
    return f"INSERT INTO {index} (rowid, {', '.join(columns)}) VALUES ({row}.id, {values});"


def _sqlite_triggers(index: str) -> dict[str, str]:
    table, followed = FOLLOWED[index]
    watched = ", ".join(column for column in followed if column not in {"language", "article_id"})
    add = _sqlite_write(index, "new", delete=False)
    remove = _sqlite_write(index, "old", delete=True)
    create = "CREATE TRIGGER IF NOT EXISTS"
    return {
        f"{index}_insert": f"{create} {index}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"{index}_delete": f"{create} {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"{index}_update": (
            f"{create} {index}_update AFTER UPDATE OF {watched} ON {table} BEGIN {remove} {add} END"
        ),
    }


def _sqlite_rebuild(cursor, index: str) -> None:
    if index == "search_quote":
        cursor.execute("DELETE FROM search_quote")
        speaker = _QUOTE_SPEAKER.format(row="q")
        cursor.execute(
            f"INSERT INTO search_quote (rowid, text, speaker) SELECT q.id, q.text, {speaker} "
            "FROM claims_quote q"
        )
    else:
        cursor.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")


def install_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for index in FOLLOWED:
            cursor.execute(_sqlite_table(index))
            for statement in _sqlite_triggers(index).values():
                cursor.execute(statement)
            _sqlite_rebuild(cursor, index)


def uninstall_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for index in FOLLOWED:
            for name in _sqlite_triggers(index):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {index}")


# --- repair -------------------------------------------------------------------------------------


def _existing(connection) -> tuple[set[str], set[str]]:
    """(index tables present, triggers present) in this database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')"
            )
        else:
            cursor.execute(
                "SELECT 'table', tablename FROM pg_tables WHERE schemaname = current_schema() "
                "UNION ALL SELECT 'trigger', tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        rows = cursor.fetchall()
    return {name for kind, name in rows if kind == "table"}, {
        name for kind, name in rows if kind == "trigger"
    }


def _expected_triggers(vendor: str, index: str) -> set[str]:
    if vendor == "sqlite":
        return set(_sqlite_triggers(index))
    return {f"{index}_{name}" for name in ("insert", "update", "delete", "truncate")}


def repair(connection) -> list[str]:
    """Put back the triggers of any index whose triggers are missing, and rebuild that index
    (writes may have happened without them). Returns the indexes repaired."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        return []
    tables, triggers = _existing(connection)
    repaired = []
    for index in FOLLOWED:
        if index not in tables or _expected_triggers(connection.vendor, index) <= triggers:
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in _sqlite_triggers(index).values():
                    cursor.execute(statement)
                _sqlite_rebuild(cursor, index)
            else:
                _pg_install(cursor, index)
                _pg_rebuild(cursor, index)
        repaired.append(index)
    return repaired


def rebuild(connection) -> None:
    """Rebuild every index from the rows it follows (`manage.py search_rebuild`)."""
    with connection.cursor() as cursor:
        for index in FOLLOWED:
            if connection.vendor == "sqlite":
                _sqlite_rebuild(cursor, index)
            elif connection.vendor == "postgresql":
                _pg_rebuild(cursor, index)


def repair_after_migrate(sender, using: str = "default", **kwargs) -> None:
    if sender.label == "search":
        repair(connections[using])
