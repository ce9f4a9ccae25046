"""One Settings object for the whole product.

Values come from environment variables with the ``POS_`` prefix, or from ``pos.env`` in the
config folder (platformdirs), environment first.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
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


def parse_printer_address(text: str) -> PrinterAddress | None:
    """``POS_PRINTER``'s value as an address; None when empty; ValueError when malformed."""
    text = text.strip()
    if not text:
        return None
    kind, _, rest = text.partition(":")
    if kind == "file" and rest:
        return PrinterAddress("file", rest)
    if kind == "serial" and rest:
        port, _, query = rest.partition("?")
        options = dict(part.partition("=")[::2] for part in query.split("&") if part)
        if port and set(options) <= {"baud"} and options.get("baud", "9600").isdigit():
            return PrinterAddress("serial", port, baud=int(options.get("baud", "9600")))
    if kind == "tcp" and rest:
        host, _, port_text = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
        host = host or rest
        if port_text == "" or (port_text.isdigit() and 0 < int(port_text) < 65536):
            return PrinterAddress("tcp", host, port=int(port_text or 9100))
    raise ValueError(f"printer {text!r} is not one of {PRINTER_FORMATS}")


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
    # How often finished tickets are pushed and the catalog pulled (a finished ticket also
    # wakes the push at once).
    sync_interval_seconds: float = 30.0
    # Server side.
    database_url: str | None = None
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

    @field_validator("smtp_security", "scanner_terminator", mode="before")
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
