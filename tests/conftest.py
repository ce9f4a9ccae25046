"""Suite-wide fixtures: the two server databases every server test runs on.

PostgreSQL tests need ``POS_TEST_POSTGRES_URL`` (default: the local trust-auth server). When it
cannot be reached they are skipped with the reason shown, except in CI (``CI=true``), where
an unreachable PostgreSQL fails the run instead of hiding the tests.

PIN hashes use the cheap ``fast`` argon2 profile (``POS_PIN_HASH_PROFILE``, see
pos_desktop/server/security.py): hundreds of tests create employees and log in, and the strong
profile costs ~250 ms a hash. Servers and CLI runs started by tests inherit it.
"""

from __future__ import annotations

import gc
import os

import pytest

# register first: the others import it, and pytest rewrites the asserts only of a plugin it
# imports itself.
pytest_plugins = [
    "tests.fixtures.register",
    "tests.fixtures.checkout",
    "tests.fixtures.databases",
    "tests.fixtures.qt",
    "tests.fixtures.server_world",
]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Before any test imports pos_desktop.server.security, which reads it once at import.
os.environ.setdefault("POS_PIN_HASH_PROFILE", "fast")


def pytest_report_header() -> str:
    from tests.fixtures.databases import postgres_admin_url

    return f"server databases: sqlite, postgresql ({postgres_admin_url()})"


def pytest_collection_finish(session: pytest.Session) -> None:
    # Everything imported and collected so far lives for the whole run: out of the garbage
    # collector's sight, each full collection walks only what the tests made (it walked millions
    # of objects, up to a second each time, while servers in the same process waited).
    gc.freeze()
