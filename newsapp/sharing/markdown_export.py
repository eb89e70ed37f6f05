"""Annotations as a Markdown document a reader can keep, paste or publish.

Quotes, speakers, tags and source titles are article or user text shown literally, so their
Markdown syntax is escaped; the note is the annotator's own Markdown and goes in as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from newsapp.sharing.w3c.model import ExportAnnotation

__all__ = ["annotations_to_markdown", "escape_markdown"]

KIND_LABELS = {
    "highlight": "Highlight",
    "note": "Note",
    "quote": "Quote",
    "claim": "Claim",
    "question": "Question",
}
STANCE_LABELS = {"supports": "supports", "disputes": "disputes", "background": "background"}

# Backslash escapes for what every dialect can escape; numeric entities for the rest (Python
# Markdown has no backslash escape for "<", "|", "~" or "=").
_BACKSLASHED = re.compile(r"([\\`*_\[\]])")
# A named entity needs its ";"; Python Markdown reads "&#1" as a character reference without one.
_ENTITY_LIKE = re.compile(r"&(?=#|\w+;)")
_ENTITIES = {"<": "&lt;", "|": "&#124;", "~": "&#126;"}
_LINE_START_MARKERS = re.compile(r"^(\s*)([#>+-])")
_SETEXT_MARKER = re.compile(r"^(\s*)=")
_ORDERED_MARKER = re.compile(r"^(\s*\d+)([.)])")


def escape_markdown(text: str) -> str:
    """Make ``text`` render as itself: inline syntax, entities and block markers are escaped."""
    lines = []
    for line in text.split("\n"):
        line = _ENTITY_LIKE.sub("&amp;", line)
        line = _BACKSLASHED.sub(r"\\\1", line)
        line = "".join(_ENTITIES.get(c, c) for c in line)
        line = _LINE_START_MARKERS.sub(r"\1\\\2", line)
        line = _SETEXT_MARKER.sub(r"\1&#61;", line)
        line = _ORDERED_MARKER.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def annotations_to_markdown(
    title: str,
    items: Iterable[ExportAnnotation],
    *,
    speaker_for: Callable[[ExportAnnotation], str | None] | None = None,
) -> str:
    """One document: a heading, then each annotation's quote, speaker, note, tags and sources."""
    blocks = [f"# {_one_line(title) or 'Annotations'}"]
    sections = [_section(item, speaker_for) for item in items]
    blocks.extend(sections or ["_No annotations._"])
    return "\n\n".join(blocks) + "\n"


def _section(item: ExportAnnotation, speaker_for) -> str:
    parts = [f"## {KIND_LABELS.get(item.kind, item.kind.title())}", _blockquote(item.exact)]
    speaker = speaker_for(item) if speaker_for else None
    if speaker and speaker.strip():
        parts.append(f"— {_one_line(speaker)}")
    note = item.note_markdown.strip()
    if note:
        parts.append(note)
    tags = [tag for tag in (t.strip() for t in item.tags) if tag]
    if tags:
        parts.append("Tags: " + ", ".join(f"`{_code_span_safe(tag)}`" for tag in tags))
    if item.sources:
        lines = []
        for source in item.sources:
            link = _link(source.title or source.url, source.url)
            line = f"- {link} ({STANCE_LABELS[source.stance]})"
            if source.excerpt.strip():
                line += f": “{_one_line(source.excerpt)}”"
            lines.append(line)
        parts.append("Sources:\n\n" + "\n".join(lines))
    byline = [_link("Permalink", item.id_url)]
    if item.creator_name.strip():
        byline.append(_one_line(item.creator_name))
    byline.append(f"{item.created:%-d %B %Y}")
    parts.append(" · ".join(byline))
    return "\n\n".join(parts) + "\n\n---"


def _blockquote(quote: str) -> str:
    """Each source line quoted; a lone newline stays a line break, a blank line a new paragraph."""
    paragraphs = re.split(r"\n\s*\n", quote.strip())
    quoted: list[str] = []
    for paragraph in paragraphs:
        lines = [escape_markdown(line.strip()) for line in paragraph.split("\n") if line.strip()]
        if quoted:
            quoted.append(">")
        # Two trailing spaces: a hard line break in every Markdown dialect.
        quoted.extend(
            f"> {line}  " if i < len(lines) - 1 else f"> {line}" for i, line in enumerate(lines)
        )
    return "\n".join(quoted) or ">"


def _one_line(text: str) -> str:
    return escape_markdown(" ".join(text.split()))


def _code_span_safe(text: str) -> str:
    return " ".join(text.split()).replace("`", "'")


def _link(label: str, url: str) -> str:
    destination = url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    destination = destination.replace("<", "%3C").replace(">", "%3E")
    return f"[{_one_line(label)}]({destination})"
