"""Money: integer minor units plus a currency; keypad text parsed with Decimal; babel formatting."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import CurrencyMismatch, InvalidAmount
from pos_desktop.domain.money import MAX_MINOR_UNITS, Money, currency_exponent, divide_half_up

# Decimals per currency, written out here so the tests do not lean on the code they check.
EXPONENTS = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}

minor_units = st.integers(min_value=0, max_value=MAX_MINOR_UNITS)
currencies = st.sampled_from(sorted(EXPONENTS))
keypad_text = st.text(alphabet="0123456789.", max_size=14)


def plain_decimal_text(minor: int, exponent: int) -> str:
    """``1250`` with two decimals -> ``"12.50"``; with none -> ``"1250"``."""
    if exponent == 0:
        return str(minor)
    whole, fraction = divmod(minor, 10**exponent)
    return f"{whole}.{fraction:0{exponent}d}"


# --- parse: what a cashier types -------------------------------------------------------------


@pytest.mark.parametrize(("text", "minor"), [("12", 1200), ("12.5", 1250), ("12.50", 1250)])
def test_money_parse_reads_keypad_text_as_minor_units(text: str, minor: int) -> None:
    """Keypad text with none, one or two decimals becomes that many cents."""
    # given keypad text in a two-decimal currency
    # when it is parsed
    money = Money.parse(text, "USD")
    # then it is the exact number of minor units
    assert money == Money(minor, "USD")


def test_money_parse_ignores_surrounding_spaces_and_thousands_commas() -> None:
    """Spaces around the amount and commas between thousands do not change the value."""
    # given an amount written with a thousands comma and padding
    # when it is parsed
    money = Money.parse("  1,234.50 ", "USD")
    # then the padding and comma are ignored
    assert money == Money(123450, "USD")


def test_money_parse_accepts_three_decimals_for_a_three_decimal_currency() -> None:
    """A currency with three decimals (KWD) takes amounts with three decimals."""
    # given a KWD amount with three decimals
    # when it is parsed
    money = Money.parse("1.234", "KWD")
    # then every decimal is kept as a minor unit
    assert money == Money(1234, "KWD")


def test_money_parse_accepts_the_largest_amount() -> None:
    """The largest amount allowed (nine integer digits) is accepted."""
    # given the largest two-decimal amount
    # when it is parsed
    money = Money.parse("999999999.99", "USD")
    # then it is MAX_MINOR_UNITS
    assert money == Money(MAX_MINOR_UNITS, "USD")


@pytest.mark.parametrize("text", ["-1", "-0.01", "-0", "-0.00", " -5 "])
def test_money_parse_refuses_negative_amounts(text: str) -> None:
    """Negative amounts, including minus zero, are refused."""
    # given an amount with a minus sign
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then the cashier is told amounts cannot be negative
    assert refused.value.message == "An amount cannot be negative."


@pytest.mark.parametrize("text", ["1.234", "0.001", "12.505"])
def test_money_parse_refuses_more_decimals_than_usd_has(text: str) -> None:
    """USD amounts with a significant third decimal are refused, not rounded."""
    # given a USD amount with a significant third decimal
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then the cashier is told how many decimals USD has
    assert refused.value.message == "USD amounts have at most 2 decimals."


@pytest.mark.parametrize("text", ["100.5", "0.1", "1.01"])
def test_money_parse_refuses_decimals_for_jpy(text: str) -> None:
    """JPY has no decimals, so a fractional yen is refused."""
    # given a JPY amount with a fractional part
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "JPY")
    # then the cashier is told JPY has no decimals
    assert refused.value.message == "JPY amounts have no decimals."


@pytest.mark.parametrize(
    "text",
    [
        "1000000000",  # one past nine integer digits
        "1e12",
        "9" * 33,  # a stuck key
        "4006381333931",  # an EAN-13 barcode scanned into the amount field
    ],
)
def test_money_parse_refuses_absurd_sizes(text: str) -> None:
    """Amounts beyond nine integer digits (a stuck key, a scanned barcode) are refused."""
    # given an absurdly large amount
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then the cashier is told it is too large
    assert refused.value.message == "That amount is too large."


def test_money_parse_refuses_absurd_exponent_as_invalid_amount() -> None:
    """A huge exponent in scientific notation is refused as an amount, not a crash."""
    # given eight characters of scientific notation far beyond any amount
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse("1e999999", "USD")
    # then the cashier is told it is too large
    assert refused.value.message == "That amount is too large."


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_money_parse_refuses_empty_text(text: str) -> None:
    """Empty or blank text asks the cashier to enter an amount."""
    # given nothing typed
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then the cashier is asked for an amount
    assert refused.value.message == "Enter an amount."


@pytest.mark.parametrize("text", ["abc", "12abc", "1.2.3", "$12", "--1", ".", "1 2"])
def test_money_parse_refuses_garbage(text: str) -> None:
    """Text that is not a number is refused, quoting what was typed."""
    # given text that is not a number
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then the message quotes the text and says it is not an amount
    assert refused.value.message == f"“{text.strip()}” is not an amount."


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf"])
def test_money_parse_refuses_nan_and_infinity(text: str) -> None:
    """Decimal's special values (NaN, Infinity) are not amounts."""
    # given a special value Decimal would otherwise accept
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then it is refused as not an amount
    assert refused.value.message == f"“{text}” is not an amount."


def test_money_parse_refuses_decimals_beyond_decimal_precision() -> None:
    """A 30-decimal amount is refused, never rounded to fit the currency."""
    # given a USD amount whose 30th decimal is significant (32 characters, under the length cap)
    text = "1." + "0" * 29 + "1"
    # when it is parsed
    with pytest.raises(InvalidAmount) as refused:
        Money.parse(text, "USD")
    # then it is refused for its decimals
    assert refused.value.message == "USD amounts have at most 2 decimals."


def test_money_parse_refuses_comma_outside_thousands_position() -> None:
    """A comma that is not a thousands separator is refused, not dropped."""
    # given a decimal comma as a cashier used to euro might type it
    # when it is parsed as USD
    # then it is refused rather than read as a hundred times the amount
    with pytest.raises(InvalidAmount):
        Money.parse("12,50", "USD")


@given(minor=minor_units, currency=currencies)
def test_money_parse_round_trips_plain_decimal_text(minor: int, currency: str) -> None:
    """Any amount written as a plain decimal parses back to the same Money."""
    # given an amount written with exactly the currency's decimals
    text = plain_decimal_text(minor, EXPONENTS[currency])
    # when it is parsed
    money = Money.parse(text, currency)
    # then it is the same Money
    assert money == Money(minor, currency)


@given(text=keypad_text)
def test_money_parse_keypad_text_is_exact_or_refused(text: str) -> None:
    """Keypad text either parses to exactly its value in int cents or raises InvalidAmount."""
    # given anything a digits-and-point keypad can produce
    # when it is parsed
    try:
        money = Money.parse(text, "USD")
    except InvalidAmount as refused:
        # then a refusal carries a message for the cashier
        assert refused.message
        return
    # then an accepted amount is an int, never a float, and exactly the typed value
    assert type(money.minor) is int
    assert 0 <= money.minor <= MAX_MINOR_UNITS
    assert money.to_decimal() == Decimal(text)


@given(text=st.text(max_size=40))
def test_money_parse_any_text_gives_int_money_or_invalid_amount(text: str) -> None:
    """Arbitrary text never yields a float or an exception other than InvalidAmount."""
    # given any text at all
    # when it is parsed
    try:
        money = Money.parse(text, "USD")
    except InvalidAmount as refused:
        # then a refusal carries a message for the cashier
        assert refused.message
        return
    # then the result is whole minor units in range
    assert type(money.minor) is int
    assert 0 <= money.minor <= MAX_MINOR_UNITS


# --- Money itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("minor", [12.5, 12.0, Decimal("12"), "12", True])
def test_money_refuses_minor_units_that_are_not_int(minor: object) -> None:
    """Money refuses floats, Decimals, strings and bools as minor units."""
    # given a minor-unit value that is not a plain int
    # when Money is built from it
    # then it is refused
    with pytest.raises(TypeError):
        Money(minor, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["usd", "US", "USDT", "U$D", ""])
def test_money_refuses_malformed_currency_codes(currency: str) -> None:
    """Only three upper-case letters make a currency code."""
    # given a malformed currency code
    # when Money is built with it
    # then it is refused
    with pytest.raises(ValueError):
        Money(100, currency)


@pytest.mark.parametrize(("currency", "exponent"), sorted(EXPONENTS.items()))
def test_money_currency_exponent_matches_iso_4217(currency: str, exponent: int) -> None:
    """USD and EUR have two decimals, JPY none, KWD three."""
    # given a currency
    # when its decimals are looked up
    # then they are the ISO 4217 minor-unit count
    assert currency_exponent(currency) == exponent


@given(a=minor_units, b=minor_units)
def test_money_addition_adds_minor_units(a: int, b: int) -> None:
    """Adding two amounts of one currency adds their minor units exactly."""
    # given two amounts in one currency
    # when they are added
    total = Money(a, "USD") + Money(b, "USD")
    # then the minor units add up, still as an int
    assert total == Money(a + b, "USD")
    assert type(total.minor) is int


@given(a=minor_units, b=minor_units)
def test_money_subtraction_subtracts_minor_units(a: int, b: int) -> None:
    """Subtracting two amounts of one currency subtracts their minor units exactly."""
    # given two amounts in one currency
    # when one is subtracted from the other
    difference = Money(a, "USD") - Money(b, "USD")
    # then the minor units subtract
    assert difference == Money(a - b, "USD")


@given(a=minor_units, b=minor_units)
def test_money_comparison_follows_minor_units(a: int, b: int) -> None:
    """Amounts of one currency order like their minor units; min picks the smaller."""
    # given two amounts in one currency
    left, right = Money(a, "USD"), Money(b, "USD")
    # when they are compared
    # then they order as their minor units do
    assert (left < right) == (a < b)
    assert (left <= right) == (a <= b)
    assert left.min(right) == Money(min(a, b), "USD")


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a.min(b),
    ],
    ids=["add", "subtract", "less", "less-or-equal", "greater", "min"],
)
def test_money_arithmetic_refuses_mixed_currencies(
    combine: Callable[[Money, Money], object],
) -> None:
    """Combining or comparing USD with EUR raises CurrencyMismatch."""
    # given amounts in two currencies
    dollars, euros = Money(100, "USD"), Money(100, "EUR")
    # when they are combined
    with pytest.raises(CurrencyMismatch) as refused:
        combine(dollars, euros)
    # then the message names both currencies
    assert refused.value.message == "Cannot combine USD with EUR."


def test_money_currency_mismatch_is_an_invalid_amount() -> None:
    """A currency mismatch is refused like any other invalid amount."""
    # given a mismatch error class
    # then callers catching InvalidAmount also catch it
    assert issubclass(CurrencyMismatch, InvalidAmount)


def test_money_amounts_in_different_currencies_are_not_equal() -> None:
    """Equal minor units in different currencies are different amounts."""
    # given 1.00 USD and 1.00 EUR
    # then they are not equal
    assert Money(100, "USD") != Money(100, "EUR")


# --- format: what the screen and paper show ---------------------------------------------------


def test_money_format_writes_us_dollars_with_grouping_and_cents() -> None:
    """en_US writes 1234.50 USD as $1,234.50."""
    # given 1234.50 USD
    # when it is formatted for en_US
    text = Money(123450, "USD").format("en_US")
    # then it has a dollar sign, a thousands comma and two decimals
    assert text == "$1,234.50"


def test_money_format_writes_euros_with_decimal_comma_in_german() -> None:
    """de_DE writes 1234.50 EUR with a point for thousands and a decimal comma."""
    # given 1234.50 EUR
    # when it is formatted for de_DE
    text = Money(123450, "EUR").format("de_DE")
    # then the decimals follow a comma and the euro sign trails after a no-break space
    assert text == "1.234,50\xa0€"


def test_money_format_writes_yen_without_decimals() -> None:
    """JPY is written without decimals."""
    # given 1235 JPY
    # when it is formatted for en_US
    text = Money(1235, "JPY").format("en_US")
    # then there is no decimal part
    assert text == "¥1,235"


def test_money_format_defaults_to_en_us() -> None:
    """Formatting without a locale uses en_US."""
    # given 0.05 USD
    # when it is formatted with no locale
    # then it is written the en_US way
    assert Money(5, "USD").format() == "$0.05"


def test_money_divide_half_up_rounds_halves_away_from_zero() -> None:
    """$14.50 over 4 tickets is $3.625, shown $3.63; a refund-heavy -$14.50 is -$3.63; no
    ticket averages 0 rather than failing."""
    assert divide_half_up(14_50, 4) == 3_63
    assert divide_half_up(-14_50, 4) == -3_63
    assert divide_half_up(14_49, 4) == 3_62
    assert divide_half_up(5, 0) == 0
