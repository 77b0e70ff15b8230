"""Identity verification: a simulated check of legal name, date of birth and SSN last 4 that, once passed,
raises the profile's sending limit. Failed checks are counted (without the details tried) and rate-limited."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import ProfileRow, VerificationAttemptRow, VerificationRow
from casebook.apps.cashapp.service import profiles
from casebook.platform.errors import CasebookError, Invalid, LimitExceeded
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform


class Underage(Invalid):
    code = "underage"
    title = "Too young to verify"


class VerificationFailed(Invalid):
    code = "verification_failed"
    title = "Identity not verified"


@dataclasses.dataclass(frozen=True)
class Verification:
    overview: profiles.Overview  # the profile with its (maybe raised) limit
    verified: VerificationRow | None
    attempts_remaining: int  # failed checks still allowed in the current window


async def verify_identity(platform: Platform, account: AuthenticatedAccount, *, legal_name: str,
                          date_of_birth: str, ssn_last4: str) -> Verification:
    """Run the check once. Refusals, in order: malformed input (422 with its field, nothing recorded),
    too many failed checks today (429), under 18 (422 underage), no matching record (422
    verification_failed); the last two are recorded as failed attempts. Already verified: the current
    state, without running the check again."""
    name = rules.check_legal_name(legal_name)
    born = rules.check_date_of_birth(date_of_birth, today=platform.clock.now().date())
    last4 = rules.check_ssn_last4(ssn_last4)
    await profiles.ensure_profile(platform, account)
    refusal: CasebookError | None = None
    async with platform.uow() as uow:
        profile = await profiles.get_profile(uow, account.id, lock=True)  # one check at a time per account
        if not profile.is_verified:
            await check_can_attempt(uow, account_id=account.id)
            if rules.age_years(born, today=uow.now().date()) < rules.VERIFICATION_AGE_MIN_YEARS:
                refusal = Underage(f"You must be {rules.VERIFICATION_AGE_MIN_YEARS} or older to verify your "
                                   "identity.", field="date_of_birth")
            elif last4 == rules.SIMULATED_UNMATCHED_SSN_LAST4:
                refusal = VerificationFailed("We could not match this name, date of birth and SSN to a record. "
                                             "Check them and try again.", field="ssn_last4")
            await _record(uow, profile=profile, refusal=refusal, legal_name=name, born=born, last4=last4)
    if refusal is not None:  # raised after the commit: the failed attempt must count against the next ones
        raise refusal
    return await get_verification(platform, account)


async def check_can_attempt(uow: UnitOfWork, *, account_id: int) -> None:
    failures, oldest = await _failures_since(uow, account_id=account_id,
                                             since=uow.now() - rules.VERIFICATION_FAILURE_WINDOW)
    if failures >= rules.VERIFICATION_FAILURES_MAX:
        assert oldest is not None
        retry_after_s = max(int((oldest + rules.VERIFICATION_FAILURE_WINDOW - uow.now()).total_seconds()), 1)
        raise LimitExceeded(f"{rules.VERIFICATION_FAILURES_MAX} failed verification attempts in a day; try again "
                            "later.", code="verification_attempts", retry_after_s=retry_after_s)


async def get_verification(platform: Platform, account: AuthenticatedAccount) -> Verification:
    overview = await profiles.overview(platform, account)
    async with platform.reader() as reader:
        verified = await reader.session.get(VerificationRow, account.id)
        failures, _ = await _failures_since(reader, account_id=account.id,
                                            since=reader.now() - rules.VERIFICATION_FAILURE_WINDOW)
    remaining = 0 if verified is not None else max(rules.VERIFICATION_FAILURES_MAX - failures, 0)
    return Verification(overview=overview, verified=verified, attempts_remaining=remaining)


async def _record(uow: UnitOfWork, *, profile: ProfileRow, refusal: CasebookError | None, legal_name: str,
                  born: date, last4: str) -> None:
    """The attempt, and on success the verified identity and the raised limit, in one transaction."""
    now = uow.now()
    if refusal is None:
        earlier = await uow.session.scalar(select(func.count()).select_from(VerificationAttemptRow)
                                           .where(VerificationAttemptRow.account_id == profile.account_id))
        uow.session.add(VerificationRow(account_id=profile.account_id, legal_name=legal_name, date_of_birth=born,
                                        ssn_last4=last4, attempts=int(earlier or 0) + 1, verified_at=now))
        profile.is_verified, profile.updated_at = True, now
    uow.session.add(VerificationAttemptRow(id=uow.new_id(), account_id=profile.account_id,
                                           outcome="failed" if refusal else "verified",
                                           failure_code=refusal.code if refusal else None, created_at=now))
    await uow.session.flush()


async def _failures_since(uow: UnitOfWork, *, account_id: int, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = (await uow.session.execute(
        select(func.count(), func.min(VerificationAttemptRow.created_at))
        .where(VerificationAttemptRow.account_id == account_id, VerificationAttemptRow.outcome == "failed",
               VerificationAttemptRow.created_at >= since))).one()
    return int(count), oldest
