"""Moderation on the reader page: on each note card, why moderators hid or hold it (for its
author), and a Report control (for other signed-in readers)."""

from __future__ import annotations

from newsapp.reader.layers import Layer

from .models import Action, ModerationAction, Report


class ModerationLayer(Layer):
    name = "moderation"
    templates = {
        "head": "moderation/reader/_head.html",
        "card": "moderation/reader/_card.html",
        "card_footer": "moderation/reader/_card_footer.html",
        "reply": "moderation/reader/_reply.html",
    }

    def card_extras(self, notes, user) -> None:
        """`note.moderation_notice` (the hide or hold that applies, for notes moderators hold
        back) and `note.reported_by_viewer`, for the cards and their replies: at most two
        queries for a page of cards."""
        every = [
            *notes,
            *(reply for note in notes for reply in getattr(note, "visible_replies", ())),
        ]
        notices: dict[int, ModerationAction] = {}
        moderated = [note.pk for note in every if note.is_moderated]
        if moderated:
            actions = ModerationAction.objects.filter(
                annotation__in=moderated, action__in=[Action.HIDE, Action.HOLD]
            ).order_by("annotation", "-created_at", "-pk")
            for action in actions:
                notices.setdefault(action.annotation_id, action)
        reported: set[int] = set()
        if user is not None and user.is_authenticated and every:
            reported = set(
                Report.objects.filter(
                    reporter=user, annotation__in=[note.pk for note in every]
                ).values_list("annotation_id", flat=True)
            )
        for note in every:
            note.moderation_notice = notices.get(note.pk)
            note.reported_by_viewer = note.pk in reported
