"""A report -> one CSV file: the store and the range first, as "name,value" lines, then each
table under its title, a blank line between.

Amounts are plain decimals in the store's currency (named in the header lines), so a
spreadsheet sums them; times are on the store's clock, in the time zone the header names.
UTF-8 with a byte-order mark: the spreadsheet most stores open it in reads accents right then.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.receipts.files import write_whole
from pos_desktop.services.report_tables import ReportSheet, cell_csv, currency_of

ENCODING = "utf-8-sig"


def report_csv_text(sheet: ReportSheet, store: StoreRules) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    period = sheet.period
    timezone = period.timezone
    writer.writerow(["Store", store.name])
    if store.address:
        writer.writerow(["Address", " ".join(store.address.split())])
    writer.writerow(["Report", sheet.title])
    writer.writerow(["From", period.start.isoformat()])
    writer.writerow(["To", period.end.isoformat()])
    writer.writerow(["Time zone", timezone])
    currency = currency_of(sheet)
    if currency:
        writer.writerow(["Currency", currency])
    for table in sheet.tables:
        writer.writerow([])
        writer.writerow([table.title])
        if table.note:
            writer.writerow([table.note])
        writer.writerow([column.title for column in table.columns])
        for row in table.rows:
            writer.writerow([cell_csv(cell, timezone) for cell in row])
    return out.getvalue()


def write_report_csv(sheet: ReportSheet, store: StoreRules, path: Path) -> Path:
    """Write the report to ``path`` whole (never half a file)."""
    return write_whole(path, report_csv_text(sheet, store).encode(ENCODING))
