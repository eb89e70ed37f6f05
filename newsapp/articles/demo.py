"""The demo library: original articles written for Gloss, stored as Markdown with a header."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "demo"


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    byline: str
    source_name: str
    source_url: str
    published_at: datetime
    language: str
    body_markdown: str


def parse_demo_file(path: Path) -> DemoArticle:
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = {}
    for line in header.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return DemoArticle(
        slug=path.stem,
        title=fields["title"],
        byline=fields.get("byline", ""),
        source_name=fields.get("source", ""),
        source_url=fields.get("source-url", ""),
        published_at=datetime.fromisoformat(fields["published"]),
        language=fields.get("language", "en"),
        body_markdown=body.strip() + "\n",
    )


def demo_articles() -> list[DemoArticle]:
    return [parse_demo_file(path) for path in sorted(DEMO_DIR.glob("*.md"))]


def demo_annotations() -> list[dict]:
    """A few public annotations on the demo articles, keyed by the article's source URL."""
    return json.loads((DEMO_DIR / "annotations.json").read_text(encoding="utf-8"))
