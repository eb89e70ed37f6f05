"""The groups layer of the reader page: "Save to a group's reading list" among the tools.

The group switcher itself belongs to the notes filter (annotations.layer.ReaderFilter), which
also puts the viewer's groups in the page's cache variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from newsapp.annotations.layer import ViewerGroup, viewer_groups
from newsapp.reader.layers import Layer

from .models import ReadingListEntry


@dataclass(frozen=True)
class SaveChoice:
    group: ViewerGroup
    saved: bool


class SaveControl:
    """The viewer's groups, each saying whether this article is on its reading list. One
    query for any signed-in reader (whatever the number of groups), none for anyone else,
    and none unless the control is rendered."""

    def __init__(self, page) -> None:
        self.page = page

    @cached_property
    def choices(self) -> list[SaveChoice]:
        page = self.page
        if not page.user.is_authenticated:
            return []
        saved = set(
            ReadingListEntry.objects.filter(
                article=page.article, group__memberships__user=page.user
            ).values_list("group_id", flat=True)
        )
        return [SaveChoice(group, group.pk in saved) for group in viewer_groups(page)]

    @property
    def saved_count(self) -> int:
        return sum(1 for choice in self.choices if choice.saved)


def save_control_context(page) -> dict:
    return {"group_save": SaveControl(page)}


class GroupsLayer(Layer):
    name = "groups"
    templates = {"head": "groups/reader/_head.html", "tools": "groups/reader/_tools.html"}

    def context(self, page):
        return save_control_context(page)
