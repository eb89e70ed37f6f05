"""Hostile values for fuzzing: what broke the site before (each class once), shared by the
property-based fuzz (hypothesis draws from them) and the live run (a seeded random choice).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

NOTE_LIMIT = 10_000

HOSTILE_VALUES: list[str] = [
    # markers at the note limit (Markdown and linkifier)
    "a" * NOTE_LIMIT,
    "[" * NOTE_LIMIT,
    "![" * (NOTE_LIMIT // 2),
    "`a" * (NOTE_LIMIT // 2),
    "*_" * (NOTE_LIMIT // 2),
    "&" * NOTE_LIMIT,
    "a@" * (NOTE_LIMIT // 2),
    "www.a " * (NOTE_LIMIT // 6),
    # over the limits
    "b" * (NOTE_LIMIT + 1),
    "<div>" * 3000,
    "<b><i>" * 2000,
    # numbers
    "0", "-1", "9" * 19, "9" * 40, "9" * 5000, "1e999", "NaN", "１２",
    # web addresses
    "http://[::1", "https://[fe80::1/x", "http://a.test:99999/", "http://a.test:port/",
    "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://[::ffff:127.0.0.1]/",
    "http://localhost./", "http://0.0.0.0:22/", "javascript:alert(1)", "//evil.test/x",
    "https://\uff03evil/", "http://" + "a" * 3000,
    # markup, controls and odd text
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "\u202egnp.exe",
    "\x00", "\r\n\r\n", " " * 12, "\u200b" * 5, "😀" * 100, "e\u0301" * 100,
    '{"a": [[[[[[[[[[]]]]]]]]]]}', "%00%ff", "../../etc/passwd", "private", "public",
    "unlisted", "note", "claim", "quote", "highlight", "question", "supports", "md", "jsonld",
]  # fmt: skip

JSON_BODIES: list[bytes] = [
    b"{}",
    b"[]",
    b"null",
    b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}',
    b"[" * 5000 + b"]" * 5000,
    b'{"text": "\\ud800"}',
    b"\xff\xfe\x00not json",
    b'{"rows": [' + b",".join(b'{"target": "x"}' for _ in range(2000)) + b"]}",
]
