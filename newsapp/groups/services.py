"""Writes to groups: creating them, invitations, memberships and roles, the reading list.

Every service is keyword-only, checks who may do it (PermissionDenied) and what is asked
(ValidationError), and runs in one transaction. Services that change roles or memberships lock
the group's row first, so two owners acting at once are serialised and a group always keeps
at least one owner.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from newsapp import ratelimit
from newsapp.text.sanitize import clean_plain_text

from .models import Group, Invite, Membership, NewNotes, ReadingListEntry, Role

MAX_NAME_CHARS = 80
MAX_DESCRIPTION_CHARS = 2000
MAX_INVITE_USES = 1000
MAX_INVITE_DAYS = 365
GROUPS_PER_HOUR = 10
INVITES_PER_HOUR = 60
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


# --- who may do what ---------------------------------------------------------------------------


def membership_of(group: Group, user) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


def require_role(group: Group, user, *roles: str) -> Membership:
    """The user's membership of `group` if it has one of `roles` (any role when none given)."""
    membership = membership_of(group, user)
    if membership is None:
        raise PermissionDenied("Only the group's members can do that.")
    if roles and membership.role not in roles:
        names = " or ".join(Role(role).label.lower() + "s" for role in roles)
        raise PermissionDenied(f"Only the group's {names} can do that.")
    return membership


def _locked(group: Group) -> Group:
    """The group's row, locked until the transaction ends (membership changes queue here)."""
    return Group.objects.select_for_update().get(pk=group.pk)


# --- the group itself ----------------------------------------------------------------------------


def _clean_fields(*, name: str, description: str, colour: str, default_visibility: str) -> dict:
    name = clean_plain_text(name)
    if not name:
        raise ValidationError({"name": "Give the group a name."})
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError({"name": f"Names are at most {MAX_NAME_CHARS} characters."})
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ValidationError(
            {"description": f"Descriptions are at most {MAX_DESCRIPTION_CHARS:,} characters."}
        )
    colour = (colour or "").strip().lower()
    if colour and not COLOUR.fullmatch(colour):
        raise ValidationError({"colour": "A colour is written #rrggbb, e.g. #2a7f62."})
    if default_visibility not in NewNotes.values:
        raise ValidationError(
            {"default_visibility": "Choose shared with the group or only me for new notes."}
        )
    return {
        "name": name,
        "description": description,
        "colour": colour,
        "default_visibility": default_visibility,
    }


def _new_slug(name: str) -> str:
    """The name's words and six random characters: readable, and never "public" or "private"
    (the group switcher's other choices)."""
    base = slugify(name)[:60].strip("-") or "group"
    return f"{base}-{secrets.token_hex(3)}"


def group_create(
    *,
    creator,
    name: str,
    description: str = "",
    colour: str = "",
    default_visibility: str = NewNotes.GROUP,
) -> Group:
    """A new group with `creator` as its owner."""
    fields = _clean_fields(
        name=name, description=description, colour=colour, default_visibility=default_visibility
    )
    limit = ratelimit.counted(
        "group-create",
        creator.pk,
        limit=GROUPS_PER_HOUR,
        seconds=3600,
        message=f"You have created {GROUPS_PER_HOUR} groups in the last hour. Try again later.",
    )
    with limit, transaction.atomic():
        for _ in range(5):
            try:
                with transaction.atomic():
                    group = Group.objects.create(
                        slug=_new_slug(fields["name"]), created_by=creator, **fields
                    )
                break
            except IntegrityError:  # the random part met an existing slug: draw again
                continue
        else:
            raise ValidationError({"name": "Could not name this group's address; try again."})
        Membership.objects.create(group=group, user=creator, role=Role.OWNER)
    return group


@transaction.atomic
def group_update(
    *, group: Group, user, name: str, description: str, colour: str, default_visibility: str
) -> Group:
    require_role(group, user, Role.OWNER)
    fields = _clean_fields(
        name=name, description=description, colour=colour, default_visibility=default_visibility
    )
    for field, value in fields.items():
        setattr(group, field, value)
    group.save(update_fields=list(fields))
    return group


# --- invitations ---------------------------------------------------------------------------------


def _invite_limit(user):
    return ratelimit.counted(
        "group-invite",
        user.pk,
        limit=INVITES_PER_HOUR,
        seconds=3600,
        message=f"You have sent {INVITES_PER_HOUR} invitations in the last hour. Try again later.",
    )


def invite_create(
    *, group: Group, user, expires_in_days: int | None = None, max_uses: int | None = None
) -> Invite:
    """A link that lets whoever holds it join (owners and moderators make them)."""
    require_role(group, user, *Group.MODERATING_ROLES)
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_INVITE_DAYS:
        raise ValidationError(
            {"expires_in_days": f"A link lasts from 1 to {MAX_INVITE_DAYS} days (or forever)."}
        )
    if max_uses is not None and not 1 <= max_uses <= MAX_INVITE_USES:
        raise ValidationError(
            {"max_uses": f"A link takes from 1 to {MAX_INVITE_USES:,} readers (or any number)."}
        )
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    with _invite_limit(user), transaction.atomic():
        return Invite.objects.create(
            group=group, created_by=user, expires_at=expires_at, max_uses=max_uses
        )


def reader_invite(*, group: Group, user, username: str) -> Invite:
    """An invitation addressed to one reader, who finds it on their groups page."""
    require_role(group, user, *Group.MODERATING_ROLES)
    username = (username or "").strip()
    invitee = get_user_model().objects.filter(username__iexact=username).first()
    if invitee is None:
        raise ValidationError({"username": f"No reader is called “{username[:150]}”."})
    if Membership.objects.filter(group=group, user=invitee).exists():
        raise ValidationError({"username": f"{invitee.username} is already a member."})
    pending = Invite.objects.usable().filter(group=group, invitee=invitee).first()
    if pending is not None:
        return pending
    with _invite_limit(user), transaction.atomic():
        return Invite.objects.create(group=group, created_by=user, invitee=invitee, max_uses=1)


@transaction.atomic
def invite_revoke(*, invite: Invite, user) -> Invite:
    """Owners and moderators revoke any of the group's invitations; an invitee declines
    theirs."""
    if invite.invitee_id is None or invite.invitee_id != getattr(user, "pk", None):
        require_role(invite.group, user, *Group.MODERATING_ROLES)
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
    return invite


def invite_refusal(invite: Invite) -> str:
    """Why an invitation no longer opens the door ("" when it does)."""
    return {
        "revoked": "This invitation was withdrawn.",
        "expired": "This invitation has expired.",
        "used up": "This invitation has been used as many times as it allows.",
    }.get(invite.state, "")


@transaction.atomic
def invite_accept(*, invite: Invite, user) -> Membership:
    """Join through an invitation. The use is counted by one conditional UPDATE, so a link
    limited to N readers lets in N, however many click at once."""
    existing = membership_of(invite.group, user)
    if existing is not None:
        return existing
    if invite.invitee_id is not None and invite.invitee_id != user.pk:
        raise PermissionDenied("This invitation is for another reader.")
    counted = Invite.objects.usable().filter(pk=invite.pk).update(uses=F("uses") + 1)
    if not counted:
        invite.refresh_from_db()
        raise ValidationError(invite_refusal(invite) or "This invitation cannot be used.")
    membership, _ = Membership.objects.get_or_create(
        group=invite.group, user=user, defaults={"role": Role.MEMBER}
    )
    return membership


# --- members and roles ---------------------------------------------------------------------------


def _other_owners(group: Group, user) -> int:
    return Membership.objects.filter(group=group, role=Role.OWNER).exclude(user=user).count()


@transaction.atomic
def membership_leave(*, group: Group, user) -> None:
    group = _locked(group)
    membership = require_role(group, user)
    if membership.role == Role.OWNER and not _other_owners(group, user):
        raise ValidationError(
            "You are this group's only owner: make another member an owner before you leave."
        )
    membership.delete()


def _member(group: Group, username: str) -> Membership:
    membership = (
        Membership.objects.filter(group=group, user__username=username)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(f"{username[:150]} is not a member of this group.")
    return membership


@transaction.atomic
def member_remove(*, group: Group, user, username: str) -> None:
    group = _locked(group)
    require_role(group, user, Role.OWNER)
    membership = _member(group, username)
    if membership.user_id == user.pk:
        raise ValidationError("To leave the group yourself, use Leave.")
    membership.delete()


@transaction.atomic
def member_set_role(*, group: Group, user, username: str, role: str) -> Membership:
    group = _locked(group)
    require_role(group, user, Role.OWNER)
    if role not in Role.values:
        raise ValidationError({"role": "Choose owner, moderator or member."})
    membership = _member(group, username)
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and not _other_owners(group, membership.user)
    ):
        raise ValidationError("A group always has an owner: make someone else owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def ownership_transfer(*, group: Group, user, username: str) -> Membership:
    """Hand the group to another member: they become its owner, the giver a moderator."""
    group = _locked(group)
    giver = require_role(group, user, Role.OWNER)
    receiver = _member(group, username)
    if receiver.pk == giver.pk:
        raise ValidationError("You already own this group.")
    receiver.role = Role.OWNER
    receiver.save(update_fields=["role"])
    giver.role = Role.MODERATOR
    giver.save(update_fields=["role"])
    return receiver


# --- the reading list ----------------------------------------------------------------------------


def reading_list_add(*, group: Group, user, article) -> ReadingListEntry:
    require_role(group, user)
    entry, _ = ReadingListEntry.objects.get_or_create(
        group=group, article=article, defaults={"added_by": user}
    )
    return entry


@transaction.atomic
def reading_list_remove(*, group: Group, user, article) -> None:
    """Whoever saved an article takes it off again; owners and moderators take off any."""
    membership = require_role(group, user)
    entry = ReadingListEntry.objects.filter(group=group, article=article).first()
    if entry is None:
        return
    if entry.added_by_id != user.pk and not membership.moderates:
        raise PermissionDenied("Only who saved it, or the group's moderators, can remove it.")
    entry.delete()
