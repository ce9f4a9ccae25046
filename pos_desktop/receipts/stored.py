"""A receipt as stored with its print job (JSON), so a reprint is the same receipt rendered
again, marked COPY, for the printer of the day.

Explicit fields both ways (no pickle): what is stored is data, and a stored receipt that no
longer reads raises ``ValueError``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import Receipt, ReceiptCard, ReceiptLine, ReceiptPayment
from pos_desktop.domain.tender import TenderKind


def dump_receipt(receipt: Receipt) -> str:
    return json.dumps(
        {
            "store_name": receipt.store_name,
            "register_name": receipt.register_name,
            "locale": receipt.locale,
            "ticket_number": receipt.ticket_number,
            "short_id": receipt.short_id,
            "employee_name": receipt.employee_name,
            "completed_at": receipt.completed_at.isoformat(),
            "lines": [
                {
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price": _money(line.unit_price),
                    "amount": _money(line.amount),
                    "card": _dump_card(line.card),
                }
                for line in receipt.lines
            ],
            "subtotal": _money(receipt.subtotal),
            "tax": _money(receipt.tax),
            "tip": _money(receipt.tip),
            "total": _money(receipt.total),
            "payments": [
                {
                    "kind": payment.kind.value,
                    "label": payment.label,
                    "covered": _money(payment.covered),
                    "tendered": _money(payment.tendered),
                    "change": _money(payment.change),
                    "reference": payment.reference,
                    "masked_card": payment.masked_card,
                    "balance_after": _money(payment.balance_after),
                }
                for payment in receipt.payments
            ],
            "change": _money(receipt.change),
            "prices_include_tax": receipt.prices_include_tax,
            "note": receipt.note,
            "copy": receipt.copy,
            "demo": receipt.demo,
            "header_lines": list(receipt.header_lines),
            "footer_lines": list(receipt.footer_lines),
        },
        ensure_ascii=False,
    )


def load_receipt(text: str) -> Receipt:
    """The receipt ``dump_receipt`` stored; ``ValueError`` when ``text`` is not one."""
    try:
        data = json.loads(text)
        return Receipt(
            store_name=str(data["store_name"]),
            register_name=str(data["register_name"]),
            locale=str(data["locale"]),
            ticket_number=data["ticket_number"],
            short_id=str(data["short_id"]),
            employee_name=str(data["employee_name"]),
            completed_at=datetime.fromisoformat(data["completed_at"]),
            lines=tuple(
                ReceiptLine(
                    name=str(line["name"]),
                    quantity=int(line["quantity"]),
                    unit_price=_required(line["unit_price"]),
                    amount=_required(line["amount"]),
                    # Stored before gift cards were sold on lines: none.
                    card=_load_card(line.get("card")),
                )
                for line in data["lines"]
            ),
            subtotal=_required(data["subtotal"]),
            tax=_required(data["tax"]),
            tip=_loaded(data["tip"]),
            total=_required(data["total"]),
            payments=tuple(
                ReceiptPayment(
                    kind=TenderKind(payment["kind"]),
                    label=str(payment["label"]),
                    covered=_required(payment["covered"]),
                    tendered=_loaded(payment["tendered"]),
                    change=_loaded(payment["change"]),
                    reference=payment["reference"],
                    masked_card=payment["masked_card"],
                    balance_after=_loaded(payment["balance_after"]),
                )
                for payment in data["payments"]
            ),
            change=_required(data["change"]),
            prices_include_tax=bool(data["prices_include_tax"]),
            note=data["note"],
            copy=bool(data["copy"]),
            # Stored before the demo had a mark: not marked.
            demo=bool(data.get("demo", False)),
            # Stored before stores had a header and footer: none.
            header_lines=tuple(str(line) for line in data.get("header_lines", ())),
            footer_lines=tuple(str(line) for line in data.get("footer_lines", ())),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a stored receipt: {exc!r}") from exc


def _dump_card(card: ReceiptCard | None) -> dict[str, Any] | None:
    if card is None:
        return None
    return {
        "masked": card.masked,
        "reload": card.reload,
        "amount": _money(card.amount),
        "recipient": card.recipient,
        "send_at": card.send_at.isoformat() if card.send_at else None,
    }


def _load_card(data: Any) -> ReceiptCard | None:
    if data is None:
        return None
    send_at = data.get("send_at")
    return ReceiptCard(
        masked=str(data["masked"]),
        reload=bool(data["reload"]),
        amount=_required(data["amount"]),
        recipient=data.get("recipient"),
        send_at=datetime.fromisoformat(send_at) if send_at else None,
    )


def _money(amount: Money | None) -> list[Any] | None:
    return None if amount is None else [amount.minor, amount.currency]


def _loaded(value: Any) -> Money | None:
    if value is None:
        return None
    minor, currency = value
    return Money(int(minor), str(currency))


def _required(value: Any) -> Money:
    amount = _loaded(value)
    if amount is None:
        raise ValueError("a stored receipt lacks an amount")
    return amount
