"""Writes to annotations. Views call these; nothing else writes annotations.

Every write stamps the article (`Article.mark_annotations_changed`) so the reader's cache
shows it at once."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsapp import ratelimit
from newsapp.text.anchoring import locate, selector_for
from newsapp.text.sanitize import clean_plain_text, render_note

from . import policies
from .models import (
    AnchorState,
    Annotation,
    ContextSource,
    Kind,
    Moderation,
    Stance,
    Tag,
    Visibility,
    VisibilityChange,
    reader_groups,
)

MAX_NOTE_CHARS = 10_000
MAX_QUOTE_CHARS = 5_000
MAX_SOURCES = 10
MAX_TAGS = 10
MAX_TAG_CHARS = 40
MAX_SOURCE_TITLE_CHARS = 300
RATE_LIMIT_PER_MINUTE = 60


@dataclass(frozen=True)
class SourceInput:
    url: str
    title: str = ""
    stance: str = Stance.BACKGROUND
    excerpt: str = ""


def clean_tags(raw_tags: list[str]) -> list[str]:
    tags: list[str] = []
    for raw in raw_tags:
        tag = " ".join(clean_plain_text(raw).lower().split()).lstrip("#")
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise ValidationError(
                {"tags": f"“{tag[:20]}…” is too long: tags are at most {MAX_TAG_CHARS} characters."}
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags ({len(tags)} given)."})
    return tags


def clean_sources(sources: list[SourceInput]) -> list[SourceInput]:
    if len(sources) > MAX_SOURCES:
        raise ValidationError(
            {"sources": f"Attach at most {MAX_SOURCES} sources ({len(sources)} given)."}
        )
    cleaned = []
    for number, source in enumerate(sources, start=1):
        url = source.url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
            raise ValidationError(
                {"sources": f"Source {number}: the link must be a full http:// or https:// URL."}
            )
        if len(url) > 2000:
            raise ValidationError({"sources": f"Source {number}: the link is too long."})
        if source.stance not in Stance.values:
            raise ValidationError(
                {"sources": f"Source {number}: choose supports, disputes or background."}
            )
        title = clean_plain_text(source.title).strip()
        if len(title) > MAX_SOURCE_TITLE_CHARS:
            raise ValidationError(
                {"sources": f"Source {number}: the title is over {MAX_SOURCE_TITLE_CHARS} chars."}
            )
        excerpt = clean_plain_text(source.excerpt).strip()[:1000]
        cleaned.append(SourceInput(url=url, title=title, stance=source.stance, excerpt=excerpt))
    return cleaned


def validate_note(note: str) -> str:
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            {"note": f"The note is {len(note):,} characters; the limit is {MAX_NOTE_CHARS:,}."}
        )
    return note.strip()


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
        note_html=render_note(note) if note else "",
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
    except IntegrityError:
        # Two identical submissions raced; the first one won and is the answer.
        existing = earlier_submission(author, submission_token)
        if existing is None:
            raise
        return existing
    return annotation


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
    annotation.note = note
    annotation.note_html = render_note(note) if note else ""
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
            note_html=render_note(note),
            visibility=parent.visibility,
            group_id=parent.group_id,
            submission_token=submission_token,
        )
        newly_public = reply.visibility == Visibility.PUBLIC
        policies.review(policies.Write(author, [policies.Draft(reply, newly_public=newly_public)]))
        reply.save()
        parent.article.mark_annotations_changed()
    return reply
