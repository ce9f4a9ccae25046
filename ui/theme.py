"""The touch theme: one stylesheet in resources/, applied to each top-level window."""

from __future__ import annotations

from functools import cache
from pathlib import Path

THEME_PATH = Path(__file__).resolve().parent.parent / "resources" / "theme.qss"


@cache
def theme_stylesheet() -> str:
    return THEME_PATH.read_text(encoding="utf-8")
