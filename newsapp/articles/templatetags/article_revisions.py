"""The reader header's revision notice: how often the article changed, and what the reader
layers say of the last change (what became of the viewer's notes). Two queries, whatever the
number of revisions or notes."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from newsapp.articles.jobs import active_refresh
from newsapp.articles.models import Article, ArticleRevision, Job
from newsapp.reader import layers

register = template.Library()


@dataclass(frozen=True)
class RevisionNotice:
    revision: ArticleRevision | None
    summary: str
    job: Job | None

    @property
    def updates(self) -> int:
        return self.revision.number - 1 if self.revision is not None else 0


@register.simple_tag(takes_context=True)
def revision_notice(context, article: Article) -> RevisionNotice:
    """Stored figures only: each layer's summary was computed once, when the revision was made."""
    user = context.get("user")
    revision = article.latest_revision
    summary = (
        layers.revision_summary(revision.followed, user)
        if revision is not None and revision.is_update
        else ""
    )
    return RevisionNotice(revision=revision, summary=summary, job=active_refresh(article, user))
