"""A message strip above a form: errors in red, notices in blue; hidden when empty.

A dismissible banner has a ✕ the cashier taps to put the message away. Where a message shows,
nothing under a finger moves: ``lay_over_top`` puts one over the top of a panel instead of in
its layout, and ``message_room`` keeps room for it in a form whether it is shown or not.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ui.widgets.touch import name_widget, touch_button

BannerKind = Literal["error", "info"]
# Two lines of a banner at a dialog's width, and its border.
TWO_LINES_PX = 80


class Banner(QFrame):
    def __init__(
        self,
        object_name: str,
        accessible_name: str,
        parent: QWidget | None = None,
        *,
        dismissible: bool = False,
    ) -> None:
        super().__init__(parent)
        name_widget(self, object_name, accessible_name)
        self.setProperty("banner", True)
        self._label = QLabel(self)
        self._label.setObjectName(f"{object_name}Text")
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(self._label, 1)
        if dismissible:
            close = touch_button("✕", f"{object_name}Dismiss", "Dismiss message", self)
            close.setProperty("role", "secondary")
            close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            close.clicked.connect(self.clear)
            layout.setContentsMargins(18, 6, 6, 6)
            layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def kind(self) -> str:
        return str(self.property("kind") or "")

    def show_message(self, text: str, kind: BannerKind = "error") -> None:
        self._label.setText(text)
        self.setAccessibleDescription(text)
        # The label carries the kind too: Qt re-evaluates a descendant selector only for the
        # widget that is re-polished, so "[kind] QLabel" would keep the previous colour.
        for widget in (self, self._label):
            widget.setProperty("kind", kind)
            # A dynamic property only restyles after the style is re-polished.
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.show()

    def clear(self) -> None:
        self._label.clear()
        self.setAccessibleDescription("")
        self.hide()


class _OverTop(QObject):
    def __init__(self, banner: QWidget, host: QWidget) -> None:
        super().__init__(banner)
        self._banner = banner
        self._host = host
        host.installEventFilter(self)
        banner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (watched is self._host and kind == QEvent.Type.Resize) or (
            watched is self._banner and kind in (QEvent.Type.Show, QEvent.Type.LayoutRequest)
        ):
            self._place()
        return False

    def _place(self) -> None:
        host, banner = self._host, self._banner
        layout = host.layout()
        area = host.rect() if layout is None else host.rect() - layout.contentsMargins()
        height = banner.heightForWidth(area.width())
        if height < 0:
            height = banner.sizeHint().height()
        banner.setGeometry(QRect(area.left(), area.top(), area.width(), height))
        banner.raise_()


def lay_over_top(banner: QWidget, host: QWidget) -> None:
    """``banner`` (a child of ``host``, in no layout) shows over the top of ``host``'s
    contents, as wide as they are: its coming and going moves nothing under it."""
    _OverTop(banner, host)


def message_room(
    parent: QWidget,
    object_name: str,
    *messages: QWidget,
    height: int = TWO_LINES_PX,
    grows: bool = False,
) -> QWidget:
    """Room ``height`` px tall for ``messages`` (a banner, a "Checking…" line, one at a time)
    kept whether they show or not; ``grows``: it also takes what room its column has spare.

    The messages lie over the room's top, outside any layout: a long one never makes the form
    or the dialog taller, so no key moves when it comes."""
    room = QWidget(parent)
    room.setObjectName(object_name)
    if grows:
        room.setMinimumHeight(height)
        room.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
    else:
        room.setFixedHeight(height)
    for message in messages:
        message.setParent(room)
        lay_over_top(message, room)
    return room
