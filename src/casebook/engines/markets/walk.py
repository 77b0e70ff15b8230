"""A seeded Brownian path readable at any step in O(log steps), amortised O(1) for nearby steps.

Lévy's construction: W(0) = 0 and W(2**L) ~ N(0, 2**L); the midpoint m of a dyadic interval [a, b]
is W(m) = (W(a) + W(b)) / 2 + sqrt((b - a) / 4) * Z(m), with Z(m) a standard normal drawn by hashing
(key, m). Every value is a pure function of the key and the step, so every process computes the same
path with no coordination, and reading step t never walks the steps before it. The last descent is
kept, so the next read only redoes the levels below the smallest interval holding both steps.
"""

from __future__ import annotations

import hashlib
import math

from casebook.engines.markets import limits

_UNIFORM_SCALE = 2.0**-64
_TWO_PI = 2.0 * math.pi

Interval = tuple[int, int, float, float]  # (a, b, W(a), W(b))


def path_key(seed: int, name: str) -> bytes:
    """The 32-byte key of one path: distinct seeds or names give independent paths."""
    return hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=32, person=b"casebook.walk").digest()


def normal(key: bytes, point: int) -> float:
    """A standard normal variate for `point`, by Box-Muller on two 64-bit uniforms hashed from it."""
    digest = hashlib.blake2b(point.to_bytes(8, "big"), digest_size=16, key=key).digest()
    uniform_1 = (int.from_bytes(digest[:8], "big") + 1) * _UNIFORM_SCALE  # (0, 1]: log stays finite
    uniform_2 = int.from_bytes(digest[8:], "big") * _UNIFORM_SCALE
    return math.sqrt(-2.0 * math.log(uniform_1)) * math.cos(_TWO_PI * uniform_2)


class BrownianPath:
    """Standard Brownian motion at integer steps 0 .. 2**levels (unit variance per step)."""

    __slots__ = ("_key", "_trail", "levels_computed")

    def __init__(self, key: bytes, *, levels: int = limits.PATH_LEVELS) -> None:
        self._key = key
        end = 1 << levels
        # The trail: nested intervals from the root down to the last step read.
        self._trail: tuple[Interval, ...] = ((0, end, 0.0, math.sqrt(end) * normal(key, end)),)
        self.levels_computed = 0  # midpoints drawn so far: shows the memo at work

    @property
    def steps(self) -> int:
        return self._trail[0][1]

    def at(self, step: int) -> float:
        """W(step), 0 <= step <= steps. The same float, bit for bit, whatever was read before."""
        trail = self._trail  # read once: a concurrent reader replaces the trail, never edits it
        assert 0 <= step <= trail[0][1], step
        depth = len(trail) - 1
        while not trail[depth][0] <= step <= trail[depth][1]:  # nested: some ancestor holds it
            depth -= 1
        low, high, w_low, w_high = trail[depth]
        descent: list[Interval] = []
        while step != low and step != high:
            middle = (low + high) >> 1
            w_middle = 0.5 * (w_low + w_high) + math.sqrt((high - low) * 0.25) * normal(self._key, middle)
            if step < middle:
                high, w_high = middle, w_middle
            else:
                low, w_low = middle, w_middle
            descent.append((low, high, w_low, w_high))
        if descent:
            self.levels_computed += len(descent)
            self._trail = trail[: depth + 1] + tuple(descent)
        return w_low if step == low else w_high
