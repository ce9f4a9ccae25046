"""The Back Office's reports at 1,000,000 card activities and 200,000 tickets on PostgreSQL.

    ./dev python bench/reports.py [--activities 1000000] [--tickets 200000] [--runs 20]
                                  [--postgres URL]

1. a fresh database on the server ``--postgres`` names (by default the local trust-auth one),
   migrated, with a store, a manager, two registers, 200 products in 10 categories, dropped
   after;
2. written by SQL (generate_series, a few statements): a quarter as many cards as
   ``--activities``, four activities each (issue, activation, a redemption paying a ticket,
   then another redemption, a reload, an adjustment, a refund or a cash-out within 60 days;
   2 % blocked and voided instead), spread over the two years before ``NOW`` and written in
   time order, as a ledger is appended; ``--tickets``
   tickets over the same two years, three lines each (one in 20 selling a gift card) and one
   or two payments, 2 % voided; wrong PINs, unknown card numbers and mail given up;
3. timed, ``--runs`` times each, through the routes (in-process, the manager's session as a
   register sends it): the sales, gift-card and exceptions reports of the last month, the
   alerts, and the liability at several instants; p50 and p95 in milliseconds.

Aim: each under 200 ms p95. The figures are printed, never asserted: they depend on the
machine (and the runs repeat a request, so they are warm-cache figures).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from _postgres import DEFAULT_POSTGRES, percentile, postgres_database, timed_ms
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from pos_desktop.server.app import create_app
from pos_desktop.server.database import make_engine, make_session_factory, migrate
from pos_desktop.server.provisioning import (
    create_employee,
    create_enroll_code,
    create_store,
    enroll_register,
)

AIM_MS = 200.0
MANAGER_PIN = "9999"
# The reports are read at this instant; cards and tickets span the two years before it.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SPAN = timedelta(days=730)
MONTH = {"start": "2026-11-01", "end": "2026-11-30"}
LAST_YEAR = {"start": "2025-11-01", "end": "2025-11-30"}


class FixedClock:
    def now(self) -> datetime:
        return NOW


@dataclass(frozen=True, slots=True)
class Shop:
    store_id: uuid.UUID
    manager_id: uuid.UUID
    registers: tuple[uuid.UUID, uuid.UUID]
    token: str


def make_shop(engine: Engine) -> Shop:
    start = NOW - SPAN - timedelta(days=1)
    with make_session_factory(engine)() as db:
        store = create_store(db, "Bench Store", start)
        manager = create_employee(db, store, "Morgan Manager", "manager", MANAGER_PIN, start)
        for number in range(1, 6):
            create_employee(db, store, f"Cashier {number}", "cashier", f"{number}1{number}1", start)
        registers, token = [], ""
        for name in ("Register 1", "Register 2"):
            _, code = create_enroll_code(db, store.id, None, start, timedelta(hours=1))
            register_id, made = enroll_register(db, code, name, start)
            registers.append(register_id)
            token = token or made
        db.commit()
        return Shop(store.id, manager.id, (registers[0], registers[1]), token)


_CATALOG = """
INSERT INTO categories (id, store_id, name, position, colour, version, sync_version)
SELECT md5('category' || c)::uuid, CAST(:store_id AS uuid), 'Category ' || c, c, '#336699', 1, 0
FROM generate_series(1, 10) AS c;
INSERT INTO products (id, store_id, name, category_id, price, tax_rate_bp, active, sync_version,
                      version)
SELECT md5('product' || p)::uuid, CAST(:store_id AS uuid), 'Product ' || p,
       md5('category' || (1 + p % 10))::uuid, 100 + (p * 37) % 2000, 825, true, 0, 1
FROM generate_series(1, 200) AS p;
"""

# Ticket n: its id, register, employee, time and status, from n alone.
_TICKETS = """
CREATE UNLOGGED TABLE bench_tickets AS
SELECT n,
       md5('ticket' || n)::uuid AS id,
       CASE WHEN n % 2 = 0 THEN CAST(:register_1 AS uuid) ELSE CAST(:register_2 AS uuid) END
           AS register_id,
       (SELECT id FROM employees WHERE store_id = CAST(:store_id AS uuid)
        ORDER BY name OFFSET (n % 6) LIMIT 1) AS employee_id,
       CAST(:now AS timestamptz) - CAST(:span AS interval) * (:count - n) / :count
           - interval '1 hour' AS at,
       CASE WHEN n % 50 = 0 THEN 'voided' ELSE 'completed' END AS status,
       (n * 7) % 200 AS product
FROM generate_series(1, :count) AS n;
CREATE UNLOGGED TABLE bench_lines AS
SELECT t.register_id, t.id AS ticket_id, l AS position, CAST(:store_id AS uuid) AS store_id,
       gen_random_uuid() AS line_id,
       CASE WHEN card THEN NULL ELSE md5('product' || (1 + (t.product + l) % 200))::uuid END
           AS product_id,
       CASE WHEN card THEN NULL
            ELSE md5('category' || (1 + (1 + (t.product + l) % 200) % 10))::uuid END
           AS category_id,
       CASE WHEN card THEN 'Gift card' ELSE 'Product' END AS name,
       CASE WHEN card THEN 1 ELSE 1 + l % 2 END AS quantity,
       CASE WHEN card THEN 2500 ELSE 100 + ((t.product + l) * 37) % 2000 END AS unit_price,
       CASE WHEN card THEN 0 ELSE 50 END AS tax,
       CASE WHEN card THEN 2500
            ELSE (100 + ((t.product + l) * 37) % 2000) * (1 + l % 2) + 50 END AS total,
       card AS sells_gift_card, t.at AS completed_at
FROM bench_tickets AS t CROSS JOIN generate_series(0, 2) AS l
CROSS JOIN LATERAL (SELECT l = 2 AND t.n % 20 = 0 AS card) AS kind;
INSERT INTO tickets (register_id, id, store_id, number, employee_id, status, total, subtotal,
                     tax, tip, currency, completed_at, body, received_at)
SELECT t.register_id, t.id, CAST(:store_id AS uuid), t.n, t.employee_id, t.status,
       s.total + CASE WHEN t.n % 3 = 0 THEN 200 ELSE 0 END, s.total - s.tax, s.tax,
       CASE WHEN t.n % 3 = 0 THEN 200 ELSE 0 END, 'USD', t.at, '{}', t.at
FROM bench_tickets AS t
JOIN (SELECT ticket_id, sum(total) AS total, sum(tax) AS tax FROM bench_lines
      GROUP BY ticket_id) AS s ON s.ticket_id = t.id;
INSERT INTO ticket_lines (register_id, ticket_id, position, store_id, line_id, product_id,
                          category_id, name, quantity, unit_price, tax, total, sells_gift_card,
                          completed_at)
SELECT * FROM bench_lines;
INSERT INTO ticket_payments (register_id, ticket_id, payment_id, store_id, tender, amount, tip,
                             activity_id, completed_at)
SELECT t.register_id, t.id, gen_random_uuid(), CAST(:store_id AS uuid),
       CASE WHEN t.n % 4 = 0 THEN 'cash' WHEN t.n % 4 = 1 THEN 'card'
            WHEN t.n % 4 = 2 THEN 'gift_card' ELSE 'Voucher' END,
       t.total - t.tip - CASE WHEN t.n % 5 = 0 THEN 500 ELSE 0 END, t.tip, NULL, t.completed_at
FROM (SELECT b.n, x.register_id, x.id, x.total, x.tip, x.completed_at
      FROM bench_tickets AS b JOIN tickets AS x ON x.id = b.id) AS t;
INSERT INTO ticket_payments (register_id, ticket_id, payment_id, store_id, tender, amount, tip,
                             activity_id, completed_at)
SELECT x.register_id, x.id, gen_random_uuid(), CAST(:store_id AS uuid), 'cash', 500, 0, NULL,
       x.completed_at
FROM bench_tickets AS b JOIN tickets AS x ON x.id = b.id WHERE b.n % 5 = 0;
"""

# Card i's fate from a hash of i, in thousandths; its ledger, four activities.
_CARDS = """
CREATE UNLOGGED TABLE bench_cards AS
SELECT i,
       gen_random_uuid() AS id,
       CAST(:now AS timestamptz) - interval '61 days'
           - (CAST(:span AS interval) - interval '61 days') * (:count - i) / :count AS created_at,
       ((i::bigint * 2654435761) % 1000) AS fate,
       (1 + (i * 7) % 20) * 500 AS initial
FROM generate_series(1, :count) AS i;
CREATE UNLOGGED TABLE bench_ledger AS
SELECT id AS card_id, 1 AS seq, 'issue' AS kind, initial AS amount, initial AS delta,
       created_at AS at, NULL::uuid AS ticket_id
FROM bench_cards
UNION ALL
SELECT id, 2, 'activate', 0, 0, created_at + interval '5 minutes', NULL FROM bench_cards
UNION ALL
SELECT id, 3, CASE WHEN fate < 20 THEN 'block' ELSE 'redeem' END,
       CASE WHEN fate < 20 THEN 0 ELSE initial / 4 END,
       CASE WHEN fate < 20 THEN 0 ELSE -(initial / 4) END,
       created_at + interval '3 days',
       CASE WHEN fate < 20 THEN NULL
            ELSE md5('ticket' || (1 + i % :tickets))::uuid END
FROM bench_cards
UNION ALL
SELECT id, 4,
       CASE WHEN fate < 20 THEN 'void' WHEN fate < 520 THEN 'redeem'
            WHEN fate < 540 THEN 'adjust' WHEN fate < 560 THEN 'refund'
            WHEN fate < 580 THEN 'cash_out' ELSE 'load' END,
       CASE WHEN fate < 20 THEN initial WHEN fate < 520 THEN initial / 4
            WHEN fate < 540 THEN 500 WHEN fate < 560 THEN initial / 8
            WHEN fate < 580 THEN initial - initial / 4 ELSE initial / 2 END,
       CASE WHEN fate < 20 THEN -initial WHEN fate < 520 THEN -(initial / 4)
            WHEN fate < 540 THEN 500 WHEN fate < 560 THEN initial / 8
            WHEN fate < 580 THEN -(initial - initial / 4) ELSE initial / 2 END,
       created_at + ((10 + fate % 50) * interval '1 day'),
       CASE WHEN fate >= 20 AND fate < 520 THEN md5('ticket' || (1 + (i * 3) % :tickets))::uuid
            WHEN fate >= 540 AND fate < 560 THEN md5('ticket' || (1 + (i * 3) % :tickets))::uuid
            END
FROM bench_cards;
INSERT INTO gift_cards (
    id, store_id, number_hash, number_sealed, last4, currency, initial_amount, balance,
    sent_at, blocked, voided, version, open_deductions, created_at, delivery, last_activity_at
)
SELECT c.id, CAST(:store_id AS uuid), md5('card' || c.i) || md5(c.i || 'card'), '\\x00'::bytea,
       lpad(((c.i::bigint * 7919) % 10000)::text, 4, '0'), 'USD', c.initial, s.balance,
       c.created_at + interval '5 minutes', c.fate < 20, c.fate < 20, 4,
       CASE WHEN c.fate < 20 THEN 0 WHEN c.fate < 520 THEN 2 ELSE 1 END, c.created_at, 'physical',
       s.last_at
FROM bench_cards AS c
JOIN (SELECT card_id, sum(delta) AS balance, max(at) FILTER (WHERE delta <> 0) AS last_at
      FROM bench_ledger GROUP BY card_id) AS s
    ON s.card_id = c.id;
INSERT INTO card_activities (
    id, card_id, seq, kind, amount, tip, delta, balance_after, employee_id, register_id,
    ticket_id, created_at, previous_move_at
)
SELECT gen_random_uuid(), l.card_id, l.seq, l.kind, l.amount, 0, l.delta,
       sum(l.delta) OVER (PARTITION BY l.card_id ORDER BY l.seq),
       CAST(:manager_id AS uuid),
       coalesce(t.register_id, CAST(:register_1 AS uuid)), l.ticket_id, l.at,
       CASE WHEN l.delta <> 0 THEN max(l.at) FILTER (WHERE l.delta <> 0) OVER (
           PARTITION BY l.card_id ORDER BY l.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
       ) END
FROM bench_ledger AS l LEFT JOIN bench_tickets AS t ON t.id = l.ticket_id
ORDER BY l.at;
"""

_ATTEMPTS = """
INSERT INTO failed_attempts (register_id, employee_id, kind, created_at)
SELECT CASE WHEN n % 2 = 0 THEN CAST(:register_1 AS uuid) ELSE CAST(:register_2 AS uuid) END,
       NULL, CASE WHEN n % 3 = 0 THEN 'wrong_pin' ELSE 'unknown_card' END,
       CAST(:now AS timestamptz) - interval '2 minutes' * n
FROM generate_series(1, 20000) AS n;
INSERT INTO mail_outbox (id, kind, to_address, subject, message, sealed, card_id, created_at,
                         attempts, next_attempt_at, last_error, sent_at)
SELECT gen_random_uuid(), 'egift', 'holder' || i || '@example.com', 'Your gift card', '',
       false, id, created_at, CASE WHEN i % 100 = 0 THEN 30 ELSE 1 END, NULL,
       CASE WHEN i % 100 = 0 THEN 'given up after 30 tries: 550 no such user' END,
       CASE WHEN i % 100 = 0 THEN NULL ELSE created_at + interval '1 minute' END
FROM bench_cards WHERE i % 10 = 0;
"""


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";\n") if part.strip()]


def fill(engine: Engine, shop: Shop, activities: int, tickets: int) -> float:
    """The catalog, the tickets, the cards and their ledger; the seconds it took."""
    start = time.perf_counter()
    params: dict[str, Any] = {
        "store_id": str(shop.store_id),
        "manager_id": str(shop.manager_id),
        "register_1": str(shop.registers[0]),
        "register_2": str(shop.registers[1]),
        "now": NOW,
        "span": SPAN,
        "tickets": tickets,
    }
    with engine.begin() as conn:
        for sql in _statements(_CATALOG):
            conn.execute(text(sql), params)
        for sql in _statements(_TICKETS):
            conn.execute(text(sql), params | {"count": tickets})
        for sql in _statements(_CARDS):
            conn.execute(text(sql), params | {"count": activities // 4})
        for sql in _statements(_ATTEMPTS):
            conn.execute(text(sql), params)
        for table in ("bench_tickets", "bench_lines", "bench_cards", "bench_ledger"):
            conn.execute(text(f"DROP TABLE {table}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - start


def _counts(engine: Engine) -> str:
    with engine.connect() as conn:
        found = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("card_activities", "gift_cards", "tickets", "ticket_lines")
        }
    return ", ".join(f"{count:,} {table}" for table, count in found.items())


def run(url: str, activities: int, tickets: int, runs: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    shop = make_shop(engine)
    seconds = fill(engine, shop, activities, tickets)
    print(f"filled {_counts(engine)} in {seconds:.1f} s", flush=True)
    app = create_app(engine, clock=FixedClock())
    # As a server process does once built (asgi.create_from_environment): what start-up made
    # stays out of the collector's full passes.
    gc.freeze()
    with TestClient(app) as client:
        headers = {"X-Register-Token": shop.token}
        login = client.post("/api/v1/sessions", json={"pin": MANAGER_PIN}, headers=headers)
        headers["Authorization"] = f"Bearer {login.json()['token']}"
        _report(client, headers, runs)
    engine.dispose()


def _cases() -> list[tuple[str, str, dict[str, str]]]:
    cases = [
        ("sales, November", "/backoffice/reports/sales", MONTH),
        ("gift cards, November", "/backoffice/reports/gift-cards", MONTH),
        ("exceptions, November", "/backoffice/reports/exceptions", MONTH),
        ("alerts", "/backoffice/alerts", {}),
        ("liability now", "/backoffice/reports/liability", {}),
    ]
    cases.append(("gift cards, November 2025", "/backoffice/reports/gift-cards", LAST_YEAR))
    for days in (30, 182, 365, 600):
        instant = (NOW - timedelta(days=days)).isoformat()
        cases.append(
            (f"liability {days} days ago", "/backoffice/reports/liability", {"at": instant})
        )
    return cases


def _report(client: TestClient, headers: dict[str, str], runs: int) -> None:
    # The first liability asked sums every day of the ledger over into holding_days, once.
    started = time.perf_counter()
    first = client.get("/api/v1/backoffice/reports/liability", headers=headers)
    assert first.status_code == 200, first.text
    summing = (time.perf_counter() - started) * 1000
    print(f"\nfirst liability (sums the ledger's days, once): {summing:.0f} ms", flush=True)
    print(f"\n{'request':32} {'p50':>9} {'p95':>9}", flush=True)
    worst = 0.0
    for what, path, params in _cases():

        def request(p: str = path, q: dict[str, str] = params) -> None:
            answer = client.get(f"/api/v1{p}", params=q, headers=headers)
            assert answer.status_code == 200, answer.text

        request()
        samples = timed_ms(runs, request)
        worst = max(worst, percentile(samples, 0.95))
        print(
            f"{what:32} {statistics.median(samples):>7.1f}ms {percentile(samples, 0.95):>7.1f}ms",
            flush=True,
        )
    verdict = "aim met" if worst <= AIM_MS else "AIM MISSED"
    print(f"\nworst p95 through the route: {worst:.1f} ms; <= {AIM_MS:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20, help="runs each request is timed")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="URL")
    parser.add_argument("--keep", action="store_true", help="keep the database, to EXPLAIN")
    args = parser.parse_args()
    with postgres_database(args.postgres, "pos_bench_reports", args.keep) as url:
        run(url, args.activities, args.tickets, args.runs)


if __name__ == "__main__":
    main()
