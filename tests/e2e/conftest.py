"""A real server for end-to-end tests: ``python -m pos_desktop.server serve`` in a subprocess.

Each database kind (SQLite file, throwaway PostgreSQL database) is set up the way an operator
would: the store, the employee, the enrollment code and the cards come from the CLI, once per
test process, and each module gets a copy of its own; the register enrolls and the cashier logs
in through the API. Each test then gets a server process of its own over its module's database
and a card no other test touches.

When a test fails, what the server wrote to stdout/stderr is added to its report.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.fixtures.bursts import register_headers
from tests.fixtures.databases import create_postgres_database, drop_postgres_database
from tests.fixtures.server_process import LiveServer, run_cli, serve

CASHIER_PIN = "1111"
MANAGER_PIN = "9999"
CARD_AMOUNT = 50_00
# One fresh card per test of the module; raise it when a test is added.
CARD_POOL_SIZE = 10

SERVER_KEY = pytest.StashKey["LiveServer"]()


@dataclass(frozen=True)
class Card:
    """A card as the CLI issued it: its id, and the number printed on it."""

    id: str
    number: str


@dataclass
class Provisioned:
    """What the CLI set up in one database, and the register once it enrolled."""

    database_url: str
    enroll_code: str
    unused_cards: list[Card]
    register_token: str | None = None
    session_token: str | None = None


@dataclass
class Store:
    """An enrolled register with a logged-in cashier on a live server."""

    server: LiveServer
    database_url: str
    register_token: str
    session_token: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def headers(self, key: str | None = None) -> dict[str, str]:
        return register_headers(self.register_token, self.session_token, key)

    def post(self, path: str, body: Any, key: str) -> httpx.Response:
        return httpx.post(
            f"{self.server.base_url}/api/v1{path}", json=body, headers=self.headers(key), timeout=30
        )

    def card(self, card_id: str) -> dict[str, Any]:
        response = httpx.get(
            f"{self.server.base_url}/api/v1/giftcards/{card_id}", headers=self.headers(), timeout=30
        )
        assert response.status_code == 200, response.text
        card: dict[str, Any] = response.json()
        return card


def _enroll_and_log_in(server: LiveServer, code: str) -> tuple[str, str]:
    with httpx.Client(base_url=f"{server.base_url}/api/v1", timeout=30) as client:
        enrolled = client.post("/registers/enroll", json={"code": code, "name": "E2E register"})
        assert enrolled.status_code == 200, enrolled.text
        token = enrolled.json()["token"]
        session = client.post(
            "/sessions", json={"pin": CASHIER_PIN}, headers={"X-Register-Token": token}
        )
        assert session.status_code == 200, session.text
        return token, session.json()["token"]


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def server_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database for the module: a SQLite file or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-sqlite') / 'server.sqlite3'}"
        return
    url = create_postgres_database("pos_e2e")
    yield url
    drop_postgres_database(url)


def _provision(database_url: str, folder: Path) -> Provisioned:
    """Set up an empty database as an operator would: a store, a cashier, an enrollment code
    and a pool of sent cards, each from the CLI."""
    # The first command migrates and sets the store up; the last two then run side by side.
    pin_file = folder / "manager-pin"
    pin_file.write_text(f"{MANAGER_PIN}\n")
    run_cli(
        database_url,
        "init-store",
        *("--name", "E2E Store", "--currency", "USD", "--locale", "en_US"),
        *("--timezone", "America/New_York", "--manager-name", "Morgan Manager"),
        *("--pin-file", str(pin_file)),
    )
    run_cli(
        database_url,
        "create-employee",
        *("--name", "Casey Cashier", "--role", "cashier", "--pin", CASHIER_PIN),
    )
    with ThreadPoolExecutor(2) as pool:
        code_run = pool.submit(run_cli, database_url, "enroll-code")
        cards_run = pool.submit(
            run_cli,
            database_url,
            "issue-cards",
            *("--count", str(CARD_POOL_SIZE), "--amount", str(CARD_AMOUNT)),
        )
        code = code_run.result().stdout.strip().splitlines()[-1]
        cards = [Card(*line.split()) for line in cards_run.result().stdout.splitlines()]
    assert len(cards) == CARD_POOL_SIZE, cards
    return Provisioned(database_url, code, cards)


class Provisioning:
    """One database of each kind provisioned from the CLI per test process, which each module
    copies: four CLI runs (a Python start each) cost 4-5 s, a copy a tenth of a second. A copy
    is a database of its own, so every module has the same unused cards and enrollment code."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.originals: dict[str, Provisioned] = {}

    def copy(self, kind: str) -> Provisioned:
        original = self.originals.get(kind)
        if original is None:
            original = _provision(self._new_database(kind), self.folder)
            self.originals[kind] = original
        url = self._new_database(kind, copy_of=original.database_url)
        return Provisioned(url, original.enroll_code, list(original.unused_cards))

    def _new_database(self, kind: str, copy_of: str | None = None) -> str:
        if kind == "postgresql":
            return create_postgres_database("pos_e2e", copy_of=copy_of)
        path = self.folder / f"server-{len(list(self.folder.glob('*.sqlite3')))}.sqlite3"
        if copy_of is not None:
            shutil.copyfile(make_url(copy_of).database or "", path)
        return f"sqlite:///{path}"

    def drop(self) -> None:
        if "postgresql" in self.originals:
            drop_postgres_database(self.originals["postgresql"].database_url)


@pytest.fixture(scope="session")
def provisioning(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provisioning]:
    made = Provisioning(tmp_path_factory.mktemp("e2e-provisioned"))
    yield made
    made.drop()


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def provisioned(
    request: pytest.FixtureRequest, provisioning: Provisioning
) -> Iterator[Provisioned]:
    """A migrated database of the module's own with a store, a cashier, an enrollment code
    and a pool of sent cards."""
    provisioned = provisioning.copy(request.param)
    yield provisioned
    if request.param == "postgresql":
        drop_postgres_database(provisioned.database_url)


@pytest.fixture
def store(
    provisioned: Provisioned, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Store]:
    """A server of its own for the test, over the module's database; the register enrolls once.

    A fresh process per test keeps a server that one test wedged from failing the next; a
    failing test's report shows the server's log.
    """
    # One process: a Back Office change is seen at once (a process remembers callers for a
    # few seconds); the tests that spread requests over processes ask for two.
    args = ("--database-url", provisioned.database_url, "--workers", "1")
    with serve(args, tmp_path / "server.log") as server:
        request.node.stash[SERVER_KEY] = server
        if provisioned.register_token is None or provisioned.session_token is None:
            tokens = _enroll_and_log_in(server, provisioned.enroll_code)
            provisioned.register_token, provisioned.session_token = tokens
        yield Store(
            server, provisioned.database_url, provisioned.register_token, provisioned.session_token
        )


@pytest.fixture
def fresh_card(provisioned: Provisioned) -> Card:
    """A sent card holding 50.00 that no other test touches."""
    if not provisioned.unused_cards:
        pytest.fail("the module's card pool is used up: raise CARD_POOL_SIZE")
    return provisioned.unused_cards.pop()


LOG_SECTION_CHARS = 12_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    server = item.stash.get(SERVER_KEY, None)
    if server is not None and report.failed:
        log = server.log()
        if len(log) > LOG_SECTION_CHARS:
            half = LOG_SECTION_CHARS // 2
            log = (
                f"{log[:half]}\n[... {len(log) - LOG_SECTION_CHARS} characters ...]\n{log[-half:]}"
            )
        report.sections.append(("server log", log))
    return report
