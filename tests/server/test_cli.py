"""``python -m pos_desktop.server``: the CLI an operator runs, as a subprocess on a SQLite file."""

from __future__ import annotations

import re
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, inspect, select

from pos_desktop.domain.card_number import is_valid_card_number
from pos_desktop.server import cli as server_cli
from pos_desktop.server.app import create_app
from pos_desktop.server.cli import serving_workers
from pos_desktop.server.database import make_engine, make_session_factory, migrate
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS, MANAGER_PIN
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.models import Base, Employee, GiftCard, Product, Store
from pos_desktop.server.provisioning import NO_STORE_MESSAGE, create_store
from tests.fixtures.at_rest import columns_holding
from tests.fixtures.server_process import cli, cli_environment, serve

MISSING_URL = "error: give --database-url or set POS_DATABASE_URL"
# 12 characters without 0/O, 1/I/L (pos_desktop.server.security).
ENROLL_CODE = re.compile(r"[A-HJKMNP-Z2-9]{12}")


def create_employee(url: str, name: str, role: str, pin: str) -> subprocess.CompletedProcess[str]:
    return cli(
        "create-employee", "--database-url", url, "--name", name, "--role", role, "--pin", pin
    )


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def count(url: str, model: type[Base]) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """Where the server's SQLite database goes; the file does not exist yet."""
    return tmp_path / "server.sqlite3"


@pytest.fixture
def url(db_file: Path) -> str:
    return f"sqlite:///{db_file}"


@pytest.fixture
def store_url(url: str) -> str:
    """``url`` once the server has its store (as ``init-store`` leaves it), in US dollars."""
    engine = make_engine(url)
    try:
        migrate(engine)
        with make_session_factory(engine)() as db:
            create_store(db, "Corner Shop", datetime.now(UTC))
            db.commit()
    finally:
        engine.dispose()
    return url


def assert_migrated(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"alembic_version", *Base.metadata.tables} <= tables, sorted(tables)


def test_cli_serve_migrates_a_new_database_before_answering(
    db_file: Path, url: str, tmp_path: Path
) -> None:
    """``serve`` on a database that does not exist yet creates every table, then answers."""
    assert not db_file.exists()

    with serve(("--database-url", url), tmp_path / "serve.log") as server:
        health = httpx.get(f"{server.base_url}/api/v1/health", timeout=10)

    assert health.json() == {"status": "ok", "database": "sqlite"}
    assert_migrated(url)


def test_cli_serve_takes_database_url_from_cli_environment(url: str, tmp_path: Path) -> None:
    """With no --database-url, ``serve`` uses POS_DATABASE_URL."""
    env = cli_environment(POS_DATABASE_URL=url)

    with serve((), tmp_path / "serve.log", env=env) as server:
        health = httpx.get(f"{server.base_url}/api/v1/health", timeout=10)

    assert health.status_code == 200
    assert_migrated(url)


def test_cli_create_employee_refuses_three_digit_pin(store_url: str) -> None:
    """A PIN of 3 digits is refused with the PIN rule, exit code 2, and nobody is created."""
    result = create_employee(store_url, "Casey", "cashier", "123")

    assert result.returncode == 2
    assert last_line(result.stderr) == "error: A PIN has 4 to 8 digits."
    assert "Traceback" not in result.stderr
    assert count(store_url, Employee) == 0


def test_cli_create_employee_refuses_duplicate_pin(store_url: str) -> None:
    """A second employee with a PIN already in use is refused, exit code 2."""
    first = create_employee(store_url, "Casey", "cashier", "4321")
    assert first.returncode == 0, first.stderr

    again = create_employee(store_url, "Morgan", "manager", "4321")

    assert again.returncode == 2
    assert last_line(again.stderr) == "error: Another employee of this store has this PIN."
    assert "Traceback" not in again.stderr
    assert count(store_url, Employee) == 1


def test_cli_create_employee_takes_database_url_from_cli_environment(store_url: str) -> None:
    """With no --database-url, a command uses POS_DATABASE_URL."""
    env = cli_environment(POS_DATABASE_URL=store_url)

    result = cli(
        "create-employee", "--name", "Casey", "--role", "cashier", "--pin", "4321", env=env
    )

    assert result.returncode == 0, result.stderr
    assert "created cashier Casey" in result.stdout
    assert count(store_url, Employee) == 1


@pytest.mark.parametrize("command", ["serve", "enroll-code"])
def test_cli_without_database_url_is_a_clear_error(command: str) -> None:
    """No --database-url and no POS_DATABASE_URL: one line saying what to give, no traceback."""
    result = cli(command)

    assert result.returncode != 0
    assert result.stderr.strip() == MISSING_URL


@pytest.mark.parametrize(
    "command",
    [
        ("create-employee", "--name", "Casey", "--role", "cashier", "--pin", "4321"),
        ("enroll-code",),
        ("issue-cards", "--count", "1", "--amount", "5000"),
        ("tip-base",),
        ("deduction-codes", "--minutes", "5"),
        ("pin-policy", "--digits", "6"),
    ],
    ids=lambda command: command[0],
)
def test_cli_command_on_a_server_without_a_store_says_to_run_init_store(
    url: str, command: tuple[str, ...]
) -> None:
    """Before init-store, a command that works on the store refuses and says to set it up
    first; no store (in US dollars, which nobody chose) is made behind the operator's back."""
    result = cli(command[0], "--database-url", url, *command[1:])

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert last_line(result.stderr) == f"error: {NO_STORE_MESSAGE}"
    assert "init-store` first" in result.stderr
    assert result.stdout == ""
    assert count(url, Store) == 0


def test_cli_enroll_code_prints_code_as_last_line(store_url: str) -> None:
    """The one-time code is the last line of the output, alone, so scripts can take it."""
    result = cli("enroll-code", "--database-url", store_url)

    assert result.returncode == 0, result.stderr
    assert ENROLL_CODE.fullmatch(last_line(result.stdout)), result.stdout


def test_cli_enroll_code_enrolls_exactly_once(store_url: str) -> None:
    """The printed code enrolls one register; the same code a second time is 401."""
    code = last_line(cli("enroll-code", "--database-url", store_url).stdout)
    engine = make_engine(store_url)
    try:
        with TestClient(create_app(engine)) as client:
            first = client.post("/api/v1/registers/enroll", json={"code": code, "name": "Till 1"})
            again = client.post("/api/v1/registers/enroll", json={"code": code, "name": "Till 2"})
    finally:
        engine.dispose()

    assert first.status_code == 200, first.text
    assert first.json()["token"]
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_enroll_code"


@dataclass(frozen=True)
class DemoRuns:
    url: str
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]


def _counts(url: str) -> dict[str, int]:
    models: list[type[Base]] = [Store, Employee, Product, GiftCard]
    return {model.__tablename__: count(url, model) for model in models}


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> DemoRuns:
    """``demo-data`` run twice on one new database, with what each run left behind."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'server.sqlite3'}"
    first = cli("demo-data", "--database-url", url)
    after_first = _counts(url)
    second = cli("demo-data", "--database-url", url)
    return DemoRuns(url, first, second, after_first, _counts(url))


def test_cli_demo_data_prints_pins_and_demo_cards(demo_runs: DemoRuns) -> None:
    """The first run names the demo PINs and every demo card with its state."""
    result = demo_runs.first

    assert result.returncode == 0, result.stderr
    assert f"cashier PIN {CASHIER_PIN}, manager PIN {MANAGER_PIN}" in result.stdout
    for card in DEMO_CARDS:
        assert re.search(rf"{card.state}\s+card {card.number}\s", result.stdout), card


def test_cli_demo_data_twice_changes_nothing(demo_runs: DemoRuns) -> None:
    """A second run says the demo data is there and adds nothing."""
    result = demo_runs.second

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "demo data is already there"
    assert demo_runs.counts_after_second == demo_runs.counts_after_first
    assert demo_runs.counts_after_first["gift_cards"] == len(DEMO_CARDS)


@pytest.mark.parametrize("amount", ["0", "-5", "12.50"])
def test_cli_issue_cards_refuses_an_amount_that_is_no_positive_whole_number(
    url: str, amount: str
) -> None:
    """issue-cards says what is wrong with the amount instead of failing in the database."""
    result = cli("issue-cards", "--database-url", url, "--count", "1", "--amount", amount)
    assert result.returncode == 2
    assert "--amount" in result.stderr and "Traceback" not in result.stderr


def test_cli_issue_cards_prints_each_card_id_and_number(store_url: str, tmp_path: Path) -> None:
    """issue-cards prints "<card id> <number>" a line; the database keeps no number readable."""
    data_dir = tmp_path / "data"
    env = cli_environment(POS_DATA_DIR=str(data_dir))

    result = cli(
        "issue-cards",
        "--database-url",
        store_url,
        "--count",
        "3",
        "--amount",
        "5000",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    printed = dict(line.split(" ") for line in result.stdout.strip().splitlines())
    assert len(printed) == 3
    assert all(is_valid_card_number(number) for number in printed.values())
    numbers = ServerKeys.in_folder(data_dir).numbers
    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(GiftCard.id, GiftCard.number_hash, GiftCard.balance))
            stored = {str(card_id): (hashed, balance) for card_id, hashed, balance in rows}
        assert stored == {
            str(uuid.UUID(card_id)): (numbers.lookup_hash(number), 5000)
            for card_id, number in printed.items()
        }
        for number in printed.values():
            assert columns_holding(engine, number) == []
    finally:
        engine.dispose()


def test_cli_deduction_codes_sets_who_gets_the_code_and_for_how_long(store_url: str) -> None:
    """The store's Deduct Funds setting is shown, and changed only in what is given."""
    shown = cli("deduction-codes", "--database-url", store_url)
    assert shown.returncode == 0, shown.stderr
    assert last_line(shown.stdout).endswith("codes go to the buyer and work for 10 minutes")

    both = cli("deduction-codes", "--database-url", store_url, "--send-to", "both")
    assert last_line(both.stdout).endswith("codes go to both and work for 10 minutes")

    shorter = cli("deduction-codes", "--database-url", store_url, "--minutes", "5")
    assert last_line(shorter.stdout).endswith("codes go to both and work for 5 minutes")

    refused = cli("deduction-codes", "--database-url", store_url, "--minutes", "0")
    assert refused.returncode == 2
    assert "must be at least 1" in refused.stderr


def test_cli_deduction_codes_says_1_minute_in_the_singular(store_url: str) -> None:
    """A code that works for one minute is said to work for "1 minute", not "1 minutes"."""
    shown = cli("deduction-codes", "--database-url", store_url, "--minutes", "1")

    assert shown.returncode == 0, shown.stderr
    assert last_line(shown.stdout).endswith("codes go to the buyer and work for 1 minute")


def test_cli_tip_base_moves_tips_to_the_total_and_registers_pull_it(store_url: str) -> None:
    """tip-base shows the subtotal by default; set to the total, it is a change registers pull."""
    shown = cli("tip-base", "--database-url", store_url)
    assert shown.returncode == 0, shown.stderr
    assert last_line(shown.stdout).endswith("taken on the subtotal before tax")
    engine = create_engine(store_url)
    with engine.connect() as db:
        before = db.execute(select(Store.sync_version)).scalar_one()

    moved = cli("tip-base", "--database-url", store_url, "--on", "total")

    with engine.connect() as db:
        store = db.execute(select(Store.tip_base, Store.sync_version)).one()
    engine.dispose()
    assert moved.returncode == 0, moved.stderr
    assert last_line(moved.stdout).endswith("taken on the total with tax")
    assert store.tip_base == "total" and store.sync_version > before


@pytest.mark.parametrize(("cpus", "workers"), [(1, 1), (2, 2), (64, 2)])
def test_cli_serve_workers_one_per_cpu_up_to_two_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, cpus: int, workers: int
) -> None:
    """Without --workers, serve runs a process per usable CPU on PostgreSQL, two at most (each
    pools up to 40 connections of PostgreSQL's default 100)."""
    monkeypatch.setattr(server_cli, "usable_cpus", lambda: cpus)
    assert serving_workers(None, "postgresql+psycopg://pos@db/pos") == workers


def test_cli_serve_workers_one_on_sqlite_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite takes one writer at a time: one process, unless --workers says otherwise, which
    wins on PostgreSQL too."""
    monkeypatch.setattr(server_cli, "usable_cpus", lambda: 4)
    assert serving_workers(None, "sqlite:////var/lib/pos/server.sqlite3") == 1
    assert serving_workers(3, "sqlite:////var/lib/pos/server.sqlite3") == 3
    assert serving_workers(1, "postgresql+psycopg://pos@db/pos") == 1
