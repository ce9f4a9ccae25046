"""SQLite connection settings shared by the embedded server's and the register's databases."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Engine, event


def configure_sqlite(engine: Engine, synchronous: Literal["NORMAL", "FULL"] = "NORMAL") -> None:
    """WAL, foreign keys, a generous busy timeout, and writers that lock at BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (below) instead of pysqlite's deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two writers never both read and then fight
        # over upgrading their locks, which SQLite would answer with SQLITE_BUSY.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
