"""The first start's rules: what a new store and a join to a store server must give, checked
before anything is created, with one message per field that is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies

from pos_desktop.domain.errors import InvalidPin
from pos_desktop.domain.pin import PIN_MAX_LENGTH, PIN_MIN_LENGTH, validate_pin
from pos_desktop.domain.product_rules import FieldRefused, tax_rate_bp

# Offered in the pickers; any other ISO 4217 code, locale or zone may still be typed.
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SEK", "NOK", "DKK")
COMMON_LOCALES = ("en_US", "en_GB", "en_CA", "fr_FR", "fr_CA", "de_DE", "es_ES", "it_IT", "nl_NL")
COMMON_TIMEZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Australia/Sydney",
    "UTC",
)

NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 500
PHONE_MAX_LENGTH = 40
PHONE_CHARACTERS = frozenset("0123456789 +-().")
TAX_RATES_MAX = 10
TAX_RATE_NAME_MAX = 40
TIP_PRESETS_MAX = 4
TIP_PRESET_MAX = 100

NO_STORE_NAME = "Give the store a name."
NAME_TOO_LONG = f"A name has at most {NAME_MAX_LENGTH} characters."
UNKNOWN_CURRENCY = "Not a currency: give its three-letter code, e.g. USD or EUR."
UNKNOWN_LOCALE = "Not a language and region, e.g. en_US or fr_FR."
UNKNOWN_TIMEZONE = "Not a time zone, e.g. America/New_York or Europe/Paris."
NO_MANAGER_NAME = "Give the manager's name."
ADDRESS_TOO_LONG = f"An address has at most {ADDRESS_MAX_LENGTH} characters."
NOT_A_PHONE = f"A phone number has digits, spaces and + - ( ) . only, {PHONE_MAX_LENGTH} at most."
PIN_LENGTH = f"A PIN has {PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} digits."
PINS_DIFFER = "The two PINs differ; enter the same PIN twice."
NO_RATE_NAME = "Give the rate a name, or remove the row."
RATE_NAME_TOO_LONG = f"A rate's name has at most {TAX_RATE_NAME_MAX} characters."
NO_RATE_PERCENT = "Give the rate in percent, such as 8.25 (0 for none)."
TOO_MANY_RATES = f"A store has at most {TAX_RATES_MAX} tax rates."
NO_TIP_PRESET = "Give at least one tip percentage."
NOT_A_TIP = "A tip button is a whole percentage from 1 to 100."
NOT_A_URL = "Give the server's address, starting with http:// or https://."
NO_CODE = "Give the enrollment code a manager made for this register."


@dataclass(frozen=True, slots=True)
class NewStore:
    """A store to create, every field checked."""

    name: str
    address: str  # printed on receipts; may be empty
    phone: str
    currency: str
    locale: str
    timezone: str
    prices_include_tax: bool
    manager_name: str
    manager_pin: str
    # The store's named rates: (("Sales tax", 825), ...); none at all is allowed.
    tax_rates: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class JoinServer:
    """A store server to enroll with, every field checked."""

    server_url: str
    code: str


class SetupInvalid(ValueError):
    """Fields that cannot hold what was given: field name → message to show next to it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {text}" for field, text in errors.items()))
        self.errors = errors


def rate_name_twice(name: str) -> str:
    return f"“{name}” is already a rate above."


def tip_twice(percent: int) -> str:
    return f"{percent} % is there twice."


def tax_rate_field(row: int) -> str:
    """The field name of the ``row``th tax rate (0 first), as refusals name it."""
    return f"tax_rates.{row}"


def tax_rates(rows: Sequence[tuple[str, str]]) -> tuple[tuple[str, int], ...]:
    """Tax rates as typed, a name and a percentage ("8.25") a row, as (name, basis points);
    ``SetupInvalid`` names each bad row (``tax_rate_field``), or ``tax_rates`` for too many."""
    errors: dict[str, str] = {}
    rates: list[tuple[str, int]] = []
    seen: set[str] = set()
    for row, (typed_name, typed_percent) in enumerate(rows):
        name, percent = " ".join(typed_name.split()), typed_percent.strip()
        field = tax_rate_field(row)
        if not name:
            errors[field] = NO_RATE_NAME
        elif len(name) > TAX_RATE_NAME_MAX:
            errors[field] = RATE_NAME_TOO_LONG
        elif name.casefold() in seen:
            errors[field] = rate_name_twice(name)
        elif not percent:
            errors[field] = NO_RATE_PERCENT
        else:
            try:
                rates.append((name, tax_rate_bp(percent)))
            except FieldRefused as exc:
                errors[field] = str(exc)
        seen.add(name.casefold())
    if len(rows) > TAX_RATES_MAX:
        errors["tax_rates"] = TOO_MANY_RATES
    if errors:
        raise SetupInvalid(errors)
    return tuple(rates)


def tip_presets(texts: Sequence[str]) -> tuple[int, ...]:
    """The Pay screen's tip buttons as typed, one percentage a field ("15", "15 %"), blanks
    skipped: smallest first. ``SetupInvalid`` names ``tip_presets``."""
    percents: list[int] = []
    for text in texts:
        shown = text.strip().removesuffix("%").strip()
        if not shown:
            continue
        if not shown.isdecimal() or not 1 <= int(shown) <= TIP_PRESET_MAX:
            raise SetupInvalid({"tip_presets": NOT_A_TIP})
        if int(shown) in percents:
            raise SetupInvalid({"tip_presets": tip_twice(int(shown))})
        percents.append(int(shown))
    if not percents:
        raise SetupInvalid({"tip_presets": NO_TIP_PRESET})
    if len(percents) > TIP_PRESETS_MAX:
        raise SetupInvalid({"tip_presets": f"At most {TIP_PRESETS_MAX} tip buttons."})
    return tuple(sorted(percents))


def _name_error(name: str, empty: str) -> str | None:
    if not name:
        return empty
    if len(name) > NAME_MAX_LENGTH:
        return NAME_TOO_LONG
    return None


def known_currency(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and code in list_currencies()


def known_locale(locale: str) -> bool:
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return bool(locale)


@cache
def timezone_choices() -> tuple[str, ...]:
    """The time-zone picker's list: the common zones first, then every other by name. Read
    from the zone database once (it scans the disk), whichever screen asks first."""
    return COMMON_TIMEZONES + tuple(sorted(available_timezones() - set(COMMON_TIMEZONES)))


def known_timezone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False  # zoneinfo would look a path up on disk
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def new_store(
    *,
    name: str,
    address: str = "",
    phone: str = "",
    currency: str,
    locale: str,
    timezone: str,
    prices_include_tax: bool,
    manager_name: str,
    pin: str,
    pin_again: str,
    tax_rate_name: str = "",
    tax_rate_percent: str = "",
) -> NewStore:
    """The form as a ``NewStore``; ``SetupInvalid`` names every field that is wrong. The tax
    rate is optional: with neither a name nor a percentage the store starts with none."""
    name, manager_name = name.strip(), manager_name.strip()
    address, phone = address.strip(), phone.strip()
    currency, locale, timezone = currency.strip().upper(), locale.strip(), timezone.strip()
    errors: dict[str, str] = {}
    if (problem := _name_error(name, NO_STORE_NAME)) is not None:
        errors["name"] = problem
    if len(address) > ADDRESS_MAX_LENGTH:
        errors["address"] = ADDRESS_TOO_LONG
    if len(phone) > PHONE_MAX_LENGTH or not set(phone) <= PHONE_CHARACTERS:
        errors["phone"] = NOT_A_PHONE
    if not known_currency(currency):
        errors["currency"] = UNKNOWN_CURRENCY
    if not known_locale(locale):
        errors["locale"] = UNKNOWN_LOCALE
    if not known_timezone(timezone):
        errors["timezone"] = UNKNOWN_TIMEZONE
    if (problem := _name_error(manager_name, NO_MANAGER_NAME)) is not None:
        errors["manager_name"] = problem
    try:
        validate_pin(pin)
    except InvalidPin:
        errors["pin"] = PIN_LENGTH
    else:
        if pin_again != pin:
            errors["pin_again"] = PINS_DIFFER
    rates: tuple[tuple[str, int], ...] = ()
    if tax_rate_name.strip() or tax_rate_percent.strip():
        try:
            rates = tax_rates([(tax_rate_name, tax_rate_percent)])
        except SetupInvalid as exc:
            errors["tax_rate"] = exc.errors[tax_rate_field(0)]
    if errors:
        raise SetupInvalid(errors)
    return NewStore(
        name,
        address,
        phone,
        currency,
        locale,
        timezone,
        prices_include_tax,
        manager_name,
        pin,
        rates,
    )


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or bracket
        return False


def join_server(*, server_url: str, code: str) -> JoinServer:
    """The form as a ``JoinServer``; ``SetupInvalid`` names every field that is wrong."""
    server_url, code = server_url.strip().rstrip("/"), code.strip()
    errors: dict[str, str] = {}
    if not _is_http_url(server_url):
        errors["server_url"] = NOT_A_URL
    if not code:
        errors["code"] = NO_CODE
    if errors:
        raise SetupInvalid(errors)
    return JoinServer(server_url, code)
