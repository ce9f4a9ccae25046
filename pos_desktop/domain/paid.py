"""What the counter shows once a ticket is paid: the change, out of the cash handed over, and
what each tender paid ("Gift card •••• 4321  $20.00", "Cash  $10.00")."""

from __future__ import annotations

from dataclasses import dataclass

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import Payment, TenderKind

NO_CHANGE = "No change"


@dataclass(frozen=True, slots=True)
class TenderLine:
    label: str  # "Gift card •••• 4321", "Cash", "Card", a store's own tender
    amount: str  # formatted for the store's locale


@dataclass(frozen=True, slots=True)
class PaidSummary:
    change: Money
    headline: str  # "Change $0.76 out of $10.00", or NO_CHANGE
    tenders: tuple[TenderLine, ...]


def tender_label(payment: Payment) -> str:
    if payment.kind is TenderKind.GIFT_CARD:
        return (
            f"Gift card {mask_card_number(payment.card_last4)}"
            if payment.card_last4
            else "Gift card"
        )
    if payment.kind is TenderKind.CASH:
        return "Cash"
    if payment.kind is TenderKind.CARD:
        return "Card"
    return payment.label


def tender_paid(payment: Payment) -> Money:
    """Cash shows what was handed over (the change comes out of it); others what they paid."""
    return payment.tendered if payment.tendered is not None else payment.covered


def paid_summary(sale: Sale, locale: str) -> PaidSummary:
    payments = sale.visible_payments
    change = sale.change
    tenders = tuple(TenderLine(tender_label(p), tender_paid(p).format(locale)) for p in payments)
    if not change.is_positive():
        return PaidSummary(change, NO_CHANGE, tenders)
    handed = Money.zero(sale.currency)
    for payment in payments:
        if payment.tendered is not None and payment.change.is_positive():
            handed += payment.tendered
    headline = f"Change {change.format(locale)} out of {handed.format(locale)}"
    return PaidSummary(change, headline, tenders)
