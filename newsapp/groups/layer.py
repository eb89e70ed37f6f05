"""The groups layer of the reader page: "Save to a group" among the tools.

The control costs the page nothing: it lists the viewer's groups (already read for the
switcher) only when opened, loading them from `groups:save` (a page of its own without
JavaScript). The group switcher itself belongs to the notes filter
(annotations.layer.ReaderFilter), which also puts the viewer's groups in the cache variant.
"""

from __future__ import annotations

from newsapp.reader.layers import Layer


class GroupsLayer(Layer):
    name = "groups"
    templates = {"head": "groups/reader/_head.html", "tools": "groups/reader/_tools.html"}
