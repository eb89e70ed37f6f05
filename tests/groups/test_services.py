from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from newsapp.groups import services
from newsapp.groups.models import Invite, Membership, ReadingListEntry, Role
from tests.factories import make_article, make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user("owner")


def role_of(group, user) -> str:
    return Membership.objects.get(group=group, user=user).role


# --- creating and changing a group ----------------------------------------------------------------


def test_the_creator_owns_a_new_group(owner):
    group = services.group_create(creator=owner, name="Politics desk", colour="#2A7F62")
    assert role_of(group, owner) == Role.OWNER
    assert group.colour == "#2a7f62"
    assert group.slug.startswith("politics-desk-")


def test_two_groups_of_one_name_get_two_addresses(owner):
    first = services.group_create(creator=owner, name="Desk")
    second = services.group_create(creator=owner, name="Desk")
    assert first.slug != second.slug


@pytest.mark.parametrize("name", ["public", "private", "Only me"])
def test_a_slug_never_collides_with_the_switchers_other_choices(owner, name):
    group = services.group_create(creator=owner, name=name)
    assert group.slug not in {"public", "private", ""}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Give the group a name"),
        ({"name": "<b></b>"}, "Give the group a name"),
        ({"name": "x" * 81}, "at most 80"),
        ({"name": "Desk", "colour": "red"}, "#rrggbb"),
        ({"name": "Desk", "colour": "#12345g"}, "#rrggbb"),
        ({"name": "Desk", "description": "d" * 2001}, "at most 2,000"),
        ({"name": "Desk", "default_visibility": "public"}, "new notes"),
    ],
)
def test_bad_group_fields_are_refused_with_a_reason(owner, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.group_create(creator=owner, **fields)
    assert not Membership.objects.exists()


def test_markup_in_a_name_is_kept_as_text(owner):
    group = services.group_create(creator=owner, name="<script>x</script>Desk <em>A</em>")
    assert group.name == "Desk A"


def test_only_owners_change_the_group(owner):
    moderator = make_user("mod")
    group = make_group(owner=owner, name="Desk", moderators=[moderator])
    with pytest.raises(PermissionDenied):
        services.group_update(
            group=group,
            user=moderator,
            name="Taken over",
            description="",
            colour="",
            default_visibility="group",
        )
    group.refresh_from_db()
    assert group.name == "Desk"


# --- invitations ----------------------------------------------------------------------------------


def test_a_link_admits_readers_and_counts_them(owner):
    group = make_group(owner=owner)
    invite = services.invite_create(group=group, user=owner)
    reader = make_user()
    services.invite_accept(invite=invite, user=reader)
    assert role_of(group, reader) == Role.MEMBER
    invite.refresh_from_db()
    assert invite.uses == 1


def test_a_member_following_the_link_again_uses_nothing(owner):
    group = make_group(owner=owner)
    invite = services.invite_create(group=group, user=owner, max_uses=1)
    reader = make_user()
    services.invite_accept(invite=invite, user=reader)
    services.invite_accept(invite=invite, user=reader)
    invite.refresh_from_db()
    assert invite.uses == 1


def test_a_limited_link_admits_no_more_than_its_limit(owner):
    group = make_group(owner=owner)
    invite = services.invite_create(group=group, user=owner, max_uses=2)
    for _ in range(2):
        services.invite_accept(invite=invite, user=make_user())
    late = make_user()
    with pytest.raises(ValidationError, match="used as many times"):
        services.invite_accept(invite=invite, user=late)
    assert not Membership.objects.filter(group=group, user=late).exists()


def test_an_expired_link_admits_nobody(owner):
    group = make_group(owner=owner)
    invite = services.invite_create(group=group, user=owner, expires_in_days=1)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="expired"):
        services.invite_accept(invite=invite, user=make_user())


def test_a_withdrawn_link_admits_nobody(owner):
    group = make_group(owner=owner)
    invite = services.invite_create(group=group, user=owner)
    services.invite_revoke(invite=invite, user=owner)
    reader = make_user()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invite_accept(invite=invite, user=reader)
    assert not Membership.objects.filter(group=group, user=reader).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"expires_in_days": 0}, "1 to 365 days"), ({"max_uses": 0}, "1 to 1,000 readers")],
)
def test_impossible_link_limits_are_refused(owner, fields, message):
    group = make_group(owner=owner)
    with pytest.raises(ValidationError, match=message):
        services.invite_create(group=group, user=owner, **fields)


def test_members_do_not_make_links_but_moderators_do(owner):
    member, moderator = make_user("member"), make_user("moderator")
    group = make_group(owner=owner, members=[member], moderators=[moderator])
    with pytest.raises(PermissionDenied):
        services.invite_create(group=group, user=member)
    assert services.invite_create(group=group, user=moderator).group == group


def test_an_invitation_by_name_is_for_that_reader_only(owner):
    group = make_group(owner=owner)
    invitee, someone = make_user("invitee"), make_user("someone")
    invite = services.reader_invite(group=group, user=owner, username="INVITEE")
    with pytest.raises(PermissionDenied):
        services.invite_accept(invite=invite, user=someone)
    services.invite_accept(invite=invite, user=invitee)
    assert role_of(group, invitee) == Role.MEMBER


def test_inviting_a_reader_twice_gives_the_same_invitation(owner):
    group = make_group(owner=owner)
    make_user("invitee")
    first = services.reader_invite(group=group, user=owner, username="invitee")
    second = services.reader_invite(group=group, user=owner, username="invitee")
    assert first.pk == second.pk


@pytest.mark.parametrize(("username", "message"), [("nobody", "No reader"), ("owner", "already")])
def test_inviting_nobody_or_a_member_is_refused(owner, username, message):
    group = make_group(owner=owner)
    with pytest.raises(ValidationError, match=message):
        services.reader_invite(group=group, user=owner, username=username)


def test_the_invitee_declines_and_the_invitation_is_gone(owner):
    group = make_group(owner=owner)
    invitee = make_user("invitee")
    invite = services.reader_invite(group=group, user=owner, username="invitee")
    services.invite_revoke(invite=invite, user=invitee)
    invite.refresh_from_db()
    assert not invite.is_usable


# --- members and roles ----------------------------------------------------------------------------


def test_a_member_leaves(owner):
    member = make_user()
    group = make_group(owner=owner, members=[member])
    services.membership_leave(group=group, user=member)
    assert not Membership.objects.filter(group=group, user=member).exists()


def test_the_only_owner_cannot_leave(owner):
    group = make_group(owner=owner, members=[make_user()])
    with pytest.raises(ValidationError, match="only owner"):
        services.membership_leave(group=group, user=owner)
    assert role_of(group, owner) == Role.OWNER


def test_one_of_two_owners_may_leave(owner):
    second = make_user()
    group = make_group(owner=owner, members=[second])
    services.member_set_role(group=group, user=owner, username=second.username, role="owner")
    services.membership_leave(group=group, user=owner)
    assert role_of(group, second) == Role.OWNER


def test_an_owner_demoted_by_another_owner_manages_no_more(owner):
    second = make_user("second")
    group = make_group(owner=owner, members=[second])
    services.member_set_role(group=group, user=owner, username="second", role="owner")
    services.member_set_role(group=group, user=second, username="owner", role="member")
    with pytest.raises(PermissionDenied):
        services.member_set_role(group=group, user=owner, username="second", role="member")
    assert role_of(group, second) == Role.OWNER


def test_an_owner_cannot_demote_the_last_owner_themselves(owner):
    group = make_group(owner=owner)
    with pytest.raises(ValidationError, match="always has an owner"):
        services.member_set_role(group=group, user=owner, username="owner", role="member")


def test_transfer_hands_the_group_over(owner):
    member = make_user("next")
    group = make_group(owner=owner, members=[member])
    services.ownership_transfer(group=group, user=owner, username="next")
    assert role_of(group, member) == Role.OWNER
    assert role_of(group, owner) == Role.MODERATOR


@pytest.mark.parametrize("action", ["remove", "role", "transfer"])
def test_moderators_and_members_do_not_manage_members(owner, action):
    moderator, member = make_user("mod"), make_user("member")
    group = make_group(owner=owner, members=[member], moderators=[moderator])
    with pytest.raises(PermissionDenied):
        if action == "remove":
            services.member_remove(group=group, user=moderator, username="member")
        elif action == "role":
            services.member_set_role(group=group, user=moderator, username="mod", role="owner")
        else:
            services.ownership_transfer(group=group, user=member, username="mod")
    assert role_of(group, member) == Role.MEMBER
    assert role_of(group, moderator) == Role.MODERATOR


def test_the_owner_removes_a_member(owner):
    member = make_user("member")
    group = make_group(owner=owner, members=[member])
    services.member_remove(group=group, user=owner, username="member")
    assert not Membership.objects.filter(group=group, user=member).exists()


def test_an_unknown_role_is_refused(owner):
    member = make_user("member")
    group = make_group(owner=owner, members=[member])
    with pytest.raises(ValidationError, match="owner, moderator or member"):
        services.member_set_role(group=group, user=owner, username="member", role="admin")


# --- the reading list -----------------------------------------------------------------------------


def test_members_save_articles_once_and_non_members_cannot(owner):
    member, stranger = make_user(), make_user()
    group = make_group(owner=owner, members=[member])
    article = make_article()
    services.reading_list_add(group=group, user=member, article=article)
    services.reading_list_add(group=group, user=owner, article=article)
    with pytest.raises(PermissionDenied):
        services.reading_list_add(group=group, user=stranger, article=make_article())
    assert ReadingListEntry.objects.filter(group=group).count() == 1


def test_who_saved_it_or_a_moderator_takes_it_off(owner):
    member, other = make_user(), make_user()
    group = make_group(owner=owner, members=[member, other])
    article = make_article()
    services.reading_list_add(group=group, user=member, article=article)
    with pytest.raises(PermissionDenied):
        services.reading_list_remove(group=group, user=other, article=article)
    services.reading_list_remove(group=group, user=owner, article=article)
    assert not ReadingListEntry.objects.exists()
