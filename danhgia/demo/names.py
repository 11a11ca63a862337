"""Synthetic Vietnamese names with realistic frequencies (data/vn-names.json). No real person is meant."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "vn-names.json").read_text(encoding="utf-8"))

# Tày family names are not in the data file; these are common ones in the northern mountains.
_FAMILY_TAY: dict[str, float] = {"Hoàng": 30, "Nông": 25, "Lục": 10, "Đàm": 10, "Ma": 10, "Lương": 10, "Hà": 5}
_MONG_GIVEN_MALE = ["Páo", "Sử", "Chứ", "Dình", "Lử", "Tủa", "Vàng", "Sính", "Chá", "Pó"]
_MONG_GIVEN_FEMALE = ["Mỷ", "Sua", "Dở", "Pà", "Chở", "Xoa", "Mai", "Súa"]

FAMILY_BY_ETHNICITY: dict[str, dict[str, float]] = {
    "Kinh": DATA["family_kinh"],
    "Mường": DATA["family_muong"],
    "Thái": DATA["family_thai"],
    "Dao": DATA["family_dao"],
    "Mông": DATA["family_mong"],
    "Tày": _FAMILY_TAY,
}

# Ethnic make-up of the party members of a district, by kind of area. Hòa Bình: Mường about 60 %,
# Kinh 28 %, then Thái, Dao, Tày, Mông (vn-names.json "about").
ETHNIC_MIX: dict[str, dict[str, float]] = {
    "city": {"Kinh": 68, "Mường": 29, "Thái": 1.5, "Tày": 1, "Dao": 0.5},
    "lowland": {"Kinh": 38, "Mường": 57, "Thái": 2, "Dao": 2, "Tày": 1},
    "highland": {"Mường": 55, "Kinh": 17, "Thái": 15, "Dao": 8, "Mông": 3, "Tày": 2},
}


@dataclass(frozen=True)
class Name:
    family: str
    middle: str
    given: str
    gender: str  # "nam" | "nu"
    ethnicity: str


class _Weighted:
    def __init__(self, weights: dict[str, float]) -> None:
        self.items = list(weights)
        total = sum(weights.values())
        acc = 0.0
        self.cum: list[float] = []
        for item in self.items:
            acc += weights[item] / total
            self.cum.append(acc)

    def pick(self, rng: random.Random) -> str:
        x = rng.random()
        for item, edge in zip(self.items, self.cum, strict=True):
            if x <= edge:
                return item
        return self.items[-1]


@cache
def _family(ethnicity: str) -> _Weighted:
    return _Weighted(FAMILY_BY_ETHNICITY.get(ethnicity) or DATA["family_kinh"])


@cache
def _mix(area: str) -> _Weighted:
    return _Weighted(ETHNIC_MIX[area])


def random_name(rng: random.Random, *, area: str, female_share: float = 0.36) -> Name:
    """A name for a party member of the given area ("city", "lowland", "highland")."""
    ethnicity = _mix(area).pick(rng)
    female = rng.random() < female_share
    family = _family(ethnicity).pick(rng)
    if ethnicity == "Mông":
        middle = "Thị" if female else rng.choice(["A", "Seo", "Văn"])
        given = rng.choice(_MONG_GIVEN_FEMALE if female else _MONG_GIVEN_MALE)
    else:
        # "Văn" is by far the most common middle name of men (about four in ten), "Thị" of women.
        if not female and rng.random() < 0.4:
            middle = "Văn"
        else:
            middle = rng.choice(DATA["middle_female"] if female else DATA["middle_male"])
        given = rng.choice(DATA["given_female"] if female else DATA["given_male"])
        # Two-part middle names are common among Kinh women ("Thị Thu", "Ngọc Bích" style).
        if female and middle == "Thị" and rng.random() < 0.15:
            middle = f"Thị {rng.choice(['Thu', 'Thanh', 'Minh', 'Hồng', 'Kim'])}"
    return Name(family=family, middle=middle, given=given, gender="nu" if female else "nam", ethnicity=ethnicity)


# Place-name syllables for synthetic communes and villages (in the style of Hòa Bình's place names).
_PLACE_FIRST = [
    "Tân", "Phú", "Yên", "Bình", "An", "Hòa", "Thanh", "Ngọc", "Mỹ", "Quyết", "Đông", "Tây", "Nam", "Bắc", "Hợp",
    "Trung", "Liên", "Văn", "Vĩnh", "Hưng", "Định", "Phong", "Cao", "Mường", "Suối", "Đồng", "Tự", "Quy", "Lũng",
    "Thượng", "Hạ", "Kim", "Ân", "Hiền", "Cuối", "Tiền", "Ngổ", "Lạc", "Nhân", "Địa", "Tú", "Đoàn", "Mãn", "Vầy",
]  # fmt: skip
_PLACE_SECOND = [
    "Lạc", "Hòa", "Sơn", "Thịnh", "Mỹ", "Phú", "Lập", "Tiến", "Thành", "Hưng", "Chiềng", "Bài", "Vang", "Động",
    "Lương", "Nghĩa", "Bình", "Thủy", "Khánh", "Lâm", "Mai", "Tâm", "Xuân", "Vinh", "Hòa", "Ngòi", "Luông", "Khến",
    "Nhuận", "Chum", "Bưng", "Cọi", "Rậm", "Mời", "Sấu", "Lạng", "Thắng", "Chanh", "Vó", "Bói", "Ké", "Quế",
]  # fmt: skip


def place_names(rng: random.Random, count: int, *, taken: set[str] | None = None) -> list[str]:
    """`count` distinct two-syllable place names."""
    seen = taken if taken is not None else set()
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(_PLACE_FIRST)} {rng.choice(_PLACE_SECOND)}"
        first, second = name.split()
        if first == second or name in seen:
            continue
        seen.add(name)
        names.append(name)
    return names
