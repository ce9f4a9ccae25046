"""The first start's answer in the data folder: when it is asked, what a bad or missing file
means, and a new store that cannot start without its database."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pos_desktop.config import Settings
from pos_desktop.domain.store_setup import JoinServer, NewStore
from pos_desktop.server.database import make_engine, make_session_factory
from pos_desktop.server.demo import DEMO_STORE_NAME
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.models import Product, Store
from pos_desktop.server.provisioning import create_enroll_code, the_store
from pos_desktop.services import first_start
from pos_desktop.services.first_start import (
    CHOICE_FILE,
    FirstStartService,
    StoreChoice,
    StoreKind,
    load_choice,
    move_aside,
    needs_first_start,
    save_choice,
)
from pos_desktop.startup import SetupError, connect_backend
from pos_desktop.sync.credentials import (
    CREDENTIALS_FILE,
    RegisterCredentials,
    credentials_path,
    save_credentials,
)
from tests.fixtures.register import start_server


def settings(data_dir: Path, **values: object) -> Settings:
    """The folder's settings whatever the environment running the tests says."""
    defaults: dict[str, object] = {"data_dir": data_dir, "server_url": None, "demo": False}
    return Settings.model_validate(defaults | values)


def test_needs_first_start_only_for_a_folder_that_has_not_answered(tmp_path: Path) -> None:
    """An empty folder asks; POS_DEMO, POS_SERVER_URL, a saved answer or a folder from before
    the question (credentials, no answer) do not."""
    assert needs_first_start(settings(tmp_path))
    assert not needs_first_start(settings(tmp_path, demo=True))
    assert not needs_first_start(settings(tmp_path, server_url="http://server:8000"))
    (tmp_path / CREDENTIALS_FILE).write_text("{}")
    assert not needs_first_start(settings(tmp_path))
    (tmp_path / CREDENTIALS_FILE).unlink()
    save_choice(tmp_path, StoreChoice(StoreKind.DEMO))
    assert not needs_first_start(settings(tmp_path))


@pytest.mark.parametrize("text", ["", "not json", '{"kind": "shop"}', '{"kind": "server"}', "[1]"])
def test_load_choice_that_does_not_read_asks_again(tmp_path: Path, text: str) -> None:
    """A damaged or incomplete store.json is no answer: the question comes again."""
    (tmp_path / CHOICE_FILE).write_text(text)
    assert load_choice(tmp_path) is None


KIOSK = NewStore(
    "Kiosk",
    "1 Rue de la Paix, Paris",
    "+33 1 23 45 67 89",
    "EUR",
    "fr_FR",
    "Europe/Paris",
    True,
    "Dana",
    "4821",
)


def test_save_choice_reads_back(tmp_path: Path) -> None:
    """The answer saved is the answer read, a server's address with it."""
    choice = StoreChoice(StoreKind.SERVER, "http://server:8000")
    save_choice(tmp_path / "new", choice)
    assert load_choice(tmp_path / "new") == choice


def test_save_choice_is_on_the_disk_before_it_replaces_the_old_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new answer is flushed to the disk under another name, then renamed over the old
    one: a power cut leaves one whole answer, never an empty store.json."""
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(f"fsync {os.readlink(f'/proc/self/fd/{fd}')}")
        real_fsync(fd)

    def replace(src: str, dst: Path) -> None:
        events.append(f"replace {src} {dst}")
        real_replace(src, dst)

    save_choice(tmp_path, StoreChoice(StoreKind.DEMO))
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save_choice(tmp_path, StoreChoice(StoreKind.SERVER, "http://server:8000"))
    assert len(events) == 2, events
    written = events[0].removeprefix("fsync ")
    assert events[1] == f"replace {written} {tmp_path / CHOICE_FILE}"
    assert Path(written).parent == tmp_path
    assert load_choice(tmp_path) == StoreChoice(StoreKind.SERVER, "http://server:8000")


CHAIN = "http://chain.example:8000"


@pytest.mark.parametrize("answer", [None, "", '{"kind": "demo"'])
def test_folder_enrolled_with_a_store_server_stays_joined_without_its_answer(
    tmp_path: Path, answer: str | None
) -> None:
    """A folder whose store.json is missing or unreadable, beside a token from a store server,
    is that server's register: it is not started as the demo store, and the enrollment is kept
    (an embedded server would enroll over it)."""
    save_credentials(
        credentials_path(tmp_path),
        RegisterCredentials(server=CHAIN, register_id=uuid.uuid4(), token="chain-token"),
    )
    if answer is not None:
        (tmp_path / CHOICE_FILE).write_text(answer)
    saved = (tmp_path / CREDENTIALS_FILE).read_bytes()
    assert not needs_first_start(settings(tmp_path))
    backend = connect_backend(settings(tmp_path))
    try:
        assert backend.client.base_url == CHAIN
        assert not backend.demo
    finally:
        backend.close()
    assert (tmp_path / CREDENTIALS_FILE).read_bytes() == saved
    assert not (tmp_path / "server.sqlite3").exists()


def test_join_saves_no_answer_without_its_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Joining saves the token before the answer: when the token cannot be saved, the folder
    holds no answer saying it joined a server it has no token for."""
    server = start_server(tmp_path / "chain.sqlite3")
    try:
        with make_session_factory(server.engine)() as db:
            now = server.clock.now()
            store = the_store(db)
            code, _ = create_enroll_code(db, store.id, None, now, timedelta(hours=1))
            db.commit()

        def disk_full(path: Path, credentials: RegisterCredentials) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(first_start, "save_credentials", disk_full)
        folder = tmp_path / "register"
        with pytest.raises(OSError, match="No space"):
            FirstStartService(settings(folder)).join(JoinServer(server.base_url, code))
        assert not (folder / CHOICE_FILE).exists()
    finally:
        server.stop()


@pytest.mark.parametrize("answer", [None, "{"])
def test_new_store_without_its_answer_is_not_the_demo_store(
    tmp_path: Path, answer: str | None
) -> None:
    """A store of its own whose store.json went missing or unreadable starts as that store,
    not labelled DEMO on its screens and receipts, and no demo data joins it; a folder from
    before the question still opens its demo store."""
    FirstStartService(settings(tmp_path)).create_store(KIOSK)
    connect_backend(settings(tmp_path)).close()  # the register's token, as any start saves
    (tmp_path / CHOICE_FILE).unlink()
    if answer is not None:
        (tmp_path / CHOICE_FILE).write_text(answer)
    backend = connect_backend(settings(tmp_path))
    try:
        assert not backend.demo
    finally:
        backend.close()
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        with make_session_factory(engine)() as db:
            assert db.execute(select(Store.name)).scalars().all() == ["Kiosk"]
            assert db.execute(select(Product.id)).first() is None
    finally:
        engine.dispose()
    legacy = tmp_path / "legacy"
    connect_backend(settings(legacy, demo=True)).close()
    backend = connect_backend(settings(legacy))
    try:
        assert backend.demo
    finally:
        backend.close()


def test_new_store_without_its_database_refuses_to_start(tmp_path: Path) -> None:
    """A new store whose database went missing says so, rather than start an empty store
    nobody can log in to."""
    FirstStartService(settings(tmp_path)).create_store(KIOSK)
    (tmp_path / "server.sqlite3").unlink()
    with pytest.raises(SetupError, match=r"server\.sqlite3"):
        connect_backend(settings(tmp_path))


def stores_in(path: Path) -> list[tuple[str, bool]]:
    """Each store's name in the database at ``path``, and whether it has products."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        with make_session_factory(engine)() as db:
            names = db.execute(select(Store.name)).scalars().all()
            products = db.execute(select(Product.id)).first() is not None
            return [(name, products) for name in names]
    finally:
        engine.dispose()


def test_create_store_moves_a_database_left_by_a_start_cut_short_aside(tmp_path: Path) -> None:
    """A database (and its journal) left by a start that never saved its answer makes way for
    the new store, which holds nothing else; the old one is kept beside it, renamed with the
    time it was replaced, with its journal, never deleted."""
    leftover = EmbeddedServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", data_dir=tmp_path)
    leftover.start()
    leftover.stop()
    (tmp_path / "server.sqlite3-shm").write_bytes(b"stale index")
    before = datetime.now(UTC).replace(microsecond=0)
    FirstStartService(settings(tmp_path)).create_store(KIOSK)
    after = datetime.now(UTC)
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        with make_session_factory(engine)() as db:
            stores = db.execute(select(Store.name, Store.address, Store.phone)).all()
            assert [tuple(row) for row in stores] == [
                ("Kiosk", "1 Rue de la Paix, Paris", "+33 1 23 45 67 89")
            ]
            assert db.execute(select(Product.id)).first() is None
    finally:
        engine.dispose()
    assert not any(tmp_path.glob(".server.sqlite3.new*"))
    (aside,) = tmp_path.glob("server.sqlite3.replaced-*[0-9]Z")
    replaced = datetime.strptime(aside.name.split("replaced-")[1], "%Y%m%dT%H%M%SZ")
    assert before <= replaced.replace(tzinfo=UTC) <= after
    assert (tmp_path / f"{aside.name}-shm").read_bytes() == b"stale index"
    assert not (tmp_path / "server.sqlite3-shm").exists()
    assert stores_in(aside) == [(DEMO_STORE_NAME, True)]


def test_move_aside_twice_in_a_second_keeps_both(tmp_path: Path) -> None:
    """Two databases replaced within the same second each keep a name of their own, and a
    folder with nothing to replace is left alone."""
    now = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    database = tmp_path / "server.sqlite3"
    assert move_aside(database, now) is None
    names = []
    for body in (b"first", b"second"):
        database.write_bytes(body)
        Path(f"{database}-wal").write_bytes(body + b" journal")
        aside = move_aside(database, now)
        assert aside is not None
        names.append(aside.name)
        assert aside.read_bytes() == body
        assert Path(f"{aside}-wal").read_bytes() == body + b" journal"
    assert names == [
        "server.sqlite3.replaced-20250304T050607Z",
        "server.sqlite3.replaced-20250304T050607Z-2",
    ]
    assert not database.exists()


def test_embedded_server_for_a_real_store_seeds_no_demo(tmp_path: Path) -> None:
    """An embedded server told it serves a real store migrates an empty database and seeds
    nothing in it; the demo default still seeds the demo store."""
    for demo, stores in ((False, []), (True, [DEMO_STORE_NAME])):
        path = tmp_path / f"demo-{demo}.sqlite3"
        server = EmbeddedServer(f"sqlite:///{path}", demo=demo)
        server.start()
        try:
            with make_session_factory(server.engine)() as db:
                assert db.execute(select(Store.name)).scalars().all() == stores
                assert (db.execute(select(Product.id)).first() is not None) is demo
        finally:
            server.stop()
