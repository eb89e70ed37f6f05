from __future__ import annotations

from django import forms

from newsapp.annotations.models import Kind

from .models import NewNotes, Role
from .services import MAX_DESCRIPTION_CHARS, MAX_INVITE_DAYS, MAX_INVITE_USES, MAX_NAME_CHARS


class GroupForm(forms.Form):
    name = forms.CharField(
        max_length=MAX_NAME_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "Politics desk, Media studies 2B…"}),
        error_messages={"required": "Give the group a name."},
    )
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the group reads and why (members see it).",
    )
    colour = forms.CharField(
        required=False,
        max_length=7,
        label="Colour",
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text="Marks the group's notes and avatar.",
    )
    default_visibility = forms.ChoiceField(
        label="New notes while reading in the group",
        choices=NewNotes.choices,
        initial=NewNotes.GROUP,
        widget=forms.RadioSelect,
    )


EXPIRY_CHOICES = [("", "Never"), ("1", "1 day"), ("7", "7 days"), ("30", "30 days")]


class InviteLinkForm(forms.Form):
    expires_in_days = forms.TypedChoiceField(
        label="Expires after",
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    max_uses = forms.IntegerField(
        label="Readers it admits",
        required=False,
        min_value=1,
        max_value=MAX_INVITE_USES,
        help_text="Leave empty for any number.",
        widget=forms.NumberInput(attrs={"placeholder": "Any"}),
    )

    def clean_expires_in_days(self):
        days = self.cleaned_data["expires_in_days"]
        if days is not None and not 1 <= days <= MAX_INVITE_DAYS:
            raise forms.ValidationError(f"From 1 to {MAX_INVITE_DAYS} days.")
        return days


class InviteReaderForm(forms.Form):
    username = forms.CharField(
        label="Invite a reader by name",
        max_length=150,
        error_messages={"required": "Write the reader's user name."},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class GroupNotesFilter(forms.Form):
    """The group page's filters: one member's notes, one kind, one tag."""

    by = forms.CharField(required=False, max_length=150)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Kind.choices])
    tag = forms.CharField(required=False, max_length=40)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
