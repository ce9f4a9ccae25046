"""Layout chores shared by the screens."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget in ``layout`` (rows rebuilt from a new state)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            # Hidden at once: deletion waits for the event loop, and until then the old
            # row would still be painted and could still take a tap.
            widget.hide()
            widget.deleteLater()
