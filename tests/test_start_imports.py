"""What the register loads to start: no more than a cashier waits for at the PIN pad."""

from __future__ import annotations

import os
import subprocess
import sys

LOAD_START_UP = """
import sys
import main
import pos_desktop.startup
import pos_desktop.server.embedded
loaded = {name.split(".")[0] for name in sys.modules}
print(",".join(sorted(loaded & {"escpos", "alembic", "reportlab"})))
"""


def test_start_imports_leave_printing_pdf_and_migration_libraries_unloaded() -> None:
    """The start-up modules, the embedded server's included, do not load python-escpos (it
    reads its whole printer database when imported), reportlab or Alembic: the first print job,
    the receipts' warm-up once the PIN pad is ready and an out-of-date database load them."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", LOAD_START_UP],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == ""
