"""E-mail addresses as a cashier may see them: enough to tell the customer where the code went
("j•••@example.com"), not enough to read the address off the screen."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "•••"


def mask_email(address: str) -> str:
    """The first character of the local part, a mask, and the whole domain.

    The domain stays readable: "it went to your work address" is what the customer needs,
    and the domain alone does not name anyone. Something that is not an address is masked
    whole rather than shown.
    """
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        return MASK
    return f"{local[0]}{MASK}@{domain}"


def mask_emails(addresses: Iterable[str]) -> str:
    """Several masked addresses as one line, comma-separated, in the order given."""
    return ", ".join(mask_email(address) for address in addresses)
