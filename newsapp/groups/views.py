"""Group pages: your groups, one group's notes, reading list and members, its settings
(invitations, roles), joining by link, and its exports.

A group is private to its members: anyone else gets 404 for its pages, as for a private note.
Every action is a plain form POST that redirects back (post/redirect/get) with a message;
the group page's filters and the reader's "save to group" control also answer HTMX.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsapp.articles.models import Article
from newsapp.ratelimit import RateLimited
from newsapp.sharing.exports import collection_jsonld_for, collection_markdown
from newsapp.sharing.views import JSONLD_TYPE, as_json, download, site_root
from newsapp.web import add_service_errors, refusal, render_htmx, safe_next

from . import selectors, services
from .forms import GroupForm, GroupNotesFilter, InviteLinkForm, InviteReaderForm, RoleForm
from .models import Group, Invite, Membership, Role


def member_group(request, slug: str) -> tuple[Group, Membership]:
    """The group and the viewer's membership; 404 for anyone who is not a member."""
    group = Group.objects.filter(slug=slug).first()
    membership = services.membership_of(group, request.user) if group else None
    if membership is None:
        raise Http404("No such group, or you are not a member.")
    return group, membership


def service_refused(request, error: Exception, *, back: str, slot: str = "group-message"):
    """A service said no: the reason where the action was (HTMX) or on the page it came from."""
    if isinstance(error, ValidationError):
        status, message = 400, " ".join(error.messages)
    else:
        status, message = (403 if isinstance(error, PermissionDenied) else 429), str(error)
    if request.htmx:
        return refusal(request, message, status=status, slot=slot, back=back)
    messages.error(request, message)
    return redirect(back)


# --- your groups ---------------------------------------------------------------------------------


@login_required
@require_GET
def group_index(request):
    context = {
        "memberships": selectors.memberships_of(request.user),
        "invitations": selectors.pending_invitations(request.user),
        "form": GroupForm(),
    }
    return render(request, "groups/index.html", context)


@login_required
@require_POST
def group_create(request):
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = services.group_create(creator=request.user, **form.cleaned_data)
        except RateLimited as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{group.name} is ready. Invite your team from Settings.")
            return redirect(group)
    context = {
        "memberships": selectors.memberships_of(request.user),
        "invitations": selectors.pending_invitations(request.user),
        "form": form,
    }
    return render(request, "groups/index.html", context, status=400)


# --- one group -----------------------------------------------------------------------------------


@login_required
@require_GET
def group_detail(request, slug: str):
    """The group's recent notes across articles (filtered by member, kind, tag), its reading
    list and its members; for HTMX (a filter, "more"), the notes list."""
    group, membership = member_group(request, slug)
    filters = GroupNotesFilter(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    notes = selectors.group_notes_page(
        group,
        request.user,
        page=chosen.get("page") or 1,
        by=chosen.get("by", ""),
        kind=chosen.get("kind", ""),
        tag=(chosen.get("tag") or "").strip().lower(),
    )
    context = {
        "group": group,
        "membership": membership,
        "notes": notes,
        "chosen": chosen,
        "filtered": any(chosen.get(key) for key in ("by", "kind", "tag")),
        "kinds": GroupNotesFilter.base_fields["kind"].choices,
    }
    if not request.htmx:
        context |= {
            "members": selectors.members(group),
            "reading_list": selectors.reading_list(group, request.user),
            "tags": selectors.group_tags(group, request.user),
        }
    return render_htmx(request, "groups/detail.html", context, partial="group_notes")


@login_required
@require_http_methods(["GET", "POST"])
def group_settings(request, slug: str):
    """Owners change the group and its members' roles; owners and moderators invite."""
    group, membership = member_group(request, slug)
    if not membership.moderates:
        return refusal(
            request,
            "Only the group's owners and moderators can open its settings.",
            status=403,
            slot="group-message",
            back=group.get_absolute_url(),
        )
    initial = {
        "name": group.name,
        "description": group.description,
        "colour": group.colour or "#2a6f97",
        "default_visibility": group.default_visibility,
    }
    form = GroupForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.group_update(group=group, user=request.user, **form.cleaned_data)
            except PermissionDenied as error:
                return service_refused(request, error, back=request.path)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Group settings saved.")
                return redirect("groups:settings", slug=group.slug)
        status = 400
    context = {
        "group": group,
        "membership": membership,
        "form": form,
        "link_form": InviteLinkForm(),
        "reader_form": InviteReaderForm(),
        "invites": selectors.group_invites(group),
        "members": selectors.members(group),
        "roles": Role.choices,
    }
    return render(request, "groups/settings.html", context, status=status)


def _settings_url(group: Group) -> str:
    return reverse("groups:settings", kwargs={"slug": group.slug})


@login_required
@require_POST
def invite_link_create(request, slug: str):
    group, _ = member_group(request, slug)
    form = InviteLinkForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return service_refused(request, ValidationError(message), back=_settings_url(group))
    try:
        invite = services.invite_create(group=group, user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied, RateLimited) as error:
        return service_refused(request, error, back=_settings_url(group))
    link = request.build_absolute_uri(invite.get_absolute_url())
    messages.success(request, f"New invitation link: {link}")
    return redirect(_settings_url(group) + "#invites")


@login_required
@require_POST
def invite_reader(request, slug: str):
    group, _ = member_group(request, slug)
    form = InviteReaderForm(request.POST)
    if not form.is_valid():
        return service_refused(
            request, ValidationError("Write the reader's user name."), back=_settings_url(group)
        )
    try:
        invite = services.reader_invite(
            group=group, user=request.user, username=form.cleaned_data["username"]
        )
    except (ValidationError, PermissionDenied, RateLimited) as error:
        return service_refused(request, error, back=_settings_url(group))
    messages.success(
        request, f"{invite.invitee.username} is invited: they will find it under Groups."
    )
    return redirect(_settings_url(group) + "#invites")


@login_required
@require_POST
def invite_revoke(request, slug: str, pk: int):
    group, _ = member_group(request, slug)
    invite = get_object_or_404(Invite, pk=pk, group=group)
    try:
        services.invite_revoke(invite=invite, user=request.user)
    except PermissionDenied as error:
        return service_refused(request, error, back=_settings_url(group))
    messages.success(request, "Invitation withdrawn: its link no longer works.")
    return redirect(_settings_url(group) + "#invites")


@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """An invitation: who asks you to join what; Join (signing in first if need be)."""
    invite = Invite.objects.filter(token=token).select_related("group", "created_by").first()
    if invite is None:
        raise Http404("No such invitation.")
    group = invite.group
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            services.invite_accept(invite=invite, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            return service_refused(request, error, back=request.path)
        messages.success(request, f"Welcome to {group.name}.")
        return redirect(group)
    context = {
        "invite": invite,
        "group": group,
        "refusal": services.invite_refusal(invite),
        "member": services.membership_of(group, request.user) is not None,
        "other_reader": invite.invitee_id is not None
        and request.user.is_authenticated
        and invite.invitee_id != request.user.pk,
        "member_count": group.memberships.count(),
    }
    return render(request, "groups/join.html", context)


@login_required
@require_POST
def invitation_decline(request, token: str):
    invite = get_object_or_404(Invite, token=token, invitee=request.user)
    services.invite_revoke(invite=invite, user=request.user)
    messages.success(request, f"You declined the invitation to {invite.group.name}.")
    return redirect("groups:index")


@login_required
@require_POST
def leave(request, slug: str):
    group, _ = member_group(request, slug)
    try:
        services.membership_leave(group=group, user=request.user)
    except ValidationError as error:
        return service_refused(request, error, back=group.get_absolute_url())
    messages.success(request, f"You left {group.name}. Its notes are no longer shown to you.")
    return redirect("groups:index")


@login_required
@require_POST
def member_role(request, slug: str, username: str):
    group, _ = member_group(request, slug)
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    try:
        services.member_set_role(group=group, user=request.user, username=username, role=role)
    except (ValidationError, PermissionDenied) as error:
        return service_refused(request, error, back=_settings_url(group) + "#members")
    messages.success(request, f"{username} is now {Role(role).label.lower()}.")
    return redirect(_settings_url(group) + "#members")


@login_required
@require_POST
def member_remove(request, slug: str, username: str):
    group, _ = member_group(request, slug)
    try:
        services.member_remove(group=group, user=request.user, username=username)
    except (ValidationError, PermissionDenied) as error:
        return service_refused(request, error, back=_settings_url(group) + "#members")
    messages.success(request, f"{username} is no longer a member.")
    return redirect(_settings_url(group) + "#members")


@login_required
@require_POST
def ownership_transfer(request, slug: str, username: str):
    group, _ = member_group(request, slug)
    try:
        services.ownership_transfer(group=group, user=request.user, username=username)
    except (ValidationError, PermissionDenied) as error:
        return service_refused(request, error, back=_settings_url(group) + "#members")
    messages.success(request, f"{username} now owns {group.name}; you are a moderator.")
    return redirect(group)


# --- the reading list ----------------------------------------------------------------------------


@login_required
@require_GET
def save_article(request, slug: str):
    """Which of the reader's groups have this article on their reading list, each with Save
    or Remove: loaded into the reader's "Save to a group" when opened, or a page."""
    article = get_object_or_404(Article.objects.defer("body_html", "body_text"), slug=slug)
    context = {"article": article, "choices": selectors.save_choices(request.user, article)}
    return render_htmx(request, "groups/save.html", context, partial="save_panel")


@login_required
@require_POST
def reading_list_save(request, slug: str):
    """Save an article to (or, with remove=1, take it off) a group's reading list; for HTMX,
    the save panel again."""
    group, _ = member_group(request, slug)
    article = get_object_or_404(
        Article.objects.defer("body_html", "body_text"), slug=request.POST.get("article", "")
    )
    back = safe_next(request, reverse("groups:save", kwargs={"slug": article.slug}))
    removing = request.POST.get("remove") == "1"
    try:
        if removing:
            services.reading_list_remove(group=group, user=request.user, article=article)
        else:
            services.reading_list_add(group=group, user=request.user, article=article)
    except PermissionDenied as error:
        return service_refused(request, error, back=back, slot="group-save-message")
    done = f"{'Taken off' if removing else 'Saved to'} {group.name}’s reading list."
    if request.htmx:
        context = {
            "article": article,
            "choices": selectors.save_choices(request.user, article),
            "saved_message": done,
        }
        return render(request, "groups/save.html#save_panel", context)
    messages.success(request, done)
    return redirect(back)


# --- exports -------------------------------------------------------------------------------------


@login_required
@require_GET
def group_export(request, slug: str, fmt: str):
    """The group's notes (what the member may see of them) as Markdown or W3C JSON-LD."""
    group, _ = member_group(request, slug)
    notes = selectors.group_notes(group, request.user)
    base = site_root(request)
    label = f"Notes of the group {group.name}"
    filename = f"gloss-group-{group.slug}.{fmt}"
    if fmt == "md":
        body = collection_markdown(notes, heading=label, base_url=base)
        return download(request, body, "text/markdown; charset=utf-8", filename)
    document = collection_jsonld_for(
        notes, base_url=base, id_url=request.build_absolute_uri(request.path), label=label
    )
    return download(request, as_json(document), JSONLD_TYPE, filename)
