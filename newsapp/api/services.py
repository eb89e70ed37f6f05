"""Writes the API makes: tokens, and annotations through the annotations app's services.

An annotation on an article Gloss has goes through ``annotation_create`` (or, when its words
only anchor fuzzily or not at all, ``annotations_bulk_create``, which keeps it as it was given);
one on a page Gloss does not have is kept as a ``WaitingAnnotation`` until that page is imported
(``waiting_attach``, called by the API's reader layer on every import).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from newsapp.annotations.models import Annotation, Kind
from newsapp.annotations.services import (
    MAX_QUOTE_CHARS,
    NewAnnotation,
    SourceInput,
    annotation_create,
    annotation_delete,
    annotation_update,
    annotations_bulk_create,
    clean_sources,
    clean_tags,
    rate_limited,
    validate_note,
)
from newsapp.articles.models import Article
from newsapp.text.anchoring import locate, locate_many, selector_for

from .documents import AnnotationInput
from .models import AnnotationIdentity, ApiToken, WaitingAnnotation, hash_token, new_token
from .targets import article_addresses, canonical_target

MAX_TOKEN_NAME_CHARS = 80
CONTEXT_CHARS = 64  # Annotation.prefix / suffix max_length


# --- tokens ----------------------------------------------------------------------------------


def api_token_create(*, user, name: str = "", read_only: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user``: the record, and the token itself (shown once, never stored)."""
    name = " ".join((name or "").split()) or "API token"
    if len(name) > MAX_TOKEN_NAME_CHARS:
        raise ValidationError(
            {"name": f"The name is {len(name)} characters; the limit is {MAX_TOKEN_NAME_CHARS}."}
        )
    token = new_token()
    record = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token(token),
        key_start=token[:14],
        read_only=read_only,
    )
    return record, token


def api_token_revoke(*, token: ApiToken, user) -> ApiToken:
    if token.user_id != getattr(user, "pk", None):
        raise PermissionDenied("Only its owner can revoke a token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- annotations -----------------------------------------------------------------------------


def api_annotation_create(
    *, author, document: AnnotationInput, article: Article | None
) -> Annotation | WaitingAnnotation:
    """Store one annotation a client sent: on ``article``, or waiting for its page."""
    if article is None:
        return _waiting_create(author=author, document=document)
    if not document.has_quote:
        raise ValidationError(
            {"exact": "An annotation on a Gloss article needs a TextQuoteSelector."}
        )
    anchor = locate(
        article.body_text,
        exact=document.exact,
        prefix=document.prefix,
        suffix=document.suffix,
        start=document.start,
        end=document.end,
    )
    fields = {
        "kind": document.kind,
        "note": document.note,
        "tags": document.tags,
        "sources": document.sources,
    }
    with transaction.atomic():
        if anchor is not None and anchor.method in {"position", "quote"}:
            annotation = annotation_create(
                article=article,
                author=author,
                **selector_for(article.body_text, anchor.start, anchor.end),
                visibility=document.visibility,
                **fields,
            )
        else:
            annotation = _create_kept(article, author, document, anchor, fields)
        if document.canonical or document.via:
            AnnotationIdentity.objects.create(
                annotation=annotation, canonical=document.canonical, via=document.via
            )
    return annotation


def _create_kept(article, author, document: AnnotationInput, anchor, fields) -> Annotation:
    """Words that anchor only fuzzily, or not at all (kept orphaned, as the client gave them)."""
    if anchor is not None:
        where = {"anchor_method": anchor.method}
        where.update(selector_for(article.body_text, anchor.start, anchor.end))
    else:
        where = _as_given(document)
    with rate_limited(author):
        (annotation,) = annotations_bulk_create(
            article=article,
            author=author,
            items=[NewAnnotation(**where, **fields)],
            visibility=document.visibility,
        )
    return annotation


def _as_given(document) -> dict:
    has_position = document.start is not None and document.end is not None
    return {
        "anchor_method": "",
        "exact": document.exact,
        "prefix": document.prefix[-CONTEXT_CHARS:],
        "suffix": document.suffix[:CONTEXT_CHARS],
        "start": document.start if has_position else None,
        "end": document.end if has_position else None,
    }


def api_annotation_replace(
    *, annotation: Annotation, user, document: AnnotationInput
) -> Annotation:
    """PUT: the note, kind, tags, sources and visibility change; the words cannot (409)."""
    if document.exact != annotation.exact:
        raise TargetChanged()
    with transaction.atomic():
        annotation = annotation_update(
            annotation=annotation,
            user=user,
            note=document.note,
            kind=document.kind,
            visibility=document.visibility,
            tags=document.tags,
            sources=document.sources,
        )
        _keep_identity(annotation, document)
    return annotation


def _keep_identity(annotation: Annotation, document: AnnotationInput) -> None:
    if document.canonical or document.via:
        AnnotationIdentity.objects.update_or_create(
            annotation=annotation,
            defaults={"canonical": document.canonical, "via": document.via},
        )
    else:
        AnnotationIdentity.objects.filter(annotation=annotation).delete()


class TargetChanged(Exception):
    """A replacement named other words or another page: that is a new annotation."""


def api_annotation_delete(*, annotation: Annotation | WaitingAnnotation, user) -> None:
    if isinstance(annotation, Annotation):
        annotation_delete(annotation=annotation, user=user)
        return
    _ensure_author(annotation, user)
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at", "updated_at"])


# --- annotations waiting for their page ------------------------------------------------------


def _ensure_author(waiting: WaitingAnnotation, user) -> None:
    if waiting.author_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the author can change this annotation.")


def _checked_waiting_fields(document: AnnotationInput) -> dict:
    if document.kind not in Kind.values:
        raise ValidationError({"kind": "Choose highlight, note, question, claim or quote."})
    if len(document.exact) > MAX_QUOTE_CHARS:
        raise ValidationError(
            {
                "exact": f"The quote is {len(document.exact):,} characters; the limit is "
                f"{MAX_QUOTE_CHARS:,}."
            }
        )
    return {
        "kind": document.kind,
        "note": validate_note(document.note),
        "tags_text": WaitingAnnotation.tags_field(clean_tags(document.tags)),
        "sources": [asdict(source) for source in clean_sources(document.sources)],
        "visibility": document.visibility,
        "canonical": document.canonical,
        "via": document.via,
    }


def _words(document: AnnotationInput) -> dict:
    return {key: value for key, value in _as_given(document).items() if key != "anchor_method"}


def _waiting_create(*, author, document: AnnotationInput) -> WaitingAnnotation:
    fields = _checked_waiting_fields(document)
    with rate_limited(author):
        return WaitingAnnotation.objects.create(
            author=author,
            target_url=document.target_url,
            canonical_url=canonical_target(document.target_url),
            **_words(document),
            **fields,
        )


def waiting_replace(
    *, waiting: WaitingAnnotation, user, document: AnnotationInput
) -> WaitingAnnotation:
    _ensure_author(waiting, user)
    if document.exact != waiting.exact or (
        canonical_target(document.target_url) != waiting.canonical_url
    ):
        raise TargetChanged()
    for name, value in _checked_waiting_fields(document).items():
        setattr(waiting, name, value)
    waiting.save()
    return waiting


def waiting_attach(*, article: Article) -> list[Annotation]:
    """Attach every annotation waiting for ``article``'s address to it, re-anchored on its
    text (what is not found is kept orphaned for its author to re-attach). Whole-page notes
    (no words) keep waiting: an article has no place for them. Returns what was attached."""
    waiting = list(
        WaitingAnnotation.objects.waiting()
        .filter(canonical_url__in=article_addresses(article))
        .exclude(exact="")
        .select_related("author")
    )
    if not waiting:
        return []
    anchors = locate_many(
        article.body_text,
        (
            {
                "exact": w.exact,
                "prefix": w.prefix,
                "suffix": w.suffix,
                "start": w.start,
                "end": w.end,
            }
            for w in waiting
        ),
    )
    groups: dict[tuple[int, str], list[tuple[WaitingAnnotation, NewAnnotation]]] = defaultdict(list)
    for item, anchor in zip(waiting, anchors, strict=True):
        if anchor is not None:
            where = {"anchor_method": anchor.method}
            where.update(selector_for(article.body_text, anchor.start, anchor.end))
        else:
            where = _as_given(item)
        new = NewAnnotation(
            **where,
            kind=item.kind,
            note=item.note,
            tags=item.tags,
            sources=[SourceInput(**source) for source in item.sources],
        )
        groups[(item.author_id, item.visibility)].append((item, new))
    attached: list[Annotation] = []
    now = timezone.now()
    for (_, visibility), pairs in groups.items():
        created = annotations_bulk_create(
            article=article,
            author=pairs[0][0].author,
            items=[new for _, new in pairs],
            visibility=visibility,
        )
        for (item, _), annotation in zip(pairs, created, strict=True):
            item.attached_to, item.attached_at = annotation, now
        WaitingAnnotation.objects.bulk_update(
            [item for item, _ in pairs], ["attached_to", "attached_at"]
        )
        AnnotationIdentity.objects.bulk_create(
            AnnotationIdentity(annotation=annotation, canonical=item.canonical, via=item.via)
            for (item, _), annotation in zip(pairs, created, strict=True)
            if item.canonical or item.via
        )
        attached.extend(created)
    return attached
