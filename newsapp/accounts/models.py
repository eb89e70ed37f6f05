from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

MAX_DISPLAY_NAME_CHARS = 50
MAX_BIO_CHARS = 500


class Profile(models.Model):
    """What a reader says about themselves on their public page. Plain text only, written
    through `profile_update`; a reader who never wrote one has none (shown by username)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="profile", on_delete=models.CASCADE
    )
    display_name = models.CharField(max_length=MAX_DISPLAY_NAME_CHARS, blank=True)
    bio = models.TextField(max_length=MAX_BIO_CHARS, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    def get_absolute_url(self) -> str:
        return reverse("annotations:profile", kwargs={"username": self.user.get_username()})
