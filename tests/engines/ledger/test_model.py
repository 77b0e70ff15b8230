"""The pure rules, against a naive reference model: money is conserved and no wallet breaks its limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.engines.ledger import errors, model

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LATER = NOW + timedelta(days=365)
WORLD = 1
WALLETS = (2, 3, 4, 5)
OVERDRAFT_MINOR = {2: 0, 3: 0, 4: 50, 5: 0}


def fresh_accounts() -> dict[int, model.AccountState]:
    accounts = {WORLD: model.AccountState(id=WORLD, code="world", currency="USD", normal_side="debit")}
    for wallet in WALLETS:
        accounts[wallet] = model.AccountState(id=wallet, code=f"w{wallet}", currency="USD", normal_side="credit",
                                              debits_must_not_exceed_credits=True,
                                              overdraft_minor=OVERDRAFT_MINOR[wallet])
    return accounts


class Reference:
    """What a ledger should do, written the obvious way: wallet balances and holds as plain integers."""

    def __init__(self) -> None:
        self.balance = dict.fromkeys((WORLD, *WALLETS), 0)  # wallets: money owned; world: money sent in
        self.held = dict.fromkeys((WORLD, *WALLETS), 0)
        self.holds: list[tuple[int, int, int, str]] = []  # (source, target, amount, status)
        self.moves: list[tuple[int, int, int, bool]] = []  # (source, target, amount, is_reversed)

    def can_spend(self, source: int, amount: int) -> bool:
        return source == WORLD or self.balance[source] - self.held[source] - amount >= -OVERDRAFT_MINOR[source]

    def move(self, source: int, target: int, amount: int) -> bool:
        if not self.can_spend(source, amount):
            return False
        self.balance[source] += amount if source == WORLD else -amount
        self.balance[target] += -amount if target == WORLD else amount
        self.moves.append((source, target, amount, False))
        return True

    def hold(self, source: int, target: int, amount: int) -> bool:
        if not self.can_spend(source, amount):
            return False
        self.held[source] += amount
        if target == WORLD:  # a pending credit lowers a debit-normal account's available balance too
            self.held[WORLD] += amount
        self.holds.append((source, target, amount, "pending"))
        return True

    def resolve(self, index: int, status: str, amount: int | None = None) -> bool:
        source, target, held, current = self.holds[index]
        if current != "pending" or (amount is not None and amount > held):
            return False
        self.held[source] -= held
        if target == WORLD:
            self.held[WORLD] -= held
        self.holds[index] = (source, target, held, status)
        if status == "posted":
            assert self.move(source, target, held if amount is None else amount)
        return True

    def reverse(self, index: int) -> bool:
        source, target, amount, is_reversed = self.moves[index]
        if is_reversed or not self.move(target, source, amount):
            return False
        self.moves[index] = (source, target, amount, True)
        return True


operations = st.lists(st.one_of(
    st.tuples(st.just("move"), st.sampled_from((WORLD, *WALLETS)), st.sampled_from(WALLETS), st.integers(1, 300)),
    st.tuples(st.just("hold"), st.sampled_from(WALLETS), st.sampled_from((WORLD, *WALLETS)), st.integers(1, 300)),
    st.tuples(st.just("post"), st.integers(0, 20), st.one_of(st.none(), st.integers(1, 300))),
    st.tuples(st.just("void"), st.integers(0, 20)),
    st.tuples(st.just("expire"), st.integers(0, 20)),
    st.tuples(st.just("reverse"), st.integers(0, 40)),
), max_size=60)


def legs(source: int, target: int, amount: int) -> tuple[model.Leg, ...]:
    return (model.Leg(account_id=source, side="debit", amount_minor=amount, currency="USD"),
            model.Leg(account_id=target, side="credit", amount_minor=amount, currency="USD"))


@settings(max_examples=300, deadline=None)
@given(operations)
def test_the_rules_match_the_reference_and_conserve_money(steps) -> None:
    accounts, known = fresh_accounts(), {}
    reference = Reference()
    hold_ids: list[int] = []
    move_ids: list[int] = []
    for number, step in enumerate(steps):
        name, key = step[0], f"k{number}"
        now = NOW
        if name in ("move", "hold") and step[1] == step[2]:
            continue
        if name == "move":
            request: model.Request = model.Transfer(key=key, legs=legs(*step[1:]))
            expected = reference.move(*step[1:])
        elif name == "hold":
            request = model.Transfer(key=key, legs=legs(*step[1:]), is_pending=True, timeout_s=60)
            expected = reference.hold(*step[1:])
        elif name == "reverse":
            if step[1] >= len(move_ids):
                continue
            request = model.Reverse(key=key, transaction_id=move_ids[step[1]])
            expected = reference.reverse(step[1])
        else:
            if step[1] >= len(hold_ids):
                continue
            pending_id = hold_ids[step[1]]
            if name == "post":
                request = model.PostPending(key=key, pending_id=pending_id, amount_minor=step[2])
                expected = reference.resolve(step[1], "posted", step[2])
            elif name == "void":
                request = model.VoidPending(key=key, pending_id=pending_id)
                expected = reference.resolve(step[1], "voided")
            else:
                request, now = model.ExpirePending(key=key, pending_id=pending_id), LATER
                expected = reference.resolve(step[1], "expired")
        try:
            draft = model.plan(request, accounts=accounts, pendings=known, now=now)
            model.apply(draft, accounts, known)
        except errors.CasebookError:
            assert not expected, f"step {number} {step} refused, the reference accepted it"
            continue
        assert expected, f"step {number} {step} accepted, the reference refused it"
        transaction_id = 1_000 + number
        known[transaction_id] = model.PendingState(id=transaction_id, kind=draft.kind, status=draft.status,
                                                   entries=draft.entries, expires_at=draft.expires_at)
        if name == "hold":
            hold_ids.append(transaction_id)
        if name in ("move", "post", "reverse"):  # each made exactly one reference move, in the same order
            move_ids.append(transaction_id)
        assert len(move_ids) == len(reference.moves)
        _assert_matches(accounts, reference)


def _assert_matches(accounts: dict[int, model.AccountState], reference: Reference) -> None:
    for account_id, account in accounts.items():
        balances = model.balances_of(account)
        outflow = account.credits_pending_minor if account.normal_side == "debit" else account.debits_pending_minor
        assert balances.posted_minor == reference.balance[account_id]
        assert outflow == reference.held[account_id]
        assert model.limit_refusal(account) is None
    # conservation: over all accounts, debits equal credits, posted and pending alike
    assert sum(a.debits_posted_minor - a.credits_posted_minor for a in accounts.values()) == 0
    assert sum(a.debits_pending_minor - a.credits_pending_minor for a in accounts.values()) == 0


def test_available_follows_the_normal_side() -> None:
    wallet = model.AccountState(id=1, code="w", currency="USD", normal_side="credit", credits_posted_minor=1_000,
                                debits_posted_minor=200, debits_pending_minor=300, credits_pending_minor=50)
    asset = model.AccountState(id=2, code="a", currency="USD", normal_side="debit", debits_posted_minor=1_000,
                               credits_pending_minor=100, debits_pending_minor=999)

    assert (model.balances_of(wallet).posted_minor, model.balances_of(wallet).available_minor) == (800, 500)
    assert (model.balances_of(asset).posted_minor, model.balances_of(asset).available_minor) == (1_000, 900)


def test_credits_limit_refuses_with_exceeds_debits() -> None:
    accounts = fresh_accounts()
    accounts[9] = model.AccountState(id=9, code="cap", currency="USD", normal_side="debit",
                                     credits_must_not_exceed_debits=True)
    request = model.Transfer(key="k", legs=legs(WORLD, 9, 10))

    with pytest.raises(errors.ExceedsDebits):
        model.apply(model.plan(request, accounts=accounts, pendings={}, now=NOW), accounts, {})
    assert accounts[9].credits_posted_minor == 0


def test_an_unbalanced_draft_is_an_assertion_not_a_refusal() -> None:
    draft = model.Draft(kind="transfer", status="posted", entries=(
        model.Entry(account_id=WORLD, currency="USD", side="debit", amount_minor=5, phase="posted"),))

    with pytest.raises(AssertionError):
        model.apply(draft, fresh_accounts(), {})


def test_request_hash_ignores_metadata_key_order() -> None:
    first = model.Transfer(key="k", legs=legs(2, 3, 1), metadata={"a": 1, "b": 2})
    second = model.Transfer(key="k", legs=legs(2, 3, 1), metadata={"b": 2, "a": 1})

    assert model.request_hash(first) == model.request_hash(second)
    assert model.request_hash(first) != model.request_hash(model.Transfer(key="k", legs=legs(2, 3, 2)))
