"""The four quality levels, ordered HTXS > HTT > HT > KHT, as small integers for fast comparison."""

from __future__ import annotations

from typing import Literal

LevelName = Literal["HTXS", "HTT", "HT", "KHT"]

KHT, HT, HTT, HTXS = 0, 1, 2, 3
NONE = -1  # no level: not rated, or left to the competent authority

NAMES: tuple[LevelName, ...] = ("KHT", "HT", "HTT", "HTXS")
BY_NAME: dict[str, int] = {name: i for i, name in enumerate(NAMES)}


# "HTXS→HTT", "HT→null": how a reason says what it did to the level, for every pair of levels.
STEPS: dict[tuple[int, int], str] = {
    (high, low): f"{NAMES[high]}→{NAMES[low] if low >= 0 else 'null'}"
    for high in range(len(NAMES))
    for low in range(NONE, len(NAMES))
}


def name(level: int) -> LevelName | None:
    return NAMES[level] if level >= 0 else None
