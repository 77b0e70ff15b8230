"""The Boost catalogue and its rule: which purchases a Boost discounts, and by how much; no I/O.

A Boost is tied to one merchant category (the network's MCC-like slug, checked by the payments engine's
`check_merchant_category`). At capture the card owner's active Boost discounts the captured amount when the
categories match; the discount is credited back as its own ledger line, never more than the purchase.
"""

from __future__ import annotations

import dataclasses

from casebook.platform.errors import NotFound

BASIS_POINTS = 10_000


@dataclasses.dataclass(frozen=True, kw_only=True)
class Boost:
    id: str  # a short slug, stable: stored in selections and redemptions
    title: str
    merchant_category: str
    percent_basis_points: int = 0  # 1000 = 10% of the purchase
    amount_off_minor: int = 0  # a flat amount off the purchase
    cap_minor: int | None = None  # the most one purchase can get back

    def discount_minor(self, *, merchant_category: str, amount_minor: int) -> int:
        """What this Boost gives back on a purchase of `amount_minor`: 0 outside its category, never more
        than the purchase. Percentages round half up to the cent, then the cap applies."""
        if merchant_category != self.merchant_category or amount_minor <= 0:
            return 0
        discount = self.amount_off_minor
        if self.percent_basis_points:
            discount += (amount_minor * self.percent_basis_points + BASIS_POINTS // 2) // BASIS_POINTS
        if self.cap_minor is not None:
            discount = min(discount, self.cap_minor)
        return min(discount, amount_minor)


# Cash App's Boosts are of these two shapes: a percentage up to a cap, or dollars off at a kind of merchant.
CATALOGUE: tuple[Boost, ...] = (
    Boost(id="coffee-10", title="10% off at coffee shops (up to $2)", merchant_category="coffee_shop",
          percent_basis_points=1_000, cap_minor=200),
    Boost(id="groceries-1", title="$1 off at grocery stores", merchant_category="grocery", amount_off_minor=100),
    Boost(id="restaurants-5", title="5% off at restaurants (up to $5)", merchant_category="restaurant",
          percent_basis_points=500, cap_minor=500),
    Boost(id="rideshare-15", title="15% off rideshare (up to $3)", merchant_category="rideshare",
          percent_basis_points=1_500, cap_minor=300),
)
BOOSTS: dict[str, Boost] = {boost.id: boost for boost in CATALOGUE}
# The categories the "simulate a purchase" form offers: every Boost's, and one no Boost matches.
MERCHANT_CATEGORIES: tuple[str, ...] = (*(boost.merchant_category for boost in CATALOGUE), "general_retail")


class BoostNotFound(NotFound):
    code = "boost_not_found"
    title = "Boost not found"


def get_boost(boost_id: str) -> Boost:
    boost = BOOSTS.get(boost_id)
    if boost is None:
        raise BoostNotFound(f"No Boost {boost_id!r}; GET /api/cashapp/boosts lists them.")
    return boost


def find_boost(boost_id: str | None) -> Boost | None:
    """A stored selection whose Boost left the catalogue counts as none."""
    return BOOSTS.get(boost_id) if boost_id is not None else None
