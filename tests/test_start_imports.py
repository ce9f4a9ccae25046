"""What the register loads to start: no more than a cashier waits for at the PIN pad."""

from __future__ import annotations

from tests.fixtures.fresh_imports import libraries_loaded

START_UP = """
import main
import pos_desktop.startup
import pos_desktop.server.embedded
"""


def test_start_imports_leave_printing_pdf_and_migration_libraries_unloaded() -> None:
    """The start-up modules, the embedded server's included, do not load python-escpos (it
    reads its whole printer database when imported), reportlab or Alembic: the first print job,
    the receipts' warm-up once the PIN pad is ready and an out-of-date database load them."""
    assert libraries_loaded(START_UP, ("escpos", "alembic", "reportlab")) == []
