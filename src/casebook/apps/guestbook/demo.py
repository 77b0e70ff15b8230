"""Sample data for `casebook demo`: a few signers and a page or two of entries each."""

from __future__ import annotations

import random

from casebook.apps.guestbook import service
from casebook.platform.appmodule import DemoProgress
from casebook.platform.bootstrap import Platform
from casebook.platform.identity import service as identity
from casebook.platform.identity.principal import AuthenticatedAccount

DEMO_PASSWORD = "casebook-demo"  # every demo account signs in with this
SIGNERS = ("ada", "grace", "linus", "barbara", "ken", "margaret", "dennis", "frances")
ENTRIES_PER_SIGNER = 12
DEMO_STEPS = len(SIGNERS)
PHRASES = ("Lovely platform", "Came for the ledger, stayed for the feed", "Benchmarked it on two cores",
           "The outbox delivered", "Scaled out behind nginx", "Read the code, liked the names")


async def load(platform: Platform, progress: DemoProgress) -> None:
    """Idempotent: signers that already exist are skipped, so running the demo twice adds nothing."""
    rng = random.Random(2026)
    for username in SIGNERS:
        async with platform.uow() as uow:
            if await identity.find_account_by_login(uow, username) is not None:
                progress(1)
                continue
            account = await identity.register(uow, username=username, email=f"{username}@demo.casebook.dev",
                                              password=DEMO_PASSWORD)
            author = AuthenticatedAccount(id=account.id, username=account.username, via="session")
            for number in range(ENTRIES_PER_SIGNER):
                await service.sign(uow, author=author, body=f"{rng.choice(PHRASES)} (#{number + 1} by {username})")
        progress(1)
