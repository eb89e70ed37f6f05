from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .services import (
    FORMAT_BY_EXTENSION,
    MAX_BODY_BYTES,
    BodyFormat,
    canonical_or_error,
    decode_upload,
)

AUTO = "auto"


class ArticleImportForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave it empty to use the text’s own: an HTML title or first heading, "
        "a Markdown # heading, or the first line.",
    )
    byline = forms.CharField(max_length=200, required=False, help_text="For example “By Ana Ruiz”.")
    source_name = forms.CharField(max_length=200, required=False, label="Source")
    source_url = forms.URLField(
        max_length=2000,
        required=False,
        label="Source URL",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    published_at = forms.DateTimeField(
        required=False,
        label="Published",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    body_format = forms.ChoiceField(
        label="Format",
        choices=[(AUTO, "Detect"), *BodyFormat.choices],
        initial=AUTO,
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="Paste plain text, Markdown or HTML. HTML is cleaned of anything unsafe.",
    )
    upload = forms.FileField(
        required=False,
        label="…or upload a file",
        help_text=".txt, .md or .html (a saved web page too), UTF-8, up to 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm"}),
    )
    add_again = forms.BooleanField(
        required=False,
        label="Add it again as a separate article",
        help_text="Only if you want two copies of the same text in the library.",
    )

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body") or ""
        upload = cleaned.get("upload")
        body_format = cleaned.get("body_format", AUTO)
        if upload and body.strip():
            raise ValidationError("Paste the text or upload a file, not both.")
        if upload:
            if upload.size > MAX_BODY_BYTES:
                self.add_error(
                    "upload", f"The file is {upload.size / 1_048_576:.1f} MB; the limit is 2 MB."
                )
                return cleaned
            extension = Path(upload.name).suffix.lower()
            if body_format == AUTO:
                if extension not in FORMAT_BY_EXTENSION:
                    self.add_error("upload", "Upload a .txt, .md or .html file.")
                    return cleaned
                body_format = FORMAT_BY_EXTENSION[extension]
            try:
                body = decode_upload(upload.read())
            except ValidationError as error:
                self.add_error("upload", error)
                return cleaned
        elif not body.strip():
            self.add_error("body", "Paste the article text or upload a file.")
            return cleaned
        if body_format == AUTO:
            body_format = BodyFormat.HTML if looks_like_html(body) else BodyFormat.MARKDOWN
        cleaned["body"] = body
        cleaned["body_format"] = body_format
        return cleaned


def looks_like_html(body: str) -> bool:
    start = body.lstrip()[:200].lower()
    return start.startswith("<") and any(
        tag in start for tag in ("<p", "<div", "<article", "<h", "<!doctype", "<html", "<section")
    )


class WebAddressForm(forms.Form):
    """One web address (an article page or a feed), checked and canonicalised."""

    url = forms.URLField(
        max_length=2000,
        label="Web address",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
    )

    def clean(self):
        cleaned = super().clean()
        try:
            if cleaned.get("url"):
                cleaned["canonical_url"] = canonical_or_error(cleaned["url"])
        except ValidationError as error:
            self.add_error("url", error.messages)
        return cleaned


class ArticleUrlForm(WebAddressForm):
    url = forms.URLField(
        max_length=2000,
        label="Article address",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(
            attrs={"placeholder": "https://news.example/2026/story", "autocomplete": "url"}
        ),
        help_text="Gloss fetches the page, keeps the article and leaves out menus and ads.",
    )


class FeedSubscribeForm(WebAddressForm):
    url = forms.URLField(
        max_length=2000,
        label="Feed address",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(
            attrs={"placeholder": "https://news.example/rss.xml", "autocomplete": "url"}
        ),
        help_text="An RSS or Atom feed. New articles are imported as the feed lists them.",
    )
