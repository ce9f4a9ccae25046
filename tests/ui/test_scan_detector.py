"""The keyboard-wedge scan detector on a real QLineEdit, offscreen, no server.

``qtbot.keyClicks`` delivers its keys back to back without running the event loop, so they
arrive as a scanner's burst does; ``qtbot.wait`` between keys is a person typing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.scan_detector import WedgeScanDetector

CODE = "0012345000017"
MakeDetector = Callable[..., WedgeScanDetector]


@pytest.fixture
def line_edit(qtbot: QtBot) -> QLineEdit:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    field.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    return field


@pytest.fixture
def make_detector(qapp: QApplication) -> Iterator[MakeDetector]:
    """Detectors installed on the application, removed again after the test."""
    made: list[WedgeScanDetector] = []

    def make(*, max_gap_ms: int = 30, min_length: int = 6) -> WedgeScanDetector:
        detector = WedgeScanDetector(max_gap_ms=max_gap_ms, min_length=min_length)
        detector.install(qapp)
        made.append(detector)
        return detector

    yield make
    for detector in made:
        detector.uninstall()


def test_wedge_scan_detector_burst_with_enter_is_a_scan(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """A fast burst ended by Enter emits scanned(code) and reaches neither the text nor Enter."""
    detector = make_detector()
    with (
        qtbot.assertNotEmitted(line_edit.returnPressed),
        qtbot.waitSignal(detector.scanned) as scan,
    ):
        qtbot.keyClicks(line_edit, CODE)
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    assert scan.args == [CODE]
    qtbot.wait(100)  # past the gap: nothing held comes back
    assert line_edit.text() == ""


def test_wedge_scan_detector_slow_typing_reaches_the_widget(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """Keys 60 ms apart land in the field in order, and Enter reaches it; no scan."""
    detector = make_detector(max_gap_ms=30)
    with qtbot.assertNotEmitted(detector.scanned):
        for char in CODE:
            qtbot.keyClick(line_edit, char)
            qtbot.wait(60)
        with qtbot.waitSignal(line_edit.returnPressed):
            qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    assert line_edit.text() == CODE


def test_wedge_scan_detector_short_burst_is_typing(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """A fast burst shorter than min_length is typed into the field before its Enter passes."""
    detector = make_detector(min_length=6)
    with (
        qtbot.assertNotEmitted(detector.scanned),
        qtbot.waitSignal(line_edit.returnPressed),
    ):
        qtbot.keyClicks(line_edit, "12345")
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    assert line_edit.text() == "12345"


def test_wedge_scan_detector_burst_without_enter_is_released_after_the_gap(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """Fast keys with no Enter are held, then typed into the field once the gap passes."""
    detector = make_detector()
    with qtbot.assertNotEmitted(detector.scanned):
        qtbot.keyClicks(line_edit, CODE)
        assert line_edit.text() == ""  # held: the event loop has not run since
        qtbot.waitUntil(lambda: line_edit.text() == CODE)


def test_wedge_scan_detector_backspace_releases_held_keys_first(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """Backspace while keys are held types them first, then deletes the last one."""
    detector = make_detector()
    with qtbot.assertNotEmitted(detector.scanned):
        qtbot.keyClicks(line_edit, "12345")
        qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
        assert line_edit.text() == "1234"
        qtbot.wait(100)  # past the gap: nothing is typed twice
    assert line_edit.text() == "1234"


def test_wedge_scan_detector_disabled_passes_everything_through(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """A disabled detector holds nothing: a burst and its Enter reach the field at once."""
    detector = make_detector()
    detector.set_enabled(False)
    with (
        qtbot.assertNotEmitted(detector.scanned),
        qtbot.waitSignal(line_edit.returnPressed),
    ):
        qtbot.keyClicks(line_edit, CODE)
        assert line_edit.text() == CODE
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def test_wedge_scan_detector_shortcuts_pass_straight_through(
    qtbot: QtBot, line_edit: QLineEdit, make_detector: MakeDetector
) -> None:
    """Ctrl+A selects all at once: keys with Ctrl are never held."""
    detector = make_detector()
    line_edit.setText("hello")
    with qtbot.assertNotEmitted(detector.scanned):
        qtbot.keyClick(line_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        assert line_edit.selectedText() == "hello"
