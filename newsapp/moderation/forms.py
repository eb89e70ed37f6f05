from __future__ import annotations

from django import forms

from .models import Reason
from .services import MAX_TEXT_CHARS


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with it?",
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with it."},
    )
    text = forms.CharField(
        label="Anything moderators should know",
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed for “Other”. The author is never told who reported.",
    )


class HideForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason the author will see",
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason the author will see."},
    )
    explanation = forms.CharField(
        label="Explanation (optional, shown to the author)",
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExplanationForm(forms.Form):
    explanation = forms.CharField(required=False, max_length=MAX_TEXT_CHARS)
