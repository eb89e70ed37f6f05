"""Matching the same quotation across articles, and keys for speakers."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Two quotes whose `quote_similarity` reaches this are taken to be the same quotation.
SAME_QUOTE_THRESHOLD = 0.75


def normalize_quote(text: str) -> str:
    """`text` reduced for comparison: compatibility-normalised, case-folded, quote marks,
    apostrophes and punctuation removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[’'‘`´ʼ]", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def quote_similarity(a: str, b: str) -> float:
    """0..1: how alike two quotations are after `normalize_quote`, tolerant of the small
    wording and word-order changes between outlets. At least `SAME_QUOTE_THRESHOLD` means
    the same quotation."""
    left, right = normalize_quote(a), normalize_quote(b)
    if not left or not right:
        return 1.0 if left == right else 0.0
    return max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right)) / 100.0


def speaker_slug(name: str) -> str:
    """A URL-safe key for a speaker: accents folded, lower case, words joined by hyphens
    ("Radomír Šťastný" -> "radomir-stastny"). Letters of other scripts are kept."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.translate(str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                                             "ß": "ss", "đ": "d", "Đ": "D", "ł": "l",
                                             "Ł": "L", "þ": "th", "ı": "i"}))  # fmt: skip
    words = re.findall(r"[^\W_]+", folded.lower())
    return "-".join(words)
