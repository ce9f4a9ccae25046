"""A redemption that pays, in one round trip to PostgreSQL.

Paying with a card is the counter's busiest request. On PostgreSQL the function
``redeem_in_one_trip`` (migration 0015) claims the Idempotency-Key, checks the ticket and the
register's unknown-card limit, locks the card, moves its balance, appends the activity and
stores the answer, all in one statement on an autocommit connection: one round trip where the
Python path takes eight, and the card's row lock is held for the function's microseconds
rather than across Python and the network.

The function only answers a redemption that succeeds. Anything else (a replay, a refusal of
any kind) undoes its claim and returns nothing, and the Python path (``Once`` around
``ledger.redeem``), which holds every rule and message, answers as it always has. SQLite
always takes the Python path. A differential test holds the two to the same answers and the
same ledger (tests/server/test_redemption_trip.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from fastapi.responses import Response
from sqlalchemy import Engine

from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import Money
from pos_desktop.domain.redemption import RedemptionPlan
from pos_desktop.server import views
from pos_desktop.server.idempotency import Once, answer_response, fingerprint
from pos_desktop.server.ledger import Presented, Redeemed
from pos_desktop.server.models import CardActivity

if TYPE_CHECKING:
    import psycopg

    from pos_desktop import contracts as c
    from pos_desktop.server.config import Limit
    from pos_desktop.server.context import EmployeeCaller

# Stand-ins for the two figures only the locked card decides (the tip covered and the balance
# left), far above any card's amount: the answer is rendered once by the same view as the
# Python path's, then the function writes the real figures where these stand.
_TIP_COVERED = 900_000_000_000_000_001
_BALANCE_AFTER = 900_000_000_000_000_002

# Run on the pool's psycopg connection itself: SQLAlchemy's Connection around one call of a
# function cost twice what psycopg did (checkout, execution context, result, reset).
_CALL = (
    "SELECT answer, debited FROM redeem_in_one_trip("
    "%(register)s, %(key)s, %(request_hash)s, %(now)s, %(ticket)s, %(check_ticket)s,"
    " %(attempts_limit)s, %(attempts_since)s, %(card)s, %(store)s, %(number_hash)s,"
    " %(currency)s, %(amount)s, %(tip)s, %(activity)s, %(employee)s, %(answer)s)"
)


@dataclass(frozen=True, slots=True)
class Paid:
    answer: Response
    debited: int  # the amount and the tip covered, in minor units


def redeem(
    once: Once,
    body: c.RedeemRequest,
    caller: EmployeeCaller,
    presented: Presented,
    amount: Money,
    tip: Money,
    unknown_cards: Limit,
) -> Paid | None:
    """The redemption paid and its stored answer, or None: the Python path must answer."""
    engine: Engine = once.sessions.kw["bind"]
    if engine.dialect.name != "postgresql":
        return None
    now = once.clock.now()
    activity_id = uuid.uuid4()
    template = _answer_template(activity_id, amount, caller, body.ticket_id, now)
    if template is None:
        return None
    store = caller.store
    params = {
        "register": once.register_id,
        "key": once.key,
        "request_hash": fingerprint(once.keys, once.method, once.path, body),
        "now": now,
        "ticket": body.ticket_id,
        "check_ticket": body.ticket_id is not None and not store.giftcard_pays_giftcard,
        "attempts_limit": unknown_cards.count,
        "attempts_since": now - timedelta(seconds=unknown_cards.window_seconds),
        "card": presented.card_id,
        "store": store.id,
        "number_hash": presented.numbers.lookup_hash(presented.number),
        "currency": amount.currency,
        "amount": amount.minor,
        "tip": tip.minor,
        "activity": activity_id,
        "employee": caller.employee_id,
        "answer": template,
    }
    paid = _call(engine, params)
    if paid is None:
        return None
    answer, debited = paid
    return Paid(answer_response((200, answer)), debited)


def _call(engine: Engine, params: dict[str, object]) -> tuple[bytes, int] | None:
    """The stored answer and the amount debited, or None when the function paid nothing."""
    pooled = engine.raw_connection()
    try:
        connection = cast(
            "psycopg.Connection[tuple[bytes | None, int | None]]", pooled.driver_connection
        )
        connection.autocommit = True  # the function's one statement is its transaction
        try:
            row = connection.execute(_CALL, params).fetchone()
        finally:
            connection.autocommit = False
    finally:
        pooled.close()  # back to the pool, which rolls back nothing: no transaction is open
    if row is None or row[0] is None or row[1] is None:
        return None
    return bytes(row[0]), row[1]


def _answer_template(
    activity_id: uuid.UUID,
    amount: Money,
    caller: EmployeeCaller,
    ticket_id: uuid.UUID | None,
    now: datetime,
) -> str | None:
    """The answer as the Python path renders it, as a ``format()`` string whose ``%1$s`` is
    the tip covered and ``%2$s`` the balance left; None if a stand-in is not where a figure
    is (an employee named after one, say)."""
    currency = amount.currency
    activity = CardActivity(
        id=activity_id,
        kind=ActivityKind.REDEEM.value,
        amount=amount.minor,
        tip=_TIP_COVERED,
        balance_after=_BALANCE_AFTER,
        ticket_id=ticket_id,
        created_at=now,
        reason=None,
    )
    plan = RedemptionPlan(amount, Money(_TIP_COVERED, currency), Money(_BALANCE_AFTER, currency))
    rendered = views.redemption_out(Redeemed(activity, plan), currency, caller).model_dump_json()
    tip, balance = str(_TIP_COVERED), str(_BALANCE_AFTER)
    if rendered.count(tip) != 2 or rendered.count(balance) != 2:
        return None
    return rendered.replace("%", "%%").replace(tip, "%1$s").replace(balance, "%2$s")
