"""Store settings a manager sets: what the server checks beyond a field's type and length."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from pos_desktop.domain.approvals import APPROVAL_LABELS, ApprovalAction
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.store_setup import known_currency, known_locale, known_timezone
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import GiftCard, Store, SyncedTicket


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, ErrorCode.INVALID_SETTING, message, field=field)


def check_currency(code: str) -> None:
    if not known_currency(code):
        raise _invalid("currency", f"currency: {code!r} is not an ISO 4217 code such as USD.")


def check_locale(name: str) -> None:
    if not known_locale(name):
        raise _invalid("locale", f"locale: {name!r} is not a language and country such as en_US.")


def check_timezone(name: str) -> None:
    if not known_timezone(name):
        raise _invalid(
            "timezone", f"timezone: {name!r} is not an IANA time zone such as America/New_York."
        )


def check_tip_presets(percents: list[int]) -> list[int]:
    """The presets from the smallest up, as the Pay screen shows them; each one once."""
    for percent in percents:
        if percents.count(percent) > 1:
            raise _invalid("tip_presets", f"tip_presets: {percent} % is there twice.")
    return sorted(percents)


def check_tax_rates(rates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each rate's name once (whatever its case): a product's rate is picked by name."""
    seen: set[str] = set()
    for rate in rates:
        key = str(rate["name"]).casefold()
        if key in seen:
            raise _invalid("tax_rates", f"tax_rates: the name “{rate['name']}” is there twice.")
        seen.add(key)
    return [{"name": rate["name"], "rate_bp": rate["rate_bp"]} for rate in rates]


def check_approvals(actions: list[str]) -> list[str]:
    """Each action once, in the order the Back Office lists them: saving the same choice in
    another order is no change."""
    chosen = {ApprovalAction(action) for action in actions}
    return [action.value for action in APPROVAL_LABELS if action in chosen]


def check_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` as the store keeps them; the first value it cannot hold is refused, naming
    its field."""
    checks = {"currency": check_currency, "locale": check_locale, "timezone": check_timezone}
    for field, check in checks.items():
        if field in values:
            check(values[field])
    clean = dict(values)
    if "tip_presets" in clean:
        clean["tip_presets"] = check_tip_presets(clean["tip_presets"])
    if "tax_rates" in clean:
        clean["tax_rates"] = check_tax_rates(clean["tax_rates"])
    if "approvals" in clean:
        clean["approvals"] = check_approvals(clean["approvals"])
    return clean


def currency_locked(db: Session, store_id: uuid.UUID) -> bool:
    """A card or a ticket is in the store's currency: changing it would change their value."""
    return bool(
        db.execute(
            select(
                or_(
                    exists().where(GiftCard.store_id == store_id),
                    exists().where(SyncedTicket.store_id == store_id),
                )
            )
        ).scalar_one()
    )


def currency_is_locked(currency: str) -> ApiError:
    return ApiError(
        409,
        ErrorCode.CURRENCY_LOCKED,
        f"currency: cards or tickets exist in {currency}, so the currency can no longer change.",
        field="currency",
    )


def settings_of(store: Store) -> dict[str, Any]:
    """The store's settings by ``StoreUpdate`` field name, as the audit log compares them."""
    return {
        "name": store.name,
        "address": store.address,
        "phone": store.phone,
        "receipt_header": store.receipt_header,
        "receipt_footer": store.receipt_footer,
        "currency": store.currency,
        "locale": store.locale,
        "timezone": store.timezone,
        "prices_include_tax": store.prices_include_tax,
        "tenders": [name for name in store.tenders.splitlines() if name],
        "tip_base": store.tip_base,
        "idle_lock_seconds": store.idle_lock_seconds,
        "deduction_code_to": store.deduction_code_to,
        "deduction_code_minutes": store.deduction_code_minutes,
        "max_card_amount": store.max_card_amount,
        "pin_digits": store.pin_digits,
        "tax_rates": list(store.tax_rates),
        "tip_presets": list(store.tip_presets),
        "approvals": list(store.approvals),
        "min_card_amount": store.min_card_amount,
        "giftcard_pays_giftcard": store.giftcard_pays_giftcard,
        "cash_out_below": store.cash_out_below or 0,
        "cards_chain_wide": store.cards_chain_wide,
    }


def check_card_range(store: Store, wanted: Mapping[str, Any]) -> None:
    """The smallest card the counter sells is no larger than the largest."""
    least = wanted.get("min_card_amount", store.min_card_amount)
    most = wanted.get("max_card_amount", store.max_card_amount)
    if least > most:
        raise _invalid(
            "min_card_amount",
            "min_card_amount: the smallest gift card is more than the largest one.",
        )


def apply_settings(store: Store, changes: Mapping[str, Any]) -> None:
    for field, value in changes.items():
        if field == "tenders":
            value = "\n".join(value)
        elif field == "cash_out_below":
            value = value or None
        setattr(store, field, value)
