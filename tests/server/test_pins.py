"""PIN verifiers: their argon2id profile, rehashing on log-in, the store's PIN length, and
which registers receive them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import extract_parameters
from sqlalchemy import Engine, select, update

from pos_desktop.server import security
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import Employee, Store
from pos_desktop.server.provisioning import create_store
from pos_desktop.server.security import (
    FAST,
    OWASP_MINIMUM,
    PIN_HASH_PROFILE_ENV,
    STRONG,
    PinHashProfile,
    pin_hash_profile_from,
    verify_pin,
)
from tests.fixtures.server_process import ROOT, cli, run_cli
from tests.fixtures.server_world import CASHIER_PIN, World

FIRST_STORE = "Test Store"  # the world fixture's store; other_store's is named:
OTHER_STORE = "Other Store"
SIX_DIGITS_MESSAGE = "This store's PINs have at least 6 digits."
# Cheaper than any profile a server runs with, the test suite's included: an old verifier.
CHEAPER = PinHashProfile("cheaper", time_cost=1, memory_kib=8)

# Runs with the environment's profile: hashes one PIN and prints what the hash holds.
_HASH_WITH_DEFAULT = """
import json
from argon2 import extract_parameters
from pos_desktop.server.security import hash_pin, verify_pin
pin_hash = hash_pin("482913")
p = extract_parameters(pin_hash)
print(json.dumps({"cost": [p.time_cost, p.memory_cost, p.parallelism],
                  "verifies": verify_pin(pin_hash, "482913")}))
"""


def cost_of(pin_hash: str) -> tuple[int, int, int]:
    parameters = extract_parameters(pin_hash)
    return (parameters.time_cost, parameters.memory_cost, parameters.parallelism)


def cost(profile: PinHashProfile) -> tuple[int, int, int]:
    return (profile.time_cost, profile.memory_kib, profile.parallelism)


def employees_of(engine: Engine, store_name: str) -> dict[str, str]:
    """Employee id -> PIN hash, for the store of this name."""
    with make_session_factory(engine)() as db:
        rows = db.execute(
            select(Employee.id, Employee.pin_hash)
            .join(Store, Store.id == Employee.store_id)
            .where(Store.name == store_name)
        ).all()
    return {str(employee_id): pin_hash for employee_id, pin_hash in rows}


def set_pin_digits(engine: Engine, store_name: str, digits: int) -> None:
    with make_session_factory(engine)() as db:
        db.execute(update(Store).where(Store.name == store_name).values(pin_digits=digits))
        db.commit()


def cashier_of(world: World) -> tuple[uuid.UUID, str]:
    """The id and PIN hash of the world's cashier."""
    with make_session_factory(world.engine)() as db:
        employee_id, pin_hash = db.execute(
            select(Employee.id, Employee.pin_hash)
            .join(Store, Store.id == Employee.store_id)
            .where(Store.name == FIRST_STORE, Employee.role == "cashier")
        ).one()
    return employee_id, pin_hash


CLI_STORE = "Corner Shop"


@pytest.fixture
def cli_store(engine: Engine) -> Engine:
    """The server's store, set up before any other command (as ``init-store`` does)."""
    with make_session_factory(engine)() as db:
        create_store(db, CLI_STORE, datetime.now(UTC))
        db.commit()
    return engine


def store_asking_for_six_digits(engine: Engine) -> None:
    """The CLI's store, set as ``pin-policy --digits 6`` does."""
    set_pin_digits(engine, CLI_STORE, 6)


def add_cashier(world: World, pin: str) -> httpx.Response:
    return world.post("/employees", {"name": "Riley", "role": "cashier", "pin": pin}, "manager")


def cli_create_cashier(url: str, pin: str) -> subprocess.CompletedProcess[str]:
    return cli(
        "create-employee",
        "--database-url",
        url,
        "--name",
        "Casey",
        "--role",
        "cashier",
        "--pin",
        pin,
    )


def database_url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# --- The argon2id profile ---------------------------------------------------------------------


def test_pin_hash_profile_unset_is_strong_and_its_hashes_verify() -> None:
    """Without POS_PIN_HASH_PROFILE, hash_pin uses the strong profile and verify_pin accepts it."""
    env = {name: value for name, value in os.environ.items() if name != PIN_HASH_PROFILE_ENV}

    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", _HASH_WITH_DEFAULT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    assert tuple(made["cost"]) == cost(STRONG)
    assert made["verifies"] is True
    assert STRONG.memory_kib > OWASP_MINIMUM.memory_kib
    assert STRONG.time_cost >= OWASP_MINIMUM.time_cost


def test_pin_hash_profile_unknown_setting_is_refused() -> None:
    """A value that names no profile is an error, not a quiet fall-back to some profile."""
    with pytest.raises(RuntimeError, match="POS_PIN_HASH_PROFILE='fats' is not a PIN hash"):
        pin_hash_profile_from({PIN_HASH_PROFILE_ENV: "fats"})


def test_pin_hash_profile_in_the_test_suite_is_fast() -> None:
    """tests/conftest.py selects the fast profile before the server code is imported."""
    assert security.PIN_HASH_PROFILE == FAST


# --- Rehash on log-in -------------------------------------------------------------------------


def _log_in_over(world: World, profile: PinHashProfile) -> tuple[httpx.Response, Any]:
    """The cashier's PIN stored in ``profile``, then a log-in: its answer, and what registers
    pull afterwards."""
    cashier_id, _ = cashier_of(world)
    stored = profile.hasher().hash(CASHIER_PIN)
    with make_session_factory(world.engine)() as db:
        db.execute(update(Employee).where(Employee.id == cashier_id).values(pin_hash=stored))
        db.commit()
    cursor = world.get("/sync/pull", who=None).json()["cursor"]
    login = world.login(CASHIER_PIN)
    return login, world.get("/sync/pull", who=None, cursor=cursor).json()


def test_session_login_rehashes_an_old_profile_pin_for_the_registers(world: World) -> None:
    """A log-in over a cheaper old hash stores one in today's profile, which registers pull."""
    cashier_id, _ = cashier_of(world)

    login, changes = _log_in_over(world, CHEAPER)

    assert login.status_code == 200, login.text
    assert [e["id"] for e in changes["employees"]] == [str(cashier_id)]
    new_hash = changes["employees"][0]["pin_hash"]
    assert cost_of(new_hash) == cost(security.PIN_HASH_PROFILE) != cost(CHEAPER)
    assert verify_pin(new_hash, CASHIER_PIN)


def test_session_login_never_lowers_a_dearer_hash(world: World) -> None:
    """A hash dearer than the server's profile (made by a stronger server) is kept as it is."""
    profile = security.PIN_HASH_PROFILE
    dearer = PinHashProfile("dearer", profile.time_cost + 1, profile.memory_kib)

    login, changes = _log_in_over(world, dearer)

    assert login.status_code == 200, login.text
    assert changes["employees"] == []


def test_session_login_keeps_a_current_profile_hash(world: World) -> None:
    """A log-in over a hash already in today's profile changes nothing registers must pull."""
    before = cashier_of(world)
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    login = world.login(CASHIER_PIN)
    changes = world.get("/sync/pull", who=None, cursor=cursor).json()

    assert login.status_code == 200, login.text
    assert changes["employees"] == []
    assert cashier_of(world) == before


# --- The store's PIN length -------------------------------------------------------------------


def test_create_employee_refuses_a_four_digit_pin_in_a_six_digit_store(world: World) -> None:
    """A manager cannot add a 4-digit PIN where the store asks for 6: 422 invalid_pin."""
    set_pin_digits(world.engine, FIRST_STORE, 6)

    response = add_cashier(world, "2468")

    assert response.status_code == 422
    assert response.json()["error"] == {"code": "invalid_pin", "message": SIX_DIGITS_MESSAGE}
    assert len(employees_of(world.engine, FIRST_STORE)) == 2


def test_create_employee_accepts_a_six_digit_pin_in_a_six_digit_store(world: World) -> None:
    """Six digits are enough where the store asks for 6."""
    set_pin_digits(world.engine, FIRST_STORE, 6)

    response = add_cashier(world, "246813")

    assert response.status_code == 201, response.text
    assert len(employees_of(world.engine, FIRST_STORE)) == 3


def test_cli_pin_policy_shows_four_digits_by_default(cli_store: Engine) -> None:
    """Without --digits, pin-policy prints the store's setting: 4 digits on a new server."""
    result = run_cli(database_url_of(cli_store), "pin-policy")

    assert result.stdout.strip() == "Corner Shop: new PINs have at least 4 digits"


def test_cli_pin_policy_sets_six_digits_and_says_old_pins_keep_working(
    cli_store: Engine,
) -> None:
    """--digits 6 prints the new setting and that PINs made before it keep working."""
    result = run_cli(database_url_of(cli_store), "pin-policy", "--digits", "6")

    assert result.stdout.splitlines() == [
        "Corner Shop: new PINs have at least 6 digits",
        "PINs shorter than 6 digits made before the change keep working until they are changed"
        " (no screen changes a PIN yet)",
    ]
    with make_session_factory(cli_store)() as db:
        assert db.execute(select(Store.pin_digits)).scalar_one() == 6


def test_cli_pin_policy_refuses_digits_other_than_four_or_six(tmp_path: Path) -> None:
    """--digits takes 4 or 6 only; 5 is refused before any database is opened."""
    db_file = tmp_path / "server.sqlite3"

    result = cli("pin-policy", "--database-url", f"sqlite:///{db_file}", "--digits", "5")

    assert result.returncode == 2
    assert "invalid choice: 5" in result.stderr
    assert not db_file.exists()


def test_cli_create_employee_refuses_a_four_digit_pin_in_a_six_digit_store(
    cli_store: Engine,
) -> None:
    """In a store set to 6 digits, create-employee refuses a 4-digit PIN, exit code 2."""
    store_asking_for_six_digits(cli_store)

    result = cli_create_cashier(database_url_of(cli_store), "4321")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"error: {SIX_DIGITS_MESSAGE}"
    assert employees_of(cli_store, CLI_STORE) == {}


def test_cli_create_employee_accepts_a_six_digit_pin_in_a_six_digit_store(
    cli_store: Engine,
) -> None:
    """In a store set to 6 digits, create-employee takes a 6-digit PIN."""
    store_asking_for_six_digits(cli_store)

    result = cli_create_cashier(database_url_of(cli_store), "432198")

    assert result.returncode == 0, result.stderr
    assert "created cashier Casey" in result.stdout
    assert len(employees_of(cli_store, CLI_STORE)) == 1


# --- Which registers receive the verifiers ----------------------------------------------------


def test_sync_pull_sends_pin_verifiers_only_to_the_employee_store(
    world: World, other_store: World
) -> None:
    """A register of another store pulls its own employees, none of the first store's hashes."""
    first_store = employees_of(world.engine, FIRST_STORE)

    pulled = other_store.get("/sync/pull", who=None).json()["employees"]

    assert {e["id"] for e in pulled} == set(employees_of(world.engine, OTHER_STORE))
    assert not {e["id"] for e in pulled} & set(first_store)
    assert not {e["pin_hash"] for e in pulled} & set(first_store.values())
