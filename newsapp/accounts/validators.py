"""Password rules beyond Django's own."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from newsapp.text.sanitize import has_visible_characters


class VisibleCharactersValidator:
    """Refuse a password made only of spaces or invisible characters (12 spaces passed the
    length rule; so would zero-width spaces)."""

    def validate(self, password: str, user=None) -> None:
        if not has_visible_characters(password):
            raise ValidationError(
                "Your password can’t be only spaces or invisible characters.",
                code="password_blank",
            )

    def get_help_text(self) -> str:
        return "Your password can’t be only spaces or invisible characters."
