"""Virtual debit cards: numbers, secrets sealed at rest, masked display, one open card, freeze and close."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from casebook.engines import payments
from casebook.engines.payments import cards, crypto
from casebook.engines.payments.models import CardRow
from tests.engines.payments.factories import issue_card, open_wallet, reveal


async def test_an_issued_card_has_a_valid_number_a_cvv_and_four_years(platform) -> None:
    wallet = await open_wallet(platform, "alice")

    card = await issue_card(platform, wallet)
    secrets = await reveal(platform, card)

    assert payments.is_luhn_valid(secrets.number)
    assert (len(secrets.number), secrets.number[:6], secrets.number[-4:]) == (16, "400000", card.last4)
    assert len(secrets.cvv) == 3 and secrets.cvv.isdigit()
    assert (card.expiry_month, card.expiry_year, card.status) == (3, 2030, "active")
    assert (secrets.expiry_month, secrets.expiry_year) == (3, 2030)


async def test_the_database_row_never_holds_the_number_or_the_cvv(platform) -> None:
    wallet = await open_wallet(platform, "alice")
    card = await issue_card(platform, wallet)
    secrets = await reveal(platform, card)

    async with platform.reader() as uow:
        row = (await uow.session.execute(text("SELECT * FROM payments_cards WHERE id = :id"), {"id": card.id})).one()
    values = dict(row._mapping)
    as_text = [value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in values.values()]

    assert not any(secrets.number in value for value in as_text)
    assert not any(secrets.number.encode() in value for value in values.values() if isinstance(value, bytes))
    assert secrets.cvv not in [str(value) for value in values.values()]
    assert len(values["number_sealed"]) == crypto.NONCE_BYTES + 16 + 16  # nonce, 16 digits, GCM tag
    assert len(values["cvv_sealed"]) == crypto.NONCE_BYTES + 3 + 16
    assert values["last4"] == secrets.number[-4:]


async def test_sealed_secrets_open_only_with_the_platform_key_and_their_own_column(platform) -> None:
    wallet = await open_wallet(platform, "alice")
    card = await issue_card(platform, wallet)
    async with platform.reader() as uow:
        row = await uow.session.get(CardRow, card.id)
    secret_key = platform.settings.secret_key

    assert payments.is_luhn_valid(cards.unseal_number(secret_key, row))
    with pytest.raises(ValueError, match="does not open"):
        cards.unseal_number("another-secret-key", row)
    with pytest.raises(ValueError, match="does not open"):
        crypto.unseal(secret_key, row.cvv_sealed, card_id=card.id, field=cards.NUMBER_FIELD)


async def test_the_masked_number_shows_the_last_four_and_never_the_cvv(platform) -> None:
    wallet = await open_wallet(platform, "alice")
    card = await issue_card(platform, wallet)

    assert payments.reveal_masked(card) == f"•••• •••• •••• {card.last4}"


async def test_only_the_holder_may_reveal_a_card(platform) -> None:
    wallet = await open_wallet(platform, "alice")
    card = await issue_card(platform, wallet)

    async with platform.reader() as uow:
        with pytest.raises(payments.CardNotFound):
            await payments.reveal_card(uow, card_id=card.id, owner_ref="mallory")


async def test_a_wallet_has_one_open_card_until_it_is_closed(platform) -> None:
    wallet = await open_wallet(platform, "alice")
    first = await issue_card(platform, wallet)

    with pytest.raises(payments.CardAlreadyIssued):
        await issue_card(platform, wallet)
    async with platform.uow() as uow:
        closed = await payments.close_card(uow, card_id=first.id, owner_ref="alice")
    second = await issue_card(platform, wallet)

    assert closed.status == "closed"
    assert second.id != first.id
    async with platform.reader() as uow:
        assert await payments.find_card_for_wallet(uow, wallet.id) == second


async def test_freeze_and_unfreeze_a_card_but_never_a_closed_one(platform) -> None:
    wallet = await open_wallet(platform, "alice")
    card = await issue_card(platform, wallet)

    async with platform.uow() as uow:
        frozen = await payments.freeze_card(uow, card_id=card.id)
    async with platform.uow() as uow:
        active = await payments.unfreeze_card(uow, card_id=card.id, owner_ref="alice")
    async with platform.uow() as uow:
        await payments.close_card(uow, card_id=card.id)

    assert (frozen.status, active.status) == ("frozen", "active")
    async with platform.uow() as uow:
        with pytest.raises(payments.CardClosed):
            await payments.unfreeze_card(uow, card_id=card.id)
    async with platform.uow() as uow:
        with pytest.raises(payments.CardNotFound):
            await payments.freeze_card(uow, card_id=card.id, owner_ref="mallory")
