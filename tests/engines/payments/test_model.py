"""Pure payments rules: Luhn, card numbers, fees, the bank's answer, card expiry, declines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.engines.payments import cards, model

DIGITS = st.text(alphabet="0123456789", min_size=15, max_size=15)


@given(partial=DIGITS)
def test_a_check_digit_makes_any_number_luhn_valid(partial: str) -> None:
    assert model.is_luhn_valid(partial + model.luhn_check_digit(partial))


@given(partial=DIGITS, position=st.integers(0, 15), step=st.integers(1, 9))
def test_luhn_catches_every_single_digit_error(partial: str, position: int, step: int) -> None:
    number = partial + model.luhn_check_digit(partial)
    wrong = number[:position] + str((int(number[position]) + step) % 10) + number[position + 1:]

    assert not model.is_luhn_valid(wrong)


@pytest.mark.parametrize("number", ["4111111111111111", "4000056655665556", "5555555555554444", "378282246310005"])
def test_known_test_card_numbers_pass(number: str) -> None:
    assert model.is_luhn_valid(number)


@pytest.mark.parametrize("number", ["4111111111111112", "", "4", "4111-1111-1111-1111"])
def test_malformed_numbers_fail(number: str) -> None:
    assert not model.is_luhn_valid(number)


@given(st.integers(0, 10_000))  # the card number is drawn from `secrets`: hypothesis only repeats the draw
def test_issued_numbers_are_16_luhn_valid_digits_on_the_test_bin(_draw: int) -> None:
    number = cards.new_card_number()

    assert (len(number), number[:6], model.is_luhn_valid(number)) == (16, "400000", True)


@pytest.mark.parametrize(("amount_minor", "fee_minor"), [
    (1, 25), (1_000, 25), (1_667, 26), (10_000, 150), (100_001, 1_501),
])
def test_the_instant_fee_is_one_and_a_half_percent_rounded_up_with_a_minimum(amount_minor: int, fee_minor: int) -> None:
    assert model.instant_fee_minor(amount_minor) == fee_minor


def test_the_bank_returns_amounts_ending_in_13_cents_and_flagged_links() -> None:
    assert model.bank_settles(1_000, is_failing_next=False)
    assert not model.bank_settles(1_013, is_failing_next=False)
    assert not model.bank_settles(1_000, is_failing_next=True)


def test_a_card_is_good_through_the_last_moment_of_its_expiry_month() -> None:
    last_moment = datetime(2030, 12, 31, 23, 59, 59, tzinfo=UTC)

    assert not model.card_expiry_passed(expiry_month=12, expiry_year=2030, now=last_moment)
    assert model.card_expiry_passed(expiry_month=12, expiry_year=2030, now=datetime(2031, 1, 1, tzinfo=UTC))
    assert model.card_expiry_passed(expiry_month=3, expiry_year=2030, now=datetime(2030, 4, 1, tzinfo=UTC))


def test_the_mask_shows_only_the_last_four_digits() -> None:
    assert model.masked_number("1234") == "•••• •••• •••• 1234"


def test_declines_are_checked_in_a_fixed_order() -> None:
    card = model.Card(id=1, owner_ref="alice", wallet_account_id=2, last4="1234", expiry_month=3, expiry_year=2026,
                      status="frozen", created_at=datetime(2022, 3, 1, tzinfo=UTC))
    late = datetime(2026, 4, 1, tzinfo=UTC)

    def reason(card: model.Card, **changes: object) -> str | None:
        given = {"wallet_currency": "USD", "currency": "EUR", "now": late, "expiry_matches": False,
                 "cvv_matches": False, **changes}
        return model.card_decline_reason(card, **given)  # type: ignore[arg-type]

    active = model.Card(**{**{name: getattr(card, name) for name in model.Card.__struct_fields__}, "status": "active"})
    closed = model.Card(**{**{name: getattr(card, name) for name in model.Card.__struct_fields__}, "status": "closed"})
    assert reason(closed) == "card_closed"
    assert reason(card) == "card_frozen"
    assert reason(active) == "card_expired"
    assert reason(active, now=datetime(2026, 3, 31, tzinfo=UTC)) == "wrong_expiry"
    assert reason(active, now=datetime(2026, 3, 31, tzinfo=UTC), expiry_matches=True) == "wrong_cvv"
    assert reason(active, now=datetime(2026, 3, 31, tzinfo=UTC), expiry_matches=True, cvv_matches=True) == \
        "currency_mismatch"
    assert reason(active, now=datetime(2026, 3, 31, tzinfo=UTC), expiry_matches=True, cvv_matches=True,
                  currency="USD") is None
