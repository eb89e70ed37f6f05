"""Writes to a reader's own account details (their profile and email address)."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from newsapp.text.sanitize import clean_plain_text

from .models import MAX_BIO_CHARS, MAX_DISPLAY_NAME_CHARS, Profile

MAX_BIO_LINES = 8
# Characters that change how text around them is shown without being text: bidirectional
# overrides and isolates (a name that reads backwards), zero-width joiners and the like.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def plain_line(value: str) -> str:
    """One line of plain text: markup removed, entities decoded, no control or invisible
    formatting characters, whitespace runs as one space."""
    text = _INVISIBLE.sub("", clean_plain_text(value or ""))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc").strip()


def plain_lines(value: str, *, max_lines: int) -> str:
    """Plain text that keeps its line breaks (at most `max_lines` lines, no blank runs)."""
    lines = [plain_line(line) for line in (value or "").replace("\r\n", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    if len(kept) > max_lines:
        raise ValidationError({"bio": f"Keep the bio to {max_lines} lines ({len(kept)} given)."})
    return "\n".join(kept)


@transaction.atomic
def profile_update(*, user, display_name: str, bio: str, email: str) -> Profile:
    """Set `user`'s display name, bio and email address (for password resets), as plain text.

    Raises ValidationError (with field names) and writes nothing when the input is refused.
    """
    display_name = plain_line(display_name)
    if len(display_name) > MAX_DISPLAY_NAME_CHARS:
        raise ValidationError(
            {"display_name": f"Keep the name to {MAX_DISPLAY_NAME_CHARS} characters."}
        )
    bio = plain_lines(bio, max_lines=MAX_BIO_LINES)
    if len(bio) > MAX_BIO_CHARS:
        raise ValidationError(
            {"bio": f"The bio is {len(bio)} characters; the limit is {MAX_BIO_CHARS}."}
        )
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": error.messages}) from error
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    profile.display_name, profile.bio = display_name, bio
    profile.full_clean()
    profile.save()
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    return profile
