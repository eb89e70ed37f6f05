"""Reading the reader page the way its script does: the article body and its marks."""

from __future__ import annotations

import re

BODY = re.compile(r"<div [^>]*\bdata-article-body\b[^>]*>")
NOTE_KEYS = re.compile(r'data-note-keys="([^"]*)"')
MARK = re.compile(r"<mark ([^>]*)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def article_body(page: str) -> str:
    """The inner HTML of the article body (it holds no <div>: marks and article markup only)."""
    opening = BODY.search(page)
    assert opening, "no article body on this page"
    return page[opening.end() : page.index("</div>", opening.end())]


def marks(page: str) -> list[dict[str, str | list[str]]]:
    """Each mark's attributes, and `notes`: the public ids its `data-ids` stand for."""
    opening = BODY.search(page)
    keys = NOTE_KEYS.search(opening.group()).group(1).split() if opening else []
    found = []
    for attributes in MARK.findall(article_body(page)):
        mark: dict[str, str | list[str]] = dict(ATTRIBUTE.findall(attributes))
        mark["notes"] = [keys[int(n)] for n in str(mark.get("data-ids", "")).split()]
        found.append(mark)
    return found


def marked_note_ids(page: str) -> set[str]:
    """The public ids of every note marked in the article body."""
    return {public_id for mark in marks(page) for public_id in mark["notes"]}
