"""The cash drawer: open a shift with its float, then pay in, pay out, open the drawer with no
sale, read the X report, and close with the drawer's count, which prints the numbered Z; past
Z reports printed again. One window of pages, opened from the checkout's Drawer button.

The screen holds no rule: the presenter's service checks and counts (``domain.shifts``), and
every refusal is said over the page, with what was entered kept for correction.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.approvals import Approval, ApprovalAction
from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.shift_paper import ReportKind, difference_words, title_of, when_text
from pos_desktop.domain.shifts import MAX_NOTE_LENGTH, MAX_REASON_LENGTH, check_reason
from pos_desktop.services.shift_results import DrawerState, PastShift, ShiftPrinted
from ui.approval_dialog import ApprovalDialog, with_approval
from ui.presenters.approval import ApprovalPresenter
from ui.presenters.shifts import ShiftPresenter
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, message_room
from ui.widgets.drawer_count import DrawerCountPanel
from ui.widgets.form_fields import caption
from ui.widgets.keypad import Keypad
from ui.widgets.layouts import clear_layout, scrolling_column
from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_button

TITLE = "Drawer"
OPEN, DRAWER, MOVE, CLOSE, REPORT, PAST = range(6)
PAY_IN, PAY_OUT, NO_SALE = "Pay in", "Pay out", "No sale"
DRAWER_BY_KEY = "Counted, but no printer could open the drawer: open it with the key."
# Within a 1024 x 768 screen, under a window manager's title bar.
DIALOG_WIDTH_PX = 980
DIALOG_HEIGHT_PX = 700
NO_SHIFT_HINT = "No shift is open. Count the float into the drawer, then open the shift."
CLOSE_HINT = "Count the drawer. The Z report is final: it closes the shift."
NO_PRINTER = "No receipt printer is set: the report is on screen only."
NO_PDF = "Its PDF could not be saved (the disk refused it); the Z is kept all the same."
# A Z is for good: a blank count would close the shift short by all it expected.
NOTHING_COUNTED = "Count the drawer first: type what it holds, 0 for an empty drawer."


def _money_text(amount: Money, locale: str) -> str:
    return amount.format(locale)


class DrawerDialog(QDialog):
    def __init__(
        self,
        presenter: ShiftPresenter,
        parent: QWidget,
        approvals: ApprovalPresenter | None = None,
    ) -> None:
        """``approvals``: asks a manager's PIN for a no sale where the store wants one of a
        cashier (None: never)."""
        super().__init__(parent)
        name_widget(self, "drawerDialog", TITLE)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setMinimumSize(DIALOG_WIDTH_PX, DIALOG_HEIGHT_PX)
        self._presenter = presenter
        self._approvals = approvals
        self.approval_dialog: ApprovalDialog | None = None
        self.state: DrawerState | None = None
        self.shown: ShiftPrinted | None = None  # the report on the report page
        self._move = PAY_IN

        self.title = QLabel(TITLE, self)
        self.title.setObjectName("drawerTitle")
        self.title.setProperty("heading", True)
        self.banner = Banner("drawerBanner", "Drawer message", self)
        self.busy = QLabel("Working…", self)
        self.busy.setObjectName("drawerBusy")
        self.busy.setProperty("busy", True)
        self.busy.hide()
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("drawerPages")
        for page in (
            self._build_open(),
            self._build_drawer(),
            self._build_move(),
            self._build_close(),
            self._build_report(),
            self._build_past(),
        ):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(message_room(self, "drawerMessageRoom", self.banner, self.busy))
        layout.addWidget(self.pages, 1)
        self._connect()
        presenter.load()

    # -- building ----------------------------------------------------------------------------

    def _actions(self, *buttons: QWidget, primary: QWidget | None = None) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        if primary is not None:
            row.addWidget(primary)
        return row

    def _build_open(self) -> QWidget:
        page = QWidget(self)
        self.float_count = DrawerCountPanel("floatCount", page)
        self.open_button = touch_button(
            "Open shift", "openShift", "Open the shift with this float", page, role="primary"
        )
        self.open_button.setMinimumWidth(220)
        self.open_button.clicked.connect(self._open_shift)
        past = touch_button("Past shifts", "pastShiftsFromOpen", "Past shifts", page)
        past.clicked.connect(self._show_past)
        done = touch_button("Done", "drawerDoneOpen", "Close the drawer screen", page)
        done.setProperty("role", "secondary")
        done.clicked.connect(self.reject)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(caption(NO_SHIFT_HINT, page))
        box.addWidget(self.float_count, 1)
        box.addLayout(self._actions(done, past, primary=self.open_button))
        return page

    def _build_drawer(self) -> QWidget:
        page = QWidget(self)
        self.summary = QGridLayout()
        self.summary.setHorizontalSpacing(24)
        self.summary.setVerticalSpacing(6)
        buttons = QGridLayout()
        buttons.setSpacing(10)
        for index, (text, name, slot) in enumerate(
            (
                (PAY_IN, "payInButton", lambda: self._start_move(PAY_IN)),
                (PAY_OUT, "payOutButton", lambda: self._start_move(PAY_OUT)),
                (NO_SALE, "noSaleButton", lambda: self._start_move(NO_SALE)),
                ("X report", "xReportButton", self._x_report),
                ("Past shifts", "pastShiftsButton", self._show_past),
                ("Close shift", "closeShiftButton", self._start_close),
            )
        ):
            button = touch_button(text, name, text, page, scale=1.5)
            if name == "closeShiftButton":
                button.setProperty("role", "primary")
            button.clicked.connect(slot)
            buttons.addWidget(button, index // 3, index % 3)
        done = touch_button("Done", "drawerDone", "Close the drawer screen", page, role="secondary")
        done.clicked.connect(self.reject)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(14)
        box.addLayout(self.summary)
        box.addStretch(1)
        box.addLayout(buttons)
        box.addLayout(self._actions(done))
        return page

    def _build_move(self) -> QWidget:
        page = QWidget(self)
        self.move_title = QLabel(page)
        self.move_title.setObjectName("moveTitle")
        self.move_title.setProperty("heading", True)
        self.move_amount = AmountField("moveAmount", "Amount", page)
        self.move_keypad = Keypad(page, key_scale=1.0, with_enter=False, spacing=6)
        self.move_keypad.setObjectName("moveKeypad")
        self.move_keypad.setFixedWidth(250)
        self.move_keypad.digit_pressed.connect(self.move_amount.press_digit)
        self.move_keypad.backspace_pressed.connect(self.move_amount.press_backspace)
        self.move_keypad.clear_pressed.connect(self.move_amount.press_clear)
        self.reason_input = QLineEdit(page)
        name_widget(self.reason_input, "moveReason", "Reason")
        self.reason_input.setPlaceholderText("Reason, e.g. Milk from the shop next door")
        self.reason_input.setMaxLength(MAX_REASON_LENGTH)
        make_touchable(self.reason_input, 1.25)
        self.amount_box = QWidget(page)
        amount = QHBoxLayout(self.amount_box)
        amount.setContentsMargins(0, 0, 0, 0)
        amount.addLayout(self.move_amount.with_message(), 1)
        amount.addWidget(self.move_keypad, 0, Qt.AlignmentFlag.AlignTop)
        back = touch_button("Back", "moveBack", "Back to the drawer", page, role="secondary")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(DRAWER))
        self.move_button = touch_button("Confirm", "moveConfirm", "Confirm", page, role="primary")
        self.move_button.setMinimumWidth(220)
        self.move_button.clicked.connect(self._confirm_move)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        box.addWidget(self.move_title)
        box.addWidget(caption("Reason", page, wrap=False))
        box.addWidget(self.reason_input)
        box.addWidget(self.amount_box, 1)
        box.addLayout(self._actions(back, primary=self.move_button))
        return page

    def _build_close(self) -> QWidget:
        page = QWidget(self)
        self.close_count = DrawerCountPanel("closeCount", page)
        self.close_count.changed.connect(self._show_difference)
        self.expected_label = QLabel(page)
        self.expected_label.setObjectName("closeExpected")
        self.difference_label = QLabel(page)
        self.difference_label.setObjectName("closeDifference")
        self.difference_label.setProperty("heading", True)
        self.note_input = QLineEdit(page)
        name_widget(self.note_input, "closeNote", "Note")
        self.note_input.setPlaceholderText("Note (optional), e.g. a quarter found later")
        self.note_input.setMaxLength(MAX_NOTE_LENGTH)
        make_touchable(self.note_input, 1.0)
        figures = QHBoxLayout()
        figures.addWidget(self.expected_label)
        figures.addStretch(1)
        figures.addWidget(self.difference_label)
        back = touch_button("Back", "closeBack", "Back to the drawer", page, role="secondary")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(DRAWER))
        self.close_button = touch_button(
            "Close shift and print Z", "closeShiftConfirm", "Close the shift", page, role="primary"
        )
        self.close_button.clicked.connect(self._close_shift)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(caption(CLOSE_HINT, page))
        box.addWidget(self.close_count, 1)
        box.addLayout(figures)
        box.addWidget(self.note_input)
        box.addLayout(self._actions(back, primary=self.close_button))
        return page

    def _build_report(self) -> QWidget:
        page = QWidget(self)
        self.report_text = QPlainTextEdit(page)
        self.report_text.setObjectName("reportText")
        self.report_text.setAccessibleName("Report")
        self.report_text.setReadOnly(True)
        # Fixed columns, as the receipt printer sets them (the theme's font is proportional).
        self.report_text.setStyleSheet(
            "QPlainTextEdit { font-family: 'DejaVu Sans Mono', monospace; font-size: 15px; }"
        )
        self.report_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        enable_finger_scroll(self.report_text)
        self.report_note = caption("", page)
        self.report_note.setObjectName("reportNote")
        self.print_button = touch_button("Print", "printReport", "Print the report", page)
        self.print_button.clicked.connect(self._print_report)
        self.report_back = touch_button("Back", "reportBack", "Back", page, role="secondary")
        self.report_back.clicked.connect(self._leave_report)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.report_text, 1)
        box.addWidget(self.report_note)
        box.addLayout(self._actions(self.report_back, primary=self.print_button))
        return page

    def _build_past(self) -> QWidget:
        page = QWidget(self)
        self.past_box, self.past_list, scroll = scrolling_column(page, "pastShifts")
        self.past_hint = caption("Loading past shifts…", page)
        self.past_hint.setObjectName("pastShiftsHint")
        back = touch_button("Back", "pastBack", "Back", page, role="secondary")
        back.clicked.connect(self._back_from_past)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.past_hint)
        box.addWidget(scroll, 1)
        box.addLayout(self._actions(back))
        return page

    def _connect(self) -> None:
        presenter = self._presenter
        presenter.state_changed.connect(self._show_state)
        presenter.moved.connect(self._moved)
        presenter.report_ready.connect(self._show_report)
        presenter.closed.connect(self._show_report)
        presenter.past_listed.connect(self._show_past_shifts)
        presenter.refused.connect(self._refused)
        presenter.busy_changed.connect(self._set_busy)
        self.finished.connect(self._let_go)

    # -- the drawer's state ------------------------------------------------------------------

    def _show_state(self, state: DrawerState) -> None:
        first = self.state is None or self.state.currency != state.currency
        self.state = state
        if first:
            for panel in (self.float_count, self.close_count):
                panel.set_currency(state.currency, state.locale, state.denominations)
            self.move_amount.set_currency(state.currency)
        if state.shift is None:
            self.title.setText("Drawer: no shift open")
            self.pages.setCurrentIndex(OPEN)
            return
        self.title.setText("Drawer: shift open")
        self._show_summary(state)
        if self.pages.currentIndex() == CLOSE:
            self._show_difference()
        elif self.pages.currentIndex() in (OPEN, MOVE):
            self.float_count.reset()
            self.pages.setCurrentIndex(DRAWER)

    def _show_summary(self, state: DrawerState) -> None:
        shift, report = state.shift, state.report
        if shift is None or report is None:
            return
        locale = state.locale
        opened = when_text(shift.opened_at, locale)
        rows = (
            ("Opened", f"{opened} by {shift.opened_by}"),
            ("Float", _money_text(report.opening_float, locale)),
            (f"Cash sales ({report.tickets} tickets)", _money_text(report.cash_sales, locale)),
            (f"Pay ins ({report.pay_ins.count})", _money_text(report.pay_ins.amount, locale)),
            (f"Pay outs ({report.pay_outs.count})", _money_text(report.pay_outs.amount, locale)),
            (
                f"Gift card cash-outs ({report.cash_outs.count})",
                _money_text(report.cash_outs.amount, locale),
            ),
            ("Drawer opens, no sale", str(report.no_sales)),
            ("Expected in the drawer", _money_text(report.expected, locale)),
        )
        clear_layout(self.summary)
        for index, (label_text, value_text) in enumerate(rows):
            label = QLabel(label_text, self)
            value = QLabel(value_text, self)
            value.setObjectName(f"summary{index}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            if index == len(rows) - 1:
                label.setProperty("heading", True)
                value.setProperty("heading", True)
                value.setObjectName("expectedCash")
            self.summary.addWidget(label, index, 0)
            self.summary.addWidget(value, index, 1)
        self.summary.setColumnStretch(2, 1)

    # -- opening -----------------------------------------------------------------------------

    def _open_shift(self) -> None:
        self.banner.clear()
        try:
            count = self.float_count.count()
        except InvalidAmount as refused:
            self.banner.show_message(refused.message)
            return
        self._presenter.open_shift(count)

    # -- pay in, pay out, no sale ------------------------------------------------------------

    def _start_move(self, kind: str) -> None:
        self.banner.clear()
        self._move = kind
        self.move_title.setText(kind)
        self.move_amount.set_amount(None)
        self.reason_input.clear()
        self.amount_box.setVisible(kind != NO_SALE)
        self.move_button.setText("Open the drawer" if kind == NO_SALE else kind)
        self.pages.setCurrentIndex(MOVE)

    def _confirm_move(self) -> None:
        self.banner.clear()
        reason = self.reason_input.text()
        if self._move == NO_SALE:
            try:
                words = check_reason(reason)
            except InvalidAmount as refused:  # said now: no manager is called over for nothing
                self.banner.show_message(refused.message)
                return
            self.approval_dialog = with_approval(
                self,
                self._approvals,
                ApprovalAction.OPEN_DRAWER,
                f"Open the drawer with no sale? Reason: {words}",
                lambda approval: self._no_sale(words, approval),
            )
            return
        amount = self.move_amount.amount()
        if amount is None:
            self.banner.show_message("Enter the amount.")
            return
        if self._move == PAY_IN:
            self._presenter.pay_in(amount, reason)
        else:
            self._presenter.pay_out(amount, reason)

    def _no_sale(self, reason: str, approval: Approval | None) -> None:
        self._presenter.no_sale(reason, approval)

    def _moved(self, state: DrawerState) -> None:
        done = self._move
        self._show_state(state)
        self.pages.setCurrentIndex(DRAWER)
        if done == NO_SALE and not state.drawer_kicked:
            self.banner.show_message(f"{done}: {DRAWER_BY_KEY}")
            return
        word = "The drawer is opening." if done == NO_SALE else "Counted in the drawer."
        self.banner.show_message(f"{done}: {word}", "info")

    # -- X and Z -----------------------------------------------------------------------------

    def _x_report(self) -> None:
        self.banner.clear()
        self._presenter.x_report()

    def _start_close(self) -> None:
        self.banner.clear()
        self.close_count.reset()
        self.note_input.clear()
        self._show_difference()
        self.pages.setCurrentIndex(CLOSE)
        self._presenter.load()  # the expected cash as of now

    def _show_difference(self) -> None:
        state = self.state
        if state is None or state.report is None:
            self.expected_label.setText("")
            self.difference_label.setText("")
            return
        locale = state.locale
        expected = state.report.expected
        self.expected_label.setText(f"Expected {_money_text(expected, locale)}")
        word, amount = difference_words(self.close_count.total() - expected, locale)
        self.difference_label.setText(f"{word} {amount}")

    def _close_shift(self) -> None:
        self.banner.clear()
        state = self.state
        if state is None or state.shift is None:
            return
        if not self.close_count.counted():
            self.banner.show_message(NOTHING_COUNTED)
            return
        try:
            count = self.close_count.count()
        except InvalidAmount as refused:
            self.banner.show_message(refused.message)
            return
        self._presenter.close_shift(state.shift.id, count, self.note_input.text())

    def _show_report(self, printed: ShiftPrinted) -> None:
        self.shown = printed
        paper = printed.paper
        self.report_text.setPlainText("\n".join(printed.lines))
        self.title.setText(title_of(paper) + (" (copy)" if paper.copy else ""))
        notes = []
        if printed.printed:
            notes.append("Sent to the receipt printer.")
        elif paper.kind is ReportKind.Z or paper.copy:
            notes.append(NO_PRINTER)
        if printed.pdf is not None:
            notes.append(f"Saved as {printed.pdf.name}.")
        elif paper.kind is ReportKind.Z and not paper.copy:
            notes.append(NO_PDF)
        self.report_note.setText(" ".join(notes))
        is_x = paper.kind is ReportKind.X
        self.print_button.setText("Print" if is_x else "Print again")
        self.print_button.setAccessibleName("Print the X report" if is_x else "Print the Z again")
        closed = paper.kind is ReportKind.Z and not paper.copy
        self.report_back.setText("Done" if closed else "Back")
        self.pages.setCurrentIndex(REPORT)

    def _print_report(self) -> None:
        shown = self.shown
        if shown is None:
            return
        if shown.paper.kind is ReportKind.X:
            self._presenter.x_report(print_it=True)
        else:
            self._presenter.reprint(shown.shift_id)

    def _leave_report(self) -> None:
        shown = self.shown
        if shown is not None and shown.paper.kind is ReportKind.Z and not shown.paper.copy:
            self.accept()  # the shift is closed: nothing more to do here
            return
        if shown is not None and shown.paper.copy:
            self._show_past()
            return
        self.title.setText("Drawer: shift open")
        self.pages.setCurrentIndex(DRAWER)

    # -- past shifts -------------------------------------------------------------------------

    def _show_past(self) -> None:
        self.banner.clear()
        self.title.setText("Past shifts")
        self.pages.setCurrentIndex(PAST)
        self._presenter.list_past()

    def _show_past_shifts(self, past: tuple[PastShift, ...]) -> None:
        clear_layout(self.past_list)
        locale = self.state.locale if self.state is not None else "en_US"
        self.past_hint.setText("The latest first." if past else "No shift has been closed yet.")
        for item in past:
            self.past_list.addWidget(self._past_row(item, locale))
        self.past_list.addStretch(1)

    def _past_row(self, item: PastShift, locale: str) -> QWidget:
        row = QWidget(self.past_box)
        row.setObjectName("pastShiftRow")
        word, amount = difference_words(item.difference, locale)
        closed = when_text(item.closed_at, locale)
        sent = "" if item.sent else " · not sent yet"
        text = QLabel(
            f"Z #{item.z_number} · {closed} · {item.closed_by}\n"
            f"Counted {_money_text(item.counted, locale)} · {word} {amount}{sent}",
            row,
        )
        again = touch_button("Print again", "reprintZ", f"Print Z #{item.z_number} again", row)
        again.clicked.connect(lambda _=False, shift_id=item.id: self._presenter.reprint(shift_id))
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(text, 1)
        line.addWidget(again)
        return row

    def _back_from_past(self) -> None:
        state = self.state
        if state is None or state.shift is None:
            self.title.setText("Drawer: no shift open")
            self.pages.setCurrentIndex(OPEN)
        else:
            self.title.setText("Drawer: shift open")
            self.pages.setCurrentIndex(DRAWER)

    # -- messages ----------------------------------------------------------------------------

    def _refused(self, message: str) -> None:
        self.banner.show_message(message)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.pages.setEnabled(not busy)

    def _let_go(self) -> None:
        """Closed: answers still coming are another screen's."""
        presenter = self._presenter
        presenter.state_changed.disconnect(self._show_state)
        presenter.moved.disconnect(self._moved)
        presenter.report_ready.disconnect(self._show_report)
        presenter.closed.disconnect(self._show_report)
        presenter.past_listed.disconnect(self._show_past_shifts)
        presenter.refused.disconnect(self._refused)
        presenter.busy_changed.disconnect(self._set_busy)
        presenter.forget()
