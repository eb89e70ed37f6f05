"""Reading search results the way a caller of the search module does."""

from __future__ import annotations

from newsapp.search.service import search


def found(user, text: str, group: str = "") -> dict[str, list]:
    """{group name: the rows found, best first} for every group that found something."""
    results = search(user=user, text=text, group=group)
    return {g.name: [hit.obj for hit in g.hits] for g in results.groups if g.hits}


def counts(user, text: str) -> dict[str, int]:
    results = search(user=user, text=text)
    return {g.name: g.count for g in results.groups}


def everything_shown(user, text: str) -> str:
    """All the text a reader is shown for a search: titles, excerpts, counts, suggestion."""
    results = search(user=user, text=text)
    parts = [results.suggestion, *results.notices]
    for group in results.groups:
        parts.append(f"{group.label} {group.shown_count}")
        for hit in group.hits:
            parts.extend([str(hit.title), str(hit.excerpt), str(hit.quoted), hit.url])
    return "\n".join(parts)
