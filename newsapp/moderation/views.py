"""Moderation views: report a note; the queue and its actions (hide, restore or approve,
dismiss reports, restrict an author); the audit log (staff); an author's own record.

Notes are found through `visible_to`: a reader reports what they can see, a moderator acts on
what `visible_to(moderating=True)` and their scope give them; anything else is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsapp.annotations.models import Annotation
from newsapp.ratelimit import RateLimited
from newsapp.web import add_service_errors, refusal, render_htmx, safe_next

from . import selectors, services
from .forms import ExplanationForm, HideForm, ReportForm
from .models import Reason


def _reported_note(request, public_id: str) -> Annotation:
    note = (
        Annotation.objects.visible_to(request.user, via_link=True)
        .filter(public_id=public_id)
        .select_related("article", "author")
        .first()
    )
    if note is None:
        raise Http404("No such note, or you cannot see it.")
    return note


@login_required
@require_http_methods(["GET", "POST"])
def report(request, public_id: str):
    """Report a note or reply: inline on its card (HTMX), or a page of its own."""
    note = _reported_note(request, public_id)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_create(annotation=note, reporter=request.user, **form.cleaned_data)
            except RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                thanks = "Thank you: moderators will look at it. The author is not told who."
                if request.htmx:
                    context = {"note": note, "thanks": thanks}
                    return render(request, "moderation/report.html#report_done", context)
                messages.success(request, thanks)
                return redirect(note.parent or note)
    context = {"note": note, "form": form}
    return render_htmx(
        request,
        "moderation/report.html",
        context,
        partial="report_form",
        status=status,
        target=f"#report-{note.public_id}" if status != 200 else "",
    )


# --- the queue -----------------------------------------------------------------------------------


def _require_moderator(request):
    if not services.is_moderator(request.user):
        raise PermissionDenied("The moderation queue is for site staff and group moderators.")


@login_required
@require_GET
def queue(request):
    _require_moderator(request)
    status = selectors.HIDDEN if request.GET.get("status") == "hidden" else selectors.REVIEW
    groups = selectors.moderated_groups(request.user)
    group = next((g for g in groups if g.slug == request.GET.get("group")), None)
    context = {
        "items": selectors.queue(request.user, status=status, group=group),
        "status": status,
        "groups": groups,
        "group": group,
        "reasons": Reason.choices,
    }
    return render(request, "moderation/queue.html", context)


def _act(request, public_id: str, act, done: str):
    """Run a moderator's action on a note of their queue; answer with the queue item again
    (HTMX) or back to the queue."""
    item = selectors.queue_item(request.user, public_id)
    if item is None:
        raise Http404("No such note in your moderation queue.")
    slot = f"queue-error-{item.note.public_id}"
    try:
        act(item.note)
    except (ValidationError, PermissionDenied) as error:
        status = 403 if isinstance(error, PermissionDenied) else 400
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return refusal(request, message, status=status, slot=slot, back=reverse("moderation:queue"))
    if request.htmx:
        context = {"item": selectors.queue_item(request.user, public_id), "done": done}
        context["reasons"] = Reason.choices
        return render(request, "moderation/queue.html#queue_item", context)
    messages.success(request, done)
    return redirect(safe_next(request, reverse("moderation:queue")))


@login_required
@require_POST
def hide(request, public_id: str):
    form = HideForm(request.POST)

    def act(note):
        # Checked after the note is found in the queue: an id outside it is a 404 either way.
        if not form.is_valid():
            raise ValidationError("Choose the reason the author will see.")
        services.note_hide(annotation=note, moderator=request.user, **form.cleaned_data)

    return _act(request, public_id, act, "Hidden. Its author sees why; nobody else sees it.")


@login_required
@require_POST
def restore(request, public_id: str):
    form = ExplanationForm(request.POST)
    explanation = form.cleaned_data["explanation"] if form.is_valid() else ""

    def act(note):
        services.note_restore(annotation=note, moderator=request.user, explanation=explanation)

    return _act(request, public_id, act, "Shown again to everyone it is shared with.")


@login_required
@require_POST
def dismiss(request, public_id: str):
    form = ExplanationForm(request.POST)
    explanation = form.cleaned_data["explanation"] if form.is_valid() else ""

    def act(note):
        services.reports_dismiss(annotation=note, moderator=request.user, explanation=explanation)

    return _act(request, public_id, act, "Reports dismissed.")


@login_required
@require_POST
def restrict(request, username: str):
    author = get_object_or_404(get_user_model(), username=username)
    form = ExplanationForm(request.POST)
    explanation = form.cleaned_data["explanation"] if form.is_valid() else ""
    lifting = request.POST.get("lift") == "1"
    try:
        if lifting:
            services.author_unrestrict(user=author, moderator=request.user, explanation=explanation)
        else:
            services.author_restrict(user=author, moderator=request.user, explanation=explanation)
    except (ValidationError, PermissionDenied) as error:
        status = 403 if isinstance(error, PermissionDenied) else 400
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return refusal(
            request, message, status=status, slot="queue-message", back=reverse("moderation:queue")
        )
    if lifting:
        messages.success(request, f"{author.username}’s public notes are shown without review.")
    else:
        messages.success(request, f"{author.username}’s new public notes now wait for approval.")
    return redirect(safe_next(request, reverse("moderation:queue")))


# --- the audit log and an author's record --------------------------------------------------------


@login_required
@require_GET
def audit_log(request):
    if not request.user.is_staff:
        raise PermissionDenied("The moderation log is for site staff.")
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    rows, more = selectors.audit_log(page=page)
    context = {"rows": rows, "page": page, "next_page": page + 1 if more else None}
    return render(request, "moderation/log.html", context)


@login_required
@require_GET
def yours(request):
    """What moderators decided about the reader's notes, and why."""
    return render(request, "moderation/yours.html", selectors.record_of(request.user))
