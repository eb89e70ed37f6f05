"""The reader header's revision notice: how often the article changed, and what became of the
viewer's notes at the last change. Two queries, whatever the number of revisions or notes."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from newsapp.annotations.reanchor import ReanchorCounts, summary_for
from newsapp.articles.jobs import active_refresh
from newsapp.articles.models import Article, ArticleRevision, Job

register = template.Library()


@dataclass(frozen=True)
class RevisionNotice:
    revision: ArticleRevision | None
    counts: ReanchorCounts
    job: Job | None

    @property
    def updates(self) -> int:
        return self.revision.number - 1 if self.revision is not None else 0

    @property
    def summary(self) -> str:
        sentence = self.counts.sentence()
        return f"{sentence[0].upper()}{sentence[1:]}." if sentence else ""


@register.simple_tag(takes_context=True)
def revision_notice(context, article: Article) -> RevisionNotice:
    """Stored figures only: the summary was computed once, when the revision was made."""
    user = context.get("user")
    revision = article.latest_revision
    counts = (
        summary_for(revision.reanchor_counts, user)
        if revision is not None and revision.is_update
        else ReanchorCounts()
    )
    return RevisionNotice(revision=revision, counts=counts, job=active_refresh(article, user))
