"""The store's settings in the Back Office: read from the server, and saved as only the fields
the manager changed, after the checks the register can make itself (currency, language and
region, time zone) so a typo costs no round trip. A refusal names the field to fix; a tax
rate's is ``tax_rates.N`` (``store_setup.tax_rate_field``), the row it is about."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from pos_desktop.contracts import BackOfficeStore, StoreUpdate
from pos_desktop.domain.approvals import APPROVAL_LABELS
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.store_setup import (
    UNKNOWN_CURRENCY,
    UNKNOWN_LOCALE,
    UNKNOWN_TIMEZONE,
    known_currency,
    known_locale,
    known_timezone,
    tax_rate_field,
)
from pos_desktop.services.results import StoreSettingsRefused, StoreSettingsValues
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError

# The server's refusals about one setting; its ``field`` says which.
_FIELD_REFUSALS = frozenset(
    {ErrorCode.INVALID_SETTING, ErrorCode.INVALID_REQUEST, ErrorCode.CURRENCY_LOCKED}
)
NOT_SAVED = "Not a value this setting takes."


class StoreSettingsService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    def load(self) -> StoreSettingsValues:
        return _values(self._client.backoffice_store())

    def save(self, before: StoreSettingsValues, edited: StoreSettingsValues) -> StoreSettingsValues:
        """Send what differs from ``before``; the store as the server then holds it.
        StoreSettingsRefused names each field to fix; nothing is sent if the register can tell."""
        changes = before.changes(edited)
        if not changes:
            return before
        local = _local_errors(changes)
        if local:
            raise StoreSettingsRefused(local)
        for amount_field in ("max_card_amount", "min_card_amount", "cash_out_below"):
            if amount_field in changes:
                amount = getattr(edited, amount_field)
                # No cash-out law is sent as 0, the server's word for none.
                changes[amount_field] = amount.minor if amount is not None else 0
        if "tenders" in changes:
            changes["tenders"] = list(edited.tenders)
        if "tax_rates" in changes:
            changes["tax_rates"] = [
                {"name": name, "rate_bp": rate_bp} for name, rate_bp in edited.tax_rates
            ]
        if "tip_presets" in changes:
            changes["tip_presets"] = list(edited.tip_presets)
        if "approvals" in changes:
            changes["approvals"] = [a for a in APPROVAL_LABELS if a in edited.approvals]
        try:
            update = StoreUpdate.model_validate(changes)
        except ValidationError as exc:
            raise StoreSettingsRefused(
                {_field_key(error["loc"]): NOT_SAVED for error in exc.errors() if error["loc"]}
            ) from exc
        try:
            return _values(self._client.update_backoffice_store(update))
        except ServerError as exc:
            field = exc.details.get("field")
            if exc.code in _FIELD_REFUSALS and isinstance(field, str):
                raise StoreSettingsRefused({_field_key(field.split(".")): exc.message}) from exc
            if exc.code == ErrorCode.CURRENCY_LOCKED:
                raise StoreSettingsRefused({"currency": exc.message}) from exc
            raise


def _field_key(loc: Sequence[object]) -> str:
    """The page's name for the field a refusal is about: ``tax_rates.N`` for a tax rate's row
    (``tax_rates.2.rate_bp``), else the setting itself (``tip_presets.0`` is ``tip_presets``)."""
    first = str(loc[0])
    if first == "tax_rates" and len(loc) > 1 and str(loc[1]).isdecimal():
        return tax_rate_field(int(str(loc[1])))
    return first


def _local_errors(changes: dict[str, object]) -> dict[str, str]:
    checks = (
        ("currency", known_currency, UNKNOWN_CURRENCY),
        ("locale", known_locale, UNKNOWN_LOCALE),
        ("timezone", known_timezone, UNKNOWN_TIMEZONE),
    )
    return {
        field: message
        for field, known, message in checks
        if field in changes and not known(str(changes[field]))
    }


def _values(store: BackOfficeStore) -> StoreSettingsValues:
    return StoreSettingsValues(
        name=store.name,
        address=store.address,
        phone=store.phone,
        receipt_header=store.receipt_header,
        receipt_footer=store.receipt_footer,
        currency=store.currency,
        locale=store.locale,
        timezone=store.timezone,
        prices_include_tax=store.prices_include_tax,
        tip_base=store.tip_base,
        idle_lock_seconds=store.idle_lock_seconds,
        deduction_code_to=store.deduction_code_to,
        deduction_code_minutes=store.deduction_code_minutes,
        max_card_amount=store.max_card_amount.to_money(),
        tenders=tuple(store.tenders),
        currency_locked=store.currency_locked,
        tax_rates=tuple((rate.name, rate.rate_bp) for rate in store.tax_rates),
        tip_presets=tuple(store.tip_presets),
        approvals=frozenset(store.approvals),
        min_card_amount=store.min_card_amount.to_money() if store.min_card_amount else None,
        giftcard_pays_giftcard=store.giftcard_pays_giftcard,
        cash_out_below=store.cash_out_below.to_money() if store.cash_out_below else None,
        cards_chain_wide=store.cards_chain_wide,
    )
