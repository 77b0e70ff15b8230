"""Virtual debit cards spending a wallet: issue, show masked or in full to the holder, freeze, close.

One open card per wallet: issuing while one is open refuses with CardAlreadyIssued; close the old
card first (lost or stolen), as a bank blocks a card before it sends a new one.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casebook.engines import ledger
from casebook.engines.payments import crypto, errors, limits, model
from casebook.engines.payments.models import CardRow
from casebook.platform.uow import UnitOfWork

NUMBER_FIELD = "number"
CVV_FIELD = "cvv"


def new_card_number() -> str:
    """The test BIN, random account digits, then the Luhn check digit."""
    account_digits = limits.CARD_NUMBER_DIGITS - len(limits.CARD_BIN) - 1
    partial = limits.CARD_BIN + "".join(str(secrets.randbelow(10)) for _ in range(account_digits))
    return partial + model.luhn_check_digit(partial)


async def issue_card(uow: UnitOfWork, *, owner_ref: str, wallet_account_id: int) -> model.Card:
    """Issue a card on an open wallet; its number and CVV are sealed with a key derived from the
    platform secret key, so only this deployment can read them back."""
    owner_ref = model.check_text(owner_ref, field="owner_ref", chars_max=limits.OWNER_REF_CHARS_MAX)
    wallet = await ledger.get_account(uow, wallet_account_id)
    if wallet.is_closed:
        raise ledger.AccountClosed(f"account {wallet.code} is closed")
    if await find_card_for_wallet(uow, wallet_account_id) is not None:
        raise errors.CardAlreadyIssued(f"wallet {wallet_account_id} already has an open card")
    secret_key = uow.platform.settings.secret_key
    for _attempt in range(limits.CARD_ISSUE_ATTEMPTS_MAX):
        number = new_card_number()
        digest = crypto.number_digest(secret_key, number)
        if await uow.session.scalar(select(CardRow.id).where(CardRow.number_digest == digest)) is None:
            break
    else:
        raise AssertionError("no unused card number after several draws: the number space is exhausted")
    now, card_id = uow.now(), uow.new_id()
    cvv = f"{secrets.randbelow(1000):03d}"
    row = CardRow(id=card_id, owner_ref=owner_ref, wallet_account_id=wallet_account_id,
                  open_wallet_account_id=wallet_account_id, number_digest=digest,
                  number_sealed=crypto.seal(secret_key, number, card_id=card_id, field=NUMBER_FIELD),
                  # A real issuer derives the CVV in its HSM instead of storing it; the simulation seals it.
                  cvv_sealed=crypto.seal(secret_key, cvv, card_id=card_id, field=CVV_FIELD),
                  last4=number[-4:], expiry_month=now.month, expiry_year=now.year + limits.CARD_VALID_YEARS,
                  status="active", created_at=now)
    uow.session.add(row)
    try:
        await uow.session.flush()
    except IntegrityError as error:  # a rival issue for the same wallet committed first
        raise errors.CardAlreadyIssued(f"wallet {wallet_account_id} already has an open card") from error
    return card_of(row)


async def get_card(uow: UnitOfWork, card_id: int, *, owner_ref: str | None = None) -> model.Card:
    """With `owner_ref`, someone else's card is NotFound too."""
    return card_of(await _row(uow, card_id, owner_ref=owner_ref))


async def find_card_for_wallet(uow: UnitOfWork, wallet_account_id: int) -> model.Card | None:
    """The wallet's open (active or frozen) card, if any."""
    row = await uow.session.scalar(select(CardRow).where(CardRow.open_wallet_account_id == wallet_account_id))
    return None if row is None else card_of(row)


def reveal_masked(card: model.Card) -> str:
    """"•••• •••• •••• 1234": all that a list or a receipt shows; never the CVV."""
    return model.masked_number(card.last4)


async def reveal_card(uow: UnitOfWork, *, card_id: int, owner_ref: str) -> model.CardSecrets:
    """Number and CVV in full, for the card holder only (the app asks them to re-authenticate first)."""
    row = await _row(uow, card_id, owner_ref=owner_ref)
    secret_key = uow.platform.settings.secret_key
    return model.CardSecrets(card_id=row.id, number=unseal_number(secret_key, row),
                             cvv=unseal_cvv(secret_key, row), expiry_month=row.expiry_month,
                             expiry_year=row.expiry_year)


async def freeze_card(uow: UnitOfWork, *, card_id: int, owner_ref: str | None = None) -> model.Card:
    """Authorizations are declined (card_frozen) until unfrozen; holds already taken still capture."""
    return await _set_status(uow, card_id, owner_ref=owner_ref, status="frozen")


async def unfreeze_card(uow: UnitOfWork, *, card_id: int, owner_ref: str | None = None) -> model.Card:
    return await _set_status(uow, card_id, owner_ref=owner_ref, status="active")


async def close_card(uow: UnitOfWork, *, card_id: int, owner_ref: str | None = None) -> model.Card:
    """For good (lost, stolen, replaced): the wallet may then be issued a new card."""
    row = await _row(uow, card_id, owner_ref=owner_ref, lock=True)
    row.status, row.open_wallet_account_id = "closed", None
    return card_of(row)


async def card_row_for_network(uow: UnitOfWork, *, card_id: int | None, card_number: str | None) -> CardRow:
    """The card a network message names, by id (card on file, token) or by its full number."""
    if (card_id is None) == (card_number is None):
        raise errors.InvalidPaymentRequest("give either card_id or card_number", field="card_id")
    if card_id is not None:
        return await _row(uow, card_id)
    assert card_number is not None
    if not model.is_luhn_valid(card_number):
        raise errors.CardNotFound("no card has this number")
    digest = crypto.number_digest(uow.platform.settings.secret_key, card_number)
    row = await uow.session.scalar(select(CardRow).where(CardRow.number_digest == digest))
    if row is None:
        raise errors.CardNotFound("no card has this number")
    return row


def unseal_number(secret_key: str, row: CardRow) -> str:
    return crypto.unseal(secret_key, row.number_sealed, card_id=row.id, field=NUMBER_FIELD)


def unseal_cvv(secret_key: str, row: CardRow) -> str:
    return crypto.unseal(secret_key, row.cvv_sealed, card_id=row.id, field=CVV_FIELD)


def card_of(row: CardRow) -> model.Card:
    return model.Card(id=row.id, owner_ref=row.owner_ref, wallet_account_id=row.wallet_account_id,
                      last4=row.last4, expiry_month=row.expiry_month, expiry_year=row.expiry_year,
                      status=row.status, created_at=row.created_at)  # type: ignore[arg-type]


async def _set_status(uow: UnitOfWork, card_id: int, *, owner_ref: str | None,
                      status: model.CardStatus) -> model.Card:
    row = await _row(uow, card_id, owner_ref=owner_ref, lock=True)
    if row.status == "closed":
        raise errors.CardClosed(f"card {card_id} is closed")
    row.status = status
    return card_of(row)


async def _row(uow: UnitOfWork, card_id: int, *, owner_ref: str | None = None, lock: bool = False) -> CardRow:
    row = await uow.session.get(CardRow, card_id, with_for_update=lock or None)
    if row is None or (owner_ref is not None and row.owner_ref != owner_ref):
        raise errors.CardNotFound(f"card {card_id} does not exist")
    return row
