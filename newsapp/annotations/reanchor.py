"""Carry annotations over to a new revision of their article, and let authors re-attach orphans.

Every annotation with a quote is carried to the new text with ``text.anchoring.relocate``,
which maps its offsets through the differences between the two texts (falling back to exact
quote, context and bounded fuzzy match near the mapped place, else orphaned) and records how it
anchored. Orphaned annotations keep their selectors and the revision they were
last anchored on, so the reader can show the original quote; they are never deleted, and they
come back by themselves if a later revision restores their words.

Each outcome is classified for the reader's one-line summary by comparing with the word diff
between the two texts:

- ``kept``: the same words, where the edit put them (text before them may have changed);
- ``moved``: the same words, found somewhere the edit does not explain (a moved paragraph);
- ``adjusted``: the words themselves were edited and the annotation followed the closest match;
- ``orphaned``: not found.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction

from newsapp.text.anchoring import Anchor, relocate, selector_for
from newsapp.text.diff import DiffOp, word_diff

from .models import AnchorState, Annotation, Visibility
from .services import anchor_selection, ensure_author

OUTCOMES = ("kept", "moved", "adjusted", "orphaned")
REATTACHED = "manual"
BATCH_SIZE = 1000


@dataclass
class ReanchorCounts:
    kept: int = 0
    moved: int = 0
    adjusted: int = 0
    orphaned: int = 0

    @classmethod
    def from_dict(cls, data: dict | None) -> ReanchorCounts:
        data = data or {}
        return cls(**{name: int(data.get(name, 0)) for name in OUTCOMES})

    def add(self, outcome: str, count: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + count)

    def __add__(self, other: ReanchorCounts) -> ReanchorCounts:
        return ReanchorCounts(
            **{name: getattr(self, name) + getattr(other, name) for name in OUTCOMES}
        )

    @property
    def total(self) -> int:
        return self.kept + self.moved + self.adjusted + self.orphaned

    def sentence(self) -> str:
        """ "42 notes kept their place, 3 moved, 1 orphaned" (empty when there are none)."""
        if not self.total:
            return ""
        parts = [f"{self.kept} note{'s' if self.kept != 1 else ''} kept {_their(self.kept)} place"]
        if self.moved:
            parts.append(f"{self.moved} moved")
        if self.adjusted:
            parts.append(f"{self.adjusted} followed edited words")
        if self.orphaned:
            parts.append(f"{self.orphaned} orphaned")
        return ", ".join(parts)


def _their(count: int) -> str:
    return "its" if count == 1 else "their"


@dataclass
class ReanchorReport:
    """What became of an article's annotations; ``public`` and per-author private counts.

    Readers see public annotations and their own (``visible_to``), so a reader's summary is
    ``public`` plus ``own[their id]`` (their unlisted and private ones). Trashed annotations are
    re-anchored too (they may be restored) but counted nowhere.
    """

    public: ReanchorCounts = field(default_factory=ReanchorCounts)
    own: dict[int, ReanchorCounts] = field(default_factory=dict)
    outcomes: dict[int, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "public": asdict(self.public),
            "own": {str(author): asdict(counts) for author, counts in self.own.items()},
        }

    @property
    def total(self) -> ReanchorCounts:
        result = self.public
        for counts in self.own.values():
            result = result + counts
        return result


def summary_for(stored: dict | None, user) -> ReanchorCounts:
    """The counts a reader may see, from what a revision stored of the re-anchoring."""
    stored = stored or {}
    counts = ReanchorCounts.from_dict(stored.get("public"))
    if user is not None and user.is_authenticated:
        counts = counts + ReanchorCounts.from_dict(stored.get("own", {}).get(str(user.pk)))
    return counts


class OffsetMap:
    """Maps offsets in the old text to the new one through the word diff's unchanged runs."""

    def __init__(self, ops: Iterable[DiffOp]) -> None:
        self._old_starts: list[int] = []
        self._runs: list[tuple[int, int, int]] = []  # (old start, new start, length)
        old = new = 0
        for op in ops:
            length = len(op.text)
            if op.kind == "equal":
                self._old_starts.append(old)
                self._runs.append((old, new, length))
                old += length
                new += length
            elif op.kind == "delete":
                old += length
            else:
                new += length

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where old ``start:end`` is in the new text, when it lies in one unchanged run."""
        index = bisect_right(self._old_starts, start) - 1
        if index < 0:
            return None
        old_start, new_start, length = self._runs[index]
        if end > old_start + length:
            return None
        return new_start + (start - old_start), new_start + (end - old_start)


def classify(
    annotation: Annotation, anchor: Anchor | None, offsets: OffsetMap, *, was_orphaned: bool
) -> str:
    if anchor is None:
        return "orphaned"
    if anchor.method == "fuzzy":
        return "adjusted"
    if was_orphaned or annotation.start is None or annotation.end is None:
        return "moved"
    expected = offsets.span(annotation.start, annotation.end)
    return "kept" if expected == (anchor.start, anchor.end) else "moved"


def reanchor_annotations(
    *, article, revision, old_text: str, new_text: str, ops: list[DiffOp] | None = None
) -> ReanchorReport:
    """Re-anchor every annotation of ``article`` on ``new_text`` (the body of ``revision``).

    Call inside the transaction that stores the revision. Replies carry no selectors and follow
    their parent. Writes only the annotations' selectors, anchor state and method, and revision;
    never deletes one, never touches ``updated_at`` (a re-anchoring is not the author's edit).
    """
    annotations = list(
        Annotation.objects.filter(article=article, parent__isnull=True)
        .exclude(exact="")
        .only(
            "id",
            "author_id",
            "visibility",
            "deleted_at",
            "exact",
            "prefix",
            "suffix",
            "start",
            "end",
            "anchor_state",
            "anchor_method",
            "revision_id",
        )
        .order_by("id")
    )
    if ops is None:
        ops = word_diff(old_text, new_text)
    offsets = OffsetMap(ops)
    # Both texts: the offsets follow the edit, and words deleted where they were are orphaned
    # even when the same words stand elsewhere.
    anchors = relocate(
        old_text,
        new_text,
        (
            {
                "exact": a.exact,
                "prefix": a.prefix,
                "suffix": a.suffix,
                "start": a.start,
                "end": a.end,
            }
            for a in annotations
        ),
    )
    before = {annotation.pk: _stored(annotation) for annotation in annotations}
    report = ReanchorReport()
    for annotation, anchor in zip(annotations, anchors, strict=True):
        outcome = classify(
            annotation,
            anchor,
            offsets,
            was_orphaned=annotation.anchor_state == AnchorState.ORPHANED,
        )
        report.outcomes[annotation.pk] = outcome
        if anchor is None:
            # Keep the selectors and the revision they belong to: the original quote stays
            # readable, and a later revision that restores the words brings the note back.
            annotation.anchor_state = AnchorState.ORPHANED
            annotation.anchor_method = ""
        else:
            for name, value in selector_for(new_text, anchor.start, anchor.end).items():
                setattr(annotation, name, value)
            annotation.anchor_state = AnchorState.ANCHORED
            annotation.anchor_method = anchor.method
            annotation.revision = revision
        if annotation.deleted_at is not None:
            continue
        if annotation.visibility == Visibility.PUBLIC and not annotation.is_moderated:
            report.public.add(outcome)
        else:
            report.own.setdefault(annotation.author_id, ReanchorCounts()).add(outcome)
    _write_back([a for a in annotations if _stored(a) != before[a.pk]])
    return report


WRITTEN_FIELDS = (
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "anchor_state",
    "anchor_method",
    "revision",
)


def _stored(annotation: Annotation) -> tuple:
    return tuple(
        getattr(annotation, annotation._meta.get_field(name).attname) for name in WRITTEN_FIELDS
    )


def _write_back(annotations: list[Annotation]) -> None:
    """Write the re-anchored fields back with one UPDATE ... FROM (VALUES ...) per batch.

    ``QuerySet.bulk_update`` builds a CASE expression per field and row (for 5,000
    annotations, 40,000 ORM expressions: about 10 s), and one UPDATE per row costs a round
    trip each on PostgreSQL (about 3 s); this is one statement per thousand rows.
    Supported by PostgreSQL and SQLite 3.33+ alike.
    """
    if not annotations:
        return
    meta = Annotation._meta
    connection = connections[router.db_for_write(Annotation)]
    quote = connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in WRITTEN_FIELDS)]
    names = [f"v_{field.column}" for field in fields]
    casts = ", ".join(f"CAST(%s AS {field.cast_db_type(connection)})" for field in fields)
    assignments = ", ".join(
        f"{quote(field.column)} = {quote(name)}"
        for field, name in zip(fields[1:], names[1:], strict=True)
    )
    table = quote(meta.db_table)
    per_batch = min(BATCH_SIZE, (connection.features.max_query_params or 65535) // len(fields))
    for batch_start in range(0, len(annotations), per_batch):
        batch = annotations[batch_start : batch_start + per_batch]
        values = ", ".join([f"({casts})"] * len(batch))
        sql = (
            f"WITH v ({', '.join(quote(name) for name in names)}) AS (VALUES {values}) "
            f"UPDATE {table} SET {assignments} FROM v "
            f"WHERE {table}.{quote(meta.pk.column)} = v.{quote(names[0])}"
        )
        params = [
            field.get_db_prep_save(getattr(annotation, field.attname), connection)
            for annotation in batch
            for field in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@transaction.atomic
def annotation_reattach(
    *,
    annotation: Annotation,
    user,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
) -> Annotation:
    """Attach the author's annotation to a new selection in the article's current text.

    For orphans (the reader shows them a "Re-attach" action) but valid for any annotation of
    theirs. Raises PermissionDenied for anyone but the author, ValidationError when the words
    are not in the article; writes nothing then.
    """
    ensure_author(annotation, user)
    if annotation.parent_id is not None:
        raise ValidationError({"exact": "Replies follow their annotation; re-attach that one."})
    article = annotation.article
    selectors = anchor_selection(
        article.body_text, exact=exact, prefix=prefix, suffix=suffix, start=start, end=end
    )
    for name, value in selectors.items():
        setattr(annotation, name, value)
    annotation.anchor_state = AnchorState.ANCHORED
    annotation.anchor_method = REATTACHED
    annotation.revision = article.revisions.order_by("-number").first()
    annotation.save()
    article.mark_annotations_changed()
    return annotation
