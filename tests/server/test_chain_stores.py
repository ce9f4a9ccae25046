"""A chain on one server: stores added with ``create-store``, commands for one store that
name it with ``--store``, and owners, who log in at every store's registers and manage each,
over SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pos_desktop.server.app import create_app
from pos_desktop.server.cli import main
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import Employee, Store
from tests.fixtures.clock import FakeClock

FIRST_PIN = "24680"
SECOND_PIN = "13579"
OWNER_PIN = "864200"
ENROLL_CODE = re.compile(r"^[A-HJKMNP-Z2-9]{12}$", re.MULTILINE)


@pytest.fixture
def url(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The empty test database's URL; the server key goes to the test's folder."""
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path))
    yield engine.url.render_as_string(hide_password=False)


def new_store(
    url: str, command: str, name: str, pin: str, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{pin}\n"))
    main(
        [
            *(command, "--database-url", url, "--name", name),
            *("--currency", "USD", "--locale", "en_US", "--timezone", "America/Chicago"),
            *("--manager-name", f"{name} Manager", "--pin-file", "-", *extra),
        ]
    )


@pytest.fixture
def chain(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """Two stores, Uptown (the first) and Downtown; the CLI's output read and dropped."""
    new_store(url, "init-store", "Uptown", FIRST_PIN, monkeypatch)
    new_store(url, "create-store", "Downtown", SECOND_PIN, monkeypatch, "--cards-chain-wide")
    capsys.readouterr()
    return url


def run(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main([args[0], "--database-url", url, *args[1:]])
    out: str = capsys.readouterr().out
    return out


def refused(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([args[0], "--database-url", url, *args[1:]])
    return str(exit_info.value.code) + capsys.readouterr().err


def test_chain_create_store_adds_a_store_with_its_manager(
    chain: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each store has its own manager; list-stores names both and their cards' reach."""
    with make_session_factory(engine)() as db:
        stores = {store.name: store for store in db.execute(select(Store)).scalars()}
        managers = {row.store_id: row.name for row in db.execute(select(Employee)).scalars()}
    assert set(stores) == {"Uptown", "Downtown"}
    assert managers[stores["Downtown"].id] == "Downtown Manager"
    assert (stores["Uptown"].cards_chain_wide, stores["Downtown"].cards_chain_wide) == (False, True)
    listed = run(chain, capsys, "list-stores").splitlines()
    assert [line.split("\t")[0] for line in listed] == ["Uptown", "Downtown"]
    assert listed[1].endswith("cards: chain-wide")


def test_chain_create_store_refuses_a_name_taken_and_a_server_without_a_store(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit, match="init-store"):
        new_store(url, "create-store", "Downtown", SECOND_PIN, monkeypatch)
    new_store(url, "init-store", "Uptown", FIRST_PIN, monkeypatch)
    with pytest.raises(SystemExit, match="already named 'Uptown'"):
        new_store(url, "create-store", "uptown", SECOND_PIN, monkeypatch)


def test_chain_commands_for_one_store_need_its_name_once_there_are_two(
    chain: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --store the command changes nothing and names the stores; with it, that one."""
    message = refused(chain, capsys, "tip-base", "--on", "total")
    assert "2 stores (Uptown, Downtown): name one with --store" in message
    assert "Downtown: tip percentages are taken on the total" in run(
        chain, capsys, "tip-base", "--on", "total", "--store", "downtown"
    )
    assert "no store is named 'Midtown'" in refused(chain, capsys, "tip-base", "--store", "Midtown")
    with make_session_factory(engine)() as db:
        bases = {name: base for name, base in db.execute(select(Store.name, Store.tip_base))}
    assert bases == {"Uptown": "subtotal", "Downtown": "total"}


def enroll(chain: str, capsys: pytest.CaptureFixture[str], client: TestClient, store: str) -> str:
    """A register of ``store`` enrolled with a code from the CLI; its token."""
    code = ENROLL_CODE.findall(run(chain, capsys, "enroll-code", "--store", store))[-1]
    answer = client.post("/api/v1/registers/enroll", json={"code": code, "name": f"{store} 1"})
    assert answer.status_code in (200, 201), answer.text
    token: str = answer.json()["token"]
    return token


def log_in(client: TestClient, register: str, pin: str) -> Any:
    return client.post(
        "/api/v1/sessions", json={"pin": pin}, headers={"X-Register-Token": register}
    )


def test_chain_owner_logs_in_and_manages_at_every_store(
    chain: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """The owner's PIN opens a session at either store's register, as owner; there the
    Back Office answers with that store's settings. Registers pull the owner with their own
    staff; no store's staff list shows the owner, and no manager can change them."""
    assert "created owner Olive Owner" in run(
        chain,
        capsys,
        *("create-employee", "--name", "Olive Owner", "--role", "owner", "--pin", OWNER_PIN),
    )
    with TestClient(create_app(engine, clock=FakeClock())) as client:
        for store in ("Uptown", "Downtown"):
            register = enroll(chain, capsys, client, store)
            session = log_in(client, register, OWNER_PIN)
            assert session.status_code == 200, session.text
            assert session.json()["employee"]["role"] == "owner"
            headers = {
                "X-Register-Token": register,
                "Authorization": f"Bearer {session.json()['token']}",
            }
            settings = client.get("/api/v1/backoffice/store", headers=headers)
            assert settings.json()["name"] == store
            pulled = client.get("/api/v1/sync/pull", headers={"X-Register-Token": register})
            staff = {row["name"]: row["role"] for row in pulled.json()["employees"]}
            assert staff == {f"{store} Manager": "manager", "Olive Owner": "owner"}
            listed = client.get("/api/v1/backoffice/employees", headers=headers).json()["items"]
            assert [row["name"] for row in listed] == [f"{store} Manager"]
            owner_id = pulled.json()["employees"]
            owner = next(row["id"] for row in owner_id if row["role"] == "owner")
            changed = client.patch(
                f"/api/v1/backoffice/employees/{owner}", json={"active": False}, headers=headers
            )
            assert changed.status_code == 404


def test_chain_owner_pin_is_no_employees_pin_in_any_store(
    chain: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PIN says who logs in: an owner may not take a Downtown manager's PIN, nor may a
    Downtown employee take the owner's."""
    owner = ("create-employee", "--name", "Olive Owner", "--role", "owner")
    assert "Another employee" in refused(chain, capsys, *owner, "--pin", SECOND_PIN)
    run(chain, capsys, *owner, "--pin", OWNER_PIN)
    cashier = ("create-employee", "--name", "Casey", "--role", "cashier", "--store", "Downtown")
    assert "Another employee" in refused(chain, capsys, *cashier, "--pin", OWNER_PIN)
    assert "an owner works in every store" in refused(
        chain, capsys, *owner, "--pin", "975310", "--store", "Downtown"
    )


def session_headers(client: TestClient, register: str, pin: str) -> dict[str, str]:
    session = log_in(client, register, pin)
    assert session.status_code == 200, session.text
    return {"X-Register-Token": register, "Authorization": f"Bearer {session.json()['token']}"}


def test_chain_report_is_the_owners_and_adds_up_the_stores(
    chain: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """The owner reads each store's sales and gift-card liability and the chain's total; a
    store's manager is refused."""
    run(chain, capsys, "create-employee", "--name", "Olive", "--role", "owner", "--pin", OWNER_PIN)
    clock = FakeClock()
    day = clock.now().date().isoformat()
    with TestClient(create_app(engine, clock=clock)) as client:
        uptown = enroll(chain, capsys, client, "Uptown")
        downtown = enroll(chain, capsys, client, "Downtown")
        manager = session_headers(client, uptown, FIRST_PIN)
        card = {"amount": {"amount": 40_00}, "reason": "float", "recipient_email": "r@x.io"}
        issued = client.post(
            "/api/v1/giftcards", json=card, headers={**manager, "Idempotency-Key": "c1"}
        )
        assert issued.status_code == 201, issued.text
        sent = client.post(
            f"/api/v1/giftcards/{issued.json()['id']}/send",
            json={"reason": "test"},
            headers={**manager, "Idempotency-Key": "s1"},
        )
        assert sent.status_code == 200, sent.text
        now = clock.now().isoformat()
        price = {"amount": 12_00, "currency": "USD"}
        zero = {"amount": 0, "currency": "USD"}
        ticket = {
            **{"id": str(uuid.uuid4()), "opened_at": now, "completed_at": now},
            "status": "completed",
            "lines": [
                {
                    **{"id": str(uuid.uuid4()), "name": "Mug", "quantity": 1},
                    **{"unit_price": price, "tax": zero, "total": price},
                }
            ],
            **{"subtotal": price, "tax": zero, "tip": zero, "total": price},
        }
        pushed = client.post(
            "/api/v1/sync/push", json={"tickets": [ticket]}, headers={"X-Register-Token": downtown}
        )
        assert pushed.status_code == 200, pushed.text

        asked = {"start": day, "end": day}
        refused = client.get("/api/v1/backoffice/reports/chain", params=asked, headers=manager)
        assert refused.status_code == 403
        owner = session_headers(client, downtown, OWNER_PIN)
        report = client.get("/api/v1/backoffice/reports/chain", params=asked, headers=owner)
        assert report.status_code == 200, report.text
    body = report.json()
    assert (body["range"]["start"], body["range"]["timezone"]) == (day, "America/Chicago")
    stores = {row["name"]: row for row in body["stores"]}
    assert stores["Uptown"]["outstanding"]["amount"] == 40_00
    assert stores["Uptown"]["cards"] == 1
    assert stores["Downtown"]["sales"]["gross"]["amount"] == 12_00
    assert stores["Downtown"]["sales"]["tickets"] == 1
    [total] = body["totals"]
    assert (total["currency"], total["stores"], total["cards"]) == ("USD", 2, 1)
    assert total["outstanding"]["amount"] == 40_00
    assert total["sales"]["net"]["amount"] == 12_00
