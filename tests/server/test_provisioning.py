"""Setting up a server from nothing: one first store, and no store made behind anyone's back."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import NoStore, StoreExists, create_first_store, the_store
from tests.fixtures.clock import FakeClock


def stores(engine: Engine) -> int:
    with make_session_factory(engine)() as db:
        return int(db.execute(select(func.count()).select_from(Store)).scalar_one())


def test_provisioning_first_store_is_made_once_under_concurrency(engine: Engine) -> None:
    """Eight first stores at once on an empty database make one store; the seven others are
    told a store exists, and the store of every later command is that one."""
    factory = make_session_factory(engine)

    def first_command(number: int) -> str:
        with factory() as db:
            try:
                store = create_first_store(db, f"Store {number}", FakeClock().now())
            except StoreExists as exc:
                return f"exists: {exc.name}"
            db.commit()
            return f"made: {store.name}"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(first_command, range(8)))

    made = [answer.removeprefix("made: ") for answer in answers if answer.startswith("made")]
    assert len(made) == 1
    assert sorted(answers) == [f"exists: {made[0]}"] * 7 + [f"made: {made[0]}"]
    assert stores(engine) == 1
    with factory() as db:
        assert the_store(db).name == made[0]


def test_provisioning_the_store_of_an_empty_server_is_none_and_none_is_made(
    engine: Engine,
) -> None:
    """A command asking for the store of a server set up with none is refused; no default
    store (in US dollars, which nobody chose) appears."""
    with make_session_factory(engine)() as db:
        with pytest.raises(NoStore, match="init-store"):
            the_store(db)
        db.commit()

    assert stores(engine) == 0
