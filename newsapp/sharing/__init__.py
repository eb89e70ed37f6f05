"""Sharing: text-fragment links, share cards, QR codes and exports (pure, Django-free)."""

from __future__ import annotations
