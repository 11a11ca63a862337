"""The HTXS quota of one group: how many candidates keep HTXS (case-format.md, "quota").

Inside a group let H be the rated subjects whose level before the quota is HTT and C the candidates
(level before the quota HTXS). The quota keeps k candidates and downgrades C − k to HTT:

    htt_final     the largest k ≤ C with k ≤ R(rate × (H + C − k)): after the quota, HTXS ≤ rate × final HTT
    htt_proposed  k = min(C, R(rate × H))
    htt_or_above  k = min(C, R(rate × (H + C)))

R is floor or half-up rounding. Arithmetic is exact (fractions): 0.2 × 85 is 17, never 16.999….
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

Base = str  # "htt_final" | "htt_proposed" | "htt_or_above"


@lru_cache(maxsize=256)
def exact(rate: float) -> Fraction:
    """The rate as written (0.2 → 1/5), not as the nearest binary float."""
    return Fraction(str(rate))


def rounded(x: Fraction, rounding: str) -> int:
    return math.floor(x + Fraction(1, 2)) if rounding == "half_up" else math.floor(x)


def cap(*, base: Base, rate: Fraction, htt: int, candidates: int, rounding: str, min_cap: int = 0) -> int:
    """The most subjects of the group that may be HTXS (before bounding by the number of candidates)."""
    return _cap(base, rate, htt, candidates, rounding, min_cap)


@lru_cache(maxsize=65536)
def _cap(base: Base, rate: Fraction, htt: int, candidates: int, rounding: str, min_cap: int) -> int:
    # Pure and exact, but Fraction arithmetic is slow: a province's thousands of groups share a few hundred sizes.
    if base == "htt_proposed":
        value = rounded(rate * htt, rounding)
    elif base == "htt_or_above":
        value = rounded(rate * (htt + candidates), rounding)
    else:
        # f(k) = R(rate × (N − k)) decreases as k grows: the largest k with k ≤ f(k) is found by walking down
        # from an upper bound (at most a few steps).
        pool = htt + candidates
        k = min(pool, rounded(rate * pool, rounding))
        while k > 0 and k > rounded(rate * (pool - k), rounding):
            k -= 1
        value = k
    return max(value, min_cap)
