"""Suite-wide fixtures: the two server databases every server test runs on.

PostgreSQL tests need ``POS_TEST_POSTGRES_URL`` (default: the local trust-auth server). When it
cannot be reached they are skipped with the reason shown, except in CI (``CI=true``), where
an unreachable PostgreSQL fails the run instead of hiding the tests.
"""

from __future__ import annotations

import os

pytest_plugins = [
    "tests.fixtures.checkout",
    "tests.fixtures.databases",
    "tests.fixtures.register",
    "tests.fixtures.server_world",
]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_report_header() -> str:
    from tests.fixtures.databases import postgres_admin_url

    return f"server databases: sqlite, postgresql ({postgres_admin_url()})"
