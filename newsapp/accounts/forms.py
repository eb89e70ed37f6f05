from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from newsapp.ratelimit import RateLimited
from newsapp.web import client_address

from . import throttle


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ["username"]


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, counted per account and per client address before the password
    is checked (`accounts.throttle`); `throttled` says the refusal was the count's."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        client = client_address(self.request)
        try:
            throttle.signin_attempt(username, client)
        except RateLimited as error:
            self.throttled = True
            raise forms.ValidationError(str(error), code="throttled") from error
        cleaned = super().clean()
        throttle.signin_succeeded(username, client)
        return cleaned
