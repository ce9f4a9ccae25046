"""Every Back Office page fits a 1024x768 register: nothing cut, no sideways scroll, every
target a fingertip's size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.layout_checks import layout_problems
from ui.main_window import MainWindow


@pytest.mark.parametrize(
    "page", ["Employees", "Products", "Categories", "Gift Cards", "Reports", "Registers", "Store"]
)
def test_back_office_page_fits_1024_by_768(
    qtbot: QtBot, window: MainWindow, log_in: Callable[..., None], page: str
) -> None:
    """The manager opens the page at 1024x768: the window stays 1024 px wide and every check of
    the screen-size test passes."""
    window.resize(1024, 768)
    log_in(window, "9999")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    window.tab_frame.tabs.setCurrentWidget(back_office)
    back_office.show_page(page)
    qtbot.wait(300)  # the page's first load and layout passes
    assert window.width() <= 1024 and window.height() <= 768
    assert layout_problems(window) == []
