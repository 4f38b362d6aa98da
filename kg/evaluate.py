"""`kg eval`: score the store against answer keys (format: shared/gold/README.md).

A gold fact is found when an observation of the same document has the same value (relative tolerance
1e-6) and a compatible unit (名 = 人; 元 for any money); its region, period and indicator are then checked
on their own.  Precision counts observations that match no gold fact.  Matching prefers observations
whose quote overlaps the gold quote, so two facts with the same value are not swapped.

Indicator agreement (column `indicator`) is lenient, because answer keys name a figure in words of their
own (新识别监测对象户数 for the label 新识别监测对象): the observation's label as stated (kgo:indicator)
agrees with the key's `indicator` when, both in Simplified Chinese without quotes, brackets and spaces,
one contains the other (the contained one at least two characters long) or their character-bigram Dice
coefficient (2·|shared bigrams| / (|bigrams a| + |bigrams b|), bigrams counted with multiplicity) is at
least 0.5.  Column `concept`: of the found facts whose key label names a concept of the indicator scheme
(the scheme's matcher, kg/indicators.py, after the measure noun the keys end with is cut: 户数, 人数,
金额 …), the share whose observation links to that same concept (kgo:concept); `n` is how many that is.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kg.knowledge import KnowledgeBase
from kg.normalize import to_simplified
from kg.store import KGStore

DICE_MIN = 0.5  # character-bigram Dice at or above which two labels agree
_NOISE = re.compile(r"[“”‘’\"'「」『』《》〈〉()（）\[\]【】\s·]+")

# The observations of a store with what kg eval compares: the named query's columns (file, region, value,
# unit, period, quote, indicator) and the concept IRI.  Sub-SELECTs so Oxigraph joins by hash.
EVAL_QUERY = """
PREFIX kgo: <https://w3id.org/kg-rural/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
SELECT ?file ?region ?indicator ?value ?unit ?period ?quote ?concept WHERE {
  { SELECT ?o ?v WHERE { ?o kgo:value ?v } }
  { SELECT ?o ?u WHERE { ?o kgo:unit ?u } }
  { SELECT ?u ?unit WHERE { ?u skos:prefLabel ?unit } }
  { SELECT ?o ?quote WHERE { ?o kgo:quote ?quote } }
  { SELECT ?o ?ind WHERE { ?o kgo:indicator ?ind } }
  { SELECT ?ind ?indicator WHERE { ?ind skos:prefLabel ?indicator } }
  { SELECT ?o ?d WHERE { ?o prov:wasDerivedFrom ?d } }
  { SELECT ?d ?file WHERE {
      { SELECT ?d ?fileName WHERE { ?d kgo:fileName ?fileName } }
      OPTIONAL { SELECT ?d ?part WHERE { ?d kgo:part ?part } }
      BIND(CONCAT(?fileName, COALESCE(CONCAT("#", ?part), "")) AS ?file) } }
  OPTIONAL { SELECT ?o ?region WHERE { ?o sdmx-dimension:refArea ?r . ?r rdfs:label ?region } }
  OPTIONAL { SELECT ?o ?p WHERE { ?o sdmx-dimension:refPeriod ?p } }
  OPTIONAL { SELECT ?o ?c WHERE { ?o kgo:concept ?c } }
  BIND(STR(?v) AS ?value)
  BIND(STR(?p) AS ?period)
  BIND(STR(?c) AS ?concept)
}"""


def _clean(label: str, kb: KnowledgeBase) -> str:
    return _NOISE.sub("", to_simplified(label, kb))


def _bigrams(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1)] or [text]


def dice(a: str, b: str) -> float:
    """Character-bigram Dice coefficient of two labels (bigrams counted with multiplicity)."""
    ba, bb = _bigrams(a), _bigrams(b)
    rest = Counter(bb)
    shared = 0
    for gram in ba:
        if rest[gram] > 0:
            rest[gram] -= 1
            shared += 1
    return 2 * shared / (len(ba) + len(bb))


def labels_agree(gold: str, label: str) -> bool:
    """The lenient indicator agreement of the module docstring (both already cleaned)."""
    if not gold or not label:
        return False
    shorter, longer = sorted((gold, label), key=len)
    return (len(shorter) >= 2 and shorter in longer) or dice(gold, label) >= DICE_MIN


def gold_concept(label: str, unit: str, kb: KnowledgeBase) -> str | None:
    """The concept a key's label names: the scheme's matcher on the label without the measure noun that
    answer keys end their labels with (新识别监测对象户数 -> 新识别监测对象)."""
    nouns = sorted({n for n in kb.lexicon["indicator_words"].pairs("measure_noun").values() if "UNIT" not in n}
                   | {"数", "数量", "总数", "个数", "规模"}, key=len, reverse=True)
    for noun in nouns:
        if label.endswith(noun) and len(label) > len(noun) + 1:
            label = label[:-len(noun)]
            break
    known = kb.units.units.get(unit) or kb.units.units.get(kb.units.surface.get(unit, ""))
    match = kb.indicators.match(label, known.kind if known else None, unit=unit)
    return match.concept if match else None


@dataclass
class Score:
    file: str
    gold: int = 0
    extracted: int = 0
    found: int = 0
    region_ok: int = 0
    period_ok: int = 0
    indicator_ok: int = 0
    concept_n: int = 0  # found facts whose key label names a scheme concept
    concept_ok: int = 0
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

    @property
    def indicator(self) -> float:
        return self.indicator_ok / self.found if self.found else 0.0

    @property
    def concept(self) -> float:
        return self.concept_ok / self.concept_n if self.concept_n else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.extracted += other.extracted
        self.found += other.found
        self.region_ok += other.region_ok
        self.period_ok += other.period_ok
        self.indicator_ok += other.indicator_ok
        self.concept_n += other.concept_n
        self.concept_ok += other.concept_ok


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
        gold_label = _clean(fact.get("indicator") or "", kb)
        if labels_agree(gold_label, _clean(obs.get("indicator") or "", kb)):
            score.indicator_ok += 1
        concept = gold_concept(gold_label, fact["unit"], kb)
        if concept is not None:
            score.concept_n += 1
            score.concept_ok += concept == obs.get("concept")
    return score


def evaluate(store: KGStore, gold_dir: Path) -> list[Score]:
    """One score per answer key (a *.json file) in `gold_dir`; documents missing from the store are
    scored with `missing` set, so the report names them instead of counting them as found nothing."""
    by_file: dict[str, list[dict[str, str | None]]] = {}
    for row in store.rows(EVAL_QUERY):
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
             f"{'period':>7} {'indicator':>9} {'concept':>7} {'n':>4}"]
    for s in present:
        total.add(s)
        lines.append(_line(s))
    lines.append(_line(total))
    if missing:
        lines.append(f"not in the store, not scored ({len(missing)}): " + ", ".join(s.file for s in missing))
    return "\n".join(lines)


def _line(s: Score) -> str:
    return (f"{s.file:<34} {s.gold:>5} {s.found:>5} {s.extracted:>5} {s.recall:>7.3f} {s.precision:>9.3f} "
            f"{s.region:>7.3f} {s.period:>7.3f} {s.indicator:>9.3f} {s.concept:>7.3f} {s.concept_n:>4}")
