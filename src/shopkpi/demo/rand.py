"""Small helpers over a seeded :class:`random.Random` (never the global one)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")

Rng = random.Random


def chance(rng: Rng, p: float) -> bool:
    return rng.random() < p


def pick(rng: Rng, items: Sequence[T], weights: Sequence[float] | None = None) -> T:
    if weights is None:
        return items[rng.randrange(len(items))]
    return rng.choices(items, weights)[0]


def delay(rng: Rng, mean: float, low: float = 1.0, high: float = 3600.0) -> float:
    """A positive, right-skewed delay in seconds around ``mean`` (log-normal)."""
    sigma = 0.6
    mu = math.log(max(mean, 0.1)) - sigma * sigma / 2
    return min(max(rng.lognormvariate(mu, sigma), low), high)


def count(rng: Rng, mean: float) -> int:
    """A whole number of events with the given mean (Poisson for small means)."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def digits(rng: Rng, n: int, first: str = "") -> str:
    """A string of ``n`` digits (the first one non-zero unless ``first`` is given)."""
    if not first:
        return str(rng.randrange(10 ** (n - 1), 10**n))
    rest = n - len(first)
    return first + str(rng.randrange(10**rest)).zfill(rest) if rest > 0 else first


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def span(*, seconds: float = 0.0, minutes: float = 0.0, hours: float = 0.0) -> dt.timedelta:
    """A duration rounded to whole seconds, like every platform timestamp."""
    return dt.timedelta(seconds=round(seconds + 60 * minutes + 3600 * hours))
