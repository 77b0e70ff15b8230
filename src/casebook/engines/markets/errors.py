"""The markets engine's refusals: each a platform error with a stable code."""

from __future__ import annotations

from casebook.platform.errors import Invalid, NotFound


class UnknownSymbol(NotFound):
    code = "unknown_symbol"
    title = "Unknown symbol"


class InvalidTime(Invalid):
    """A naive datetime, or one outside the span the simulated market covers."""

    code = "invalid_time"
    title = "Invalid time"


class InvalidInterval(Invalid):
    """A history window or candle interval the feed will not chart."""

    code = "invalid_interval"
    title = "Invalid interval"


class InvalidOrder(Invalid):
    """An unknown side, or an amount or quantity that is not a positive integer of minor units."""

    code = "invalid_order"
    title = "Invalid order"


class OrderTooSmall(Invalid):
    code = "order_too_small"
    title = "Order below the minimum"


class OrderTooLarge(Invalid):
    code = "order_too_large"
    title = "Order above the maximum"
