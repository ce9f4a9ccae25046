"""The sale on screen: ringing up, tip, tenders, gift cards, completion and void.

Every call runs on the presenter's own single-thread worker, so the ticket's changes reach
the database in the order the cashier made them, and the GUI thread never waits on SQLite's
fsync or the server.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.card_number import is_valid_card_number
from pos_desktop.domain.card_sale import CardLimits, CardOrderRefused, ensure_gift_card_may_pay
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.errors import DomainError, InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.paid import PaidSummary, paid_summary
from pos_desktop.domain.refunds import offers_cash_out
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.tender import Payment, TenderKind
from pos_desktop.services.refund_results import CashOutOffer
from pos_desktop.services.results import (
    CardOrder,
    CardSold,
    Catalog,
    Employee,
    GiftCardPaid,
    PartialRedeem,
    PaymentUnsettled,
    ProducedReceipt,
)
from ui.presenters.background import EmployeePresenter
from ui.presenters.error_text import ends_session

if TYPE_CHECKING:
    from pos_desktop.services.card_sales import CardSaleService
    from pos_desktop.services.checkout import CheckoutService
    from pos_desktop.services.payments import PaymentService
    from pos_desktop.services.receipts import ReceiptService

log = logging.getLogger(__name__)

# How often a payment whose answer never came is asked about again.
SETTLE_RETRY_MS = 5_000
ENTER_AN_AMOUNT = "Enter an amount."


@dataclass(frozen=True, slots=True)
class Finished:
    """A completed ticket, its receipt, and what to say at the counter (change, tenders, and
    what the last gift card paid and left on the card: empty when none paid)."""

    sale: Sale
    receipt: ProducedReceipt
    paid: PaidSummary
    confirmation: str


def gift_card_confirmation(payment: Payment, locale: str) -> str:
    """ "Gift card •••• 4321 paid $19.49. New balance: $30.51." """
    text = f"Gift card {payment.reference} paid {payment.covered.format(locale)}."
    if payment.balance_after is not None:
        text += f" New balance: {payment.balance_after.format(locale)}."
    return text


def paid_confirmation(sale: Sale, locale: str) -> str:
    """What the last gift card still on a paid ticket paid; empty when no gift card paid."""
    cards = [p for p in sale.visible_payments if p.kind is TenderKind.GIFT_CARD]
    return gift_card_confirmation(cards[-1], locale) if cards else ""


class SalePresenter(EmployeePresenter):
    sale_changed = Signal(object)  # Sale | None
    catalog_loaded = Signal(object)  # Catalog
    search_results = Signal(str, object)  # the text searched, tuple[Product, ...]
    failed = Signal(str)
    scan_failed = Signal(str)
    gift_card_paid = Signal(object, str)  # GiftCardPaid, what to say of it
    partial_redeem_needed = Signal(object)  # PartialRedeem
    completed = Signal(object)  # Finished
    voided = Signal(object)  # Sale
    # Gift cards sold on the ticket: the sale screen may open (the server answers), a card was
    # added (CardSold), or refused (the message, and the field it is about: "" for none).
    card_sale_ready = Signal(object, object)  # StoreRules, CardLimits
    card_sold = Signal(object)  # CardSold
    card_refused = Signal(str, str)
    # The cashier asked for a change (a scan, a tap on the ticket, a tender): what was said
    # about the last one is answered, so its message may go. Redraws never emit it.
    cashier_acted = Signal()
    # A gift card at the counter left with a balance the store's law has cashed out: said
    # once the payment (and, when it completed the ticket, its paid screen) is on screen.
    cash_out_offered = Signal(object)  # CashOutOffer

    def __init__(
        self,
        checkout: CheckoutService,
        payments: PaymentService,
        receipts: ReceiptService,
        parent: QObject | None = None,
        cards: CardSaleService | None = None,
    ) -> None:
        """``cards``: selling gift cards on the ticket (None: this register sells none)."""
        # One thread: the ticket's writes happen in the order they were asked for.
        pool = QThreadPool(parent)
        pool.setMaxThreadCount(1)
        super().__init__(parent, pool)
        self.pool = pool
        self._checkout = checkout
        self._payments = payments
        self._receipts = receipts
        self._cards = cards
        self._employee: Employee | None = None
        self._locale = "en_US"  # the store's, once its catalog has loaded
        self._rules: StoreRules | None = None
        self.sale: Sale | None = None
        self._offer: CashOutOffer | None = None  # for after the paid screen opens
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_RETRY_MS)
        self._settle_timer.timeout.connect(self.settle)

    @property
    def currency(self) -> str | None:
        return self.sale.currency if self.sale is not None else None

    # -- who is selling ----------------------------------------------------------------------

    def start(self, employee: Employee) -> None:
        """Show this employee's open ticket (if any) and the catalog; settle what is unsettled."""
        self._employee = employee
        self._run(self._checkout.catalog, self._catalog_loaded)
        self._run(lambda: self._checkout.open_sale(employee), self._show_sale)

    def stop(self) -> None:
        """The register locks: the ticket stays in the database for its owner."""
        self._worker.forget_pending()
        self._settle_timer.stop()
        self._offer = None
        self._employee = None
        self.sale = None
        self.sale_changed.emit(None)

    def reload_catalog(self) -> None:
        if self._employee is not None:
            self._run(self._checkout.catalog, self._catalog_loaded)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self._locale = catalog.rules.locale
        self._rules = catalog.rules
        self.catalog_loaded.emit(catalog)

    # -- ringing up --------------------------------------------------------------------------

    def scan(self, code: str) -> None:
        employee = self._employee
        if employee is None:
            return
        self.cashier_acted.emit()
        self._run(
            lambda: self._checkout.scan(employee, code),
            self._show_sale,
            on_refused=self.scan_failed.emit,
        )

    def add_product(self, product_id: uuid.UUID) -> None:
        employee = self._employee
        if employee is not None:
            self.cashier_acted.emit()
            self._run(lambda: self._checkout.add_product(employee, product_id), self._show_sale)

    @staticmethod
    def is_card_number(code: str) -> bool:
        """Whether a scan is a gift card's number (checked here, no network)."""
        return is_valid_card_number(code)

    def search(self, text: str) -> None:
        self._run(
            lambda: tuple(self._checkout.search(text)),
            lambda found: self.search_results.emit(text, found),
        )

    def change_quantity(self, line_id: uuid.UUID, delta: int) -> None:
        self._acted(lambda s: self._checkout.change_quantity(s, line_id, delta))

    def remove_line(self, line_id: uuid.UUID, approval: Approval | None = None) -> None:
        """Take a line off; once the ticket has payments, only while they fit what is left
        (``approval``: a manager's, where the store asks one of a cashier)."""
        sale = self.sale
        paid = sale is not None and sale.has_payments

        def job(sale_id: uuid.UUID) -> Sale:
            if paid:
                left = self._payments.remove_paid_line(sale_id, line_id, approval)
            else:
                left = self._checkout.remove_line(sale_id, line_id)
            self._cancel_cards()
            return left

        self._acted(job)

    # -- gift cards sold on the ticket -------------------------------------------------------

    def open_card_sale(self) -> None:
        """The checkout's Gift card button: the sale screen opens once the server answers
        (``card_sale_ready``); without it, the checkout says selling needs the server."""
        cards = self._cards
        if cards is None or self._employee is None:
            self.failed.emit("This register does not sell gift cards.")
            return
        self.cashier_acted.emit()

        def job() -> tuple[StoreRules, CardLimits]:
            cards.check_server()
            return cards.limits()

        self._run(job, lambda setup: self.card_sale_ready.emit(*setup))

    def sell_card(self, order: CardOrder) -> None:
        employee, cards = self._employee, self._cards
        if employee is not None and cards is not None:
            self._card_job(lambda: cards.sell(employee, order))

    def reload_card(self, number_text: str, amount: Money | None) -> None:
        employee, cards = self._employee, self._cards
        if employee is not None and cards is not None:
            self._card_job(lambda: cards.reload(employee, number_text, amount))

    def _card_job(self, job: Callable[[], CardSold]) -> None:
        def sold(done: CardSold) -> None:
            self._show_sale(done.sale)
            self.card_sold.emit(done)

        def refused(error: Exception) -> None:
            if isinstance(error, CardOrderRefused):
                self.card_refused.emit(error.message, error.field)
            else:
                self._on_failed(error, lambda message: self.card_refused.emit(message, ""))

        self._worker.submit(job, sold, refused)

    def _cancel_cards(self) -> None:
        """A line or a ticket gone: ask the server to cancel its cards (kept if it cannot)."""
        if self._cards is not None:
            self._cards.cancel_owed()

    def set_tip_percent(self, percent: int) -> None:
        self._acted(lambda s: self._checkout.set_tip_percent(s, percent))

    def set_tip_amount(self, text: str) -> None:
        self._acted(lambda s: self._checkout.set_tip_amount(s, text))

    # -- tenders -----------------------------------------------------------------------------

    def take_cash(self, amount_text: str) -> None:
        self._acted(lambda s: self._payments.take_cash(s, self._parse(amount_text)))

    def take_card(self, amount_text: str, reference: str) -> None:
        self._acted(lambda s: self._payments.take_card(s, self._parse(amount_text), reference))

    def take_other(self, label: str, amount_text: str) -> None:
        self._acted(lambda s: self._payments.take_other(s, label, self._parse(amount_text)))

    def pay_with_gift_card(self, number_text: str, amount_text: str) -> None:
        """Seed 004: look the card up (Luhn first), then redeem, or ask for a partial redeem."""

        def job(sale_id: uuid.UUID) -> tuple[GiftCardPaid | PartialRedeem, str]:
            amount = self._parse(amount_text)
            self._payments.ensure_gift_card_may_pay(sale_id)
            card = self._payments.find_gift_card(number_text)
            return self._payments.pay_with_gift_card(sale_id, card, amount), card.number

        self.cashier_acted.emit()
        self._on_sale_job(job, lambda answer: self._gift_card_answered(*answer))

    def gift_card_tender_refusal(self) -> str:
        """Why the gift-card tender cannot pay this ticket ("" when it can): a gift card does
        not pay for a gift card unless the store allows it. Said before any card is asked."""
        sale, rules = self.sale, self._rules
        allowed = rules.giftcard_pays_giftcard if rules is not None else False
        try:
            ensure_gift_card_may_pay(sale is not None and sale.sells_gift_cards, allowed)
        except DomainError as refused:
            return refused.message
        return ""

    def confirm_partial(self, partial: PartialRedeem, amount: Money | None) -> None:
        """``amount``: what the Partial Redeem field holds; None while it is empty."""

        def job(sale_id: uuid.UUID) -> GiftCardPaid:
            if amount is None:
                raise InvalidAmount(ENTER_AN_AMOUNT)
            return self._payments.pay_partial(sale_id, partial.presented, amount)

        number = partial.presented.number
        self._on_sale_job(job, lambda paid: self._gift_card_answered(paid, number))

    def paid_by_code(self, paid: GiftCardPaid) -> None:
        """A gift card paid the ticket through Deduct Funds by code (the customer had only the
        e-mail): shown and completed like any gift-card tender."""
        self._gift_card_answered(paid)

    def remove_payment(self, payment_id: uuid.UUID) -> None:
        self._acted(lambda s: self._payments.remove_payment(s, payment_id))

    def void(self, approval: Approval | None = None) -> None:
        """``approval``: a manager's, where the store asks one of a cashier."""
        self.cashier_acted.emit()

        def job(sale_id: uuid.UUID) -> Sale:
            voided = self._payments.void(sale_id, approval)
            self._cancel_cards()
            return voided

        self._on_sale_job(job, self._voided)

    def settle(self) -> None:
        """Ask the server again about payments whose answers never came."""
        self._on_sale(self._payments.settle)

    # -- plumbing ----------------------------------------------------------------------------

    def _parse(self, text: str) -> Money:
        currency = self.currency
        if currency is None:
            raise DomainError("Add an item to the ticket first.")
        return Money.parse(text, currency)

    def _on_sale(self, job: Callable[[uuid.UUID], Sale]) -> None:
        self._on_sale_job(job, self._show_sale)

    def _acted(self, job: Callable[[uuid.UUID], Sale]) -> None:
        """A change the cashier asked for (not a retry or a reload)."""
        self.cashier_acted.emit()
        self._on_sale(job)

    def _on_sale_job(
        self, job: Callable[[uuid.UUID], Any], on_success: Callable[[Any], None]
    ) -> None:
        sale = self.sale
        if sale is None:
            self.failed.emit("Add an item to the ticket first.")
            return
        self._run(lambda: job(sale.id), on_success)

    def _run(
        self,
        job: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        def failed(error: Exception) -> None:
            self._on_failed(error, on_refused or self.failed.emit)

        self._worker.submit(job, on_success, failed)

    def _gift_card_answered(
        self, outcome: GiftCardPaid | PartialRedeem, number: str | None = None
    ) -> None:
        """``number``: the card's, read at the counter (None: paid by an e-mailed code, the
        card is not here, so no cash-out is offered)."""
        if isinstance(outcome, PartialRedeem):
            self.partial_redeem_needed.emit(outcome)
            return
        self.gift_card_paid.emit(outcome, gift_card_confirmation(outcome.payment, self._locale))
        offer = self._cash_out_offer(outcome.payment, number)
        if outcome.sale.status is SaleStatus.COMPLETED:
            self._offer = offer  # after the paid screen, which is about to open
            self._show_sale(outcome.sale)
            return
        self._show_sale(outcome.sale)
        if offer is not None:
            self.cash_out_offered.emit(offer)

    def _cash_out_offer(self, payment: Payment, number: str | None) -> CashOutOffer | None:
        rules = self._rules
        below = rules.cash_out_below if rules is not None else None
        balance = payment.balance_after
        if number is None or payment.card_id is None or balance is None:
            return None
        if not offers_cash_out(balance, below):
            return None
        return CashOutOffer(payment.card_id, number, payment.card_last4 or "", balance)

    def _voided(self, sale: Sale) -> None:
        self.voided.emit(sale)
        self._show_sale(None)

    def _show_sale(self, sale: Sale | None) -> None:
        if sale is not None and sale.status is SaleStatus.COMPLETED:
            self._settle_timer.stop()
            done, locale = sale, self._locale
            self._run(
                lambda: Finished(
                    done,
                    self._receipts.produce(done),
                    paid_summary(done, locale),
                    paid_confirmation(done, locale),
                ),
                self._finished,
            )
            return
        if sale is not None and sale.status is SaleStatus.VOIDED:
            sale = None
        self.sale = sale
        self.sale_changed.emit(sale)
        if sale is not None and any(not p.is_settled for p in sale.payments):
            self._settle_timer.start()

    def _finished(self, finished: Finished) -> None:
        self.sale = None
        self.sale_changed.emit(None)
        self.completed.emit(finished)
        offer, self._offer = self._offer, None
        if offer is not None:
            self.cash_out_offered.emit(offer)

    def _on_failed(self, error: Exception, say: Callable[[str], None]) -> None:
        super()._on_failed(error, say)
        if ends_session(error):
            return  # the window locks; the ticket waits in the database for its owner
        if isinstance(error, PaymentUnsettled):
            self._settle_timer.start()
        # The ticket on screen may be stale after a refusal (a payment marked refused, a
        # reversal kept): show it as the database holds it.
        sale = self.sale
        if sale is not None:
            self._worker.submit(
                lambda: self._payments.load(sale.id),
                self._show_sale,
                lambda exc: log.error("cannot reload ticket %s", sale.id, exc_info=exc),
            )
