from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms

from newsapp.ratelimit import RateLimited
from newsapp.web import client_address

from . import throttle
from .models import MAX_BIO_CHARS, MAX_DISPLAY_NAME_CHARS


class PasswordErrorsOnFirstField:
    """Django puts what the password validators say ("too short", "too common") on the
    confirmation field; a reader looks for it under the password they chose, the first one.
    A mismatch still shows on the confirmation."""

    first_password_field = "password1"

    def validate_password_for_user(self, user, password_field_name: str = "", **kwargs):
        super().validate_password_for_user(user, self.first_password_field)


class SignUpForm(PasswordErrorsOnFirstField, auth_forms.UserCreationForm):
    class Meta(auth_forms.UserCreationForm.Meta):
        fields = ["username", "email"]
        labels = {"email": "Email address (optional)"}
        help_texts = {"email": "Only to send you a link if you forget your password. Never shown."}


class PasswordChangeForm(PasswordErrorsOnFirstField, auth_forms.PasswordChangeForm):
    first_password_field = "new_password1"


class SetPasswordForm(PasswordErrorsOnFirstField, auth_forms.SetPasswordForm):
    first_password_field = "new_password1"


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        required=False,
        max_length=MAX_DISPLAY_NAME_CHARS,
        label="Display name",
        help_text="Shown on your page beside your username. Plain text.",
    )
    bio = forms.CharField(
        required=False,
        max_length=MAX_BIO_CHARS,
        label="About you",
        widget=forms.Textarea(attrs={"rows": 4, "class": "prose-input"}),
        help_text=f"A few lines, up to {MAX_BIO_CHARS} characters. Plain text: no links or markup.",
    )
    email = forms.EmailField(
        required=False,
        label="Email address",
        help_text="Only to send you a link if you forget your password. Never shown.",
    )


class ThrottledAuthenticationForm(auth_forms.AuthenticationForm):
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
