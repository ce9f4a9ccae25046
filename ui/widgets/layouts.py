"""Layout chores shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QLayout,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.touch import enable_finger_scroll


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


def size_by_shown_page(pages: QStackedWidget | QTabWidget) -> None:
    """Only the page on show counts toward the window's minimum size.

    A stack is as large as its largest page by default: the Gift Cards tab, with the card's
    history beside the Deduct Funds panel, would keep Checkout and Pay from fitting a small
    screen they fit. A page's minimum still holds while it is shown.
    """

    def follow(current: int) -> None:
        for index in range(pages.count()):
            page = pages.widget(index)
            if page is None:
                continue
            shown = index == current
            policy = page.sizePolicy()
            preferred = QSizePolicy.Policy.Preferred
            ignored = QSizePolicy.Policy.Ignored
            policy.setHorizontalPolicy(preferred if shown else ignored)
            policy.setVerticalPolicy(preferred if shown else ignored)
            page.setSizePolicy(policy)
        pages.updateGeometry()

    pages.currentChanged.connect(follow)
    follow(pages.currentIndex())


class _TallEnoughForWrappedText(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QWidget)
            and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest)
            and (layout := watched.layout()) is not None
            and layout.hasHeightForWidth()
        ):
            needed = max(
                layout.totalMinimumSize().height(), layout.totalHeightForWidth(watched.width())
            )
            if watched.minimumHeight() != needed:
                watched.setMinimumHeight(needed)
        return False


def fit_wrapped_text(window: QWidget) -> None:
    """Keep ``window`` (a dialog) as tall as its wrapped texts need at its width.

    Qt counts a word-wrapped label as one line in a window's minimum height, so a dialog with
    a long explanation (or a message that appears in it) would squeeze the rows under it to
    nothing. The height the layout needs for the window's width is its minimum instead.
    """
    window.installEventFilter(_TallEnoughForWrappedText(window))


def scrolling_column(parent: QWidget, name: str) -> tuple[QWidget, QVBoxLayout, QScrollArea]:
    """A column of rows a finger scrolls (a list of past shifts, of recent sales): the box
    named ``name``, its layout to add rows to, and the scroll area to place."""
    box = QWidget(parent)
    box.setObjectName(name)
    rows = QVBoxLayout(box)
    rows.setContentsMargins(0, 0, 0, 0)
    rows.setSpacing(6)
    scroll = QScrollArea(parent)
    scroll.setObjectName(f"{name}Scroll")
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(box)
    enable_finger_scroll(scroll)
    return box, rows, scroll
