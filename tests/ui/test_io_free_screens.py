"""The screens are handed their services and take their types from I/O-free modules: loading
every module of ``ui`` loads no database, network or serial library (import-linter checks the
imports as written; this checks what actually runs, lazy imports included)."""

from __future__ import annotations

import os
import subprocess
import sys

IO_LIBRARIES = ("sqlalchemy", "httpx", "serial", "escpos", "reportlab", "psycopg")

LOAD_EVERY_SCREEN = f"""
import importlib, pkgutil, sys
import ui
for found in pkgutil.walk_packages(ui.__path__, "ui."):
    importlib.import_module(found.name)
loaded = {{name.split(".")[0] for name in sys.modules}}
print(",".join(sorted(loaded & set({IO_LIBRARIES!r}))))
"""


def test_screens_load_no_database_network_or_serial_library() -> None:
    """Importing every screen, widget and presenter leaves SQLAlchemy, httpx, pyserial and the
    printer and PDF libraries unloaded."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", LOAD_EVERY_SCREEN],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == ""
