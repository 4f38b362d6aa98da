"""The unit table (kg/data/units.tsv): measure words, what they measure, QUDT / UCUM links."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

COUNTABLE_KINDS = {"money", "people", "person-time", "households", "count", "area", "length", "mass", "volume",
                   "energy", "percent"}


@dataclass(frozen=True)
class Unit:
    label: str
    kind: str
    qudt: str | None = None
    ucum: str | None = None

    @property
    def countable(self) -> bool:
        """Time spans (年, 天 …) and ratios like 倍 are never observations."""
        return self.kind in COUNTABLE_KINDS


@dataclass(frozen=True)
class UnitTable:
    units: dict[str, Unit]  # by label
    surface: dict[str, str]  # written form -> label (labels and aliases)
    max_len: int
    nouns: dict[str, str] = field(default_factory=dict)  # counted noun -> label (带动11.5万脱贫人口 -> 人)

    @classmethod
    def parse(cls, text: str) -> UnitTable:
        units: dict[str, Unit] = {}
        surface: dict[str, str] = {}
        nouns: dict[str, str] = {}
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            label, kind, aliases, qudt, ucum, counted = (line.split("\t") + ["-"] * 6)[:6]
            units[label] = Unit(label, kind, None if qudt == "-" else qudt, None if ucum == "-" else ucum)
            surface[label] = label
            for alias in aliases.split(","):
                if alias and alias != "-":
                    surface.setdefault(alias, label)
            for noun in counted.split(","):
                if noun and noun != "-":
                    nouns[noun] = label
        return cls(units, surface, max(len(s) for s in surface), nouns)

    @functools.cached_property
    def _longest(self) -> dict[str, int]:
        """The length of the longest written form starting with each character (derived once per table)."""
        longest: dict[str, int] = {}
        for form in self.surface:
            if form:
                longest[form[0]] = max(longest.get(form[0], 0), len(form))
        return longest

    def match(self, text: str, pos: int) -> tuple[Unit, int] | None:
        """Longest measure word written at `pos` (人次 before 人, 平方公里 before 公里).  Only lengths up to
        the longest form starting with the character at `pos` are tried (none for most characters)."""
        for length in range(min(self._longest.get(text[pos:pos + 1], 0), len(text) - pos), 0, -1):
            label = self.surface.get(text[pos:pos + length])
            if label is not None:
                return self.units[label], length
        return None

    def compatible(self, a: str, b: str) -> bool:
        """Same measure: equal labels, any two money units, 人/名/位, or the generic classifier 个
        against any other count classifier (个 vs 座, 村 …)."""
        if a == b:
            return True
        ua, ub = self.units.get(a), self.units.get(b)
        if ua is None or ub is None:
            return False
        if ua.kind == ub.kind and ua.kind in ("money", "people"):
            return True
        return ua.kind == ub.kind == "count" and "个" in (a, b)
