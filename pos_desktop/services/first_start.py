"""What this register is, asked once on its first start and remembered in its data folder.

A new store (the embedded server, no demo data), a store server it enrolled with, or the demo
store. The answer is ``store.json`` beside the register's credentials, so every later start goes
straight to the login screen. Each action here runs off the GUI thread (seconds: migrations, a
request) and saves the answer only once everything it needs exists.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pos_desktop.config import Settings
from pos_desktop.domain.store_setup import JoinServer, NewStore, SetupInvalid
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.credentials import (
    EMBEDDED_ISSUER,
    RegisterCredentials,
    credentials_path,
    save_credentials,
    saved_issuer,
)
from pos_desktop.sync.errors import ServerError, ServerUnreachable, UnexpectedAnswer

log = logging.getLogger(__name__)

CHOICE_FILE = "store.json"
SERVER_DATABASE_FILE = "server.sqlite3"
# A SQLite database is its file and, while it is open or after a crash, its journal.
SQLITE_FILE_SUFFIXES = ("", "-wal", "-shm")


def no_answer(url: str) -> str:
    return f"No answer from {url}. Check the address and the network."


def not_a_pos_server(url: str) -> str:
    return f"{url} answered, but not as a POS server. Check the address."


def code_refused(message: str) -> str:
    return f"The server refused this code: {message}"


class StoreKind(StrEnum):
    NEW = "new"  # a store of its own, set up on this register
    SERVER = "server"  # enrolled with a store server
    DEMO = "demo"


@dataclass(frozen=True, slots=True)
class StoreChoice:
    kind: StoreKind
    server_url: str | None = None  # SERVER's address


def choice_path(data_dir: Path) -> Path:
    return data_dir / CHOICE_FILE


def load_choice(data_dir: Path) -> StoreChoice | None:
    """The saved answer; None when there is none or it cannot be read (then it is asked)."""
    try:
        data = json.loads(choice_path(data_dir).read_text(encoding="utf-8"))
        choice = StoreChoice(StoreKind(data["kind"]), data.get("server_url"))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, OSError):
        log.warning("%s is not a store choice; asking again", choice_path(data_dir))
        return None
    if choice.kind is StoreKind.SERVER and not choice.server_url:
        return None
    return choice


def save_choice(data_dir: Path, choice: StoreChoice) -> None:
    """Written whole or not at all: a half-written answer would ask again over a live store."""
    data_dir.mkdir(parents=True, exist_ok=True)
    body = {"kind": choice.kind.value, "server_url": choice.server_url}
    fd, tmp = tempfile.mkstemp(prefix=".store-", suffix=".json", dir=data_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle)
            # On the disk before it takes the old one's name: a power cut after the rename
            # must not leave an empty store.json.
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, choice_path(data_dir))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def folder_choice(data_dir: Path) -> StoreChoice | None:
    """What the folder says this register is: store.json's answer; without a readable one, the
    credentials beside it, for a register enrolled with a store server has joined it (starting
    anything else would enroll with the embedded server over that enrollment). None: no
    answer, or an embedded store that only its database can name (the demo store of a folder
    from before the question, or a store of its own whose store.json was lost)."""
    choice = load_choice(data_dir)
    if choice is not None:
        return choice
    issuer = saved_issuer(credentials_path(data_dir))
    if issuer is None or issuer.startswith(EMBEDDED_ISSUER):
        return None
    log.warning("%s has no answer; enrolled with %s, so joined", data_dir / CHOICE_FILE, issuer)
    return StoreChoice(StoreKind.SERVER, issuer)


def needs_first_start(settings: Settings) -> bool:
    """Whether to ask what this register is: not when the environment says (POS_SERVER_URL,
    POS_DEMO), nor when the folder already answered. A folder from before the question has
    credentials and no answer; its embedded demo store goes on as it was."""
    if settings.server_url or settings.demo:
        return False
    data_dir = settings.data_dir
    return load_choice(data_dir) is None and not credentials_path(data_dir).exists()


def move_aside(database: Path, now: datetime) -> Path | None:
    """Rename ``database`` and its journal to ``<name>.replaced-<UTC time>``, never deleting
    a store someone may still need; the new name, or None when there was nothing there."""
    parts = [Path(f"{database}{suffix}") for suffix in SQLITE_FILE_SUFFIXES]
    if not any(part.exists() for part in parts):
        return None
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in itertools.count(1):
        aside = database.with_name(
            f"{database.name}.replaced-{stamp}" + (f"-{attempt}" if attempt > 1 else "")
        )
        if not any(Path(f"{aside}{suffix}").exists() for suffix in SQLITE_FILE_SUFFIXES):
            break
    for part, suffix in zip(parts, SQLITE_FILE_SUFFIXES, strict=True):
        if part.exists():
            os.replace(part, f"{aside}{suffix}")
    return aside


class FirstStartService:
    """The three answers, each leaving the folder ready for ``start_register``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def data_dir(self) -> Path:
        return self._settings.data_dir

    def create_store(self, store: NewStore) -> None:
        """The embedded database with ``store`` and its first manager, and nothing else."""
        # Imported here: a register that joins a store server never loads the server's code.
        from pos_desktop.server.database import make_engine, make_session_factory, migrate
        from pos_desktop.server.keys import ServerKeys
        from pos_desktop.server.provisioning import create_employee, create_store
        from pos_desktop.services.register_services import utc_now

        self.data_dir.mkdir(parents=True, exist_ok=True)
        final = self.data_dir / SERVER_DATABASE_FILE
        # Built under another name and moved in whole: a setup cut short leaves no half store.
        building = self.data_dir / f".{SERVER_DATABASE_FILE}.new"
        building.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{building}")
        try:
            migrate(engine, ServerKeys.in_folder(self.data_dir))
            now = utc_now()
            with make_session_factory(engine)() as db:
                row = create_store(
                    db,
                    store.name,
                    now,
                    address=store.address,
                    phone=store.phone,
                    currency=store.currency,
                    locale=store.locale,
                    timezone=store.timezone,
                    prices_include_tax=store.prices_include_tax,
                    tax_rates=store.tax_rates,
                )
                create_employee(db, row, store.manager_name, "manager", store.manager_pin, now)
                db.commit()
        except BaseException:
            engine.dispose()
            building.unlink(missing_ok=True)
            raise
        # The last connection closed checkpoints the journal into the file, which is then
        # whole. An older database of that name (a start cut short before the question was
        # answered, or a store whose store.json was lost) is kept beside it with its journal,
        # which would otherwise be replayed over the new store.
        engine.dispose()
        aside = move_aside(final, now)
        if aside is not None:
            log.warning("the database that was in %s is now %s", final, aside)
        os.replace(building, final)
        save_choice(self.data_dir, StoreChoice(StoreKind.NEW))
        log.info("store %r created", store.name)

    def join(self, join: JoinServer) -> None:
        """Enroll with the store server; nothing is saved unless it accepted the code.
        ``SetupInvalid`` says which field was wrong: the address or the code."""
        url = join.server_url
        with ServerClient(url) as client:
            try:
                enrolled = client.enroll(join.code, self._settings.register_name)
            except ServerUnreachable as exc:
                raise SetupInvalid({"server_url": no_answer(url)}) from exc
            except UnexpectedAnswer as exc:
                raise SetupInvalid({"server_url": not_a_pos_server(url)}) from exc
            except ServerError as exc:
                if exc.status == 404:
                    raise SetupInvalid({"server_url": not_a_pos_server(url)}) from exc
                raise SetupInvalid({"code": code_refused(exc.message)}) from exc
        # The token first: an answer without it would start a register that is not enrolled,
        # while a token without the answer still starts joined (``folder_choice``).
        save_credentials(
            credentials_path(self.data_dir),
            RegisterCredentials(server=url, register_id=enrolled.register_id, token=enrolled.token),
        )
        save_choice(self.data_dir, StoreChoice(StoreKind.SERVER, url))
        log.info("enrolled with %s as register %s", url, enrolled.register_id)

    def try_demo(self) -> None:
        save_choice(self.data_dir, StoreChoice(StoreKind.DEMO))
