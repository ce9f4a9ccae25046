"""Taking tenders on a ticket, completing it, voiding it, and taking a line off it after a
tender.

A gift card's money is the server's: the payment row and its idempotency key are committed
*before* the server is asked, and a missing answer (timeout, crash, power cut) is settled by
asking again with the same key, never a new one. Removing a gift-card tender stores its own
reversal key first, the same way.
Blocking (network and SQLite): presenters call it on their worker, one call at a time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db import catalog, sales, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.approvals import Approval, ApprovalAction
from pos_desktop.domain.card_sale import ensure_gift_card_may_pay
from pos_desktop.domain.errors import DomainError, ErrorCode, InvalidAmount
from pos_desktop.domain.giftcard import ensure_redeemable
from pos_desktop.domain.money import Money
from pos_desktop.domain.redemption import (
    PartialRedeemNeeded,
    RedemptionPlan,
    plan_redemption,
    require_full_plan,
)
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.shifts import NO_SHIFT_FOR_CASH
from pos_desktop.domain.tender import (
    TENDER_LABELS,
    Payment,
    PaymentState,
    TenderKind,
    TenderRefused,
    gift_card_ask,
    split_tender,
)
from pos_desktop.domain.ticket import TicketLine
from pos_desktop.services.approvals import approval_to_record
from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.results import (
    CardSummary,
    GiftCardOutcome,
    GiftCardPaid,
    PartialRedeem,
    PaymentUnsettled,
    PresentedCard,
    VerifyRequest,
)
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable
from pos_desktop.sync.relay import OutboxRelay

log = logging.getLogger(__name__)

GIFT_CARD_NEEDS_SERVER = (
    "Gift cards need a connection to the server, and there is none right now. "
    "Take another tender, or try again when the connection is back."
)
MAX_REFERENCE_LENGTH = 120
CODE_ANSWERED = (
    "This code was answered already and did not pay the ticket; nothing more was deducted. "
    "Ask for a new code."
)


class NeedsServer(DomainError):
    code = ErrorCode.NEEDS_SERVER


T = TypeVar("T")


def _required(value: T | None, what: str) -> T:
    """A value the payment's state guarantees; its absence is a damaged database, not input."""
    if value is None:
        raise RuntimeError(f"register database is missing the {what}")
    return value


def _unsettled_redemption(payment: Payment, cause: Exception) -> PaymentUnsettled:
    log.warning("redemption %s unanswered; it will be asked again: %s", payment.id, cause)
    return PaymentUnsettled(
        "No answer from the server about this gift card. The payment is kept and "
        "checked again automatically; do not take it twice."
    )


def _unsettled_reversal() -> PaymentUnsettled:
    return PaymentUnsettled(
        "No answer from the server about giving the gift card its money back. "
        "It is asked again automatically."
    )


def _line_words(line: TicketLine) -> str:
    """A removed line as the audit log names it: "Mug", "2 × Mug"."""  # noqa: RUF002
    return line.name if line.quantity == 1 else f"{line.quantity} × {line.name}"  # noqa: RUF001


class PaymentService:
    def __init__(
        self,
        database: RegisterDatabase,
        client: ServerClient,
        clock: Callable[[], datetime],
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        """``on_finished`` runs after a ticket is completed or voided (e.g. wake the relay)."""
        self._database = database
        self._client = client
        self._clock = clock
        self._on_finished = on_finished
        self._relay = OutboxRelay(database, client, clock)

    def load(self, sale_id: uuid.UUID) -> Sale:
        with self._database.session() as db:
            return sales.load(db, sale_id)

    # -- tenders that stay in the register ---------------------------------------------------

    def take_cash(self, sale_id: uuid.UUID, tendered: Money) -> Sale:
        """Cash may be more than due: the payment records what was handed over and the change."""
        return self._take_local(sale_id, TenderKind.CASH, "Cash", tendered, gives_change=True)

    def take_card(self, sale_id: uuid.UUID, amount: Money, reference: str) -> Sale:
        """A card paid on the external terminal: the register records its approval reference."""
        reference = reference.strip()
        if not reference:
            raise TenderRefused("Enter the terminal's approval reference.")
        if len(reference) > MAX_REFERENCE_LENGTH or not reference.isprintable():
            raise TenderRefused("That approval reference is not valid.")
        return self._take_local(
            sale_id, TenderKind.CARD, "Card", amount, gives_change=False, reference=reference
        )

    def take_other(self, sale_id: uuid.UUID, label: str, amount: Money) -> Sale:
        return self._take_local(sale_id, TenderKind.OTHER, label, amount, gives_change=False)

    def _take_local(
        self,
        sale_id: uuid.UUID,
        kind: TenderKind,
        label: str,
        entered: Money,
        *,
        gives_change: bool,
        reference: str | None = None,
    ) -> Sale:
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            self._ensure_payable(sale)
            if kind is TenderKind.CASH:
                # The ticket stays as it is: the cashier opens a shift and takes the cash then.
                shifts.ensure_open(db, NO_SHIFT_FOR_CASH)
            split = split_tender(entered, sale.dues, gives_change=gives_change)
            payment = Payment(
                id=uuid.uuid4(),
                kind=kind,
                label=label,
                amount=split.amount,
                tip=split.tip,
                tendered=entered if gives_change else None,
                reference=reference,
            )
            sales.add_payment(db, sale_id, payment, self._clock())
            return self._commit_and_maybe_complete(db, sale_id)

    # -- gift cards --------------------------------------------------------------------------

    def ensure_gift_card_may_pay(self, sale_id: uuid.UUID) -> None:
        """Refuse the gift-card tender on a ticket that sells a gift card, unless the store
        allows it: said before the card is looked up, so nothing is asked of the server."""
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            rules = catalog.store_rules(db)
        allowed = rules.giftcard_pays_giftcard if rules is not None else False
        ensure_gift_card_may_pay(sale.sells_gift_cards, allowed)

    def find_gift_card(self, number_text: str) -> PresentedCard:
        """The card behind a scanned or typed number, if it may pay; the Luhn check runs
        before any request."""
        lookup = CardLookupService(self._client)
        number = lookup.check_number(number_text)
        try:
            card = lookup.check_balance(number)
        except ServerUnreachable as exc:
            raise NeedsServer(GIFT_CARD_NEEDS_SERVER) from exc
        ensure_redeemable(card.status)
        return PresentedCard(card, number)

    def pay_with_gift_card(
        self, sale_id: uuid.UUID, card: PresentedCard, entered: Money
    ) -> GiftCardOutcome:
        """Seed 004: balance >= the amount pays it (and what is left covers the tip); balance 0
        fails with the seed's message; an amount above the balance asks for a partial redeem."""
        sale, plan = self._plan(sale_id, card.summary, entered)
        if isinstance(plan, PartialRedeemNeeded):
            return PartialRedeem(sale, card, plan.requested, plan.max_amount)
        return self._redeem(sale, card, plan.redeemed, plan.tip_covered)

    def pay_partial(self, sale_id: uuid.UUID, card: PresentedCard, amount: Money) -> GiftCardPaid:
        """The Partial Redeem screen's Confirm: an amount no more than the card's balance."""
        balance = card.summary.balance
        if amount > balance:
            raise InvalidAmount(f"Enter at most the current balance of {balance.format()}.")
        sale, plan = self.plan_gift_card(sale_id, card.summary, amount)
        return self._redeem(sale, card, plan.redeemed, plan.tip_covered)

    def plan_gift_card(
        self, sale_id: uuid.UUID, card: CardSummary, amount: Money
    ) -> tuple[Sale, RedemptionPlan]:
        """What ``card`` pays of ``amount`` (at most its balance) on this ticket: the due
        first, then the tip from what the card holds beyond it (seed 004)."""
        sale, plan = self._plan(sale_id, card, amount)
        return sale, require_full_plan(plan)

    def _plan(
        self, sale_id: uuid.UUID, card: CardSummary, entered: Money
    ) -> tuple[Sale, RedemptionPlan | PartialRedeemNeeded]:
        self.ensure_gift_card_may_pay(sale_id)
        sale = self.load(sale_id)
        self._ensure_payable(sale)
        ask = gift_card_ask(entered, sale.dues)
        return sale, plan_redemption(card.balance, ask.amount, ask.tip)

    # -- a gift card paid by an e-mailed code (the customer has only the e-mail) -------------

    def pay_by_code(self, sale_id: uuid.UUID, verify: VerifyRequest) -> GiftCardPaid:
        """Deduct Funds paying this ticket, step 4: the code the customer read out.

        The payment, its key (the verify's own) and the code are stored before the server is
        asked, so a lost answer is asked again exactly as it was sent; sending the same
        ``verify`` again asks again about the same payment, never a second one.
        """
        sent = verify.sent
        key = verify.idempotency_key
        with self._database.session() as db:
            existing = sales.payment_id_with_key(db, key)
        if existing is not None:
            sale = self.load(sale_id)
            payment = self._payment_of(sale, existing)
            if payment.state is not PaymentState.PENDING:
                # Answered already (e.g. settled while the cashier looked away, then Try again):
                # its code is spent and not kept, and asking again would send the verify's key
                # to the server with another body, which it refuses; recording that refusal
                # would mark a tender the card paid for as failed.
                if payment.state is PaymentState.APPROVED:
                    return GiftCardPaid(sale, payment)
                raise TenderRefused(CODE_ANSWERED)
        else:
            self.ensure_gift_card_may_pay(sale_id)
            self._ensure_payable(self.load(sale_id))
            tip = sent.request.tip or Money(0, sent.amount.currency)
            payment = self._gift_card_payment(sent.card, sent.amount, tip)
            with self._database.session() as db:
                sales.add_payment(
                    db,
                    sale_id,
                    payment,
                    self._clock(),
                    redeem_key=key,
                    by_code=sales.CodeVerify(sent.challenge_id, verify.code),
                )
                db.commit()
        settled = self._ask_redeem(sale_id, payment, key)
        return GiftCardPaid(settled, self._payment_of(settled, payment.id))

    def _redeem(self, sale: Sale, card: PresentedCard, amount: Money, tip: Money) -> GiftCardPaid:
        payment = self._gift_card_payment(card.summary, amount, tip)
        key = f"redeem-{payment.id}"
        with self._database.session() as db:
            sales.add_payment(
                db, sale.id, payment, self._clock(), redeem_key=key, card_number=card.number
            )
            db.commit()
        settled = self._ask_redeem(sale.id, payment, key)
        return GiftCardPaid(settled, self._payment_of(settled, payment.id))

    @staticmethod
    def _gift_card_payment(card: CardSummary, amount: Money, tip: Money) -> Payment:
        return Payment(
            id=uuid.uuid4(),
            kind=TenderKind.GIFT_CARD,
            label=TENDER_LABELS[TenderKind.GIFT_CARD],
            amount=amount,
            tip=tip,
            state=PaymentState.PENDING,
            reference=card.number_masked,
            card_id=card.id,
            card_last4=card.last4,
        )

    def _ask_redeem(self, sale_id: uuid.UUID, payment: Payment, key: str) -> Sale:
        """Ask the server (again) for a redemption, or a code's verify, under its stored key,
        and record the answer."""
        with self._database.session() as db:
            by_code = sales.code_verify_of(db, payment.id)
            number = sales.card_number_of(db, payment.id)
        try:
            if by_code is not None:
                answer = self._client.verify_deduction_code(by_code.challenge_id, by_code.code, key)
            else:
                answer = self._client.redeem(
                    _required(payment.card_id, "card of a gift-card payment"),
                    _required(number, "card number of an unanswered redemption"),
                    c.MoneyBody.of(payment.amount),
                    c.MoneyBody.tip(payment.tip),
                    sale_id,
                    key,
                )
        except ServerUnreachable as exc:
            raise _unsettled_redemption(payment, exc) from exc
        except ServerError as exc:
            if exc.outcome_unknown:
                raise _unsettled_redemption(payment, exc) from exc
            if exc.is_unauthorized:
                raise  # the session ended: asked again after the next login, key unchanged
            with self._database.session() as db:
                sales.fail_payment(db, payment.id, exc.message)
                db.commit()
            raise
        with self._database.session() as db:
            sales.approve_payment(
                db,
                payment.id,
                amount=answer.redeemed.to_money(),
                tip=answer.tip_covered.to_money(),
                activity_id=answer.activity.id,
                balance_after=answer.balance_after.to_money(),
            )
            return self._commit_and_maybe_complete(db, sale_id)

    def remove_payment(self, sale_id: uuid.UUID, payment_id: uuid.UUID) -> Sale:
        """Take a tender off the ticket; a gift card gets its money back from the server."""
        sale = self.load(sale_id)
        sale.ensure_open()
        payment = self._payment_of(sale, payment_id)
        if payment.kind is not TenderKind.GIFT_CARD:
            with self._database.session() as db:
                sales.drop_payment(db, sale_id, payment_id)
                db.commit()
                return sales.load(db, sale_id)
        if payment.state is PaymentState.PENDING:
            raise TenderRefused(
                "This gift card payment is still being checked with the server. "
                "Wait for its answer before removing it."
            )
        if payment.state is PaymentState.APPROVED:
            with self._database.session() as db:
                sales.start_reversal(db, payment_id, f"reverse-{payment_id}")
                db.commit()
        return self._ask_reverse(sale_id, payment_id)

    def _ask_reverse(self, sale_id: uuid.UUID, payment_id: uuid.UUID) -> Sale:
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            key = sales.reverse_key_of(db, payment_id)
        payment = self._payment_of(sale, payment_id)
        activity_id = _required(payment.activity_id, "activity of an approved payment")
        try:
            self._client.reverse(activity_id, sale_id, _required(key, "reversal key"))
        except ServerUnreachable as exc:
            raise _unsettled_reversal() from exc
        except ServerError as exc:
            if exc.outcome_unknown:
                raise _unsettled_reversal() from exc
            if exc.is_unauthorized:
                raise
            with self._database.session() as db:
                if exc.code == ErrorCode.ALREADY_REVERSED:
                    sales.finish_reversal(db, payment_id)
                else:
                    sales.cancel_reversal(db, payment_id, exc.message)
                db.commit()
            if exc.code != ErrorCode.ALREADY_REVERSED:
                raise
        else:
            with self._database.session() as db:
                sales.finish_reversal(db, payment_id)
                db.commit()
        return self.load(sale_id)

    def settle(self, sale_id: uuid.UUID) -> Sale:
        """Ask again about every payment whose answer never came, with its stored key."""
        sale = self.load(sale_id)
        for payment in sale.payments:
            if payment.state is PaymentState.PENDING:
                with self._database.session() as db:
                    key = _required(sales.redeem_key_of(db, payment.id), "redemption key")
                try:
                    self._ask_redeem(sale_id, payment, key)
                except ServerError as exc:
                    log.info("pending redemption %s refused on replay: %s", payment.id, exc)
            elif payment.state is PaymentState.REVERSING:
                try:
                    self._ask_reverse(sale_id, payment.id)
                except ServerError as exc:
                    log.info("pending reversal %s refused on replay: %s", payment.id, exc)
        return self.complete_if_paid(sale_id)

    # -- finishing ---------------------------------------------------------------------------

    def complete_if_paid(self, sale_id: uuid.UUID) -> Sale:
        with self._database.session() as db:
            return self._commit_and_maybe_complete(db, sale_id)

    def void(self, sale_id: uuid.UUID, approval: Approval | None = None) -> Sale:
        """Void the ticket; every gift card on it gets its money back first. ``approval``: a
        manager's, where the store asks one of a cashier; recorded on the voided ticket."""
        sale = self.load(sale_id)
        sale.ensure_open()
        with self._database.session() as db:
            approval = approval_to_record(
                db, sale.employee_id, ApprovalAction.VOID_TICKET, approval
            )
        for payment in sale.visible_payments:
            if payment.kind is TenderKind.GIFT_CARD:
                sale = self.remove_payment(sale_id, payment.id)
        with self._database.session() as db:
            if approval is not None:
                sales.add_approval(db, approval.of(sale_id, f"Ticket #{sale.number}"))
            voided = sales.finish(db, sale_id, SaleStatus.VOIDED, self._clock())
            db.commit()
        self._finished()
        return voided

    def remove_paid_line(
        self, sale_id: uuid.UUID, line_id: uuid.UUID, approval: Approval | None = None
    ) -> Sale:
        """Take a line off a ticket that has payments, while they still fit its smaller total
        (``Sale.line_removable_after_tender``); paid in full without it, the ticket completes.
        ``approval``: a manager's, where the store asks one of a cashier; recorded on the
        ticket with the line's name. A ticket with no payment left just loses the line."""
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            if not sale.has_payments:
                sale.ensure_lines_editable()
                sales.remove_line(db, sale_id, line_id)
                sales.forget_tip_percent(db, sale_id)
                db.commit()
                return sales.load(db, sale_id)
            line = sale.line_removable_after_tender(line_id)
            if line is None:
                return sale
            approval = approval_to_record(
                db, sale.employee_id, ApprovalAction.REMOVE_PAID_LINE, approval
            )
            if approval is not None:
                sales.add_approval(db, approval.of(sale_id, _line_words(line)))
            sales.remove_line(db, sale_id, line_id)
            sales.forget_tip_percent(db, sale_id)
            return self._commit_and_maybe_complete(db, sale_id)

    def _commit_and_maybe_complete(self, db: Session, sale_id: uuid.UUID) -> Sale:
        db.flush()
        sale = sales.load(db, sale_id)
        completed = sale.status is SaleStatus.OPEN and sale.can_complete
        if completed:
            sale = sales.finish(db, sale_id, SaleStatus.COMPLETED, self._clock())
        db.commit()
        if completed:
            self._report_completed(sale)
            self._finished()
        return sale

    def _report_completed(self, sale: Sale) -> None:
        """A ticket a gift card paid goes to the server at once: from then on the server
        refuses to give the card its money back, since the goods have left. When the server
        cannot be reached the outbox pushes it later, as every ticket."""
        paid_by_card = any(p.kind is TenderKind.GIFT_CARD for p in sale.visible_payments)
        # A card sold is loaded by this push: the customer's card works as they leave.
        if not paid_by_card and not sale.sells_gift_cards:
            return
        try:
            self._relay.push_once(ticket_id=sale.id)
        except Exception:
            # The sale is committed and queued: whatever went wrong here, the outbox still
            # pushes it, and the cashier must not see a paid ticket reported as failed.
            log.exception(
                "ticket %s: reporting its completion failed; the outbox takes it", sale.id
            )

    def _finished(self) -> None:
        if self._on_finished is not None:
            self._on_finished()

    # -- checks ------------------------------------------------------------------------------

    @staticmethod
    def _ensure_payable(sale: Sale) -> None:
        sale.ensure_open()
        if not sale.lines:
            raise TenderRefused("Add an item to the ticket first.")
        if sale.dues.is_paid:
            raise TenderRefused("Nothing is due on this ticket.")

    @staticmethod
    def _payment_of(sale: Sale, payment_id: uuid.UUID) -> Payment:
        for payment in sale.payments:
            if payment.id == payment_id:
                return payment
        raise TenderRefused("That payment is no longer on this ticket.")
