"""Gift-card status, derived from the card's flags and activities, and who may be redeemed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import CardNotRedeemable
from pos_desktop.domain.giftcard import (
    ActivityKind,
    CardRecord,
    CardStatus,
    derive_status,
    ensure_redeemable,
)

K = ActivityKind

NON_DEDUCTION_KINDS = [K.ISSUE, K.ACTIVATE, K.ADJUST, K.BLOCK, K.UNBLOCK]
activity_histories = st.lists(st.sampled_from(list(ActivityKind)), max_size=12).map(tuple)


def card(
    *kinds: ActivityKind, sent: bool = True, blocked: bool = False, voided: bool = False
) -> CardRecord:
    return CardRecord(sent=sent, blocked=blocked, voided=voided, activity_kinds=kinds)


# --- derive_status ---------------------------------------------------------------------------


def test_derive_status_reaches_every_status() -> None:
    """Each CardStatus is the status of some card record."""
    # given one record per situation the seeds and the store name
    records = [
        card(K.ISSUE, sent=False),
        card(K.ISSUE, K.ACTIVATE),
        card(K.ISSUE, K.ACTIVATE, K.REDEEM),
        card(K.ISSUE, K.BLOCK, blocked=True),
        card(K.ISSUE, K.VOID, voided=True),
    ]
    # when their statuses are derived
    statuses = {derive_status(r) for r in records}
    # then every status is reached
    assert statuses == set(CardStatus)


def test_derive_status_is_pending_until_sent() -> None:
    """A bought card not yet sent to the recipient is pending."""
    # given a card issued but not sent
    # when its status is derived
    # then it is pending
    assert derive_status(card(K.ISSUE, sent=False)) is CardStatus.PENDING


def test_derive_status_is_active_when_sent_and_never_redeemed() -> None:
    """A delivered card with no deduction is active."""
    # given a card issued and activated, never redeemed
    # when its status is derived
    # then it is active
    assert derive_status(card(K.ISSUE, K.ACTIVATE)) is CardStatus.ACTIVE


@pytest.mark.parametrize("deduction", [K.REDEEM, K.DEDUCT_BY_CODE])
def test_derive_status_is_used_after_a_deduction(deduction: ActivityKind) -> None:
    """A redeem at checkout or a deduction by e-mail code makes the card used."""
    # given a delivered card with one deduction
    # when its status is derived
    # then it is used
    assert derive_status(card(K.ISSUE, K.ACTIVATE, deduction)) is CardStatus.USED


@pytest.mark.parametrize("kind", NON_DEDUCTION_KINDS)
def test_derive_status_ignores_activities_that_deduct_nothing(kind: ActivityKind) -> None:
    """Issue, activate, adjust, block and unblock rows do not make a card used."""
    # given a delivered card whose only extra activity deducts nothing
    # when its status is derived
    # then it is still active
    assert derive_status(card(K.ISSUE, K.ACTIVATE, kind)) is CardStatus.ACTIVE


def test_derive_status_is_active_again_after_redeem_is_reversed() -> None:
    """Reversing the only redeem makes a used card active again."""
    # given a card redeemed once and that redeem reversed
    # when its status is derived
    # then it is active again
    assert derive_status(card(K.ISSUE, K.ACTIVATE, K.REDEEM, K.REVERSE)) is CardStatus.ACTIVE


def test_derive_status_stays_used_while_a_deduction_is_not_reversed() -> None:
    """Two deductions and one reversal leave the card used."""
    # given a card with two deductions, one of them reversed
    # when its status is derived
    status = derive_status(card(K.ISSUE, K.REDEEM, K.DEDUCT_BY_CODE, K.REVERSE))
    # then it is still used
    assert status is CardStatus.USED


def test_derive_status_is_blocked_while_a_manager_holds_it() -> None:
    """A blocked card is blocked, whatever its deductions."""
    # given a used card a manager blocked
    # when its status is derived
    # then it is blocked
    assert derive_status(card(K.ISSUE, K.REDEEM, K.BLOCK, blocked=True)) is CardStatus.BLOCKED


def test_derive_status_returns_from_blocked_when_unblocked() -> None:
    """Unblocking gives the card back the status its history says."""
    # given a used card blocked and then unblocked
    # when its status is derived
    status = derive_status(card(K.ISSUE, K.REDEEM, K.BLOCK, K.UNBLOCK, blocked=False))
    # then it is used again
    assert status is CardStatus.USED


def test_derive_status_voided_wins_over_blocked() -> None:
    """A card both blocked and voided is voided."""
    # given a card blocked and then voided
    # when its status is derived
    # then voided wins
    assert derive_status(card(K.BLOCK, K.VOID, blocked=True, voided=True)) is CardStatus.VOIDED


@given(sent=st.booleans(), blocked=st.booleans(), kinds=activity_histories)
def test_derive_status_voided_wins_over_everything(
    sent: bool, blocked: bool, kinds: tuple[ActivityKind, ...]
) -> None:
    """A voided card is voided whatever else its record says."""
    # given any voided card
    record = card(*kinds, sent=sent, blocked=blocked, voided=True)
    # when its status is derived
    # then it is voided
    assert derive_status(record) is CardStatus.VOIDED


@given(sent=st.booleans(), kinds=activity_histories)
def test_derive_status_blocked_wins_over_pending_active_and_used(
    sent: bool, kinds: tuple[ActivityKind, ...]
) -> None:
    """A blocked card that is not voided is blocked whatever its history."""
    # given any blocked, not voided card
    record = card(*kinds, sent=sent, blocked=True)
    # when its status is derived
    # then it is blocked
    assert derive_status(record) is CardStatus.BLOCKED


@given(kinds=activity_histories)
def test_derive_status_unsent_card_is_pending_whatever_its_history(
    kinds: tuple[ActivityKind, ...],
) -> None:
    """A card not yet sent (and not blocked or voided) is pending."""
    # given any unsent, unblocked, unvoided card
    # when its status is derived
    # then it is pending
    assert derive_status(card(*kinds, sent=False)) is CardStatus.PENDING


# --- ensure_redeemable -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [CardStatus.PENDING, CardStatus.BLOCKED, CardStatus.VOIDED])
def test_ensure_redeemable_refuses_naming_the_status(status: CardStatus) -> None:
    """Pending, blocked and voided cards are refused with a message naming the status."""
    # given a card in a status money may not leave
    # when redemption is checked
    with pytest.raises(CardNotRedeemable) as refused:
        ensure_redeemable(status)
    # then the message names the status
    assert f"is {status.value}" in refused.value.message
    assert refused.value.code == "card_not_redeemable"


@pytest.mark.parametrize("status", [CardStatus.ACTIVE, CardStatus.USED])
def test_ensure_redeemable_allows_active_and_used_cards(status: CardStatus) -> None:
    """Active and used cards may be redeemed."""
    # given an active or used card
    # when redemption is checked
    # then nothing is raised
    assert ensure_redeemable(status) is None


def test_activity_kinds_are_the_ledger_kinds() -> None:
    """The activity kinds are exactly the ledger's kinds, spelled as stored."""
    # given the activity kind enum
    # then its values are the ledger kinds of the architecture
    assert {k.value for k in ActivityKind} == {
        "issue",
        "load",
        "activate",
        "redeem",
        "deduct_by_code",
        "reverse",
        "refund",
        "adjust",
        "cash_out",
        "block",
        "unblock",
        "void",
    }
