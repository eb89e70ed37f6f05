"""New revisions of an article: re-fetch it or re-import its text, keep every annotation.

A change stores a new ArticleRevision with what changed (words added and removed), replaces
the article's body and lets every reader layer follow it (`reader.layers.follow_revision`:
annotations re-anchor, quotes are found again), storing what they report on the revision, all
in one transaction: a refresh that fails anywhere leaves the article, its revisions and its
annotations exactly as they were. Text that did not change stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsapp.reader import layers
from newsapp.text.diff import diff_html, diff_stats, word_diff
from newsapp.text.extract import text_fingerprint, word_count

from .models import Article, ArticleRevision, RevisionOrigin
from .services import (
    BodyFormat,
    Progress,
    canonical_or_error,
    fetch_article,
    no_progress,
    one_block_per_line,
    prepare_body,
)


@dataclass(frozen=True)
class RevisionResult:
    article: Article
    revision: ArticleRevision | None  # the new revision; None when nothing changed
    # What each reader layer made of it (every annotation's outcome, private ones included).
    followed: layers.Followed | None = None

    @property
    def changed(self) -> bool:
        return self.revision is not None

    def describe(self, *, with_notes: bool = False) -> str:
        """What changed, for the reader; ``with_notes`` adds every annotation's outcome, which
        counts private notes of all readers: for operators (commands, logs) only."""
        if self.revision is None:
            return "No changes since the last revision."
        revision = self.revision
        text = (
            f"Revision {revision.number}: {revision.words_added} words added, "
            f"{revision.words_removed} removed."
        )
        if with_notes and self.followed is not None:
            text = f"{text} {self.followed.describe()}".rstrip()
        return text


def article_revise(
    *,
    article: Article,
    title: str,
    body: str,
    body_format: str,
    origin: str = RevisionOrigin.REIMPORT,
    source_url: str = "",
    byline: str | None = None,
    published_at: datetime | None = None,
) -> RevisionResult:
    """Store ``body`` as the article's new revision if its text or title changed.

    Raises ValidationError (with field names) for a refused body, writing nothing.
    """
    prepared = prepare_body(
        title=title, body=body, body_format=body_format, source_url=source_url or article.source_url
    )
    with transaction.atomic():
        # Serialises concurrent refreshes of one article (a no-op lock on SQLite, which
        # serialises writers anyway): the second one compares with the first one's text.
        current = Article.objects.select_for_update().get(pk=article.pk)
        if prepared.body_text == current.body_text and prepared.title == current.title:
            return RevisionResult(article=current, revision=None)
        latest = current.revisions.order_by("-number").only("number").first()
        ops = word_diff(current.body_text, prepared.body_text)
        stats = diff_stats(current.body_text, prepared.body_text, ops)
        revision = ArticleRevision.objects.create(
            article=current,
            number=(latest.number if latest else 0) + 1,
            title=prepared.title,
            body_html=prepared.body_html,
            body_text=prepared.body_text,
            origin=origin,
            source_url=source_url,
            words_added=stats.words_added,
            words_removed=stats.words_removed,
        )
        old_text = current.body_text
        current.title = prepared.title
        current.body_html = prepared.body_html
        current.body_text = prepared.body_text
        current.text_hash = text_fingerprint(prepared.body_text)
        current.word_count = word_count(prepared.body_text)
        if byline is not None:
            current.byline = byline[:200]
        if published_at is not None and current.published_at is None:
            current.published_at = published_at
        current.annotations_changed_at = timezone.now()
        current.save()
        followed = layers.follow_revision(
            article=current,
            revision=revision,
            old_text=old_text,
            new_text=prepared.body_text,
            ops=ops,
        )
        revision.followed = followed.stored()
        revision.save(update_fields=["followed"])
    return RevisionResult(article=current, revision=revision, followed=followed)


def article_refresh(*, article: Article, on_progress: Progress = no_progress) -> RevisionResult:
    """Fetch the article's source again and store a new revision if it changed.

    Raises ValidationError({"url": reason}) when the page cannot be fetched or read; then
    nothing is written, not even the time of the check.
    """
    if not article.source_url:
        raise ValidationError({"url": "This article has no source address to fetch again."})
    canonical_or_error(article.source_url)
    fetched = fetch_article(article.source_url, on_progress=on_progress)
    on_progress("Comparing with the stored text and re-anchoring notes…")
    extracted = fetched.extracted
    try:
        result = article_revise(
            article=article,
            title=extracted.title or article.title,
            body=one_block_per_line(extracted.body_html),
            body_format=BodyFormat.HTML,
            origin=RevisionOrigin.REFRESH,
            source_url=fetched.final_url,
        )
    except ValidationError as error:
        raise ValidationError({"url": " ".join(error.messages)}) from error
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(last_checked_at=now)
    result.article.last_checked_at = now
    return result


def revision_diff(old: ArticleRevision, new: ArticleRevision) -> dict:
    """What the revision page shows between two revisions: the text with <ins>/<del> in place."""
    ops = word_diff(old.body_text, new.body_text)
    stats = diff_stats(old.body_text, new.body_text, ops)
    return {
        "html": diff_html(old.body_text, new.body_text, ops),
        "title_html": diff_html(old.title, new.title) if old.title != new.title else "",
        "words_added": stats.words_added,
        "words_removed": stats.words_removed,
    }
