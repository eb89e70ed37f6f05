"""Seed a running stack's database for live tests and load runs; prints what it made as JSON.

    DATABASE_URL=... python -m bench.seed --readers 20 --rateable 20 --notes 1000

Makes ``readers`` signed-in readers (each with a session key and a CSRF secret to send as
cookies, so load clients need no log-in round trip), one article for the readers to write on
with ``rateable`` public claim notes by another reader, a public note to reply to, a private
note; for each ``--source-url`` an article "from the web" at that address (with a public and a
private note) that "Check for changes" fetches; and (``--notes``) a long article with that many
public notes beside its bare twin (the same text, no notes). Settings come from the
environment, as for ``manage.py``; the database must be migrated.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import string
from pathlib import Path

ARTICLE_BODY = """\
The river authority said on Thursday that the new weir at Halden Mill had cut peak flows \
downstream by a fifth during the March storms, the first full season since it opened.

“We designed it for a once-in-fifty-years flood, and it held through two storms in a week,” \
the authority's chief engineer, Ruth Amsel, told reporters at the site.

Farmers upstream dispute the figures. They say the weir keeps water on their fields for days \
longer than before, and that compensation promised in 2024 has not been paid.

The authority has commissioned an independent review, due in the autumn, and says it will \
publish the gauge readings from every station on the river by the end of the month.
"""

WORDS = [
    "river",
    "weir",
    "flood",
    "gauge",
    "storm",
    "field",
    "farmer",
    "review",
    "engineer",
    "reading",
    "station",
    "season",
]


def csrf_secret() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def signed_in(user, password: str) -> dict[str, str]:
    """A database session for user, as the log-in view would create it (and the password,
    for tests that sign in through the form)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "username": user.username,
        "password": password,
        "session": session.session_key,
        "csrf": csrf_secret(),
    }


def make_reader(username: str, *, with_password: bool) -> tuple:
    """A reader and their credentials; a usable password only when asked (hashing one takes
    most of a second: sessions are enough for everything but signing in through the form)."""
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(12) if with_password else ""
    user = get_user_model().objects.create_user(username, password=password or None)
    return user, signed_in(user, password)


def long_body(words: int, rng: random.Random) -> str:
    paragraphs, count = [], 0
    while count < words:
        length = rng.randint(40, 90)
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
        count += length
    return "\n\n".join(paragraphs)


def add_public_notes(article, authors, count: int, rng: random.Random) -> None:
    """Many overlapping public notes at once (the create service limits a reader per minute)."""
    from newsapp.annotations.models import Annotation
    from newsapp.text.anchoring import selector_for
    from newsapp.text.sanitize import render_note

    text = article.body_text
    note = "Context: the gauge readings are [published](https://example.org/gauges)."
    html = render_note(note)
    Annotation.objects.bulk_create(
        Annotation(
            article=article,
            author=rng.choice(authors),
            kind=rng.choice(["highlight", "note", "claim", "quote", "question"]),
            note=note,
            note_html=html,
            visibility="public",
            **selector_for(text, start, start + rng.randint(5, 300)),
        )
        for start in (rng.randrange(0, len(text) - 400) for _ in range(count))
    )
    article.mark_annotations_changed()  # the reader's cached page is stale now


def seed(
    *,
    readers: int,
    rateable: int,
    notes: int,
    sources: list[str],
    passwords: int = 0,
    body_file: str = "",
) -> dict:
    from newsapp.annotations.models import Kind, Visibility
    from newsapp.annotations.services import annotation_create
    from newsapp.articles.services import article_import

    rng = random.Random(1524)
    run = secrets.token_hex(3)
    author, author_credentials = make_reader(f"author-{run}", with_password=passwords > 0)

    def weir_article(title: str, source_url: str = ""):
        article = article_import(
            title=f"{title} ({run})", body=ARTICLE_BODY, body_format="markdown",
            source_url=source_url,
        )  # fmt: skip
        text = article.body_text
        sentences = [part.strip() + "." for part in text.split(".") if len(part.strip()) > 20]

        def annotate(exact: str, **fields):
            start = text.index(exact)
            return annotation_create(
                article=article, author=author, exact=exact, start=start,
                end=start + len(exact), **fields,
            )  # fmt: skip

        public = annotate(sentences[0], note="The weir opened last spring.")
        private = annotate(
            sentences[1], note="Private: check Amsel's figures.", visibility=Visibility.PRIVATE
        )
        described = {
            "slug": article.slug,
            "url": article.get_absolute_url(),
            "exacts": sentences,
            "public_note": public.public_id,
            "private_note": private.public_id,
        }
        return described, annotate

    article, annotate = weir_article("Weir cut flood peaks by a fifth, river authority says")
    sentences = article["exacts"]
    claims = [
        annotate(
            sentences[number % len(sentences)],
            kind=Kind.CLAIM,
            note=f"Context note {number}: see the gauge data.",
        )
        for number in range(rateable)
    ]
    result = {
        "article": article,
        "author": author_credentials,
        "readers": [
            make_reader(f"reader-{run}-{n}", with_password=n < passwords)[1] for n in range(readers)
        ],
        "rateable": [note.public_id for note in claims],
        "public_note": article["public_note"],
        "private_note": article["private_note"],
        # Articles "from the web" at the given addresses, each with a public and a private note.
        "sourced": [weir_article(f"Weir story from {url}", url)[0] for url in sources],
    }
    if notes:
        # Two articles with the same long text: one bare, one with `notes` public notes. The
        # text is ours, or a real article's plain text read from `body_file` (never stored in
        # the repository: the load run reads it from the shared corpora).
        if body_file:
            body, body_format = Path(body_file).read_text(encoding="utf-8"), "text"
        else:
            body, body_format = long_body(3_000, rng), "markdown"
        for key, count in (("bare", 0), ("annotated", notes)):
            long_read = article_import(
                title=f"A long read, {key} ({run})", body=body, body_format=body_format
            )
            add_public_notes(long_read, [author], count, rng)
            result[key] = {"slug": long_read.slug, "url": long_read.get_absolute_url()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rateable", type=int, default=20)
    parser.add_argument("--notes", type=int, default=0)
    parser.add_argument(
        "--source-url", action="append", default=[], help="an article from this address (repeat)"
    )
    parser.add_argument(
        "--passwords", type=int, default=0, help="give the first N readers (and the author) one"
    )
    parser.add_argument(
        "--body-file", default="", help="the long read's plain text (default: generated words)"
    )
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapp.settings")
    import django

    django.setup()
    print(
        json.dumps(
            seed(
                readers=arguments.readers,
                rateable=arguments.rateable,
                notes=arguments.notes,
                sources=arguments.source_url,
                passwords=arguments.passwords,
                body_file=arguments.body_file,
            )
        )
    )


if __name__ == "__main__":
    main()
