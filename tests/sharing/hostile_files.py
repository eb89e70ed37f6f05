"""Uploads an attacker would try on the import: builders of W3C JSON, each hostile in one way.

Used by the tests (small and five-megabyte files) and by bench/bench_hostile_imports.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from newsapp.sharing.w3c.reading import MAX_IMPORT_BYTES

BODY = """\
The harbour ferries leave every forty minutes from May, instead of every half hour.

The council says the last crossing moves from midnight to eleven, and the night bus will wait.

Residents near the quay asked for a later boat on Fridays; the operator will answer in June.
"""
WORDS = [
    "ferries",
    "harbour",
    "crossing",
    "council",
    "quay",
    "residents",
    "boat",
    "operator",
    "night",
    "bus",
]


def annotation(exact: str, **changes) -> dict:
    """A W3C annotation quoting ``exact``; a change to None removes that key."""
    document = {
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "A note"},
        "target": {
            "source": "https://ferries.example/timetable",
            "selector": {"type": "TextQuoteSelector", "exact": exact},
        },
    }
    document.update(changes)
    return {key: value for key, value in document.items() if value is not None}


def with_body(document: dict, links: list[str]) -> dict:
    """``document`` with one linking body per link."""
    return document | {
        "body": [
            {"type": "SpecificResource", "source": link, "purpose": "linking"} for link in links
        ]
    }


def orphans(count: int, *, notes: bool = False) -> list[dict]:
    """Annotations whose words are nowhere in BODY, each with a distinct note if asked."""
    return [
        annotation(
            f"zq{number} vlx wrt pkk",
            body={"type": "TextualBody", "value": f"Orphan {number}: where did *this* go?"}
            if notes
            else None,
        )
        for number in range(count)
    ]


def _fill(
    item: Callable[[int], dict], budget: int = MAX_IMPORT_BYTES - 4096, most: int = 2000
) -> bytes:
    """A JSON list of ``item(n)`` for n = 0, 1, ... while it fits in ``budget`` bytes and
    holds at most ``most`` items (what one upload takes)."""
    parts, size, number = [], 2, 0
    while True:
        part = json.dumps(item(number))
        if size + len(part) + 2 > budget or number == most:
            return ("[" + ", ".join(parts) + "]").encode()
        parts.append(part)
        size += len(part) + 2
        number += 1


def _words(count: int, salt: int) -> str:
    return " ".join(WORDS[(salt * 7 + index * 3) % len(WORDS)] for index in range(count))


def brackets() -> bytes:
    half = MAX_IMPORT_BYTES // 2
    return b"[" * half + b"]" * half


def nested_objects() -> bytes:
    levels = (MAX_IMPORT_BYTES - 1) // 7
    return b'{"a": ' * levels + b"1" + b"}" * levels


def surrogate_at_the_end() -> bytes:
    valid = _fill(
        lambda n: annotation("ferries leave", body={"value": f"note {n}"}), 4_900_000, 10**6
    )
    return valid[:-1] + b', {"type": "Annotation", "body": {"value": "\\ud800"}}]'


def references() -> bytes:
    page = {"type": "AnnotationPage", "items": ["urn:x:1"] * 450_000}
    return json.dumps({"type": "AnnotationCollection", "first": page}).encode()


def near_orphans() -> bytes:
    """Long quotes of the article's own words in an order it never has: fuzzy work each."""
    return _fill(lambda n: annotation(_words(300, n) + f" zz{n}"))


def one_letter_quotes() -> bytes:
    """A letter found everywhere, with kilobytes of context that fits nowhere."""
    return _fill(
        lambda n: {
            "type": "Annotation",
            "target": {
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": "e",
                        "prefix": "q" * 1200,
                        "suffix": "z" * 1200,
                    },
                    {"type": "TextPositionSelector", "start": n % 200, "end": n % 200 + 1},
                ]
            },
        }
    )


def odd_links() -> bytes:
    links = ["http://[::1", "http://x\u0001y/", "https://e.example/" + "p" * 3000, "http://[a]/"]
    return _fill(lambda n: with_body(annotation(f"zq{n} vlx"), links))


def many_tags() -> bytes:
    return _fill(
        lambda n: annotation(
            f"zq{n} vlx",
            body=[
                {"type": "TextualBody", "value": f"tag {n} {t}", "purpose": "tagging"}
                for t in range(200)
            ],
        )
    )


def nested_markup_titles() -> bytes:
    """Source titles of nested markup, which the plain-text cleaner takes quadratic time on."""
    source = {"id": "https://ferries.example/", "dc:title": "<b>" * 200}
    body = {"type": "SpecificResource", "source": source, "purpose": "linking"}
    return _fill(lambda n: annotation(f"zq{n} vlx", body=[body] * 10))


FIVE_MEGABYTE_FILES: dict[str, Callable[[], bytes]] = {
    "brackets": brackets,
    "nested objects": nested_objects,
    "a lone surrogate at the end": surrogate_at_the_end,
    "450,000 references": references,
    "near orphans": near_orphans,
    "one-letter quotes, long contexts": one_letter_quotes,
    "odd links": odd_links,
    "200 tags each": many_tags,
    "nested markup in titles": nested_markup_titles,
}
