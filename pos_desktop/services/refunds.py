"""Refunds of this register's completed sales onto gift cards, and a small balance cashed out.

A refund gives a gift-card payment back to the card that paid it, or any part of the sale as
store credit on a card at the counter or a new card. A cash-out pays a card's balance out of
the drawer where the store's law asks it. Either is money the server moves: its key and its
request are committed on the register's disk *before* the server is asked, so a lost answer
(timeout, crash) is asked again with both and given at most once. The server refuses a sale
it has not received, so a sale still in the outbox is pushed first.

Blocking (network and SQLite): presenters call it on a worker.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db import approvals as approval_outbox
from pos_desktop.db import cash, payouts, sales, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.payouts import NewPayout, Payout
from pos_desktop.domain.approvals import Approval, ApprovalAction
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import CardSlip, local_time
from pos_desktop.domain.refunds import check_reason, check_refund
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.shifts import NO_SHIFT_FOR_CASH_OUT
from pos_desktop.domain.tender import TenderKind
from pos_desktop.services.approvals import approval_to_record
from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.payments import GIFT_CARD_NEEDS_SERVER, NeedsServer
from pos_desktop.services.receipts import ReceiptService
from pos_desktop.services.refund_results import (
    CardPaymentOfSale,
    CashedOut,
    CashOutOffer,
    RefundableSale,
    RefundDone,
    RefundRequest,
    RefundUnsettled,
)
from pos_desktop.services.results import Employee, PresentedCard
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable
from pos_desktop.sync.relay import OutboxRelay

log = logging.getLogger(__name__)

RECENT_SALES = 20
CASH_OUT_REASON = "Balance under the store's cash-out limit"
NO_SUCH_SALE = "No completed ticket #{number} on this register."
NOT_A_NUMBER = "Type the receipt's ticket number, e.g. 12."
NOT_YET_ON_SERVER = (
    "This sale has not reached the server yet, so it cannot be refunded. "
    "Try again when the connection is back."
)
REFUND_UNANSWERED = (
    "No answer from the server about this refund. It is kept: tap Try again. "
    "It is never given twice."
)
CASH_OUT_UNANSWERED = (
    "No answer from the server about this cash-out. Pay nothing yet: tap Try again. "
    "It is never paid twice."
)
VOIDED_CARD = "This card is voided; give the credit on another card, or a new one."


class NoSuchSale(DomainError):
    code = ErrorCode.SALE_NOT_FOUND


def _body(model: BaseModel) -> str:
    # Stored as it is sent, so a retry is the same request byte for byte.
    return model.model_dump_json(exclude_none=True)


class RefundService:
    def __init__(
        self,
        database: RegisterDatabase,
        client: ServerClient,
        clock: Callable[[], datetime],
        receipts: ReceiptService,
        rules: Callable[[], StoreRules],
    ) -> None:
        """``receipts``: its printer (when one is set) prints the slips and kicks the drawer;
        ``rules``: the store's, for the slip's words."""
        self._database = database
        self._client = client
        self._clock = clock
        self._receipts = receipts
        self._rules = rules
        self._relay = OutboxRelay(database, client, clock)

    # -- the sales a refund is of ------------------------------------------------------------

    def recent_sales(self, limit: int = RECENT_SALES) -> tuple[RefundableSale, ...]:
        """This register's completed tickets, newest first; refunds still unanswered are
        asked about first, so what is left to refund is what the server holds."""
        self.settle()
        with self._database.session() as db:
            return tuple(self._refundable(db, sales.completed(db, limit)))

    def find_sale(self, number_text: str) -> RefundableSale:
        """The completed ticket with the receipt number the cashier typed."""
        text = number_text.strip().lstrip("#").strip()
        if not text.isdigit() or len(text) > 9:
            raise NoSuchSale(NOT_A_NUMBER)
        with self._database.session() as db:
            sale = sales.completed_by_number(db, int(text))
            if sale is None:
                raise NoSuchSale(NO_SUCH_SALE.format(number=int(text)))
            return self._refundable(db, [sale])[0]

    def sale(self, sale_id: uuid.UUID) -> RefundableSale:
        with self._database.session() as db:
            return self._refundable(db, [sales.load(db, sale_id)])[0]

    @staticmethod
    def _refundable(db: Session, found: list[Sale]) -> list[RefundableSale]:
        given = payouts.refunded(db, (sale.id for sale in found))
        listed = []
        for sale in found:
            currency = sale.currency
            cards = tuple(
                CardPaymentOfSale(
                    payment_id=p.id,
                    activity_id=p.activity_id,
                    last4=p.card_last4 or "",
                    paid=p.covered,
                    refunded=Money(given.payments.get(p.id, 0), currency),
                )
                for p in sale.visible_payments
                if p.kind is TenderKind.GIFT_CARD and p.activity_id is not None
            )
            listed.append(
                RefundableSale(
                    id=sale.id,
                    number=sale.number or 0,
                    completed_at=sale.completed_at or sale.opened_at,
                    total=sale.grand_total,
                    refunded=Money(given.tickets.get(sale.id, 0), currency),
                    card_payments=cards,
                )
            )
        return listed

    def find_card(self, number_text: str) -> PresentedCard:
        """The card at the counter store credit goes onto (Luhn checked before any request)."""
        lookup = CardLookupService(self._client)
        number = lookup.check_number(number_text)
        try:
            card = lookup.check_balance(number)
        except ServerUnreachable as exc:
            raise NeedsServer(GIFT_CARD_NEEDS_SERVER) from exc
        if card.status is CardStatus.VOIDED:
            raise DomainError(VOIDED_CARD)
        return PresentedCard(card, number)

    # -- refunds -----------------------------------------------------------------------------

    def refund(
        self, employee: Employee, request: RefundRequest, approval: Approval | None = None
    ) -> RefundDone:
        """Give ``request`` back onto a gift card. ``approval``: a manager's, where the store
        asks one of a cashier (recorded with the refund, whatever the server answers)."""
        refundable = self.sale(request.sale_id)
        reason = check_reason(request.reason, required=True)
        if request.payment_id is not None:
            payment = refundable.card_payment(request.payment_id)
            amount = check_refund(
                request.amount,
                payment.left.min(refundable.left),
                "what this card paid and was not given back yet",
            )
        else:
            amount = check_refund(request.amount, refundable.left, "what is left of this sale")
        with self._database.session() as db:
            sale = sales.load(db, request.sale_id)
            if sale.status is not SaleStatus.COMPLETED:
                raise NoSuchSale("Only a completed ticket is refunded; an open one is changed.")
            approval = approval_to_record(db, employee.id, ApprovalAction.REFUND, approval)
        self._ensure_on_server(request.sale_id)
        approved_by = approval.manager_id if approval is not None else None
        new = self._new_refund(employee, request, refundable, amount, reason, approved_by)
        with self._database.session() as db:
            payout = payouts.add(db, new, "refund", self._clock())
            if approval is not None:
                detail = f"Refund of {amount.format()} on ticket #{refundable.number}"
                approval_outbox.enqueue(db, approval.of(request.sale_id, detail))
            db.commit()
        return self._ask_refund(payout)

    def _new_refund(
        self,
        employee: Employee,
        request: RefundRequest,
        sale: RefundableSale,
        amount: Money,
        reason: str | None,
        approved_by: uuid.UUID | None,
    ) -> NewPayout:
        money = c.MoneyBody.of(amount)
        body: BaseModel
        if request.payment_id is not None:
            paid = sale.card_payment(request.payment_id)
            kind = payouts.REFUND_TENDER
            body = c.TenderRefundRequest(
                activity_id=paid.activity_id, amount=money, reason=reason, approved_by=approved_by
            )
            card_id: uuid.UUID | None = None
            last4: str | None = paid.last4
        else:
            kind = payouts.STORE_CREDIT
            onto = request.card
            presented = (
                c.PresentedCard(card_id=onto.summary.id, number=onto.number) if onto else None
            )
            body = c.StoreCreditRequest(
                ticket_id=sale.id,
                amount=money,
                card=presented,
                reason=reason or "",
                approved_by=approved_by,
            )
            card_id = onto.summary.id if onto else None
            last4 = onto.summary.last4 if onto else None
        return NewPayout(
            kind=kind,
            request=_body(body),
            amount=amount.minor,
            currency=amount.currency,
            employee_id=employee.id,
            employee_name=employee.name,
            ticket_id=sale.id,
            payment_id=request.payment_id,
            card_id=card_id,
            card_last4=last4,
            approved_by=approved_by,
            reason=reason,
        )

    def retry(self, payout_id: uuid.UUID) -> RefundDone:
        """Ask again about a refund whose answer never came, with its stored key and body."""
        with self._database.session() as db:
            payout = payouts.get(db, payout_id)
        if payout is None or payout.state != payouts.ASKING:
            raise DomainError("This refund was answered already.")
        return self._ask_refund(payout)

    def settle(self) -> int:
        """Ask again about every refund whose answer never came; how many were answered.
        (A cash-out unanswered waits for its cashier's Try again: the drawer opens then.)"""
        with self._database.session() as db:
            waiting = [p for p in payouts.asking(db) if p.kind != payouts.CASH_OUT]
        answered = 0
        for payout in waiting:
            try:
                self._ask_refund(payout)
            except RefundUnsettled:
                return answered  # no server now: the others wait too
            except ServerError as exc:
                log.info("unanswered refund %s refused on replay: %s", payout.id, exc)
            answered += 1
        return answered

    def _ask_refund(self, payout: Payout) -> RefundDone:
        request = payout.request
        if request is None:
            raise RuntimeError(f"refund {payout.id} has no stored request")
        key = payout.idempotency_key
        try:
            if payout.kind == payouts.REFUND_TENDER:
                body = c.TenderRefundRequest.model_validate_json(request)
                answer = self._client.refund_tender(body, key)
            else:
                credit = c.StoreCreditRequest.model_validate_json(request)
                answer = self._client.store_credit(credit, key)
        except (ServerUnreachable, ServerError) as exc:
            self._refused(payout, exc, REFUND_UNANSWERED)
            raise
        card = answer.card
        amount = answer.activity.amount.to_money()
        balance = card.balance.to_money()
        with self._database.session() as db:
            payouts.settle(
                db,
                payout.id,
                amount=amount.minor,
                card_id=card.id,
                last4=card.last4,
                balance_after=balance.minor,
                activity_id=answer.activity.id,
                now=self._clock(),
            )
            db.commit()
        refundable = self.sale(payout.ticket_id) if payout.ticket_id else None
        if refundable is None:
            raise RuntimeError(f"refund {payout.id} names no ticket")
        self._print_slip(card.number_masked, amount, balance, answer.activity)
        return RefundDone(refundable, amount, card.last4, balance, answer.number)

    def _refused(
        self, payout: Payout, exc: ServerUnreachable | ServerError, unanswered: str
    ) -> None:
        """An answer that never came is kept to ask again (raised as RefundUnsettled); a
        refusal is recorded and raised as it is."""
        if isinstance(exc, ServerUnreachable) or exc.outcome_unknown:
            log.warning("payout %s unanswered; kept to ask again: %s", payout.id, exc)
            raise RefundUnsettled(unanswered, payout.id) from exc
        if exc.is_unauthorized:
            return  # the session ended: asked again after the next login, key unchanged
        with self._database.session() as db:
            payouts.refuse(db, payout.id, exc.message, self._clock())
            db.commit()

    def _print_slip(
        self, masked: str, amount: Money, balance: Money, activity: c.ActivityOut
    ) -> None:
        printing = self._receipts.printing
        if printing is None:
            return
        try:
            rules = self._rules()
            slip = CardSlip(
                store_name=rules.name,
                locale=rules.locale,
                masked_card=masked,
                amount=amount,
                balance_after=balance,
                employee_name=activity.employee.name if activity.employee else "",
                when=local_time(activity.created_at, rules.timezone),
                short_id=activity.id.hex[:8],
                title="Gift card: refund",
                amount_label="Refunded",
            )
            printing.queue_slip(slip)
        except Exception:
            # The refund is given whatever the printer queue says; the screen says it.
            log.exception("could not queue the slip of a refund onto %s", masked)

    def _ensure_on_server(self, sale_id: uuid.UUID) -> None:
        """The server refunds only a sale it holds: a sale still in the outbox goes now."""
        with self._database.session() as db:
            if sales.was_pushed(db, sale_id):
                return
        try:
            self._relay.push_once(ticket_id=sale_id)
        except Exception:
            log.exception("pushing ticket %s before its refund failed", sale_id)
        with self._database.session() as db:
            if not sales.was_pushed(db, sale_id):
                raise NeedsServer(NOT_YET_ON_SERVER)

    # -- cash-out ----------------------------------------------------------------------------

    def cash_out(self, employee: Employee, offer: CashOutOffer) -> CashedOut:
        """Pay the card's balance out of the drawer (the store's law for small balances); the
        drawer opens once the server has taken the balance off the card."""
        body = c.CashOutRequest(number=offer.number, reason=CASH_OUT_REASON)
        new = NewPayout(
            kind=payouts.CASH_OUT,
            request=_body(body),
            amount=offer.balance.minor,
            currency=offer.balance.currency,
            employee_id=employee.id,
            employee_name=employee.name,
            card_id=offer.card_id,
            card_last4=offer.last4,
            reason=CASH_OUT_REASON,
        )
        with self._database.session() as db:
            shifts.ensure_open(db, NO_SHIFT_FOR_CASH_OUT)
            payout = payouts.add(db, new, "cash-out", self._clock())
            db.commit()
        return self._ask_cash_out(payout)

    def retry_cash_out(self, payout_id: uuid.UUID) -> CashedOut:
        with self._database.session() as db:
            payout = payouts.get(db, payout_id)
        if payout is None or payout.state != payouts.ASKING:
            raise DomainError("This cash-out was answered already.")
        return self._ask_cash_out(payout)

    def _ask_cash_out(self, payout: Payout) -> CashedOut:
        if payout.request is None or payout.card_id is None:
            raise RuntimeError(f"cash-out {payout.id} has no stored request")
        body = c.CashOutRequest.model_validate_json(payout.request)
        try:
            answer = self._client.cash_out_card(
                payout.card_id, body.number, body.reason, payout.idempotency_key
            )
        except (ServerUnreachable, ServerError) as exc:
            self._refused(payout, exc, CASH_OUT_UNANSWERED)
            raise
        card, activity = answer.card, answer.activity
        paid = activity.amount.to_money()
        balance = card.balance.to_money()
        now = self._clock()
        with self._database.session() as db:
            payouts.settle(
                db,
                payout.id,
                amount=paid.minor,
                card_id=card.id,
                last4=card.last4,
                balance_after=balance.minor,
                activity_id=activity.id,
                now=now,
            )
            cash.record_cash_out(
                db,
                paid_out=paid,
                card_last4=card.last4,
                activity_id=activity.id,
                employee_id=activity.employee.id if activity.employee else None,
                employee_name=activity.employee.name if activity.employee else "",
                at=activity.created_at,
            )
            db.commit()
        return CashedOut(paid, card.last4, balance, self._open_drawer())

    def _open_drawer(self) -> bool:
        printing = self._receipts.printing
        if printing is None:
            return False
        try:
            printing.open_drawer()
        except Exception:
            log.exception("could not queue the drawer for a cash-out")
            return False
        return True
