"""The Back Office's reports, the register's side: a report asked of the server for a range
(refused before any call when it ends before it starts), the alerts of registers past a
threshold, and a report exported to CSV or PDF in a folder the manager picks.

Blocking (network, disk): presenters call it on a worker.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.report_presets import day_range, store_instant
from pos_desktop.receipts.report_csv import write_report_csv
from pos_desktop.services.report_results import (
    REPORT_TITLES,
    ChainReport,
    ExceptionsReport,
    ExportedReport,
    ExportFolder,
    ExportFormat,
    GiftCardReport,
    OwedAt,
    RegisterAlert,
    Report,
    ReportKind,
    ReportQuery,
    SalesReport,
)

if TYPE_CHECKING:
    from pos_desktop.domain.catalog import StoreRules
    from pos_desktop.services.report_tables import ReportSheet
    from pos_desktop.sync.client import ServerClient

EXPORTS_FOLDER = "exports"
EXPORTS_LABEL = "Exports folder"
HOME_LABEL = "Home folder"
# Where Linux desktops mount a USB drive (per user), and macOS (for everyone).
DRIVE_ROOTS = ("/media/{user}", "/run/media/{user}", "/Volumes")


class ExportRefused(DomainError):
    """The folder took no file (full, read-only, gone)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return ""


class ReportsService:
    def __init__(
        self,
        client: ServerClient,
        data_dir: Path,
        clock: Callable[[], datetime] = utc_now,
        *,
        home: Path | None = None,
        drive_roots: Iterable[str] = DRIVE_ROOTS,
    ) -> None:
        self._client = client
        self.exports = data_dir / EXPORTS_FOLDER
        self.clock = clock
        self._home = home
        self._drive_roots = tuple(drive_roots)

    def run(self, query: ReportQuery) -> Report:
        """The report ``query`` asks for; ``InvalidRange`` before any call when its days are
        the wrong way round, the server's refusal (``invalid_range``...) as it says it."""
        days = day_range(query.days.start, query.days.end)
        if query.kind is ReportKind.SALES:
            return SalesReport.from_wire(self._client.sales_report(days.start, days.end))
        if query.kind is ReportKind.GIFT_CARDS:
            wire = self._client.gift_card_report(
                days.start, days.end, dormant_months=query.dormant_months
            )
            return GiftCardReport.from_wire(wire)
        if query.kind is ReportKind.CHAIN:
            return ChainReport.from_wire(self._client.chain_report(days.start, days.end))
        return ExceptionsReport.from_wire(self._client.exceptions_report(days.start, days.end))

    def owed_at(self, day: date, hour: int, minute: int, timezone: str) -> OwedAt:
        """The gift-card liability when the store's clock read ``day`` ``hour``:``minute``."""
        return OwedAt.from_wire(self._client.liability(store_instant(day, hour, minute, timezone)))

    def alerts(self) -> tuple[RegisterAlert, ...]:
        return tuple(RegisterAlert.from_wire(item) for item in self._client.alerts().items)

    def folders(self) -> tuple[ExportFolder, ...]:
        """Where a report may go: the data folder's exports first (the default), the home
        folder, then each USB drive mounted now."""
        home = self._home if self._home is not None else Path.home()
        found = [ExportFolder(EXPORTS_LABEL, self.exports), ExportFolder(HOME_LABEL, home)]
        user = _user()
        for pattern in self._drive_roots:
            root = Path(pattern.format(user=user))
            try:
                drives = sorted(path for path in root.iterdir() if path.is_dir())
            except OSError:
                continue
            found += [ExportFolder(f"Drive {drive.name}", drive) for drive in drives]
        return tuple(found)

    def export(
        self, sheet: ReportSheet, store: StoreRules, format: ExportFormat, folder: Path
    ) -> ExportedReport:
        """Write ``sheet`` into ``folder`` under a name saying what and when (the days, and the
        time it was made, UTC, so no export replaces another); ``ExportRefused`` saying why
        when the folder takes no file."""
        period = sheet.period
        stamp = self.clock().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        # Spaces: the name reads as words, and wraps where a screen says where it went.
        name = f"{REPORT_TITLES[sheet.kind]} {period.start} to {period.end} ({stamp})"
        path = folder / f"{name}.{format.value}"
        try:
            if folder == self.exports:
                folder.mkdir(parents=True, exist_ok=True)
            if format is ExportFormat.CSV:
                write_report_csv(sheet, store, path)
            else:
                from pos_desktop.receipts.report_pdf import write_report_pdf  # not at start-up

                write_report_pdf(sheet, store, path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ExportRefused(f"The report could not be saved in {folder}: {reason}.") from exc
        return ExportedReport(path, format)
