"""Write policies: what other apps decide about a note before it is saved.

Moderation (newsapp.moderation) builds on annotations, so annotations cannot ask it directly
whether an author may publish; instead every write service hands its notes to the policies in
the setting `GLOSS_ANNOTATION_POLICIES` (dotted paths, like the reader's layers), inside the
write's transaction and after the write's own validation. A policy may refuse the write
(ValidationError, RateLimited: nothing is saved) or decide what moderators decide on the
notes (`Annotation.moderation`, `Annotation.plain_links`, `Annotation.note_html`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Annotation


@dataclass(frozen=True)
class Draft:
    """One note about to be saved, with the links of its context sources."""

    annotation: Annotation
    source_urls: tuple[str, ...] = ()
    # Public (or a public reply) for the first time with this write: new, or moved to public.
    newly_public: bool = False


@dataclass(frozen=True)
class Write:
    author: object
    drafts: list[Draft] = field(default_factory=list)


class WritePolicy:
    def review(self, write: Write) -> None:
        """Refuse `write`, or adjust its drafts' annotations before they are saved."""


@cache
def _load(paths: tuple[str, ...]) -> tuple[WritePolicy, ...]:
    return tuple(import_string(path)() for path in paths)


def active_policies() -> tuple[WritePolicy, ...]:
    return _load(tuple(getattr(settings, "GLOSS_ANNOTATION_POLICIES", ())))


def review(write: Write) -> None:
    for policy in active_policies():
        policy.review(write)
