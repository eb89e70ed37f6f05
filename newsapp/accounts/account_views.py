"""A reader's own account: their profile's details, and their password (changed while signed
in, or reset by an emailed link), through Django's own password views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from newsapp import ratelimit
from newsapp.web import add_service_errors

from .forms import PasswordChangeForm, ProfileForm, SetPasswordForm
from .models import Profile
from .services import profile_update

RESET_REQUESTS_PER_HOUR = 5


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """The signed-in reader's display name, bio and email address."""
    user = request.user
    if request.method == "GET":
        profile = Profile.objects.filter(user=user).first()
        initial = {
            "display_name": profile.display_name if profile else "",
            "bio": profile.bio if profile else "",
            "email": user.email,
        }
        return render(request, "accounts/profile_edit.html", {"form": ProfileForm(initial=initial)})
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            profile = profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect(profile)
    return render(request, "accounts/profile_edit.html", {"form": form}, status=400)


class RefusedWith400:
    """A form sent back with its reasons answers 400 (Django's views answer 200)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordChangeView(RefusedWith400, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(RefusedWith400, auth_views.PasswordResetView):
    """Ask for a link by email. The answer is the same whether or not an account has the
    address (nobody learns who reads here); requests are limited per client address."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            ratelimit.hit(
                "password-reset",
                self.request.META.get("REMOTE_ADDR", ""),
                limit=RESET_REQUESTS_PER_HOUR,
                seconds=3600,
                message="Too many reset links were asked for from here. Try again in an hour.",
            )
        except ratelimit.RateLimited as error:
            form.add_error(None, str(error))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(RefusedWith400, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
