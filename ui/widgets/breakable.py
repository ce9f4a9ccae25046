"""Text a word-wrapping label may break where no space is: after each of some marks (the
"@" and dots of an e-mail address, a folder path's separators). Qt wraps only at spaces, so
one long address would otherwise set the label's, and the whole window's, least width."""

from __future__ import annotations

ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str, marks: str) -> str:
    """``text`` with a zero-width space after each character of ``marks`` in it."""
    for mark in marks:
        text = text.replace(mark, mark + ZERO_WIDTH_SPACE)
    return text
