"""``python -m pos_desktop.server init-store``: a new server's store and first manager, once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from pos_desktop.server.cli import main
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import AuditEntry, Employee, GiftCard, Product, Store
from pos_desktop.server.security import verify_pin

PIN = "24680"


@pytest.fixture
def url(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The empty test database's URL; the server key goes to the test's folder."""
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path))
    yield engine.url.render_as_string(hide_password=False)


def init_store(url: str, *extra: str) -> None:
    main(
        [
            "init-store",
            "--database-url",
            url,
            "--name",
            "Corner Café",
            "--address",
            "1 Main St",
            "--phone",
            "555-0100",
            "--currency",
            "EUR",
            "--locale",
            "fr_FR",
            "--timezone",
            "Europe/Paris",
            "--prices-include-tax",
            "--manager-name",
            "Alex Owner",
            *extra,
        ]
    )


def test_init_store_creates_the_store_and_its_manager_only(
    url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store has the settings given and one manager whose PIN came from standard input;
    nothing demo exists, and the audit log says how it began."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\n"))

    init_store(url, "--pin-file", "-")

    assert "created Corner Café with manager Alex Owner" in capsys.readouterr().out
    with make_session_factory(engine)() as db:
        store = db.execute(select(Store)).scalar_one()
        manager = db.execute(select(Employee)).scalar_one()
        counts = [
            db.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Product, GiftCard)
        ]
        actions = set(db.execute(select(AuditEntry.action)).scalars())
    assert (store.currency, store.locale, store.timezone) == ("EUR", "fr_FR", "Europe/Paris")
    assert (store.address, store.phone, store.prices_include_tax) == ("1 Main St", "555-0100", True)
    assert (manager.name, manager.role) == ("Alex Owner", "manager")
    assert verify_pin(manager.pin_hash, PIN)
    assert counts == [0, 0]
    assert actions == {"store.created", "employee.created"}


def test_init_store_asks_the_pin_twice(
    url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --pin-file the PIN is typed twice; two different PINs create nothing."""
    typed = iter([PIN, "13579"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(typed))

    with pytest.raises(SystemExit, match="the two PINs differ"):
        init_store(url)

    with make_session_factory(engine)() as db:
        assert db.execute(select(func.count()).select_from(Store)).scalar_one() == 0


def test_init_store_takes_the_pin_from_a_file(url: str, engine: Engine, tmp_path: Path) -> None:
    """A script gives the PIN in a file."""
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(f"{PIN}\n", encoding="utf-8")

    init_store(url, "--pin-file", str(pin_file))

    with make_session_factory(engine)() as db:
        assert verify_pin(db.execute(select(Employee.pin_hash)).scalar_one(), PIN)


def test_init_store_refuses_to_run_twice(
    url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second run says a store exists, exits non-zero and changes nothing."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\n13579\n"))
    init_store(url, "--pin-file", "-")

    with pytest.raises(SystemExit, match="already has a store") as refused:
        init_store(url, "--pin-file", "-")

    assert refused.value.code != 0
    with make_session_factory(engine)() as db:
        assert db.execute(select(func.count()).select_from(Employee)).scalar_one() == 1


@pytest.mark.parametrize(
    ("pin", "args", "message"),
    [
        ("123", [], "A PIN has 4 to 8 digits"),
        (PIN, ["--currency", "EURO"], "currency"),
        (PIN, ["--timezone", "Paris"], "timezone"),
    ],
)
def test_init_store_refuses_bad_input_and_creates_nothing(
    url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pin: str,
    args: list[str],
    message: str,
) -> None:
    """A short PIN or an unknown currency or time zone is refused, naming it; no store."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{pin}\n"))

    with pytest.raises(SystemExit) as refused:
        init_store(url, *args, "--pin-file", "-")

    assert refused.value.code == 2
    assert message in capsys.readouterr().err
    with make_session_factory(engine)() as db:
        assert db.execute(select(func.count()).select_from(Store)).scalar_one() == 0
