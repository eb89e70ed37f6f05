"""Hostile input: what each pathological class costs before and after the structure budget.

Run: .venv/bin/python -m bench.bench_hostile [--skip-before]

Times are CPU seconds of the process doing the work (the machine is shared, so wall time
says more about the neighbours than about the code). "before" is the pipeline as it was
(Python-Markdown, bleach's linkifier with e-mail parsing, html5lib without a budget), run in a
child process stopped after BEFORE_TIMEOUT seconds; "after" is the code as it is
(`render_note`, `markdown_to_html`, `clean_article_html`). Every input is generated here:
runs of one marker, nesting and amplification, at the note limit (10,000 characters) and the
article limit (2 MB).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from dataclasses import dataclass

from newsapp.text import budget
from newsapp.text.budget import TooComplex
from newsapp.text.extract import canonical_text, markdown_to_html
from newsapp.text.sanitize import clean_article_html, render_note

NOTE_CHARS = 10_000  # annotations.services.MAX_NOTE_CHARS
BODY_BYTES = 2 * 1024 * 1024  # articles.services.MAX_BODY_BYTES
BEFORE_TIMEOUT = 20.0
TARGET_NOTE_S = 1.0  # a note at its size limit, whatever its content
TARGET_BODY_S = 2.0  # a pathological article body: sanitised or refused


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "note", "markdown" or "html"
    text: str


def repeat_to(unit: str, size: int) -> str:
    return unit * (size // len(unit))


def amplification(size: int) -> str:
    """Unclosed formatting tags with distinct attributes, then many paragraphs: html5lib
    re-opens every one of them in every paragraph."""
    opening = "<div>" + "".join(f'<b id="b{i}">' for i in range(200)) + "</div>"
    return opening + repeat_to("<p>x</p>", size - len(opening))


def at_limit_html() -> str:
    """The most markup the budget accepts, as ordinary paragraphs (the slowest accepted)."""
    paragraph = "<p>Words &amp; more words.</p>"
    return paragraph * (budget.MAX_MARKUP_TOKENS // 3)


def at_limit_markdown() -> str:
    """The most Markdown markers the budget accepts, all unclosed brackets in prose."""
    return "[word " * budget.MAX_MARKDOWN_MARKERS


def cases() -> list[Case]:
    note_units = {
        "letters (linkifier)": "a",
        "open brackets": "[",
        "image openers": "![",
        "backticks": "`a",
        "emphasis *": "*a",
        "emphasis _": "_a",
        "mixed emphasis": "*_",
        "ampersands": "&",
        "angle brackets": "<",
        "quote markers": ">",
        "link openers": "[a](",
        "web addresses": "www.a ",
    }
    found = [
        Case(f"note: {name}", "note", repeat_to(unit, NOTE_CHARS))
        for name, unit in note_units.items()
    ]
    table = "|a|b|\n|-|-|\n" + repeat_to("|x|y|\n", BODY_BYTES)
    paragraphs = repeat_to("<p>Some plain words here.</p>", BODY_BYTES)
    found += [
        Case("markdown body: open brackets", "markdown", repeat_to("[", BODY_BYTES)),
        Case("markdown body: emphasis", "markdown", repeat_to("*a", BODY_BYTES)),
        Case("markdown body: table rows", "markdown", table),
        Case("html body: nested div", "html", repeat_to("<div>", BODY_BYTES)),
        Case("html body: nested div, 20,000", "html", "<div>" * 20_000 + "x"),
        Case("html body: ampersands", "html", repeat_to("&", BODY_BYTES)),
        Case("html body: stray <", "html", repeat_to("< ", BODY_BYTES)),
        Case("html body: unclosed <b> amplified", "html", amplification(BODY_BYTES)),
        Case("html body: amplified, 18 KB", "html", amplification(18_300)),
        Case("html body: 70,000 paragraphs", "html", paragraphs),
        Case("html body: paragraphs at the token limit", "html", at_limit_html()),
        Case("markdown body: brackets at the marker limit", "markdown", at_limit_markdown()),
        Case(
            "html body: one text node (plain)", "html", f"<p>{repeat_to('word ', BODY_BYTES)}</p>"
        ),
    ]
    return found


# --- after: the code as it is ------------------------------------------------------------------


def after(case: Case) -> str:
    if case.kind == "note":
        render_note(case.text)
        return "rendered"
    try:
        if case.kind == "markdown":
            canonical_text(markdown_to_html(case.text))
        else:
            canonical_text(clean_article_html(case.text))
    except TooComplex:
        return "refused (400)"
    return "sanitised"


# --- before: the pipeline as it was ------------------------------------------------------------


def before(case: Case, answer) -> None:
    """The pipeline before this change: Python-Markdown, bleach linkify with e-mail parsing,
    html5lib with no budget. Runs in a child process (it may take minutes)."""
    from functools import partial

    import bleach
    import html5lib
    import markdown
    from bleach.linkifier import LinkifyFilter

    from newsapp.text import sanitize

    def unbounded_parse(html: str):
        return html5lib.parseFragment(
            html, container="div", treebuilder="etree", namespaceHTMLElements=False
        )

    sanitize._parse_fragment = unbounded_parse
    sanitize.budget.check_html = lambda html: None
    if case.kind == "note":
        converter = markdown.Markdown(extensions=["fenced_code", "sane_lists"])
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
        html = converter.convert(case.text)
        canonical = sanitize._canonicalise(html, sanitize.NOTE_POLICY, base_url=None)
        linkify = partial(LinkifyFilter, skip_tags={"pre", "code", "a"}, parse_email=True)
        bleach.Cleaner(
            tags=sanitize.NOTE_TAGS,
            attributes=sanitize.NOTE_POLICY.allows_attribute,
            strip=True,
            filters=[linkify],
        ).clean(canonical)
        answer.send(time.process_time())
        return
    if case.kind == "markdown":
        html = markdown.markdown(case.text, extensions=["tables", "fenced_code", "sane_lists"])
    else:
        html = case.text
    canonical_text(sanitize._clean(html, sanitize.ARTICLE_POLICY, base_url=None))
    answer.send(time.process_time())


def timed_before(case: Case) -> str:
    """CPU seconds of the old pipeline on `case` (stopped after BEFORE_TIMEOUT wall seconds)."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=before, args=(case, sending))
    process.start()
    finished = receiving.poll(BEFORE_TIMEOUT)
    if not finished:
        process.terminate()
        process.join()
        return f"> {BEFORE_TIMEOUT:.0f} s (stopped)"
    cpu = receiving.recv()
    process.join()
    return f"{cpu:.2f}s"


def main(argv: list[str]) -> int:
    skip_before = "--skip-before" in argv
    misses = 0
    print(f"{'case':40} {'size':>10} {'before':>18} {'after':>9} {'target':>7}  result")
    for case in cases():
        was = "skipped" if skip_before else timed_before(case)
        started = time.process_time()
        result = after(case)
        elapsed = time.process_time() - started
        target = TARGET_NOTE_S if case.kind == "note" else TARGET_BODY_S
        verdict = "ok" if elapsed <= target else "MISS"
        misses += verdict == "MISS"
        size = f"{len(case.text):,}"
        figures = f"{was:>18} {elapsed:8.2f}s {target:6.1f}s"
        print(f"{case.name:40} {size:>10} {figures}  {result}, {verdict}", flush=True)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
