from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from newsapp.ratelimit import RateLimited
from newsapp.web import client_address, safe_next

from . import throttle
from .forms import SignUpForm, ThrottledAuthenticationForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request, "/"))
    form = SignUpForm(request.POST or None)
    context = {"form": form, "next": safe_next(request, "")}
    if request.method == "GET":
        return render(request, "accounts/signup.html", context)
    client = client_address(request)
    try:
        throttle.signup_attempt(client)
        if form.is_valid():
            with throttle.signup_counted(client):
                user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Gloss, {user.username}.")
            return redirect(safe_next(request, "/"))
    except RateLimited as error:
        form.add_error(None, str(error))
        return render(request, "accounts/signup.html", context, status=429)
    return render(request, "accounts/signup.html", context, status=400)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

    def form_valid(self, form):
        messages.success(self.request, f"Signed in as {form.get_user().username}.")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response

    def get_success_url(self):
        return safe_next(self.request, super().get_success_url())
