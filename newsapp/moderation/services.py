"""Writes of moderation: reports, automatic holds, moderators' actions, restricted authors.

Who moderates what: site staff moderate public and unlisted notes; a group's owners and
moderators moderate the group's notes; nobody moderates their own. Every action is written
to the audit log (`ModerationAction`) in the same transaction as the change, and stamps the
article so every reader's page shows the change at once.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsapp import ratelimit
from newsapp.annotations.models import Annotation, Moderation, Visibility
from newsapp.claims.ratings import CONTEXT_KINDS, request_rescore
from newsapp.groups.models import Group, Membership

from .models import Action, ModerationAction, Reason, Report, Resolution, Restriction
from .standing import is_established, is_restricted

REPORTABLE = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.GROUP)
REPORTS_PER_HOUR = 30
MAX_TEXT_CHARS = 1000


# --- who moderates what --------------------------------------------------------------------------


def moderated_group_ids(user) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, role__in=Group.MODERATING_ROLES).values_list(
            "group_id", flat=True
        )
    )


def is_moderator(user) -> bool:
    """Site staff, or an owner or moderator of some group: who may open the queue."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or bool(moderated_group_ids(user))


def can_moderate(user, annotation: Annotation) -> bool:
    if user is None or not user.is_authenticated or annotation.author_id == user.pk:
        return False
    if annotation.visibility == Visibility.GROUP:
        return annotation.group_id in moderated_group_ids(user)
    return user.is_staff


def ensure_moderator(user, annotation: Annotation) -> None:
    if annotation.author_id == getattr(user, "pk", None):
        raise PermissionDenied("Nobody moderates their own notes.")
    if not can_moderate(user, annotation):
        raise PermissionDenied("Only this note's moderators can do that.")


def _clean_text(text: str, field: str = "explanation") -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({field: f"Keep it under {MAX_TEXT_CHARS:,} characters."})
    return text


def _log(action: str, *, actor, annotation=None, subject=None, reason="", explanation=""):
    if subject is None and annotation is not None:
        subject = annotation.author_id
    return ModerationAction.objects.create(
        action=action,
        actor=actor,
        annotation=annotation,
        subject_id=getattr(subject, "pk", subject),
        group_id=annotation.group_id if annotation is not None else None,
        reason=reason,
        explanation=explanation,
    )


def _changed(annotation: Annotation) -> None:
    """Readers' pages show it at once; a context note's bridging score is computed again
    (a hidden note's ratings no longer count, a restored one's count again)."""
    annotation.article.mark_annotations_changed()
    if annotation.kind in CONTEXT_KINDS and annotation.parent_id is None:
        transaction.on_commit(request_rescore)


def _resolve_reports(annotation: Annotation, resolution: str) -> int:
    return Report.objects.filter(annotation=annotation, resolution=Resolution.OPEN).update(
        resolution=resolution, resolved_at=timezone.now()
    )


# --- reports -------------------------------------------------------------------------------------


def report_create(*, annotation: Annotation, reporter, reason: str, text: str = "") -> Report:
    """A reader reports a note they can see. One report per reader per note; enough reports
    from established readers (GLOSS_REPORTS_TO_HOLD) hold the note for review at once."""
    if reason not in Reason.values:
        raise ValidationError({"reason": "Choose why: spam, harassment, misleading, off topic."})
    text = _clean_text(text, "text")
    if reason == Reason.OTHER and not text:
        raise ValidationError({"text": "Say in a few words what is wrong with it."})
    if annotation.author_id == reporter.pk:
        raise ValidationError({"reason": "You cannot report your own note."})
    if annotation.visibility not in REPORTABLE or annotation.deleted_at is not None:
        raise ValidationError({"reason": "Only shared notes can be reported."})
    limit = ratelimit.counted(
        "report",
        reporter.pk,
        limit=REPORTS_PER_HOUR,
        seconds=3600,
        message=f"You have sent {REPORTS_PER_HOUR} reports in the last hour. Try again later.",
    )
    with limit, transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    annotation=annotation,
                    reporter=reporter,
                    reason=reason,
                    text=text,
                    established=is_established(reporter),
                )
        except IntegrityError:
            raise ValidationError({"reason": "You have already reported this note."}) from None
        _hold_if_reported_enough(annotation)
        # The reporter's own card now says it was reported.
        annotation.article.mark_annotations_changed()
    return report


def _hold_if_reported_enough(annotation: Annotation) -> None:
    reasons = list(
        Report.objects.filter(
            annotation=annotation, resolution=Resolution.OPEN, established=True
        ).values_list("reason", flat=True)
    )
    if len(reasons) < settings.GLOSS_REPORTS_TO_HOLD:
        return
    held = Annotation.objects.filter(pk=annotation.pk, moderation=Moderation.SHOWN).update(
        moderation=Moderation.HELD
    )
    if held:
        annotation.moderation = Moderation.HELD
        most_common = Counter(reasons).most_common(1)[0][0]
        _log(
            Action.HOLD,
            actor=None,
            annotation=annotation,
            reason=most_common,
            explanation=f"Reported by {len(reasons)} readers; waiting for a moderator.",
        )
        _changed(annotation)


# --- moderators' actions -------------------------------------------------------------------------


@transaction.atomic
def note_hide(
    *, annotation: Annotation, moderator, reason: str, explanation: str = ""
) -> ModerationAction:
    """Hide a note from everyone but its author, who sees the reason on it."""
    ensure_moderator(moderator, annotation)
    if reason not in Reason.values:
        raise ValidationError({"reason": "Choose the reason the author will see."})
    explanation = _clean_text(explanation)
    if annotation.moderation == Moderation.HIDDEN:
        raise ValidationError("This note is already hidden.")
    annotation.moderation = Moderation.HIDDEN
    annotation.save(update_fields=["moderation"])
    _resolve_reports(annotation, Resolution.HIDDEN)
    action = _log(
        Action.HIDE,
        actor=moderator,
        annotation=annotation,
        reason=reason,
        explanation=explanation,
    )
    _changed(annotation)
    return action


@transaction.atomic
def note_restore(*, annotation: Annotation, moderator, explanation: str = "") -> ModerationAction:
    """Show a hidden or held note again (approving a held one)."""
    ensure_moderator(moderator, annotation)
    if annotation.moderation == Moderation.SHOWN:
        raise ValidationError("This note is already shown.")
    approving = annotation.moderation == Moderation.HELD
    annotation.moderation = Moderation.SHOWN
    annotation.save(update_fields=["moderation"])
    _resolve_reports(annotation, Resolution.RESTORED)
    action = _log(
        Action.APPROVE if approving else Action.RESTORE,
        actor=moderator,
        annotation=annotation,
        explanation=_clean_text(explanation),
    )
    _changed(annotation)
    return action


@transaction.atomic
def reports_dismiss(
    *, annotation: Annotation, moderator, explanation: str = ""
) -> ModerationAction:
    """The reports were wrong: close them; a note they held is shown again (unless its author
    is restricted, whose public notes wait for approval anyway)."""
    ensure_moderator(moderator, annotation)
    dismissed = _resolve_reports(annotation, Resolution.DISMISSED)
    released = annotation.moderation == Moderation.HELD and not is_restricted(annotation.author)
    if not dismissed and not released:
        raise ValidationError("There are no open reports on this note.")
    if released:
        annotation.moderation = Moderation.SHOWN
        annotation.save(update_fields=["moderation"])
    action = _log(
        Action.DISMISS, actor=moderator, annotation=annotation, explanation=_clean_text(explanation)
    )
    _changed(annotation)
    return action


def _ensure_staff(moderator) -> None:
    if not getattr(moderator, "is_staff", False):
        raise PermissionDenied("Only site staff restrict authors.")


@transaction.atomic
def author_restrict(*, user, moderator, explanation: str = "") -> Restriction:
    """From now on the author's new public notes wait for a moderator's approval."""
    _ensure_staff(moderator)
    if user.pk == moderator.pk:
        raise ValidationError("Nobody restricts themselves.")
    explanation = _clean_text(explanation)
    restriction, made = Restriction.objects.get_or_create(
        user=user, defaults={"restricted_by": moderator, "explanation": explanation}
    )
    if made:
        _log(Action.RESTRICT, actor=moderator, subject=user, explanation=explanation)
    return restriction


@transaction.atomic
def author_unrestrict(*, user, moderator, explanation: str = "") -> None:
    _ensure_staff(moderator)
    deleted, _ = Restriction.objects.filter(user=user).delete()
    if deleted:
        _log(Action.UNRESTRICT, actor=moderator, subject=user, explanation=_clean_text(explanation))
