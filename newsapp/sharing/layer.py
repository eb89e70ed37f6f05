"""Sharing on the reader page: link-preview tags in the head of a permalink (its assets
otherwise), the share control on every note card, and the download links among the tools."""

from __future__ import annotations

from newsapp.reader.layers import Layer


class SharingLayer(Layer):
    name = "sharing"
    templates = {
        "head": "sharing/reader/_head.html",
        "tools": "sharing/_export_links.html",
        "card_footer": "sharing/reader/_card_footer.html",
    }
