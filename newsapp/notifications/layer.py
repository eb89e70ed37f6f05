"""The notifications layer: turns writes into notifications, and puts Follow buttons on the
reader page (the article, a claim's card, the tag or reader a filter shows).

Writes reach it inside their transaction (`follow_change`, `follow_import`,
`follow_revision`): what one reader must hear (a reply to their note) is made there and then;
what the followers of something hear is one `Fanout` row, made there, whose batches run in the
background once the write commits.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from newsapp.annotations.models import Annotation, Visibility
from newsapp.claims.models import AttributionCorrection, Quote, Speaker
from newsapp.claims.ratings import is_context_note
from newsapp.reader import layers
from newsapp.reader.layers import Layer

from .models import Follow, Kind, Target
from .revisions import quoted, revision_notifications_task
from .services import CLAIM_KINDS, follows_of, notify, notify_followers


def _who(user) -> str:
    return user.get_username() if user is not None else "Someone"


class NotificationsLayer(Layer):
    name = "notifications"
    templates = {
        "header": "notifications/reader/_follow_article.html",
        "before_body": "notifications/reader/_follow_filter.html",
        "oob": "notifications/reader/_follow_filter_oob.html",
        "card_footer": "notifications/reader/_follow_claim.html",
        "speaker": "notifications/reader/_follow_speaker.html",
        "feed": "notifications/reader/_follow_feed.html",
    }

    # --- writes -------------------------------------------------------------------------------
    def follow_change(self, change: layers.Change) -> None:
        handler = {
            layers.NOTE_CREATED: self._note_created,
            layers.REPLY_CREATED: self._reply_created,
            layers.NOTES_SHOWN: self._notes_shown,
            layers.ATTRIBUTION_CORRECTED: self._attribution_corrected,
            layers.FEED_ITEM_IMPORTED: self._feed_item,
        }.get(change.kind)
        if handler is not None:
            handler(change)

    def _note_created(self, change) -> None:
        """Followers of the claims a new context note overlaps, then of its article, its
        author and its tags (once each, as the first that applies)."""
        note = change.annotation
        if note.parent_id is not None or note.visibility in (
            Visibility.PRIVATE,
            Visibility.UNLISTED,
        ):
            return  # nobody but its author (or whoever has the link) may see it
        article, actor = note.article, change.actor or note.author
        audiences: list[tuple[str, str, int]] = []
        if note.start is not None and note.kind in CLAIM_KINDS and is_context_note(note):
            claims = (
                Annotation.objects.filter(
                    article=article,
                    parent__isnull=True,
                    kind__in=CLAIM_KINDS,
                    start__lt=note.end,
                    end__gt=note.start,
                )
                .exclude(pk=note.pk)
                .values_list("pk", flat=True)
            )
            audiences += [(Kind.CONTEXT, Target.CLAIM, pk) for pk in claims]
        audiences += [
            (Kind.FOLLOWING, Target.ARTICLE, article.pk),
            (Kind.FOLLOWING, Target.READER, note.author_id),
        ]
        audiences += [
            (Kind.FOLLOWING, Target.TAG, pk) for pk in note.tags.values_list("pk", flat=True)
        ]
        title = quoted(article.title)
        notify_followers(
            audiences=audiences,
            messages={
                Kind.CONTEXT: f"{_who(actor)} added context to a claim you follow in {title}.",
                Kind.FOLLOWING: f"{_who(actor)} marked a {note.get_kind_display().lower()} "
                f"in {title}.",
            },
            actor=actor,
            annotation=note,
            article=article,
        )

    def _reply_created(self, change) -> None:
        reply = change.annotation
        parent = reply.parent
        notify(
            recipients=[parent.author_id],
            kind=Kind.REPLY,
            message=f"{_who(change.actor)} replied to your note on {quoted(reply.article.title)}.",
            actor=change.actor,
            annotation=reply,
            article=reply.article,
        )

    def _notes_shown(self, change) -> None:
        notes = Annotation.objects.filter(pk__in=change.annotation_ids).select_related("article")
        for note in notes:
            notify(
                recipients=[note.author_id],
                kind=Kind.HELPFUL,
                message=f"Your note on {quoted(note.article.title)} is now shown as "
                "“Readers added context”.",
                annotation=note,
                article=note.article,
            )

    def _attribution_corrected(self, change) -> None:
        """Readers who said someone else said the quote hear who the actor says said it."""
        quote, actor = change.quote, change.actor
        speaker = Speaker.objects.filter(pk=change.detail.get("speaker")).first()
        if quote is None or speaker is None:
            return
        answers = (
            AttributionCorrection.objects.filter(quote=quote)
            .exclude(reader=actor)
            .exclude(speaker=speaker)
            .values_list("reader_id", "speaker__name")
        )
        by_answer: dict[str, list[int]] = defaultdict(list)
        for reader, name in answers:
            by_answer[name].append(reader)
        title = quoted(quote.article.title)
        for name, readers in by_answer.items():
            notify(
                recipients=readers,
                kind=Kind.ATTRIBUTION,
                message=f"{_who(actor)} says {speaker.name[:60]}, not {name[:60]}, said a quote "
                f"in {title}.",
                actor=actor,
                quote=quote,
                article=quote.article,
            )

    def _feed_item(self, change) -> None:
        feed_id = change.detail.get("feed")
        notify_followers(
            audiences=[(Kind.FOLLOWING, Target.FEED, feed_id)],
            messages={
                Kind.FOLLOWING: f"New in {change.detail.get('feed_title') or 'a feed you follow'}: "
                f"{quoted(change.article.title)}."
            },
            article=change.article,
        )

    def follow_import(self, *, article):
        """Followers of the speakers quoted in a new article (the claims layer found them)."""
        quoted_here = Quote.objects.filter(article=article).values("shown_speaker_id")
        followed = (
            Speaker.objects.filter(
                pk__in=Follow.objects.filter(
                    target=Target.SPEAKER, target_id__in=quoted_here
                ).values("target_id")
            )
            .order_by("pk")
            .values_list("pk", "name")
        )
        for speaker_id, name in followed:  # one query; rarely any row
            notify_followers(
                audiences=[(Kind.FOLLOWING, Target.SPEAKER, speaker_id)],
                messages={Kind.FOLLOWING: f"{name[:80]} is quoted in {quoted(article.title)}."},
                article=article,
            )
        return None

    def follow_revision(self, *, article, revision, old_text, new_text, ops):
        # The summary needs what every layer stored on the revision: read it once committed.
        transaction.on_commit(lambda: revision_notifications_task.enqueue(revision.pk))
        return None

    # --- the reader page ----------------------------------------------------------------------
    def card_extras(self, notes, user) -> None:
        claims = [note for note in notes if note.kind in CLAIM_KINDS and note.parent_id is None]
        claim_ids = {note.pk for note in claims}
        followed = follows_of(user, Target.CLAIM, claim_ids) if claims else set()
        for note in notes:
            note.is_followable = note.pk in claim_ids
            note.is_followed = note.pk in followed
