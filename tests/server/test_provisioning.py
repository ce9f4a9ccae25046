"""Setting up a server from nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, func, select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import default_store
from tests.fixtures.clock import FakeClock


def test_provisioning_default_store_is_made_once_under_concurrency(engine: Engine) -> None:
    """Eight first commands at once on an empty database make one store, which all of them use."""
    factory = make_session_factory(engine)

    def first_command() -> str:
        with factory() as db:
            store = default_store(db, FakeClock().now())
            db.commit()
            return str(store.id)

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(lambda _: first_command(), range(8)))

    with factory() as db:
        stores = db.execute(select(func.count()).select_from(Store)).scalar_one()
    assert stores == 1
    assert len(ids) == 1
