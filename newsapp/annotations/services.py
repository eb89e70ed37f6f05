"""Writes to annotations. Views call these; nothing else writes annotations.

Every write stamps the article (`Article.mark_annotations_changed`) so the reader's cache
shows it at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsapp import ratelimit
from newsapp.reader import layers
from newsapp.text.anchoring import locate, selector_for

from . import policies
from .models import (
    AnchorState,
    Annotation,
    ContextSource,
    Kind,
    Moderation,
    Tag,
    Visibility,
    VisibilityChange,
    reader_groups,
)
from .validation import (  # noqa: F401 (the limits are re-exported for forms and imports)
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_SOURCE_URL_CHARS,
    MAX_SOURCES,
    MAX_TAG_CHARS,
    MAX_TAGS,
    SourceInput,
    clean_sources,
    clean_tags,
    note_html,
    validate_note,
)

RATE_LIMIT_PER_MINUTE = 60
# Many notes at once (an import) land as one reader's: share them with a group afterwards.
BULK_VISIBILITIES = (Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC)


def audience_for(author, visibility: str, group=None):
    """The group a note of `visibility` is shared with (None unless "group"), checked: a
    reader shares with their own groups only. `group` is a group or its id."""
    if visibility not in Visibility.values:
        raise ValidationError(
            {"visibility": "Choose only me, one of your groups, anyone with the link or public."}
        )
    if visibility != Visibility.GROUP:
        return None
    group_id = getattr(group, "pk", group)
    found = reader_groups(author).filter(pk=group_id).first() if group_id else None
    if found is None:
        raise ValidationError({"visibility": "Choose one of your groups to share it with."})
    return found


def earlier_submission(author, submission_token: str) -> Annotation | None:
    """What an identical earlier submission (a double click, a resent form) created."""
    if not submission_token:
        return None
    return Annotation.objects.filter(author=author, submission_token=submission_token).first()


def rate_limited(author):
    """Counts one annotation or reply by `author` (RateLimited past the limit); a write that
    then fails is not counted."""
    return ratelimit.counted(
        "annotate",
        author.pk,
        limit=RATE_LIMIT_PER_MINUTE,
        message=f"You have added {RATE_LIMIT_PER_MINUTE} annotations in the last minute. "
        "Take a breath and try again shortly.",
    )


def anchor_selection(
    text: str, *, exact: str, prefix: str, suffix: str, start: int | None, end: int | None
) -> dict:
    """W3C selectors for a reader's selection, re-located in the article's own text."""
    if not exact.strip():
        raise ValidationError({"exact": "Select some words of the article first."})
    if len(exact) > MAX_QUOTE_CHARS:
        limit = f"{MAX_QUOTE_CHARS:,}"
        raise ValidationError(
            {"exact": f"The selection is {len(exact):,} characters; the limit is {limit}."}
        )
    anchor = locate(text, exact=exact, prefix=prefix, suffix=suffix, start=start, end=end)
    if anchor is None or anchor.method not in {"position", "quote"}:
        raise ValidationError(
            {"exact": "Those words are not in this article. Select or paste them exactly."}
        )
    return selector_for(text, anchor.start, anchor.end)


def replace_tags_and_sources(annotation: Annotation, tags: list[str], sources: list[SourceInput]):
    annotation.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    annotation.sources.all().delete()
    ContextSource.objects.bulk_create(
        ContextSource(
            annotation=annotation,
            url=source.url,
            title=source.title,
            stance=source.stance,
            excerpt=source.excerpt,
            position=position,
        )
        for position, source in enumerate(sources)
    )


def annotation_create(
    *,
    article,
    author,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
    kind: str = Kind.NOTE,
    note: str = "",
    tags: list[str] | None = None,
    sources: list[SourceInput] | None = None,
    visibility: str = Visibility.PUBLIC,
    group=None,
    submission_token: str = "",
) -> Annotation:
    """Anchor a selection and store it with its note, tags and sources, or write nothing.

    `group` (a group or its id) is the group a "group" note is shared with."""
    existing = earlier_submission(author, submission_token)
    if existing is not None:
        return existing
    with rate_limited(author):
        return _create(
            article=article,
            author=author,
            selection={
                "exact": exact,
                "prefix": prefix,
                "suffix": suffix,
                "start": start,
                "end": end,
            },
            kind=kind,
            note=note,
            tags=tags or [],
            sources=sources or [],
            visibility=visibility,
            group=group,
            submission_token=submission_token,
        )


def _create(
    *,
    article,
    author,
    selection: dict,
    kind,
    note,
    tags,
    sources,
    visibility,
    group,
    submission_token,
) -> Annotation:
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose highlight, note, question, claim or quote."})
    group = audience_for(author, visibility, group)
    note = validate_note(note)
    tags = clean_tags(tags)
    sources = clean_sources(sources)
    selectors = anchor_selection(article.body_text, **selection)
    annotation = Annotation(
        article=article,
        author=author,
        kind=kind,
        note=note,
        note_html=note_html(note),
        visibility=visibility,
        group=group,
        anchor_state=AnchorState.ANCHORED,
        anchor_method="position",
        revision=article.revisions.order_by("-number").first(),
        submission_token=submission_token,
        **selectors,
    )
    try:
        with transaction.atomic():
            policies.review(
                policies.Write(
                    author,
                    [
                        policies.Draft(
                            annotation,
                            tuple(source.url for source in sources),
                            newly_public=visibility == Visibility.PUBLIC,
                        )
                    ],
                )
            )
            annotation.save()
            replace_tags_and_sources(annotation, tags, sources)
            article.mark_annotations_changed()
            layers.follow_change(
                layers.Change(
                    layers.NOTE_CREATED, actor=author, annotation=annotation, article=article
                )
            )
    except IntegrityError:
        # Two identical submissions raced; the first one won and is the answer.
        existing = earlier_submission(author, submission_token)
        if existing is None:
            raise
        return existing
    return annotation


@dataclass(frozen=True, kw_only=True)
class NewAnnotation:
    """One annotation for ``annotations_bulk_create``, its anchor already decided.

    ``anchor_method`` says how the words were found in the article ("position", "quote" or
    "fuzzy"), or is "" for an orphan: words no longer in the article, kept as they were given
    (with their old offsets, if any) so that their author can re-attach them.
    """

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    anchor_method: str = "position"
    kind: str = Kind.NOTE
    note: str = ""
    tags: Sequence[str] = ()
    sources: Sequence[SourceInput] = ()
    imported_creator: str = ""  # who wrote it, when it comes from another reader's file
    imported_created_at: datetime | None = None


def annotations_bulk_create(
    *,
    article,
    author,
    items: Sequence[NewAnnotation],
    visibility: str = Visibility.PRIVATE,
    progress: Callable[[int], None] | None = None,
) -> list[Annotation]:
    """Store many annotations on one article (an import), all or none; returned in order.

    Each item passes the checks a single annotation does (kind, note, tags, sources, quote
    length), and an anchored one must hold its exact words at its offsets in the article's
    text. The writes take a fixed number of queries whatever the number of items: the
    annotations, the tags, their links, the sources and the reader's cache stamp.
    ``progress``, if given, is called with the number of items checked so far before each
    one (notes are rendered then): an exception it raises stops the call, nothing written.
    """
    if visibility not in BULK_VISIBILITIES:
        raise ValidationError({"visibility": "Choose private, unlisted or public."})
    if not items:
        return []
    revision = article.revisions.order_by("-number").first()
    rendered: dict[str, str] = {}  # imports repeat notes: render each one once
    annotations, tags, sources = [], [], []
    for number, item in enumerate(items, start=1):
        if progress is not None:
            progress(number - 1)
        try:
            annotation = _new_annotation(article.body_text, item, rendered)
            tags.append(clean_tags(list(item.tags)))
            sources.append(clean_sources(list(item.sources)))
        except ValidationError as error:
            raise _numbered(error, number) from None
        annotation.article, annotation.author, annotation.revision = article, author, revision
        annotation.visibility = visibility
        annotations.append(annotation)
    # What moderation says about publishing them (new accounts' limits, restricted authors).
    policies.review(
        policies.Write(
            author,
            [
                policies.Draft(
                    annotation,
                    tuple(source.url for source in annotation_sources),
                    newly_public=visibility == Visibility.PUBLIC,
                )
                for annotation, annotation_sources in zip(annotations, sources, strict=True)
            ],
        )
    )
    with transaction.atomic():
        created = Annotation.objects.bulk_create(annotations)
        _bulk_tag(created, tags)
        ContextSource.objects.bulk_create(
            ContextSource(
                annotation_id=annotation.pk,
                url=source.url,
                title=source.title,
                excerpt=source.excerpt,
                stance=source.stance,
                position=position,
            )
            for annotation, listed in zip(created, sources, strict=True)
            for position, source in enumerate(listed)
        )
        article.mark_annotations_changed()
    return created


def _new_annotation(text: str, item: NewAnnotation, rendered: dict[str, str]) -> Annotation:
    if item.kind not in Kind.values:
        raise ValidationError({"kind": "Choose highlight, note, question, claim or quote."})
    if not item.exact.strip() or len(item.exact) > MAX_QUOTE_CHARS:
        raise ValidationError({"exact": f"Give the words, at most {MAX_QUOTE_CHARS:,} characters."})
    if item.anchor_method not in ("position", "quote", "fuzzy", ""):
        raise ValidationError({"anchor_method": "Say how the words anchored, or '' if not."})
    if (item.start is None) != (item.end is None):
        raise ValidationError({"end": "Give both offsets or neither."})
    anchored = item.anchor_method != ""
    if anchored and not (
        isinstance(item.start, int)
        and item.end == item.start + len(item.exact)
        and text.startswith(item.exact, item.start)
    ):
        raise ValidationError({"exact": "The words are not at the given place in the article."})
    note = validate_note(item.note)
    if note and note not in rendered:
        rendered[note] = note_html(note)
    annotation = Annotation(
        exact=item.exact,
        prefix=item.prefix,
        suffix=item.suffix,
        start=item.start,
        end=item.end,
        anchor_state=AnchorState.ANCHORED if anchored else AnchorState.ORPHANED,
        anchor_method=item.anchor_method,
        kind=item.kind,
        note=note,
        note_html=rendered.get(note, ""),
        imported_creator=item.imported_creator,
        imported_created_at=item.imported_created_at,
    )
    # Field checks only: foreign keys and uniqueness would cost a query per annotation.
    annotation.full_clean(
        exclude=["article", "author", "revision", "parent"],
        validate_unique=False,
        validate_constraints=False,
    )
    if annotation.start is not None and annotation.end < annotation.start:
        raise ValidationError({"end": "An annotation ends where it starts or later."})
    return annotation


def _bulk_tag(annotations: list[Annotation], tags: list[list[str]]) -> None:
    names = sorted({name for listed in tags for name in listed})
    if not names:
        return
    existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(name=name) for name in names if name not in existing], ignore_conflicts=True
    )
    ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    Through = Annotation.tags.through
    Through.objects.bulk_create(
        Through(annotation_id=annotation.pk, tag_id=ids[name])
        for annotation, listed in zip(annotations, tags, strict=True)
        for name in listed
    )


def _numbered(error: ValidationError, number: int) -> ValidationError:
    """The same error, its messages saying which of the items it is about."""
    return ValidationError(
        {
            field: [f"Annotation {number}: {message}" for message in messages]
            for field, messages in error.message_dict.items()
        }
        if hasattr(error, "error_dict")
        else [f"Annotation {number}: {message}" for message in error.messages]
    )


def ensure_author(annotation: Annotation, user) -> None:
    if annotation.author_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the author can change this annotation.")


@transaction.atomic
def annotation_update(
    *,
    annotation: Annotation,
    user,
    note: str,
    kind: str,
    visibility: str,
    tags: list[str],
    sources: list[SourceInput],
    group=None,
) -> Annotation:
    """Change a note's words, kind, tags, sources or audience (its author only). Moving it
    to another audience is logged (`VisibilityChange`)."""
    ensure_author(annotation, user)
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose highlight, note, question, claim or quote."})
    staying = (
        visibility == Visibility.GROUP == annotation.visibility
        and getattr(group, "pk", group) == annotation.group_id
    )
    # A note stays in its group even after its author left it; moving one in needs membership.
    group = annotation.group if staying else audience_for(user, visibility, group)
    note = validate_note(note)
    tags = clean_tags(tags)
    sources = clean_sources(sources)
    before = (annotation.visibility, annotation.group_id)
    if (note, kind, sorted(tags), _source_rows(sources)) != _what_it_says(annotation):
        # Readers may have rated or replied to the earlier words: the card says it changed.
        annotation.edited_at = timezone.now()
    annotation.note = note
    annotation.note_html = note_html(note)
    annotation.plain_links = False
    annotation.kind = kind
    annotation.visibility = visibility
    annotation.group = group
    source_urls = tuple(source.url for source in sources)
    newly_public = visibility == Visibility.PUBLIC and before[0] != Visibility.PUBLIC
    policies.review(
        policies.Write(user, [policies.Draft(annotation, source_urls, newly_public=newly_public)])
    )
    annotation.save()
    if before != (visibility, annotation.group_id):
        VisibilityChange.objects.create(
            annotation=annotation,
            changed_by=user,
            from_visibility=before[0],
            from_group_id=before[1],
            to_visibility=visibility,
            to_group=group,
        )
    replace_tags_and_sources(annotation, tags, sources)
    annotation.article.mark_annotations_changed()
    return annotation


def _source_rows(sources) -> list[tuple[str, str, str]]:
    return [(source.url, source.title, source.stance) for source in sources]


def _what_it_says(annotation: Annotation) -> tuple:
    """What an edit can change of a note's content (its visibility is not its content)."""
    return (
        annotation.note,
        annotation.kind,
        sorted(annotation.tags.values_list("name", flat=True)),
        _source_rows(annotation.sources.order_by("position")),
    )


def annotation_delete(*, annotation: Annotation, user) -> Annotation:
    """Move to the author's trash; restorable until purged."""
    ensure_author(annotation, user)
    annotation.deleted_at = timezone.now()
    with transaction.atomic():
        annotation.save(update_fields=["deleted_at", "updated_at"])
        annotation.article.mark_annotations_changed()
    return annotation


def annotation_restore(*, annotation: Annotation, user) -> Annotation:
    ensure_author(annotation, user)
    annotation.deleted_at = None
    with transaction.atomic():
        annotation.save(update_fields=["deleted_at", "updated_at"])
        annotation.article.mark_annotations_changed()
    return annotation


@transaction.atomic
def reply_create(
    *, parent: Annotation, author, note: str, submission_token: str = ""
) -> Annotation:
    """A reply to a public note (public) or to a group's note (shared with the same group, and
    only from its members)."""
    if parent.parent_id is not None:
        raise ValidationError(
            {"note": "Reply to the annotation itself; threads are one level deep."}
        )
    if (
        parent.visibility not in (Visibility.PUBLIC, Visibility.GROUP)
        or parent.deleted_at is not None
        or parent.moderation != Moderation.SHOWN
    ):
        raise ValidationError({"note": "Only public and group annotations take replies."})
    if parent.visibility == Visibility.GROUP:
        audience_for(author, Visibility.GROUP, parent.group_id)
    note = validate_note(note)
    if not note:
        raise ValidationError({"note": "Write a reply first."})
    existing = earlier_submission(author, submission_token)
    if existing is not None:
        if existing.parent_id == parent.pk and existing.note == note:
            return existing
        # Reply forms are cached per viewer, so one token can serve two different replies
        # (two tabs, say): keep both rather than lose the second.
        submission_token = ""
    with rate_limited(author):
        reply = Annotation(
            article_id=parent.article_id,
            author=author,
            parent=parent,
            kind=Kind.NOTE,
            note=note,
            note_html=note_html(note),
            visibility=parent.visibility,
            group_id=parent.group_id,
            submission_token=submission_token,
        )
        newly_public = reply.visibility == Visibility.PUBLIC
        policies.review(policies.Write(author, [policies.Draft(reply, newly_public=newly_public)]))
        reply.save()
        parent.article.mark_annotations_changed()
        layers.follow_change(
            layers.Change(
                layers.REPLY_CREATED, actor=author, annotation=reply, article=parent.article
            )
        )
    return reply
