"""The screens are handed their services and take their types from I/O-free modules: loading
every module of ``ui`` loads no database, network or serial library (import-linter checks the
imports as written; this checks what actually runs, lazy imports included)."""

from __future__ import annotations

from tests.fixtures.fresh_imports import libraries_loaded

IO_LIBRARIES = ("sqlalchemy", "httpx", "serial", "escpos", "reportlab", "psycopg")

LOAD_EVERY_SCREEN = """
import importlib, pkgutil
import ui
for found in pkgutil.walk_packages(ui.__path__, "ui."):
    importlib.import_module(found.name)
"""


def test_screens_load_no_database_network_or_serial_library() -> None:
    """Importing every screen, widget and presenter leaves SQLAlchemy, httpx, pyserial and the
    printer and PDF libraries unloaded."""
    assert libraries_loaded(LOAD_EVERY_SCREEN, IO_LIBRARIES) == []
