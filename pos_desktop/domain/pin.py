"""Employee PIN policy: 4 to 8 digits."""

from __future__ import annotations

from pos_desktop.domain.errors import InvalidPin

PIN_MIN_LENGTH = 4
PIN_MAX_LENGTH = 8


def validate_pin(pin: str) -> str:
    if not pin.isascii() or not pin.isdigit():
        raise InvalidPin("A PIN has digits only.")
    if not PIN_MIN_LENGTH <= len(pin) <= PIN_MAX_LENGTH:
        raise InvalidPin(f"A PIN has {PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} digits.")
    return pin
