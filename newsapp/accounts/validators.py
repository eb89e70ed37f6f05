"""Password rules beyond Django's own."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError


class VisibleCharactersValidator:
    """Refuse a password made only of spaces or invisible characters (12 spaces passed the
    length rule; so would zero-width spaces)."""

    def validate(self, password: str, user=None) -> None:
        visible = [
            char
            for char in password
            if not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs")
        ]
        if not visible:
            raise ValidationError(
                "Your password can’t be only spaces or invisible characters.",
                code="password_blank",
            )

    def get_help_text(self) -> str:
        return "Your password can’t be only spaces or invisible characters."
