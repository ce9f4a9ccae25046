"""Selling and reloading gift cards on ticket lines, at the checkout.

The server creates the card (or the reload) pending and bound to the open ticket; the push of
the completed ticket loads it, a removed line or a voided ticket cancels it. The key and the
request are committed to the register's database *before* the server is asked, and the line
joins the ticket only with the server's answer. An answer that never comes (timeout, crash)
is not guessed at: the line is not added and its card is cancelled (``CardCancels``), with
the same push of the ticket as a last word.
Blocking (network and SQLite): presenters call it on their worker.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db import card_lines, catalog, sales
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.domain.card_sale import (
    CardLimits,
    CardLineKind,
    CardOrderRefused,
    check_card_amount,
    check_egift,
    deliver_at,
)
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.errors import DomainError, ErrorCode, InvalidCardNumber
from pos_desktop.domain.giftcard import Delivery, ensure_redeemable
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import CardNumberSlip, local_time
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.ticket import check_room_for_line, check_total_in_range
from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.checkout import CatalogNotReady
from pos_desktop.services.payments import NeedsServer
from pos_desktop.services.printing import PrintService
from pos_desktop.services.results import CardOrder, CardSold, CardSummary, Employee
from pos_desktop.sync.card_cancels import CardCancels
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable

log = logging.getLogger(__name__)

SELLING_NEEDS_SERVER = (
    "Selling a gift card needs the server, and there is no connection to it right now. "
    "Nothing was added; try again when the connection is back."
)
NO_ANSWER = (
    "No answer from the server about this gift card, so it was not added (and is cancelled "
    "there). Try again."
)
# The sale screen's field each of the server's refusals is about; others are said at the top.
_FIELDS: dict[str, str] = {
    ErrorCode.INVALID_AMOUNT: "amount",
    ErrorCode.CARD_NUMBER_TAKEN: "number",
    ErrorCode.INVALID_CARD_NUMBER: "number",
    ErrorCode.CARD_NOT_FOUND: "number",
    ErrorCode.CARD_NOT_REDEEMABLE: "number",
}


class CardSaleService:
    def __init__(
        self,
        database: RegisterDatabase,
        client: ServerClient,
        clock: Callable[[], datetime],
        printing: Callable[[], PrintService | None] = lambda: None,
    ) -> None:
        self._database = database
        self._client = client
        self._clock = clock
        self._printing = printing
        self._cancels = CardCancels(database, client, clock)

    def check_server(self) -> None:
        """Say at once, before the cashier enters anything, that selling needs the server."""
        try:
            self._client.health()
        except (ServerUnreachable, ServerError) as exc:
            raise NeedsServer(SELLING_NEEDS_SERVER) from exc

    def limits(self) -> tuple[StoreRules, CardLimits]:
        with self._database.session() as db:
            rules = catalog.store_rules(db)
        if rules is None:
            raise CatalogNotReady()
        maximum = rules.max_card_amount
        if maximum is None:
            raise NeedsServer("This store's settings have no gift-card maximum yet.")
        return rules, CardLimits.of(rules.min_card_amount, maximum)

    # -- selling -----------------------------------------------------------------------------

    def sell(self, employee: Employee, order: CardOrder) -> CardSold:
        """A new card on a line of the employee's open ticket (started if none): physical
        (a blank's number, or one the server gives) or an e-gift, sent when the ticket
        completes or at the time chosen on the store's clock."""
        rules, limits = self.limits()
        amount = check_card_amount(order.amount, limits, rules.locale)
        number = self._blank_number(order.number) if not order.egift else None
        egift = (
            check_egift(order.recipient_name, order.recipient_email, order.message)
            if order.egift
            else None
        )
        when = None
        if egift is not None and order.send_on is not None and order.send_at is not None:
            when = deliver_at(order.send_on, order.send_at, rules.timezone, self._clock())
        self._cancels_first()
        with self._database.session() as db:
            sale = self._open_sale(db, employee, rules, amount)
            line_id = uuid.uuid4()
            body = c.CardSaleRequest(
                ticket_id=sale.id,
                line_id=line_id,
                amount=c.MoneyBody.of(amount),
                delivery="email" if egift else "physical",
                number=number,
                recipient_email=egift.recipient_email if egift else None,
                recipient_name=egift.recipient_name if egift else None,
                message=egift.message if egift else None,
                deliver_at=when,
            )
            card_lines.ask(
                db,
                ticket_id=sale.id,
                line_id=line_id,
                kind=CardLineKind.SALE,
                amount=amount.minor,
                body=body.model_dump_json(exclude_none=True),
                now=self._clock(),
                delivery=Delivery.EMAIL if egift else Delivery.PHYSICAL,
                recipient_name=egift.recipient_name if egift else None,
                recipient_email=egift.recipient_email if egift else None,
                deliver_at=when,
            )
            db.commit()
        answer = self._ask(sale.id, line_id)
        # Said once, for the cashier to hand over, and printed once for the customer: a
        # number the server gave is not kept.
        shown = answer.number if number is None and egift is None else None
        if shown is not None:
            self._print_number(shown, amount, answer.card.id, rules)
        return CardSold(self._load(sale.id), line_id, shown)

    def _print_number(
        self, number: str, amount: Money, card_id: uuid.UUID, rules: StoreRules
    ) -> None:
        """The slip that is the card, when there is no blank card to hand over."""
        printing = self._printing()
        if printing is None:
            return
        slip = CardNumberSlip(
            store_name=rules.name,
            locale=rules.locale,
            number=number,
            amount=amount,
            when=local_time(self._clock(), rules.timezone),
            short_id=card_id.hex[:8],
        )
        try:
            printing.queue_slip(slip)
        except Exception:
            # The number is on the screen until Done: the sale stands without its slip.
            log.exception("could not queue the number slip of card %s", card_id)

    def find_card(self, number_text: str) -> CardSummary:
        """The card to reload, checked (Luhn) before it is looked up."""
        number = self._number(number_text)
        try:
            card = CardLookupService(self._client).check_balance(number)
        except ServerUnreachable as exc:
            raise NeedsServer(SELLING_NEEDS_SERVER) from exc
        except ServerError as exc:
            raise self._refusal(exc) from exc
        try:
            ensure_redeemable(card.status)
        except DomainError as exc:
            raise CardOrderRefused(exc.message, "number") from exc
        return card

    def reload(self, employee: Employee, number_text: str, amount: Money | None) -> CardSold:
        """Value added to the card at the counter (its number read off it), on a line of the
        open ticket; the card gets it when the ticket completes."""
        rules, limits = self.limits()
        entered = check_card_amount(amount, limits, rules.locale)
        number = self._number(number_text)
        card = self.find_card(number)
        room = limits.maximum - card.balance
        if entered > room:
            raise CardOrderRefused(
                f"A card holds at most {limits.maximum.format(rules.locale)} in this store; "
                f"this one can take {max(room, Money.zero(room.currency)).format(rules.locale)}"
                " more.",
                "amount",
            )
        self._cancels_first()
        with self._database.session() as db:
            sale = self._open_sale(db, employee, rules, entered)
            line_id = uuid.uuid4()
            body = c.CardReloadRequest(
                ticket_id=sale.id,
                line_id=line_id,
                card_id=card.id,
                number=number,
                amount=c.MoneyBody.of(entered),
            )
            card_lines.ask(
                db,
                ticket_id=sale.id,
                line_id=line_id,
                kind=CardLineKind.RELOAD,
                amount=entered.minor,
                body=body.model_dump_json(exclude_none=True),
                now=self._clock(),
            )
            db.commit()
        self._ask(sale.id, line_id)
        return CardSold(self._load(sale.id), line_id)

    # -- cancelling --------------------------------------------------------------------------

    def cancel_owed(self) -> int:
        """Ask the server to cancel the cards of lines that left a ticket; what cannot be
        asked now waits for the outbox relay's next round."""
        try:
            return self._cancels.push_once()
        except Exception:
            # The line is off the ticket and its cancel is stored: the relay asks again.
            log.exception("gift-card cancels: asking failed; the relay asks again")
            return 0

    # -- plumbing ----------------------------------------------------------------------------

    def _cancels_first(self) -> None:
        """Cancels owed go first: a blank card taken off a line may be sold again."""
        self.cancel_owed()

    @staticmethod
    def _number(text: str) -> str:
        try:
            return validate_card_number(text)
        except InvalidCardNumber as exc:
            raise CardOrderRefused(exc.message, "number") from exc

    def _blank_number(self, text: str) -> str | None:
        return self._number(text) if text.strip() else None

    def _open_sale(self, db: Session, employee: Employee, rules: StoreRules, amount: Money) -> Sale:
        sale = sales.open_sale_of(db, employee.id)
        if sale is None:
            sale = sales.start(
                db,
                employee_id=employee.id,
                employee_name=employee.name,
                currency=rules.currency,
                prices_include_tax=rules.prices_include_tax,
                now=self._clock(),
            )
        sale.ensure_lines_editable()
        check_room_for_line(len(sale.lines))
        check_total_in_range(sale.grand_total + amount)
        return sale

    def _ask(self, sale_id: uuid.UUID, line_id: uuid.UUID) -> c.CardLoadOut:
        """Ask the server for the line's card under its stored key, and record the answer."""
        with self._database.session() as db:
            asked = card_lines.asked(db, line_id)
        if asked is None:
            raise RuntimeError(f"card line {line_id} has no request waiting")
        try:
            if asked.kind is CardLineKind.SALE:
                sale = c.CardSaleRequest.model_validate_json(asked.body)
                answer = self._client.sell_card(sale, asked.key)
            else:
                reload = c.CardReloadRequest.model_validate_json(asked.body)
                answer = self._client.reload_card(reload, asked.key)
        except ServerUnreachable as exc:
            self._owe_cancel(line_id)
            raise NeedsServer(SELLING_NEEDS_SERVER) from exc
        except ServerError as exc:
            if exc.outcome_unknown or exc.is_unauthorized:
                self._owe_cancel(line_id)
                if exc.is_unauthorized:
                    raise  # the session ended: the window locks and says why
                raise NeedsServer(NO_ANSWER) from exc
            with self._database.session() as db:
                card_lines.refused(db, line_id, exc.message, self._clock())
                db.commit()
            raise self._refusal(exc) from exc
        with self._database.session() as db:
            card_lines.sold(db, line_id, answer.card.id, answer.card.last4)
            sales.forget_tip_percent(db, sale_id)
            db.commit()
        return answer

    def _owe_cancel(self, line_id: uuid.UUID) -> None:
        with self._database.session() as db:
            card_lines.owe_cancel(db, line_id)
            db.commit()
        self.cancel_owed()

    @staticmethod
    def _refusal(exc: ServerError) -> Exception:
        field = _FIELDS.get(exc.code)
        if field is None:
            return exc
        return CardOrderRefused(exc.message, field)

    def _load(self, sale_id: uuid.UUID) -> Sale:
        with self._database.session() as db:
            return sales.load(db, sale_id)
