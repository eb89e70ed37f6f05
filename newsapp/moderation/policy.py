"""Moderation's say over every annotation write (annotations.policies): restricted authors'
public notes wait for approval; new accounts publish a few public notes a day, with few links,
shown as plain domains."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from newsapp import ratelimit
from newsapp.annotations.models import Moderation, Visibility
from newsapp.annotations.policies import Write, WritePolicy
from newsapp.text.links import links_as_domains, note_links

from .standing import standing

DAY = 24 * 60 * 60


class ModerationPolicy(WritePolicy):
    def review(self, write: Write) -> None:
        public = [d for d in write.drafts if d.annotation.visibility == Visibility.PUBLIC]
        if not public:
            return
        author = standing(write.author)
        if author.restricted:
            for draft in public:
                if draft.annotation.moderation == Moderation.SHOWN:
                    draft.annotation.moderation = Moderation.HELD
        if author.established:
            return
        most = settings.GLOSS_NEW_ACCOUNT_LINKS_PER_NOTE
        for draft in public:
            links = len(note_links(draft.annotation.note_html)) + len(draft.source_urls)
            if links > most:
                raise ValidationError(
                    {
                        "note": f"New accounts put at most {most} link(s) in a public note "
                        f"(this one has {links}). Share it with fewer links, or keep it "
                        "private for now."
                    }
                )
        per_day = settings.GLOSS_NEW_ACCOUNT_PUBLIC_NOTES_PER_DAY
        for _ in range(sum(1 for draft in public if draft.newly_public)):
            ratelimit.hit(
                "new-account-public",
                write.author.pk,
                limit=per_day,
                seconds=DAY,
                message=f"New accounts publish at most {per_day} public notes a day. "
                "Keep this one private or share it tomorrow.",
            )
        for draft in public:
            draft.annotation.plain_links = True
            draft.annotation.note_html = links_as_domains(draft.annotation.note_html)
