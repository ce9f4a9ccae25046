"""The amount entry rule: what each key does to an amount field's text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.amount_entry import (
    BACKSPACE,
    CLEAR,
    AmountEntry,
    Cap,
    Refusal,
    Step,
)
from pos_desktop.domain.money import MAX_MINOR_UNITS, Money

# A field's text is empty or plain decimal digits with at most one point: never a sign, a
# letter or an exponent.
PLAIN_AMOUNT = re.compile(r"\d+(\.\d*)?")
DUE = Money(375, "USD")
CAPPED = "Capped at the balance, $3.75."


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def press(entry: AmountEntry, keys: str) -> Step:
    step = Step(entry)
    for key in keys:
        step = step.entry.press(key)
    return step


def test_amount_entry_keypad_digits_shift_in_cent_by_cent() -> None:
    """1, 9, 4, 9 on an empty field is 19.49, as on a cash register."""
    assert press(AmountEntry("USD"), "1949").entry.text == "19.49"


def test_amount_entry_first_key_on_a_prefilled_amount_starts_a_new_one() -> None:
    """5, 0, 0 on the prefilled due of 3.75 is 5.00, not 3755.00."""
    step = press(AmountEntry("USD").filled(DUE), "500")
    assert step.entry.text == "5.00"
    assert step.entry.amount() == usd(500)
    assert step.refusal is None


def test_amount_entry_backspace_on_a_prefilled_amount_edits_it() -> None:
    """⌫ on 3.75 shifts it to 0.37 and the next digit extends that, as the cashier sees it."""
    entry = AmountEntry("USD").filled(DUE).press(BACKSPACE).entry
    assert entry.text == "0.37"
    assert entry.press("5").entry.text == "3.75"


def test_amount_entry_clear_empties_and_marks_the_field_typed() -> None:
    """Clear leaves an empty field the cashier owns: a redraw must not refill it."""
    entry = AmountEntry("USD").filled(DUE).press(CLEAR).entry
    assert entry.text == "" and entry.amount() is None
    assert entry.typed


def test_amount_entry_filled_is_the_apps_not_the_cashiers() -> None:
    """The app's amount is not typed; any key makes the field the cashier's."""
    entry = AmountEntry("USD").filled(DUE)
    assert not entry.typed and entry.replaces_next
    assert entry.press("1").entry.typed


def test_amount_entry_digit_over_the_cap_leaves_the_cap_and_says_so() -> None:
    """Aiming at 5.00 on a 3.75 card leaves 3.75 (never 0.50), with the cap's message."""
    entry = AmountEntry("USD", cap=Cap(DUE, CAPPED))
    step = press(entry, "500")
    assert step.entry.text == "3.75"
    assert step.refusal is Refusal.CAPPED
    assert step.message == CAPPED


def test_amount_entry_after_the_cap_the_next_key_starts_a_new_amount() -> None:
    """The cap is the app's amount: 2, 0, 0 after it is 2.00."""
    capped = press(AmountEntry("USD", cap=Cap(DUE, CAPPED)), "500").entry
    step = press(capped, "200")
    assert step.entry.text == "2.00" and step.message == ""


def test_amount_entry_typed_over_the_cap_leaves_the_cap() -> None:
    """A keyboard's 9.99 on a 3.75 cap is 3.75, said."""
    step = AmountEntry("USD", cap=Cap(DUE, CAPPED)).typed_text("9.99")
    assert step.entry.text == "3.75" and step.message == CAPPED


def test_amount_entry_a_lower_cap_brings_the_amount_down_to_it() -> None:
    """A balance that fell below the typed amount leaves the field at the new balance."""
    entry = AmountEntry("USD").typed_text("9.00").entry
    step = entry.capped_at(Cap(DUE, CAPPED))
    assert step.entry.text == "3.75" and step.refusal is Refusal.CAPPED
    assert entry.capped_at(Cap(usd(1000), CAPPED)).entry.text == "9.00"


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("-", Refusal.NEGATIVE),
        ("-5", Refusal.NEGATIVE),
        ("5a", Refusal.NOT_A_DIGIT),
        ("1e3", Refusal.NOT_A_DIGIT),
        ("12,50", Refusal.NOT_A_DIGIT),
        (" 5", Refusal.NOT_A_DIGIT),
        ("1.2.3", Refusal.NOT_A_DIGIT),
        ("٣", Refusal.NOT_A_DIGIT),  # an Arabic-Indic three
        ("3.755", Refusal.TOO_MANY_DECIMALS),
        ("1234567890123", Refusal.TOO_LARGE),
    ],
)
def test_amount_entry_typed_text_refuses_what_is_not_an_amount(
    typed: str, refusal: Refusal
) -> None:
    """Letters, signs, commas, a third decimal or a huge number leave the text as it was."""
    entry = AmountEntry("USD").filled(DUE)
    step = entry.typed_text(typed)
    assert step.entry == entry
    assert step.refusal is refusal and step.message


@pytest.mark.parametrize(("typed", "shown"), [("19.49", "19.49"), ("5.", "5."), (".5", "0.5")])
def test_amount_entry_typed_text_takes_decimal_entry(typed: str, shown: str) -> None:
    """A keyboard types the decimal amount directly; a leading point reads as 0."""
    step = AmountEntry("USD").typed_text(typed)
    assert step.entry.text == shown and step.refusal is None and step.entry.typed


def test_amount_entry_yen_takes_no_point() -> None:
    """A currency without decimals refuses the point and shifts whole yen."""
    entry = AmountEntry("JPY")
    assert entry.typed_text("5.").refusal is Refusal.TOO_MANY_DECIMALS
    assert press(entry, "120").entry.text == "120"


def test_amount_entry_keypad_refuses_past_the_largest_amount() -> None:
    """With no cap, a digit past the largest amount is refused and the field keeps its text."""
    entry = AmountEntry("USD").filled(usd(MAX_MINOR_UNITS))
    entry = entry.press(BACKSPACE).entry  # the cashier's now, so digits extend it
    step = press(entry, "99")
    assert step.refusal is Refusal.TOO_LARGE
    assert step.entry.amount() == usd(MAX_MINOR_UNITS)


# -- no key sequence escapes the rule ------------------------------------------------------------

keypad_key = st.sampled_from([*"0123456789", BACKSPACE, CLEAR])
typed_text = st.text(alphabet="0123456789.-+e, a", max_size=20) | st.text(max_size=20)
action = st.one_of(
    keypad_key.map(lambda key: ("press", key)),
    typed_text.map(lambda text: ("type", text)),
    st.integers(min_value=0, max_value=MAX_MINOR_UNITS).map(lambda minor: ("fill", minor)),
)


@given(
    cap_minor=st.integers(min_value=0, max_value=MAX_MINOR_UNITS),
    currency=st.sampled_from(["USD", "JPY", "KWD"]),
    actions=st.lists(action, max_size=40),
)
def test_amount_entry_no_key_sequence_passes_the_cap_or_shows_a_non_amount(
    cap_minor: int, currency: str, actions: list[tuple[str, object]]
) -> None:
    """Whatever is pressed, typed or filled (within the cap), the text is empty or a
    non-negative plain decimal that parses, and its amount is never above the cap."""
    cap = Money(cap_minor, currency)
    entry = AmountEntry(currency, cap=Cap(cap, "capped"))
    for kind, value in actions:
        if kind == "press":
            assert isinstance(value, str)
            entry = entry.press(value).entry
        elif kind == "type":
            assert isinstance(value, str)
            entry = entry.typed_text(value).entry
        else:
            assert isinstance(value, int)
            entry = entry.filled(Money(min(value, cap_minor), currency))
        assert entry.text == "" or PLAIN_AMOUNT.fullmatch(entry.text), entry.text
        amount = entry.amount()
        assert (amount is None) == (entry.text == "")
        assert amount is None or Money(0, currency) <= amount <= cap


@given(keys=st.lists(keypad_key, max_size=30))
def test_amount_entry_keypad_alone_never_refuses_below_the_cap(keys: list[str]) -> None:
    """Under a cap, keypad keys are taken or capped, never silently dropped."""
    entry = AmountEntry("USD", cap=Cap(usd(10_000), "capped"))
    for key in keys:
        step = entry.press(key)
        assert step.refusal in (None, Refusal.CAPPED)
        entry = step.entry
