"""What an import did, row by row: created (exact, fuzzy, orphaned) and skipped, with why.

Plain data: the import page keeps a shortened copy in the session across its redirect, and the
management command prints it as lines.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ImportReport", "ImportedRow", "SkippedRow", "short_text"]


@dataclass(frozen=True)
class ImportedRow:
    """One annotation the import created."""

    public_id: str
    quote: str
    method: str  # "position", "quote" or "fuzzy"; "" when orphaned
    path: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedRow:
    """An item of the upload that was not imported, and why."""

    path: str
    reason: str


@dataclass
class ImportReport:
    article_slug: str
    exact: list[ImportedRow] = field(default_factory=list)
    fuzzy: list[ImportedRow] = field(default_factory=list)
    orphaned: list[ImportedRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    # Set when the row lists were shortened (to keep a session small): the full counts.
    totals: dict[str, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        if self.totals is not None:
            return self.totals
        return {
            "exact": len(self.exact),
            "fuzzy": len(self.fuzzy),
            "orphaned": len(self.orphaned),
            "skipped": len(self.skipped),
        }

    @property
    def created(self) -> int:
        counts = self.counts
        return counts["exact"] + counts["fuzzy"] + counts["orphaned"]

    @property
    def shortened(self) -> bool:
        return self.totals is not None and self.totals != {
            "exact": len(self.exact),
            "fuzzy": len(self.fuzzy),
            "orphaned": len(self.orphaned),
            "skipped": len(self.skipped),
        }

    def summary(self) -> str:
        counts = self.counts
        return (
            f"Imported {self.created}: {counts['exact']} anchored exactly, "
            f"{counts['fuzzy']} anchored fuzzily, {counts['orphaned']} orphaned; "
            f"{counts['skipped']} skipped."
        )

    def lines(self) -> list[str]:
        """The report as plain lines, for the management command."""
        lines = [self.summary()]
        for label, rows in (
            ("exact", self.exact),
            ("fuzzy", self.fuzzy),
            ("orphaned", self.orphaned),
        ):
            for row in rows:
                warnings = f" ({'; '.join(row.warnings)})" if row.warnings else ""
                lines.append(f"{label:9} {row.public_id}  “{short_text(row.quote)}”{warnings}")
        for skipped in self.skipped:
            lines.append(f"skipped   {skipped.path}: {skipped.reason}")
        return lines

    def to_dict(self, *, rows_per_group: int | None = None) -> dict[str, Any]:
        """Plain data (for a session); ``rows_per_group`` keeps the first rows of each group."""
        data = asdict(self)
        data["totals"] = self.counts
        if rows_per_group is not None:
            for key in ("exact", "fuzzy", "orphaned", "skipped"):
                data[key] = data[key][:rows_per_group]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        def rows(key: str) -> list[ImportedRow]:
            return [
                ImportedRow(**{**row, "warnings": tuple(row.get("warnings", ()))})
                for row in data.get(key, [])
            ]

        return cls(
            article_slug=data["article_slug"],
            exact=rows("exact"),
            fuzzy=rows("fuzzy"),
            orphaned=rows("orphaned"),
            skipped=[SkippedRow(**row) for row in data.get("skipped", [])],
            totals=data.get("totals"),
        )


def short_text(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
