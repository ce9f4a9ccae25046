"""A register killed with SIGKILL mid-ticket loses no payment and doubles none.

The chain server runs as its own process over PostgreSQL. A register process
(``tests/e2e/crashing_register.py``) pays part of a ticket with one gift card, then dies after
the server applied a second card's redemption but before the register wrote the answer down.
The real app (``main.build()``) then starts over the same data folder, and a cashier finishes
the ticket with taps. The server's ledger is the judge.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select

import main
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.server.database import make_engine
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS, DemoCard
from pos_desktop.server.models import CardActivity, GiftCard, SyncedTicket
from tests.e2e.conftest import SERVER_KEY
from tests.e2e.crashing_register import ANSWER_LOST, SECOND_CARD_AMOUNT
from tests.fixtures.databases import create_postgres_database, drop_postgres_database
from tests.fixtures.server_process import ROOT, LiveServer, cli_environment, run_cli, serve
from tests.fixtures.shifts import open_drawer_shift
from tests.ui.support import due_text, go_pay, receipt, take_cash, tap_pin

pytestmark = pytest.mark.postgres

LOW_CARD = next(card for card in DEMO_CARDS if card.state == "used_low")
FULL_CARD = next(card for card in DEMO_CARDS if card.state == "active")
LOW_BALANCE = LOW_CARD.initial - LOW_CARD.spent
CHILD_TIMEOUT_SECONDS = 60.0


@dataclass
class ChainServer:
    server: LiveServer
    database: Engine
    enroll_code: str

    def ledger_of(self, ticket_id: uuid.UUID) -> list[tuple[str, str, int]]:
        """What the ledger holds for one ticket: (last 4 digits, kind, amount), oldest first."""
        with self.database.connect() as db:
            rows = db.execute(
                select(GiftCard.last4, CardActivity.kind, CardActivity.amount)
                .join(CardActivity, CardActivity.card_id == GiftCard.id)
                .where(CardActivity.ticket_id == ticket_id)
                .order_by(CardActivity.created_at)
            )
            return [(number, kind, amount) for number, kind, amount in rows]

    def balance(self, card: DemoCard) -> int | None:
        with self.database.connect() as db:
            return db.scalar(select(GiftCard.balance).where(GiftCard.last4 == card.number[-4:]))

    def tickets(self, ticket_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        """The server's copies of one ticket (the demo store has tickets of its own)."""
        with self.database.connect() as db:
            rows = db.execute(select(SyncedTicket).where(SyncedTicket.id == ticket_id))
            return [(row.id, row.total) for row in rows]


@pytest.fixture
def chain(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ChainServer]:
    """The demo store on a throwaway PostgreSQL database, served by its own process."""
    url = create_postgres_database("pos_crash")
    try:
        run_cli(url, "demo-data")
        code = run_cli(url, "enroll-code").stdout.strip().splitlines()[-1]
        engine = make_engine(url)
        with serve(("--database-url", url), tmp_path / "server.log") as server:
            request.node.stash[SERVER_KEY] = server
            yield ChainServer(server, engine, code)
        engine.dispose()
    finally:
        drop_postgres_database(url)


def run_until_answer_lost(chain: ChainServer, data_dir: Path) -> uuid.UUID:
    """Start the crashing register, wait for its second redemption to land on the server,
    SIGKILL it, and return the id of the ticket it left open."""
    env = cli_environment(
        POS_DATA_DIR=str(data_dir),
        POS_SERVER_URL=chain.server.base_url,
        POS_ENROLL_CODE=chain.enroll_code,
    )
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.e2e.crashing_register", LOW_CARD.number, FULL_CARD.number],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    output: list[str] = []
    deadline = time.monotonic() + CHILD_TIMEOUT_SECONDS
    try:
        while True:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            if line is None:
                pytest.fail(f"the register exited before its answer was lost:\n{''.join(output)}")
            output.append(line)
            if line.startswith(ANSWER_LOST):
                os.kill(process.pid, signal.SIGKILL)
                assert process.wait(timeout=10) == -signal.SIGKILL
                return uuid.UUID(line.split()[1])
    except queue.Empty:
        pytest.fail(f"the register never reached its second redemption:\n{''.join(output)}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_register_killed_mid_ticket_finishes_it_after_restart_without_losing_or_doubling(
    qtbot: QtBot, chain: ChainServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After SIGKILL, the restarted register shows both gift cards, the cashier takes cash for
    the rest, and the server holds each redemption once and the ticket once."""
    data_dir = tmp_path / "register"
    ticket_id = run_until_answer_lost(chain, data_dir)
    both_redeemed = [
        (LOW_CARD.number[-4:], ActivityKind.REDEEM, LOW_BALANCE),
        (FULL_CARD.number[-4:], ActivityKind.REDEEM, SECOND_CARD_AMOUNT),
    ]
    # The server applied both cards; the register only ever heard about the first one.
    assert chain.ledger_of(ticket_id) == both_redeemed

    monkeypatch.setenv("POS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("POS_SERVER_URL", chain.server.base_url)
    monkeypatch.delenv("POS_ENROLL_CODE", raising=False)  # the saved token serves the restart
    database = RegisterDatabase.in_folder(data_dir)
    open_drawer_shift(database)  # the rest is taken in cash, into a counted drawer
    database.close()
    window = main.build()
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.is_ready, timeout=30_000)
        tap_pin(qtbot, window, CASHIER_PIN)
        qtbot.waitUntil(lambda: window.logged_in)
        go_pay(qtbot, window)
        tender = window.tab_frame.tender_view
        # Three candles at 18.00 + 8.25% tax = 58.46; the cards paid 3.75 + 20.00.
        qtbot.waitUntil(lambda: len(tender.tender_rows) == 2, timeout=15_000)
        qtbot.waitUntil(lambda: due_text(window) == "$34.71", timeout=15_000)
        take_cash(qtbot, window)
        receipt(qtbot, window)
        # The relay pushes the completed ticket in the background.
        qtbot.waitUntil(lambda: bool(chain.tickets(ticket_id)), timeout=15_000)
    finally:
        window.close()

    assert chain.ledger_of(ticket_id) == both_redeemed
    assert chain.balance(LOW_CARD) == 0
    assert chain.balance(FULL_CARD) == FULL_CARD.initial - SECOND_CARD_AMOUNT
    assert chain.tickets(ticket_id) == [(ticket_id, 58_46)]
