"""The Back Office's Registers page: the store's registers listed, a new enrollment code made,
a register renamed or revoked, each on a worker.

Times read in the store's time zone and language (``set_store``). A refusal the manager fixes
in the name comes back as ``refused("name", why)``; one about the register itself (already
revoked, the one in use) as ``refused("", why)``; any other failure as ``failed``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from babel.dates import format_date, format_time
from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.receipt import local_time
from pos_desktop.services.results import (
    DEFAULT_STORE_RULES,
    EnrollCode,
    RegisterEntry,
    RegisterRefused,
)
from pos_desktop.sync.errors import ServerUnreachable
from ui.presenters.background import EmployeePresenter

if TYPE_CHECKING:
    from pos_desktop.domain.catalog import StoreRules
    from pos_desktop.services.registers import RegisterService

THIS_REGISTER = "this register"
NOT_SEEN = "Not seen since it enrolled"
NO_VERSION = "App version not reported"
WAITING_UNKNOWN = "Tickets waiting not reported"
CODE_GROUP = 4
UNREACHABLE = (
    "No connection to the server: registers cannot be listed, enrolled or changed now. "
    "Check the network and try again."
)


def when_text(moment: datetime, rules: StoreRules) -> str:
    """A date and time on the store's clock, in its language: "7/4/24, 2:05 PM"."""
    local = local_time(moment, rules.timezone)
    return (
        f"{format_date(local, 'short', locale=rules.locale)}, "
        f"{format_time(local, 'short', locale=rules.locale)}"
    )


def waiting_text(count: int | None) -> str:
    if count is None:
        return WAITING_UNKNOWN
    if count == 0:
        return "No tickets waiting"
    return f"{count} ticket{'s' if count != 1 else ''} waiting"


def seen_text(entry: RegisterEntry, rules: StoreRules) -> str:
    if entry.revoked_at is not None:
        return f"Revoked {when_text(entry.revoked_at, rules)}"
    if entry.last_seen_at is None:
        return NOT_SEEN
    return f"Last seen {when_text(entry.last_seen_at, rules)}"


def version_text(entry: RegisterEntry) -> str:
    return f"App {entry.app_version}" if entry.app_version else NO_VERSION


def title_text(entry: RegisterEntry) -> str:
    return f"{entry.name} ({THIS_REGISTER})" if entry.this_register else entry.name


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A register as the page shows it: its entry and each line already in words."""

    entry: RegisterEntry
    title: str
    seen: str
    version: str
    waiting: str

    @property
    def list_text(self) -> str:
        """The list's row: name, then when it was seen, then what it holds."""
        if self.entry.revoked:
            return f"{self.title}\n{self.seen}"
        return f"{self.title}\n{self.seen}\n{self.version}\n{self.waiting}"


def register_row(entry: RegisterEntry, rules: StoreRules) -> RegisterRow:
    return RegisterRow(
        entry=entry,
        title=title_text(entry),
        seen=seen_text(entry, rules),
        version=version_text(entry),
        waiting=waiting_text(entry.tickets_waiting),
    )


def grouped_code(code: str) -> str:
    """The code in groups of four, ABCD-EFGH-JKMN, to read out and type; the server ignores
    the dashes."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


@dataclass(frozen=True, slots=True)
class ShownCode:
    """A new enrollment code as the page shows it."""

    code: str  # what the QR code holds
    text: str  # grouped for reading out and typing
    expires: str  # "Works once, until …" on the store's clock


def shown_code(made: EnrollCode, rules: StoreRules) -> ShownCode:
    return ShownCode(
        code=made.code,
        text=grouped_code(made.code),
        expires=f"Works once, until {when_text(made.expires_at, rules)}",
    )


def renamed(entry: RegisterEntry) -> str:
    return f"Name saved: {entry.name}."


def revoked(entry: RegisterEntry) -> str:
    return f"{entry.name} is revoked: the server refuses its next request."


def revoke_question(entry: RegisterEntry) -> str:
    return (
        f"Revoke {entry.name}? The server refuses it from its next request, and it cannot sell "
        "with gift cards or sync until it is enrolled again with a new code."
    )


class RegistersPresenter(EmployeePresenter):
    listed = Signal(object)  # tuple[RegisterRow, ...]
    code_made = Signal(object)  # ShownCode
    saved = Signal(object, str)  # the RegisterRow as now stored, and the word on it
    refused = Signal(str, str)  # the field to fix ("name", or "" for none), and why
    failed = Signal(str)  # not about a field: the page's message room

    def __init__(
        self,
        service: RegisterService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._rules: StoreRules = DEFAULT_STORE_RULES

    def set_store(self, rules: StoreRules) -> None:
        """The store's time zone and language, for the times shown from now on."""
        self._rules = rules

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen."""
        self._worker.forget_pending()

    def load(self) -> None:
        self._worker.submit(self._service.list, self._listed, self._failed)

    def new_code(self) -> None:
        def made(code: EnrollCode) -> None:
            self.code_made.emit(shown_code(code, self._rules))

        self._worker.submit(self._service.new_code, made, self._failed)

    def rename(self, register_id: uuid.UUID, name: str) -> None:
        self._save(lambda: self._service.rename(register_id, name), renamed)

    def revoke(self, register_id: uuid.UUID) -> None:
        self._save(lambda: self._service.revoke(register_id), revoked)

    def _listed(self, entries: tuple[RegisterEntry, ...]) -> None:
        self.listed.emit(tuple(register_row(entry, self._rules) for entry in entries))

    def _save(self, job: Callable[[], RegisterEntry], word: Callable[[RegisterEntry], str]) -> None:
        def done(entry: RegisterEntry) -> None:
            self.saved.emit(register_row(entry, self._rules), word(entry))
            self.load()

        self._worker.submit(job, done, self._failed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, RegisterRefused):
            self.refused.emit(error.field, error.message)
        elif isinstance(error, ServerUnreachable):
            self.failed.emit(UNREACHABLE)
        else:
            self._on_failed(error, self.failed.emit)
