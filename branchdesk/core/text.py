"""Text as stored: invisible formatting characters removed from every field.

Zero-width spaces and joiners, the byte-order mark, soft hyphens and the bidirectional
overrides (``\u202e三张`` shows as 张三) are Unicode format characters (category Cf). They
make one name look like another, break search and duplicate checks, and never belong in a
roster, so every text a record module or the settings store passes through ``clean``.
"""

from __future__ import annotations

import re

# The Cf ranges of Unicode 15 (tests/core/test_text.py checks them against unicodedata).
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]")


def clean(text: str) -> str:
    """``text`` without format characters (category Cf)."""
    return _FORMAT.sub("", text) if not text.isascii() else text


def clean_values(values: dict) -> dict:
    """A copy of ``values`` with every string cleaned."""
    return {k: clean(v) if isinstance(v, str) else v for k, v in values.items()}
