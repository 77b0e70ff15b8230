"""Cash Card sample data for `casebook demo`: cards for the demo people, their Boosts, card purchases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from casebook.apps.cashapp.card import purchases, service
from casebook.platform.identity.principal import AuthenticatedAccount

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

BOOSTS = {"ada": "coffee-10", "grace": "groceries-1", "linus": "restaurants-5", "barbara": "rideshare-15"}
# (username, merchant, category, amount): small against the demo's $200 funding; some match their Boost
PURCHASES = (("ada", "Blue Bottle Coffee", "coffee_shop", "5.40"), ("ada", "Whole Foods", "grocery", "23.15"),
             ("grace", "Trader Joe's", "grocery", "31.80"), ("grace", "Blue Bottle Coffee", "coffee_shop", "4.25"),
             ("linus", "Tartine", "restaurant", "42.00"), ("barbara", "Lyft", "rideshare", "18.60"),
             ("ken", "REI", "general_retail", "12.99"))
FROZEN = ("ken",)  # one frozen card, so the freeze toggle shows both states; frozen after its purchase


async def load_demo(platform: Platform, people: Mapping[str, AuthenticatedAccount]) -> None:
    """Idempotent: a card is issued only to people without one, and purchases carry fixed keys, so a rerun
    buys nothing twice. `people` maps demo usernames to their accounts (profiles already made)."""
    for username, person in people.items():
        if await service.card_overview(platform, person) is None:
            await service.issue_card(platform, person)
        if username in BOOSTS:
            await service.activate_boost(platform, person, boost_id=BOOSTS[username])
    for index, (username, merchant, category, amount) in enumerate(PURCHASES):
        if username in people:
            await purchases.simulate_purchase(platform, people[username], form_key=f"demo-card-{index}",
                                              merchant_name=merchant, merchant_category=category, amount=amount)
    for username in FROZEN:
        if username in people:
            await service.set_frozen(platform, people[username], is_frozen=True)
