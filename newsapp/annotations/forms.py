from __future__ import annotations

import secrets

from django import forms

from newsapp.text.occurrences import MAX_OCCURRENCES, Occurrence, occurrences

from .models import Kind, Stance, Visibility, reader_groups
from .services import MAX_NOTE_CHARS, MAX_QUOTE_CHARS, MAX_SOURCES, SourceInput

NOTE_KINDS = [
    (kind.value, kind.label) for kind in (Kind.NOTE, Kind.QUESTION, Kind.CLAIM, Kind.QUOTE)
]
GROUP_PREFIX = "group:"


def audience_value(visibility: str, group_id: int | None = None) -> str:
    """How the visibility select names an audience: "public", ..., or "group:<id>"."""
    if visibility == Visibility.GROUP and group_id:
        return f"{GROUP_PREFIX}{group_id}"
    return visibility


def audience_choices(groups) -> list:
    """Only me, each of the reader's groups, anyone with the link, public."""
    choices: list = [(Visibility.PRIVATE.value, Visibility.PRIVATE.label)]
    group_choices = [(audience_value(Visibility.GROUP, g.pk), g.name) for g in groups]
    if group_choices:
        choices.append(("Your groups", group_choices))
    choices += [
        (Visibility.UNLISTED.value, Visibility.UNLISTED.label),
        (Visibility.PUBLIC.value, Visibility.PUBLIC.label),
    ]
    return choices


class NoteFieldsForm(forms.Form):
    """What a reader writes about a selection: shared by create and edit."""

    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.NOTE, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        label="Your note",
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "Context, sources, a correction… Markdown works."}
        ),
        help_text="Markdown: **bold**, *italic*, [links](https://…), > quotes, lists.",
    )
    tags = forms.CharField(
        required=False,
        max_length=600,
        help_text="Comma-separated, up to 10.",
        widget=forms.TextInput(attrs={"placeholder": "economy, needs-source"}),
    )
    visibility = forms.ChoiceField(
        choices=audience_choices([]),
        help_text="A group's notes are seen by its members only.",
        initial=Visibility.PUBLIC,
        error_messages={
            "invalid_choice": "Choose only me, one of your groups, anyone with the link or public."
        },
    )
    max_sources = MAX_SOURCES  # the source rows' "add another" stops here (the template says so)

    def __init__(self, *args, user=None, current_group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources: list[SourceInput] = []
        # The reader's groups are among the audiences (one query), and the group a note being
        # edited is in, even if its author has left it since (it may stay there).
        groups = list(reader_groups(user))
        if current_group is not None and current_group not in groups:
            groups.append(current_group)
        self.fields["visibility"].choices = audience_choices(groups)

    def clean_tags(self) -> list[str]:
        return [tag for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    def clean(self):
        cleaned = super().clean()
        rows = zip(
            self.data.getlist("source_url"),
            self.data.getlist("source_title"),
            self.data.getlist("source_stance"),
            strict=False,
        )
        self.sources = [
            SourceInput(url=url.strip(), title=title.strip(), stance=stance or Stance.BACKGROUND)
            for url, title, stance in rows
            if url.strip()
        ]
        if len(self.sources) > MAX_SOURCES:
            raise forms.ValidationError(f"Attach at most {MAX_SOURCES} sources.")
        audience = cleaned.get("visibility", "")
        cleaned["group"] = None
        if audience.startswith(GROUP_PREFIX):
            cleaned["visibility"] = Visibility.GROUP
            cleaned["group"] = int(audience.removeprefix(GROUP_PREFIX))
        return cleaned


class SelectionForm(forms.Form):
    """A selection as the browser sends it: the words, their context and code-point offsets."""

    exact = forms.CharField(
        max_length=MAX_QUOTE_CHARS,
        strip=False,
        label="The words you are annotating",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Paste them exactly as they appear in the article.",
        error_messages={"required": "Select or paste some words of the article first."},
    )
    prefix = forms.CharField(required=False, strip=False, max_length=64, widget=forms.HiddenInput)
    suffix = forms.CharField(required=False, strip=False, max_length=64, widget=forms.HiddenInput)
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class ReattachForm(SelectionForm):
    """New words for an orphaned note: selected in the page, or pasted without JavaScript."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exact"].label = "Words to attach it to"
        self.fields["exact"].help_text = "Paste them exactly as they appear in the article now."


class AnnotationForm(NoteFieldsForm, SelectionForm):
    submission_token = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    # Which occurrence of pasted words the reader means (its start), when they occur twice or
    # more; offered as radio buttons by the annotate page (`pasted_place`).
    occurrence = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", secrets.token_urlsafe(16))

    @property
    def has_selection(self) -> bool:
        return bool((self.data or self.initial).get("exact"))

    def pasted_place(self, text: str) -> list[Occurrence]:
        """For words pasted without offsets or context that occur more than once in `text`:
        the places to choose among, or [] when there is nothing to ask. A valid choice
        becomes the selection's start and end; any other is an error on `occurrence`.
        Call after is_valid()."""
        data = self.cleaned_data
        if any(data.get(key) not in (None, "") for key in ("start", "end", "prefix", "suffix")):
            return []
        places = occurrences(text, data["exact"], limit=MAX_OCCURRENCES + 1)
        if len(places) < 2:
            return []
        chosen = data.get("occurrence")
        match = next((place for place in places if place.start == chosen), None)
        if match is not None:
            data["start"], data["end"] = match.start, match.end
            return []
        if chosen is not None:
            self.add_error("occurrence", "Choose one of the places below.")
        return places


class ReplyForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label="Reply",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Reply…"}),
        error_messages={"required": "Write a reply first."},
    )
    submission_token = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", secrets.token_urlsafe(16))
