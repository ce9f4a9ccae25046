"""The Settings tab (managers only): the serial scanner, the receipt printer, and when the
on-screen keyboard comes up.

The scanner's port is picked from the ports the system lists, or typed (a path such as a pty
link); baud, terminator, prefix and suffix beside it. The printer is a connection typed as
text, a python-escpos profile and the paper width. Save stores them and puts them to work at
once; "Test scan" shows the raw bytes of the last scan (a card number masked), "Test print"
prints a test page.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.config import PRINTER_FORMATS, KeyboardMode
from pos_desktop.services.results import DeviceSettings, SerialPort
from ui.presenters.devices import KEYBOARD_HINT, NO_SCAN_YET, DevicesPresenter, last_bytes, show_raw
from ui.widgets.banner import Banner, message_room
from ui.widgets.form_fields import COMBO_FRAME_PX
from ui.widgets.touch import make_touchable, name_widget, touch_button, touch_target_px

TERMINATOR_CHOICES = (("CR", "cr"), ("LF", "lf"), ("CR LF", "crlf"))
MAX_RAW_SHOWN = 200  # characters of the last scan shown
# Three lines of a banner beside Save: a refused printer connection quotes what was typed and
# the forms one takes.
MESSAGE_ROOM_PX = 104


def _touch_combo(combo: QComboBox) -> None:
    """A picker a finger hits; its drop-down list named after it (call after naming it). A
    typed combo's text field is a target too, inside the combo's frame."""
    target = touch_target_px(combo)
    combo.setMinimumHeight(target)
    view = combo.view()
    name_widget(view, f"{combo.objectName()}List", f"{combo.accessibleName()}: choices")
    line_edit = combo.lineEdit()
    if line_edit is not None:
        name_widget(line_edit, f"{combo.objectName()}Text", f"{combo.accessibleName()}, typed")
        make_touchable(line_edit)
        combo.setMinimumHeight(target + 2 * COMBO_FRAME_PX)


class SettingsView(QWidget):
    def __init__(self, presenter: DevicesPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsView")
        self.setAccessibleName("Settings")
        self._presenter = presenter
        self._raw = b""
        self._stored_profile = ""  # shown once the profile list has come (see load)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 14, 32, 14)
        layout.setSpacing(14)
        layout.addLayout(self._build_heading())
        panels = QGridLayout()
        panels.setHorizontalSpacing(24)
        panels.setVerticalSpacing(14)
        # The keyboard's card under the printer's, in room the scanner's taller card leaves:
        # a row of its own would push the tab past a 768-px screen.
        panels.addWidget(self._build_scanner(), 0, 0, 2, 1)
        panels.addWidget(self._build_printer(), 0, 1)
        panels.addWidget(self._build_keyboard(), 1, 1)
        # The printer's side the wider: its examples and the keyboard's hint read in fewer lines.
        panels.setColumnStretch(0, 4)
        panels.setColumnStretch(1, 5)
        layout.addLayout(panels, 1)

        presenter.ports_listed.connect(self._show_ports)
        presenter.profiles_listed.connect(self._show_profiles)
        presenter.loaded.connect(self.show_settings)
        presenter.said.connect(lambda text: self.banner.show_message(text, "info"))
        presenter.refused.connect(self._refused)
        presenter.busy_changed.connect(lambda busy: self.save_button.setEnabled(not busy))

    def _build_heading(self) -> QHBoxLayout:
        """Save beside the heading, and "Saved" or a refusal over the heading, in room kept
        for three lines: the tab fits a register's 768 px, and no field moves under the
        manager's finger when a message comes or goes."""
        self.banner = Banner("settingsBanner", "Settings message", self)
        room = message_room(self, "settingsMessageRoom", self.banner, height=MESSAGE_ROOM_PX)
        title = QLabel("Devices", room)
        title.setProperty("heading", True)
        under = QVBoxLayout(room)
        under.setContentsMargins(0, 0, 0, 0)
        # At the room's top, where a message lies: one covers it whole, never half of it.
        under.addWidget(title, 0, Qt.AlignmentFlag.AlignTop)
        self.save_button = touch_button(
            "Save", "saveSettingsButton", "Save device settings", self, role="primary", scale=1.25
        )
        self.save_button.setMinimumWidth(200)
        self.save_button.clicked.connect(self._save)
        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addWidget(room, 1)
        heading.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignVCenter)
        return heading

    def _build_scanner(self) -> QFrame:
        scanner = QFrame(self)
        scanner.setProperty("card", True)
        scanner_title = QLabel("Serial barcode scanner", scanner)
        scanner_title.setProperty("caption", True)
        self.port_input = QComboBox(scanner)
        self.port_input.setEditable(True)
        self.port_input.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        name_widget(self.port_input, "scannerPortInput", "Scanner serial port")
        _touch_combo(self.port_input)
        line_edit = self.port_input.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText("None (keyboard scanner)")
        self.refresh_ports_button = touch_button(
            "Refresh ports", "refreshPortsButton", "List serial ports again", scanner
        )
        self.refresh_ports_button.clicked.connect(self._presenter.load)
        self.baud_input = QComboBox(scanner)
        name_widget(self.baud_input, "scannerBaudInput", "Scanner speed (baud)")
        _touch_combo(self.baud_input)
        for rate in self._presenter.baud_rates:
            self.baud_input.addItem(str(rate), rate)
        self.terminator_input = QComboBox(scanner)
        name_widget(self.terminator_input, "scannerTerminatorInput", "Scanner line terminator")
        _touch_combo(self.terminator_input)
        for label, value in TERMINATOR_CHOICES:
            self.terminator_input.addItem(label, value)
        self.prefix_input = QLineEdit(scanner)
        name_widget(self.prefix_input, "scannerPrefixInput", "Scanner prefix to strip")
        self.prefix_input.setPlaceholderText(r"None; \x02 for STX")
        make_touchable(self.prefix_input)
        self.suffix_input = QLineEdit(scanner)
        name_widget(self.suffix_input, "scannerSuffixInput", "Scanner suffix to strip")
        self.suffix_input.setPlaceholderText("None")
        make_touchable(self.suffix_input)
        # The port gets the form's whole width (a path like /dev/ttyUSB0 reads whole); its
        # Refresh under it.
        scanner_form = QFormLayout()
        scanner_form.addRow("Port", self.port_input)
        scanner_form.addRow("", self.refresh_ports_button)
        scanner_form.addRow("Baud", self.baud_input)
        scanner_form.addRow("Terminator", self.terminator_input)
        scanner_form.addRow("Prefix", self.prefix_input)
        scanner_form.addRow("Suffix", self.suffix_input)

        scanner_layout = QVBoxLayout(scanner)
        scanner_layout.addWidget(scanner_title)
        scanner_layout.addLayout(scanner_form)
        scanner_layout.addLayout(self._build_test_scan(scanner))
        scanner_layout.addStretch(1)
        return scanner

    def _build_test_scan(self, scanner: QFrame) -> QVBoxLayout:
        """The last scan's raw bytes, and until one came, what to do for one."""
        caption = QLabel("Test scan: the last scan as received", scanner)
        caption.setProperty("hint", True)
        caption.setWordWrap(True)
        self.raw_scan = QLineEdit(scanner)
        name_widget(self.raw_scan, "rawScanOutput", "Last raw scan")
        self.raw_scan.setReadOnly(True)
        make_touchable(self.raw_scan)
        self.no_scan_yet = QLabel(NO_SCAN_YET, scanner)
        self.no_scan_yet.setObjectName("noScanYet")
        self.no_scan_yet.setProperty("caption", True)
        self.no_scan_yet.setWordWrap(True)
        self.raw_scan.textChanged.connect(lambda text: self.no_scan_yet.setVisible(not text))
        column = QVBoxLayout()
        column.addWidget(caption)
        column.addWidget(self.raw_scan)
        column.addWidget(self.no_scan_yet)
        return column

    def _build_printer(self) -> QFrame:
        printer = QFrame(self)
        printer.setProperty("card", True)
        printer_title = QLabel("Receipt printer", printer)
        printer_title.setProperty("caption", True)
        self.printer_input = QLineEdit(printer)
        name_widget(self.printer_input, "printerAddressInput", "Printer connection")
        self.printer_input.setPlaceholderText("None")  # the examples are under it
        self.printer_input.setToolTip(PRINTER_FORMATS)
        make_touchable(self.printer_input)
        printer_hint = QLabel(f"For example {PRINTER_FORMATS}.", printer)
        printer_hint.setProperty("hint", True)
        printer_hint.setWordWrap(True)
        self.profile_input = QComboBox(printer)
        name_widget(self.profile_input, "printerProfileInput", "Printer profile")
        _touch_combo(self.profile_input)
        self.paper_input = QComboBox(printer)
        name_widget(self.paper_input, "paperWidthInput", "Paper width")
        _touch_combo(self.paper_input)
        for width in self._presenter.paper_widths:
            self.paper_input.addItem(f"{width} mm", width)
        printer_form = QFormLayout()
        printer_form.addRow("Connection", self.printer_input)
        # The examples under the field, across the card: two lines, not three, so the tab fits
        # a 768-px screen with room for a refusal.
        printer_form.addRow(printer_hint)
        printer_form.addRow("Profile", self.profile_input)
        printer_form.addRow("Paper", self.paper_input)
        self.test_print_button = touch_button(
            "Test print", "testPrintButton", "Print a test page", printer
        )
        self.test_print_button.clicked.connect(self._presenter.test_print)
        printer_layout = QVBoxLayout(printer)
        printer_layout.addWidget(printer_title)
        printer_layout.addLayout(printer_form)
        printer_layout.addWidget(self.test_print_button)
        printer_layout.addStretch(1)
        return printer

    def _build_keyboard(self) -> QFrame:
        panel = QFrame(self)
        panel.setProperty("card", True)
        self.keyboard_input = QComboBox(panel)
        name_widget(self.keyboard_input, "onscreenKeyboardInput", "On-screen keyboard")
        _touch_combo(self.keyboard_input)
        for label, mode in self._presenter.keyboard_choices:
            self.keyboard_input.addItem(label, mode.value)
        title = QLabel("On-screen keyboard", panel)
        title.setProperty("caption", True)
        hint = QLabel(KEYBOARD_HINT, panel)
        hint.setProperty("hint", True)
        hint.setWordWrap(True)
        column = QVBoxLayout(panel)
        column.addWidget(title)
        column.addWidget(self.keyboard_input)
        column.addWidget(hint)
        column.addStretch(1)
        return panel

    # -- from the presenter ---------------------------------------------------------------------

    def _show_ports(self, ports: list[SerialPort]) -> None:
        typed = self.port_input.currentText()
        self.port_input.clear()
        for port in ports:
            self.port_input.addItem(port.label, port.device)
        self.port_input.setCurrentText(typed)

    def _show_profiles(self, profiles: tuple[str, ...]) -> None:
        if self.profile_input.count() == 0:  # the list never changes while the register runs
            self.profile_input.addItems(list(profiles))
            self._select_profile()

    def _select_profile(self) -> None:
        """The stored profile, whichever of the settings and the list arrived first."""
        index = self.profile_input.findText(self._stored_profile)
        if index >= 0:
            self.profile_input.setCurrentIndex(index)

    def show_settings(self, settings: DeviceSettings) -> None:
        self._set_port(settings.scanner_port)
        self._select(self.baud_input, settings.scanner_baud)
        self._select(self.terminator_input, settings.scanner_terminator)
        self.prefix_input.setText(settings.scanner_prefix)
        self.suffix_input.setText(settings.scanner_suffix)
        self.printer_input.setText(settings.printer)
        self._stored_profile = settings.printer_profile
        self._select_profile()
        self._select(self.paper_input, settings.paper_mm)
        self._select(self.keyboard_input, settings.onscreen_keyboard.value)

    def _set_port(self, port: str) -> None:
        index = self.port_input.findData(port)
        if index >= 0:
            self.port_input.setCurrentIndex(index)
        else:
            self.port_input.setCurrentIndex(-1)
            self.port_input.setEditText(port)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _refused(self, field: str, message: str) -> None:
        self.banner.show_message(message)
        target = {
            "scanner_port": self.port_input,
            "scanner_prefix": self.prefix_input,
            "scanner_suffix": self.suffix_input,
            "printer": self.printer_input,
            "printer_profile": self.profile_input,
        }.get(field)
        if target is not None:
            target.setFocus()

    def show_raw_scan(self, data: bytes) -> None:
        """What the serial scanner sent last (a chunk as read; one scan may come in pieces),
        a card number in it masked."""
        self._raw = last_bytes(self._raw + data, MAX_RAW_SHOWN)
        self.raw_scan.setText(show_raw(self._raw))

    def new_scan(self) -> None:
        """A scan ended: the next chunk starts the next "last scan"."""
        self._raw = b""

    # -- the form -------------------------------------------------------------------------------

    def port_text(self) -> str:
        """The port as set: a listed port's device name, or the path typed."""
        text = self.port_input.currentText().strip()
        index = self.port_input.currentIndex()
        if index >= 0 and self.port_input.itemText(index) == text:
            return str(self.port_input.itemData(index))
        return text

    def form(self) -> DeviceSettings:
        return DeviceSettings(
            scanner_port=self.port_text(),
            scanner_baud=int(self.baud_input.currentData()),
            scanner_terminator=str(self.terminator_input.currentData()),
            scanner_prefix=self.prefix_input.text(),
            scanner_suffix=self.suffix_input.text(),
            printer=self.printer_input.text().strip(),
            printer_profile=self.profile_input.currentText(),
            paper_mm=int(self.paper_input.currentData()),
            onscreen_keyboard=KeyboardMode(self.keyboard_input.currentData()),
        )

    def _save(self) -> None:
        self.banner.clear()
        self.save_button.setEnabled(False)
        self._presenter.save(self.form())

    def reset(self) -> None:
        self.banner.clear()
