"""The reports' register side over a stand-in client answering fixed reports: a range is
checked before any call, the wire's figures arrive as ``Money``, every report exports to a
CSV that reads back (csv module) and a PDF that reads back (pdftotext) with the figures
checked by hand, in the folder picked, under a name saying what and when."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from pos_desktop.domain.errors import InvalidRange
from pos_desktop.domain.money import Money
from pos_desktop.domain.report_presets import DayRange
from pos_desktop.services.report_results import (
    ExportFormat,
    GiftCardReport,
    ReportKind,
    ReportQuery,
    SalesReport,
)
from pos_desktop.services.report_tables import ReportSheet, replica_text, report_sheet
from pos_desktop.services.reports import (
    EXPORTS_LABEL,
    HOME_LABEL,
    ExportRefused,
    ReportsService,
)
from pos_desktop.services.results import DEFAULT_STORE_RULES
from pos_desktop.sync.client import ServerClient
from tests.fixtures.reports import (
    END,
    NOW,
    START,
    TIMEZONE,
    FakeReportsClient,
    unknown_cards_alert,
)

STORE = dataclasses.replace(
    DEFAULT_STORE_RULES,
    name="Demo Gift Shop",
    address="12 Main Street\nSpringfield",
    timezone=TIMEZONE,
    locale="en_US",
    currency="USD",
)
DAYS = DayRange(START, END)
PERIOD = "Nov 2, 2026 \u2013 Nov 4, 2026 (America/New_York)"  # an en dash, as printed


@pytest.fixture
def client() -> FakeReportsClient:
    return FakeReportsClient()


@pytest.fixture
def service(client: FakeReportsClient, tmp_path: Path) -> ReportsService:
    fake: ServerClient = client  # type: ignore[assignment]  # the report calls only
    return ReportsService(
        fake, tmp_path / "data", lambda: NOW, home=tmp_path / "home", drive_roots=()
    )


def sheet_of(service: ReportsService, kind: ReportKind) -> ReportSheet:
    return report_sheet(service.run(ReportQuery(kind, DAYS)), "en_US")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def section(rows: list[list[str]], title: str) -> list[list[str]]:
    """The rows of the table titled ``title``: its column names first, up to the blank line."""
    start = rows.index([title]) + 1
    end = next((i for i in range(start, len(rows)) if rows[i] == []), len(rows))
    return rows[start:end]


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils' pdftotext is needed to read the PDF back"
    done = subprocess.run(  # noqa: S603 (a fixed tool on our own file)
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_reports_service_refuses_a_reversed_range_before_any_call(
    service: ReportsService, client: FakeReportsClient
) -> None:
    """An end before the start is refused on the register, and the server is never asked."""
    with pytest.raises(InvalidRange, match="Pick an end on or after the start"):
        service.run(ReportQuery(ReportKind.SALES, DayRange(date(2026, 11, 4), date(2026, 11, 2))))
    assert client.calls == []


def test_reports_service_asks_the_days_picked_and_reads_money(
    service: ReportsService, client: FakeReportsClient
) -> None:
    """The report comes back as plain values with Money, for the days asked."""
    sales = service.run(ReportQuery(ReportKind.SALES, DAYS))
    assert isinstance(sales, SalesReport)
    assert client.calls == [("sales", START, END)]
    assert sales.totals.net == Money(1200_00, "USD")
    assert sales.totals.gift_cards_sold == Money(150_00, "USD")
    assert [row.figures.net.minor for row in sales.by_day] == [395_50, 470_00, 334_50]
    assert sum(row.figures.net.minor for row in sales.by_day) == sales.totals.net.minor
    cards = service.run(ReportQuery(ReportKind.GIFT_CARDS, DAYS, dormant_months=6))
    assert isinstance(cards, GiftCardReport)
    assert cards.dormant_months == 6
    flows = sum(flow.amount.minor for flow in cards.flows)
    assert cards.opening.minor + flows == cards.closing.minor == 5175_00


def test_reports_service_lists_alerts(service: ReportsService, client: FakeReportsClient) -> None:
    client.alerts_answer = [unknown_cards_alert()]
    (alert,) = service.alerts()
    assert (alert.register_name, alert.kind.value, alert.count) == (
        "Front counter",
        "unknown_cards",
        7,
    )


def test_sales_csv_reads_back_with_the_figures(service: ReportsService, tmp_path: Path) -> None:
    """The sales CSV: the store and range first, then each table; amounts plain decimals."""
    sheet = sheet_of(service, ReportKind.SALES)
    done = service.export(sheet, STORE, ExportFormat.CSV, service.exports)
    assert done.path == service.exports / "Sales 2026-11-02 to 2026-11-04 (20261105-190000).csv"
    rows = read_csv(done.path)
    assert rows[:8] == [
        ["Store", "Demo Gift Shop"],
        ["Address", "12 Main Street Springfield"],
        ["Report", "Sales report"],
        ["From", "2026-11-02"],
        ["To", "2026-11-04"],
        ["Time zone", "America/New_York"],
        ["Currency", "USD"],
        [],
    ]
    totals = dict(map(tuple, section(rows, "Totals")[1:]))
    assert totals["Gross sales"] == "1234.50"
    assert totals["Net sales"] == "1200.00"
    assert totals["Tickets"] == "48"
    assert totals["Average ticket"] == "25.00"
    assert totals["Gift cards sold (a liability, not sales)"] == "150.00"
    by_day = section(rows, "By day")
    assert by_day[0] == [
        "Day",
        "Gross",
        "Refunds",
        "Discounts",
        "Net",
        "Tax",
        "Tips",
        "Gift cards sold",
        "Tickets",
        "Average",
    ]
    assert by_day[2] == [
        "2026-11-03",
        "500.00",
        "20.00",
        "10.00",
        "470.00",
        "38.78",
        "15.00",
        "100.00",
        "19",
        "24.74",
    ]
    # The days' nets add up to the total, read back from the file.
    assert sum(float(row[4]) * 100 for row in by_day[1:]) == pytest.approx(1200_00)
    assert len(section(rows, "By hour")) == 1 + 24
    assert section(rows, "By tender")[1:] == [
        ["Cash", "20", "480.00", "0.00"],
        ["Card", "24", "820.00", "35.00"],
        ["Gift Card", "6", "133.00", "0.00"],
    ]
    assert section(rows, "By product")[-1] == ["(none)", "3", "14.50", "1.20"]


def test_gift_card_csv_has_the_liability_and_dormant_cards(service: ReportsService) -> None:
    sheet = sheet_of(service, ReportKind.GIFT_CARDS)
    rows = read_csv(service.export(sheet, STORE, ExportFormat.CSV, service.exports).path)
    liability = section(rows, "Liability")
    assert liability[1] == ["Outstanding at the start", "", "5000.00"]
    assert ["Redeemed", "6", "-133.00"] in liability
    assert liability[-1] == ["Outstanding at the end", "87 cards", "5175.00"]
    dormant = section(rows, "Dormant")
    assert dormant[0] == ["5 cards with no activity for 12 months hold $300.00 in all."]
    # Times on the store's clock: 15:30 UTC on 1 June 2025 is 11:30 in New York (EDT).
    assert dormant[2] == ["•••• 1000", "100.00", "2025-06-01 11:30"]
    assert section(rows, "By day")[1:] == [
        ["2026-11-02", "5100.00"],
        ["2026-11-03", "5150.00"],
        ["2026-11-04", "5175.00"],
    ]


def test_chain_csv_keeps_each_currency_apart(service: ReportsService) -> None:
    """A chain in dollars and euros: the header names both, each store's row is in its own
    currency, and the totals are one a currency."""
    sheet = sheet_of(service, ReportKind.CHAIN)
    rows = read_csv(service.export(sheet, STORE, ExportFormat.CSV, service.exports).path)
    assert ["Currency", "USD, EUR"] in rows
    stores = section(rows, "By store")
    assert stores[1] == ["Store", "Net sales", "Tickets", "Gift cards sold", "Cards owe", "Cards"]
    assert stores[2:] == [
        ["Demo Gift Shop", "1200.00", "48", "150.00", "5150.00", "86"],
        ["Paris", "1200.00", "48", "150.00", "200.00", "4"],
    ]
    totals = section(rows, "Chain total")
    assert [row[:2] for row in totals[2:]] == [["USD", "1"], ["EUR", "1"]]


def test_exceptions_csv_lists_the_unsettled_redemption(service: ReportsService) -> None:
    sheet = sheet_of(service, ReportKind.EXCEPTIONS)
    rows = read_csv(service.export(sheet, STORE, ExportFormat.CSV, service.exports).path)
    unsettled = section(rows, "Unsettled redemptions")
    assert unsettled[0] == ["When", "Card", "Amount", "Register", "Employee", "Ticket"]
    assert unsettled[1] == [
        "2026-11-03 14:05",
        "•••• 4242",
        "25.00",
        "Front counter",
        "Casey Cashier",
        "00000000-0000-0000-0000-000000000008",
    ]
    assert section(rows, "By register")[1] == ["Front counter", "7", "4"]
    assert section(rows, "By employee")[2] == [
        "Morgan Manager",
        "0",
        "1",
        "0",
        "1",
        "-10.00",
        "0",
        "0.00",
    ]


def test_sales_pdf_reads_back_with_the_header_and_figures(service: ReportsService) -> None:
    """The PDF has the store's header (name, address, report, days and time zone) and the
    figures as the store writes money."""
    sheet = sheet_of(service, ReportKind.SALES)
    done = service.export(sheet, STORE, ExportFormat.PDF, service.exports)
    assert done.path.suffix == ".pdf"
    text = pdf_text(done.path)
    assert "Demo Gift Shop" in text
    assert "12 Main Street · Springfield" in text
    assert "Sales report" in text
    assert PERIOD in text
    assert "Page 1" in text
    lines = text.splitlines()
    net = next(line for line in lines if line.strip().startswith("Net sales"))
    assert net.split()[-1] == "$1,200.00"
    day = next(line for line in lines if line.strip().startswith("Nov 3, 2026"))
    assert day.split()[3:] == [
        "$500.00",
        "$20.00",
        "$10.00",
        "$470.00",
        "$38.78",
        "$15.00",
        "$100.00",
        "19",
        "$24.74",
    ]


def test_a_long_report_runs_over_pages_with_its_header_on_each(service: ReportsService) -> None:
    """A table longer than a page goes on to the next, the store's header and the column
    names on every page."""
    sheet = sheet_of(service, ReportKind.SALES)
    by_hour = sheet.table("by_hour")
    long = dataclasses.replace(by_hour, rows=by_hour.rows * 5)  # 120 rows
    tables = tuple(long if table.key == "by_hour" else table for table in sheet.tables)
    done = service.export(
        dataclasses.replace(sheet, tables=tables), STORE, ExportFormat.PDF, service.exports
    )
    pages = pdf_text(done.path).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3
    for page in pages:
        assert "Demo Gift Shop" in page
        assert PERIOD in page
    assert sum("Hour" in page for page in pages) >= 2  # the column names, repeated


def test_gift_card_and_exceptions_pdfs_read_back(service: ReportsService) -> None:
    cards = pdf_text(
        service.export(
            sheet_of(service, ReportKind.GIFT_CARDS), STORE, ExportFormat.PDF, service.exports
        ).path
    )
    assert "Gift-card liability report" in cards
    end = next(line for line in cards.splitlines() if "Outstanding at the end" in line)
    assert end.split()[-3:] == ["87", "cards", "$5,175.00"]
    exceptions = pdf_text(
        service.export(
            sheet_of(service, ReportKind.EXCEPTIONS), STORE, ExportFormat.PDF, service.exports
        ).path
    )
    unsettled = next(line for line in exceptions.splitlines() if "4242" in line)
    assert "11/3/26, 2:05" in unsettled
    assert "$25.00" in unsettled
    assert "Front counter" in unsettled


def test_exports_go_to_the_folder_picked(service: ReportsService, tmp_path: Path) -> None:
    """The exports folder first, then home; a report saved in home lands there."""
    folders = service.folders()
    assert [(f.label, f.path) for f in folders] == [
        (EXPORTS_LABEL, tmp_path / "data" / "exports"),
        (HOME_LABEL, tmp_path / "home"),
    ]
    (tmp_path / "home").mkdir()
    done = service.export(
        sheet_of(service, ReportKind.SALES), STORE, ExportFormat.CSV, tmp_path / "home"
    )
    assert done.path.parent == tmp_path / "home"
    assert [path.name for path in (tmp_path / "home").iterdir()] == [done.path.name]


def test_a_usb_drive_is_offered(
    client: FakeReportsClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drive mounted under the user's media folder is offered after home."""
    media = tmp_path / "media" / "{user}"
    drive = tmp_path / "media" / "clerk" / "STICK"
    drive.mkdir(parents=True)
    monkeypatch.setattr("pos_desktop.services.reports._user", lambda: "clerk")
    fake: ServerClient = client  # type: ignore[assignment]
    service = ReportsService(fake, tmp_path, lambda: NOW, drive_roots=(str(media),))
    folders = service.folders()
    assert folders[-1].label == "Drive STICK"
    assert folders[-1].path == drive


def test_a_folder_that_takes_no_file_is_said(service: ReportsService, tmp_path: Path) -> None:
    gone = tmp_path / "unplugged"
    with pytest.raises(ExportRefused, match=r"could not be saved in .*unplugged"):
        service.export(sheet_of(service, ReportKind.SALES), STORE, ExportFormat.PDF, gone)


@pytest.mark.parametrize(
    ("lag_ms", "words"),
    [
        (None, ""),
        (0, "read from the replica, up to date within a second"),
        (999, "read from the replica, up to date within a second"),
        (2_449, "read from the replica, 2.4 s behind"),
    ],
)
def test_replica_text_says_how_current_a_report_is(lag_ms: int | None, words: str) -> None:
    assert replica_text(lag_ms) == words
