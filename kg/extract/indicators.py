"""Indicator concepts and figure kinds: which concept of the indicator scheme each figure's label names
(kb.indicators, ontology/indicators.ttl) and what kind of figure it is (an RDF Data Cube dimension).

The label stays as stated (kgo:indicator); the concept (kgo:concept) is what an analyst compares across
regions: 农民人均可支配收入, 农村常住居民人均可支配收入 and 农村居民人均可支配收入分别增长 are one concept.
The kind is what the words around the figure said (增长 -> change, 占 -> share, 累计 -> cumulative,
kg.extract.observations) when they said one; else what the concept's own label says (人均 -> per-capita,
率 -> share) and what the unit says (个百分点 -> change; a % of an indicator that is no rate is its
change), the strongest in the order change > share > cumulative > per-capita > level (kg/indicators.py).
"""

from __future__ import annotations

from kg.extract.component import component
from kg.extract.observations import UNNAMED
from kg.indicators import FIGURE_KIND_PRIORITY
from kg.knowledge import KnowledgeBase
from kg.model import Document, Extraction, Observation, evolve


def _strongest(*kinds: str) -> str:
    return next((k for k in FIGURE_KIND_PRIORITY if k in kinds), "level")


def link(obs: Observation, kb: KnowledgeBase) -> Observation:
    """The observation with the concept its label names (if any) and its figure kind."""
    scheme = kb.indicators
    unit = kb.units.units.get(obs.quantity.unit)
    unit_kind = unit.kind if unit else None
    match = None if obs.indicator == UNNAMED else scheme.match(obs.indicator, unit_kind, unit=obs.quantity.unit)
    if match is None:
        words = scheme.kind_words
        own = words.kinds_in(obs.indicator, label_words_only=True)
        kind = _strongest(obs.kind, *own, words.unit_kind(obs.quantity.unit) or "level")
        return evolve(obs, kind=kind) if kind != obs.kind else obs
    # what the words around the figure said (增长, 占, 累计) wins over what the concept and unit suggest
    kind = obs.kind if obs.kind != "level" else match.kind
    return evolve(obs, concept=match.concept, concept_label=match.pref_label, kind=kind)


@component(requires=("observations",), assigns=("observations.concept", "observations.kind"))
def indicators(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: every figure linked to its indicator concept, with its figure kind."""
    return evolve(ex, observations=tuple(link(o, kb) for o in ex.observations))
