"""`kg eval`: score the store against answer keys (format: shared/gold/README.md).

A gold fact is found when an observation of the same document has the same value (relative tolerance
1e-6) and a compatible unit (名 = 人; 元 for any money); its region and period are then checked on their
own.  Precision counts observations that match no gold fact.  Matching prefers observations whose
quote overlaps the gold quote, so two facts with the same value are not swapped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kg.knowledge import KnowledgeBase
from kg.normalize import to_simplified
from kg.query import named_queries
from kg.store import KGStore


@dataclass
class Score:
    file: str
    gold: int = 0
    extracted: int = 0
    found: int = 0
    region_ok: int = 0
    period_ok: int = 0
    missing: bool = False  # the document is not in the store

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.extracted if self.extracted else (1.0 if not self.gold else 0.0)

    @property
    def region(self) -> float:
        return self.region_ok / self.found if self.found else 0.0

    @property
    def period(self) -> float:
        return self.period_ok / self.found if self.found else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.extracted += other.extracted
        self.found += other.found
        self.region_ok += other.region_ok
        self.period_ok += other.period_ok


def _same_value(a: Decimal, b: float) -> bool:
    return abs(float(a) - b) <= 1e-6 * max(1.0, abs(b))


def _overlap(a: str, b: str) -> int:
    """Length of the longest common substring (quotes of the same fact overlap a lot)."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def score_document(gold: dict, observations: list[dict[str, str | None]], kb: KnowledgeBase) -> Score:
    units = kb.units
    score = Score(gold["file"], gold=len(gold["facts"]), extracted=len(observations))
    facts = gold["facts"]
    candidates: list[tuple[int, int, int]] = []  # (-overlap, gold index, obs index)
    for gi, fact in enumerate(facts):
        for oi, obs in enumerate(observations):
            if obs["value"] is None or obs["unit"] is None:
                continue
            if _same_value(Decimal(obs["value"]), float(fact["value"])) and units.compatible(obs["unit"], fact["unit"]):
                candidates.append((-_overlap(fact["quote"], obs["quote"] or ""), gi, oi))
    used_gold: set[int] = set()
    used_obs: set[int] = set()
    for _neg, gi, oi in sorted(candidates):
        if gi in used_gold or oi in used_obs:
            continue
        used_gold.add(gi)
        used_obs.add(oi)
        fact, obs = facts[gi], observations[oi]
        score.found += 1
        if to_simplified(fact.get("region") or "", kb) == (obs.get("region") or ""):
            score.region_ok += 1
        if (fact.get("time") or None) == (obs.get("period") or None):
            score.period_ok += 1
    return score


def evaluate(store: KGStore, gold_dir: Path) -> list[Score]:
    """One score per answer key (a *.json file) in `gold_dir`; documents missing from the store are
    scored with `missing` set, so the report names them instead of counting them as found nothing."""
    sparql = named_queries()["observations"].read_text(encoding="utf-8")
    by_file: dict[str, list[dict[str, str | None]]] = {}
    for row in store.rows(sparql):
        by_file.setdefault(row["file"] or "", []).append(row)
    stored = set(store.documents())
    kb = KnowledgeBase.shipped()
    scores = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        key = _stored_key(gold["file"], stored)
        score = score_document(gold, by_file.get(key, []) if key else [], kb)
        score.missing = key is None
        scores.append(score)
    return scores


def _stored_key(file: str, stored: set[str]) -> str | None:
    """The store's key for an answer key's file: the same name, or the one stored document of that name
    in a sub-folder (a store built from a parent folder keys documents by their path below it)."""
    if file in stored:
        return file
    below = [k for k in stored if k.rsplit("/", 1)[-1] == file]
    return below[0] if len(below) == 1 else None


def report(scores: list[Score]) -> str:
    """A table of the scored documents and their total; answer keys whose document is not in the store
    are listed after it, outside the total."""
    present = [s for s in scores if not s.missing]
    missing = [s for s in scores if s.missing]
    total = Score("TOTAL" if not missing else f"TOTAL ({len(present)} of {len(scores)} documents)")
    lines = [f"{'file':<34} {'gold':>5} {'found':>5} {'extr':>5} {'recall':>7} {'precision':>9} {'region':>7} "
             f"{'period':>7}"]
    for s in present:
        total.add(s)
        lines.append(_line(s))
    lines.append(_line(total))
    if missing:
        lines.append(f"not in the store, not scored ({len(missing)}): " + ", ".join(s.file for s in missing))
    return "\n".join(lines)


def _line(s: Score) -> str:
    return (f"{s.file:<34} {s.gold:>5} {s.found:>5} {s.extracted:>5} {s.recall:>7.3f} {s.precision:>9.3f} "
            f"{s.region:>7.3f} {s.period:>7.3f}")
