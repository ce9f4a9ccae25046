"""A manager's actions on a gift card at the register: block, unblock, void, adjust, replace a
lost card and cash a card out; and any employee's mini-statement on the receipt printer.

Fields are checked here first (a blank reason, a mistyped number, no amount: no round trip).
Each money action carries an Idempotency-Key the caller keeps for the one action, so a second
tap after "no answer" is the same request. A cash-out's answer is counted in the register's
cash movements (once per activity, whatever the retries) and opens the drawer through the
print queue, as "Open drawer" does. Blocking (network, database): presenters call it on a
worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from pos_desktop.contracts import MoneyBody
from pos_desktop.db import cash, shifts
from pos_desktop.domain.card_number import mask_card_number, validate_card_number
from pos_desktop.domain.card_statement import StatementEntry, card_statement
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.errors import InvalidAmount, InvalidCardNumber
from pos_desktop.domain.money import Money
from pos_desktop.domain.shifts import NO_SHIFT_FOR_CASH_OUT
from pos_desktop.services.card_action_results import (
    CardAction,
    CardChanged,
    CardReplaced,
    CashedOut,
    StatementQueued,
)
from pos_desktop.services.egift_delivery import EgiftDeliveryService
from pos_desktop.services.results import CardHistory, CardSummary

if TYPE_CHECKING:
    from pos_desktop.db.database import RegisterDatabase
    from pos_desktop.services.printing import PrintService
    from pos_desktop.sync.client import ServerClient

AMOUNT_NEEDED = "Enter the amount to adjust by."
NUMBER_NEEDED = "Scan or type the card's number."
_STATE_ACTIONS = (CardAction.BLOCK, CardAction.UNBLOCK, CardAction.VOID)


def not_this_card(last4: str) -> str:
    return f"That number is not this card's ({mask_card_number(last4)}). Scan the card itself."


class CardActionService:
    def __init__(
        self,
        client: ServerClient,
        database: RegisterDatabase,
        clock: Callable[[], datetime],
        printing: Callable[[], PrintService | None],
    ) -> None:
        """``printing``: the register's print queue now (None: no receipt printer); it
        changes when a manager sets a printer in Settings."""
        self._client = client
        self._database = database
        self._clock = clock
        self._printing = printing

    # -- checks, no network ------------------------------------------------------------------

    check_reason = staticmethod(EgiftDeliveryService.check_reason)

    @staticmethod
    def check_number(text: str) -> str:
        """The card number typed or scanned, or ``InvalidCardNumber``."""
        if not text.strip():
            raise InvalidCardNumber(NUMBER_NEEDED)
        return validate_card_number(text)

    @staticmethod
    def check_card_number(text: str, last4: str) -> str:
        """The number of the card at the counter: this card's (its last 4 match)."""
        number = CardActionService.check_number(text)
        if number[-4:] != last4:
            raise InvalidCardNumber(not_this_card(last4))
        return number

    @staticmethod
    def check_adjustment(amount: Money | None) -> Money:
        if amount is None or not amount.is_positive():
            raise InvalidAmount(AMOUNT_NEEDED)
        return amount

    # -- the actions -------------------------------------------------------------------------

    def set_state(
        self, card_id: uuid.UUID, action: CardAction, reason: str, key: str
    ) -> CardChanged:
        """Block, unblock or void, with the reason."""
        if action not in _STATE_ACTIONS:
            raise ValueError(f"not a block, unblock or void: {action}")
        answer = self._client.card_action(card_id, action.value, self.check_reason(reason), key)
        return CardChanged(action, CardSummary.from_wire(answer))

    def adjust(
        self, card_id: uuid.UUID, amount: Money | None, up: bool, reason: str, key: str
    ) -> CardChanged:
        """The balance up or down by ``amount`` (unsigned), with the reason."""
        size = self.check_adjustment(amount)
        checked = self.check_reason(reason)
        signed = MoneyBody(amount=size.minor if up else -size.minor, currency=size.currency)
        answer = self._client.adjust_card(card_id, signed, checked, key)
        return CardChanged(CardAction.ADJUST, CardSummary.from_wire(answer.card))

    def replace(self, card_id: uuid.UUID, reason: str, number_text: str, key: str) -> CardReplaced:
        """The balance onto a new card: a blank's number, or (left empty) one the server gives."""
        checked = self.check_reason(reason)
        number = self.check_number(number_text) if number_text.strip() else None
        answer = self._client.replace_card(card_id, checked, number, key)
        return CardReplaced(
            old=CardSummary.from_wire(answer.old),
            new=CardSummary.from_wire(answer.new),
            new_number=answer.new.number,
        )

    def cash_out(self, card: CardSummary, number_text: str, reason: str, key: str) -> CashedOut:
        """The card's whole balance paid out in cash: counted as cash out of the drawer, and
        the drawer opens."""
        number = self.check_card_number(number_text, card.last4)
        with self._database.session() as db:
            shifts.ensure_open(db, NO_SHIFT_FOR_CASH_OUT)
        answer = self._client.cash_out_card(card.id, number, reason.strip() or None, key)
        activity = answer.activity
        paid_out = activity.amount.to_money()
        employee = activity.employee
        with self._database.session() as db, db.begin():
            counted = cash.record_cash_out(
                db,
                paid_out=paid_out,
                card_last4=answer.card.last4,
                activity_id=activity.id,
                employee_id=employee.id if employee is not None else None,
                employee_name=employee.name if employee is not None else "",
                at=activity.created_at,
            )
        printing = self._printing()
        # A replayed answer (a retry after no answer) opened the drawer the first time.
        if printing is not None and counted:
            printing.open_drawer()
        return CashedOut(CardSummary.from_wire(answer.card), paid_out, printing is not None)

    def print_statement(
        self, card_id: uuid.UUID, rules: StoreRules, employee_name: str
    ) -> StatementQueued:
        """The card's last activities on the receipt printer."""
        printing = self._printing()
        if printing is None:
            return StatementQueued(False)
        history = CardHistory.from_wire(self._client.get_card(card_id))
        card = history.card
        statement = card_statement(
            last4=card.last4,
            card_id_hex=card.id.hex,
            balance=card.balance,
            entries=[
                StatementEntry(a.kind, a.amount, a.balance_after, a.created_at)
                for a in history.activities
            ],
            rules=rules,
            employee_name=employee_name,
            now=self._clock(),
        )
        return StatementQueued(printing.queue_slip(statement) is not None)
