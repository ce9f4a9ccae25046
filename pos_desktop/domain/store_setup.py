"""The first start's rules: what a new store and a join to a store server must give, checked
before anything is created, with one message per field that is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies

from pos_desktop.domain.errors import InvalidPin
from pos_desktop.domain.pin import PIN_MAX_LENGTH, PIN_MIN_LENGTH, validate_pin

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
) -> NewStore:
    """The form as a ``NewStore``; ``SetupInvalid`` names every field that is wrong."""
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
    if errors:
        raise SetupInvalid(errors)
    return NewStore(
        name, address, phone, currency, locale, timezone, prices_include_tax, manager_name, pin
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
