"""Touch target sizes: at least 48 px and at least 9 mm on the actual screen; and lists a
finger drags.

48 px alone is too small on a dense panel (48 px is 6 mm at 200 dpi), and 9 mm alone is too
small on a coarse one, so a target gets whichever is larger.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QDate
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QDateEdit,
    QLineEdit,
    QPushButton,
    QScroller,
    QScrollerProperties,
    QWidget,
)

MIN_TOUCH_PX = 48
MIN_TOUCH_MM = 9.0
MM_PER_INCH = 25.4
_FALLBACK_DPI = 96.0


def touch_target_px(widget: QWidget | None = None) -> int:
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else _FALLBACK_DPI
    return max(MIN_TOUCH_PX, math.ceil(MIN_TOUCH_MM / MM_PER_INCH * dpi))


def make_touchable(widget: QAbstractButton | QLineEdit, scale: float = 1.0) -> None:
    """Give an interactive widget a minimum size a fingertip hits reliably.

    A button keeps the width its text needs as its minimum (the theme's padding makes even
    one glyph wider than a target): a minimum width set here would replace that, and a
    layout short of room would then cut the text ("$10" read "$1C").
    """
    size = math.ceil(touch_target_px(widget) * scale)
    widget.setMinimumHeight(size)
    if not isinstance(widget, QAbstractButton):
        widget.setMinimumWidth(max(widget.minimumWidth(), size))


def name_widget(widget: QWidget, object_name: str, accessible_name: str) -> None:
    """Every interactive widget gets both: tests and QSS find it, screen readers announce it."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)


def touch_button(
    text: str,
    object_name: str,
    accessible_name: str,
    parent: QWidget,
    *,
    role: str | None = None,
    scale: float = 1.0,
) -> QPushButton:
    """A named, touch-sized push button; ``role`` (primary, secondary, danger…) picks its
    theme colours."""
    button = QPushButton(text, parent)
    name_widget(button, object_name, accessible_name)
    if role is not None:
        button.setProperty("role", role)
    make_touchable(button, scale)
    return button


def enable_finger_scroll(area: QAbstractScrollArea) -> None:
    """A finger dragging anywhere on ``area`` scrolls it (and flicks it on), not only the
    thin scrollbar; a tap on a row or a button inside is still that tap.

    The left-mouse-button gesture serves a finger too: Qt turns the touches of a widget that
    takes no touch events into mouse events, and many counter touchscreens are a mouse to the
    system anyway. (Qt's touch gesture would only see true touch events, and a viewport only
    gets one gesture.) An item view needs ``ScrollPerPixel`` to follow the finger smoothly.
    """
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    # The list stops at its ends rather than stretching past them: nothing there to show.
    for metric in (
        QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy,
        QScrollerProperties.ScrollMetric.VerticalOvershootPolicy,
    ):
        properties.setScrollMetric(metric, QScrollerProperties.OvershootPolicy.OvershootAlwaysOff)
    scroller.setScrollerProperties(properties)


def touch_date_picker(
    day: QDate, object_name: str, accessible_name: str, parent: QWidget
) -> QDateEdit:
    """A date field whose calendar opens under a finger: the calendar's month arrows, month
    and year buttons and day grid are touch-sized and named like every other control (Qt
    makes them 24 px and nameless)."""
    picker = QDateEdit(day, parent)
    name_widget(picker, object_name, accessible_name)
    picker.setCalendarPopup(True)
    target = touch_target_px(parent)
    field = picker.findChild(QLineEdit)
    if field is not None:
        name_widget(field, f"{object_name}Field", accessible_name)
        field.setMinimumSize(target, target)
    # The text field inside, and the frame around it.
    picker.setMinimumHeight(target + 6)
    calendar = picker.calendarWidget()
    calendar.setMinimumSize(7 * target, 8 * target)
    for index, button in enumerate(calendar.findChildren(QAbstractButton)):
        name_widget(button, f"{object_name}Calendar{index}", f"{accessible_name}: calendar")
        button.setMinimumSize(target, target)
    for index, view in enumerate(calendar.findChildren(QAbstractItemView)):
        name_widget(view, f"{object_name}Days{index}", f"{accessible_name}: days")
    for index, field in enumerate(calendar.findChildren(QLineEdit)):
        name_widget(field, f"{object_name}CalendarYear{index}", f"{accessible_name}: year")
        make_touchable(field)
    return picker
