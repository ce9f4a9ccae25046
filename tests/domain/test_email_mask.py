"""Masked e-mail addresses: where a Deduct Funds code went, without showing the address."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.email_mask import MASK, mask_email, mask_emails


def test_mask_email_keeps_first_letter_and_domain() -> None:
    """Only the first character of the local part survives, then the mask and the domain."""
    assert mask_email("jane.doe@example.com") == "j•••@example.com"


def test_mask_email_one_letter_local_part_still_masked() -> None:
    """A one-letter local part gets the mask too, so its length is not revealed."""
    assert mask_email("j@example.com") == "j•••@example.com"


def test_mask_email_ignores_surrounding_spaces() -> None:
    """Spaces around a stored address do not show up in the mask."""
    assert mask_email("  pat@example.com ") == "p•••@example.com"


def test_mask_email_splits_at_the_last_at_sign() -> None:
    """A quoted local part with an @ in it masks up to the domain's @."""
    assert mask_email('"a@b"@example.com') == '"•••@example.com'


@pytest.mark.parametrize("text", ["", "example.com", "@example.com", "pat@", "   "])
def test_mask_email_non_address_is_masked_whole(text: str) -> None:
    """Something that is not an address shows nothing of itself."""
    assert mask_email(text) == MASK


def test_mask_emails_joins_with_commas_in_order() -> None:
    """Buyer and recipient are both shown, in the order given."""
    assert mask_emails(["buyer@shop.test", "pat@example.com"]) == (
        "b•••@shop.test, p•••@example.com"
    )


@given(
    local=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=2, max_size=40),
    domain=st.from_regex(r"[a-z]{1,10}\.[a-z]{2,5}", fullmatch=True),
)
def test_mask_email_never_shows_more_than_first_character(local: str, domain: str) -> None:
    """Whatever the address, the mask holds the first character and none of the rest."""
    masked = mask_email(f"{local}@{domain}")

    assert masked == f"{local[0]}{MASK}@{domain}"
    assert local[1:] not in masked.removesuffix(f"@{domain}")[1:]
