"""One Settings object for the whole product.

Values come from environment variables with the ``POS_`` prefix, or from ``pos.env`` in the
config folder (platformdirs), environment first.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Literal

from platformdirs import user_config_path, user_data_path
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "pos-desktop"

SmtpSecurity = Literal["none", "starttls", "ssl"]
# The port each kind of connection is usually served on, when POS_SMTP_PORT is not set.
SMTP_PORTS: dict[SmtpSecurity, int] = {"none": 25, "starttls": 587, "ssl": 465}


PRINTER_FORMATS = "serial:/dev/ttyUSB0?baud=19200, tcp:192.168.1.50:9100 or file:/dev/usb/lp0"


@dataclass(frozen=True, slots=True)
class PrinterAddress:
    """Where the receipt printer is: a serial port, a TCP host and port, or a device file."""

    kind: Literal["serial", "tcp", "file"]
    target: str  # the port or file path, or the host
    port: int = 9100  # tcp
    baud: int = 9600  # serial


# The speeds serial receipt printers and scanners are set to; anything else is a typing slip.
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


class KeyboardMode(StrEnum):
    """When a tapped text field brings up the on-screen keyboard.

    AUTO: when the tap came from a touchscreen, not a mouse. Qt cannot tell whether a physical
    keyboard is plugged in (X11 always lists its virtual core keyboard, and a power button is a
    "keyboard" too), but it does know which device a tap came from. Many counter touchscreens
    present themselves as a mouse, though, so ALWAYS is the default: a register is a touch
    register, and a manager whose register has a keyboard picks NEVER.
    """

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def parse_printer_address(text: str) -> PrinterAddress | None:
    """``POS_PRINTER``'s value as an address; None when empty; ValueError when malformed."""
    text = text.strip()
    if not text:
        return None
    kind, _, rest = text.partition(":")
    address: PrinterAddress | None = None
    if kind == "file" and rest:
        address = PrinterAddress("file", rest)
    elif kind == "serial" and rest:
        address = _serial_printer(rest)
    elif kind == "tcp" and rest:
        address = _tcp_printer(rest)
    if address is None:
        raise ValueError(f"printer {text!r} is not one of {PRINTER_FORMATS}")
    return address


def _serial_printer(rest: str) -> PrinterAddress | None:
    port, _, query = rest.partition("?")
    options = dict(part.partition("=")[::2] for part in query.split("&") if part)
    baud = options.get("baud", "9600")
    if not port or set(options) - {"baud"} or not baud.isdigit():
        return None
    if int(baud) not in BAUD_RATES:
        return None
    return PrinterAddress("serial", port, baud=int(baud))


def _tcp_printer(rest: str) -> PrinterAddress | None:
    # An IPv6 host is bracketed, as in a URL: tcp:[fd00::5]:9100.
    if rest.startswith("["):
        host, bracket, after = rest[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            return None
        port_text = after[1:] if after else None
    else:
        host, colon, port_text_found = rest.partition(":")
        port_text = port_text_found if colon else None
    if not host or any(char.isspace() for char in host) or ":" in (port_text or ""):
        return None
    if port_text is None:
        return PrinterAddress("tcp", host)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return PrinterAddress("tcp", host, port=int(port_text))


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="POS_",
        env_file=config_dir() / "pos.env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Field(default_factory=lambda: user_data_path(APP_NAME, appauthor=False))
    # Register side: a remote server, or None for the embedded one.
    server_url: str | None = None
    enroll_code: str | None = None
    register_name: str = "Register 1"
    # POS_DEMO=1 (tests, screenshots, tools/): a data folder that has not said what it is opens
    # the demo store without asking; a folder that has (pos_desktop.services.first_start) keeps
    # its answer, so a real store never becomes the demo.
    demo: bool = False
    # How often finished tickets are pushed and the catalog pulled (a finished ticket also
    # wakes the push at once). A pull with nothing new is one small query; ten seconds is how
    # long a deactivated cashier can still work on another register that is not asking the
    # server for anything.
    sync_interval_seconds: float = 10.0
    # Server side.
    database_url: str | None = None
    # The database URL goes through a transaction pooler (PgBouncer's pool_mode = transaction):
    # the next transaction may run on another server connection, so nothing is prepared.
    database_transaction_pooling: bool = False
    # A streaming replica of the database, where the read-only pages read (server.replica).
    replica_database_url: str | None = None
    # What Prometheus sends as a bearer token for GET /metrics; unset: loopback only.
    metrics_token: SecretStr | None = None
    # Unset: the server's own defaults (pos_desktop.server.config.ServerConfig).
    session_ttl_seconds: int | None = None
    server_threads: int | None = None
    log_level: str = "INFO"
    # Server mail. No SMTP host: messages are written as .eml files into <data_dir>/outbox.
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535)  # unset: SMTP_PORTS[security]
    smtp_security: SmtpSecurity = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "POS Desktop <no-reply@localhost>"
    # Serial barcode scanner (hardware.scanner): a port such as /dev/ttyUSB0 or COM3; empty for
    # none (a keyboard-wedge scanner needs no setting). Prefix and suffix are stripped from each
    # scan; write a control byte as \xNN (STX is \x02).
    scanner_port: str = ""
    scanner_baud: int = Field(default=9600, gt=0)
    scanner_terminator: Literal["cr", "lf", "crlf"] = "cr"
    scanner_prefix: str = ""
    scanner_suffix: str = ""
    # Receipt printer (hardware.printer), one of serial:/dev/ttyUSB0?baud=19200,
    # tcp:192.168.1.50:9100 (the port defaults to 9100) or file:/dev/usb/lp0; empty for none.
    printer: str = ""
    printer_profile: str = "TM-T88V"  # a python-escpos printer profile
    paper_mm: int = 80  # 58 or 80
    # auto, always or never (KeyboardMode): when a tapped text field shows the on-screen keys.
    onscreen_keyboard: KeyboardMode = KeyboardMode.ALWAYS

    @field_validator("printer")
    @classmethod
    def _printer_address(cls, value: str) -> str:
        parse_printer_address(value)  # refuses a malformed address at start-up
        return value.strip()

    @field_validator("paper_mm")
    @classmethod
    def _paper_width(cls, value: int) -> int:
        if value not in (58, 80):
            raise ValueError("receipt paper is 58 or 80 mm wide")
        return value

    def printer_address(self) -> PrinterAddress | None:
        return parse_printer_address(self.printer)

    @field_validator("smtp_security", "scanner_terminator", "onscreen_keyboard", mode="before")
    @classmethod
    def _security_in_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("smtp_host", "smtp_user", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `POS_SMTP_HOST=` in a pos.env means "no SMTP", not a host named "".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("mail_from")
    @classmethod
    def _mail_from_has_an_address(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError('give an address, e.g. "Corner Shop <gifts@example.com>"')
        return value

    @model_validator(mode="after")
    def _smtp_port_for_security(self) -> Settings:
        if self.smtp_port is None:
            self.smtp_port = SMTP_PORTS[self.smtp_security]
        return self

    def embedded_database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'server.sqlite3'}"
