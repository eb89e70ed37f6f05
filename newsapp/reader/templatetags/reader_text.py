"""Text filters for any page: `plain_text` turns a note's sanitised HTML into one line of text
(for a meta description), entities decoded, ready to be escaped once where it is written."""

from __future__ import annotations

from django import template

from newsapp.text.extract import plain_text

register = template.Library()
register.filter("plain_text", plain_text)
