"""Extraction as a pipeline of components (the model is spaCy's): Document -> Extraction.

A component is a callable `(Document, Extraction, KnowledgeBase) -> Extraction` that returns a copy of
the extraction with its own fields filled in, and says what it reads (`requires`) and what it writes
(`assigns`).  The pipeline checks, when it is made, that every component finds what it reads written
by a component before it, so an order that cannot work fails at once and by name, not with a wrong
graph.  Components never reach back into reading or normalising, and none loads knowledge of its own:
everything comes from the KnowledgeBase they are given.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from kg.extract.attribution import attribute, home_region
from kg.extract.component import Component, component
from kg.extract.indicators import indicators
from kg.extract.numbers import quantities
from kg.extract.observations import observations
from kg.extract.periods import cue_finder, infer_year
from kg.extract.programmes import measures, policy_documents, programmes
from kg.extract.regions import partnerships, places
from kg.extract.structure import document_structure
from kg.knowledge import KnowledgeBase
from kg.model import Document, Extraction, evolve

GIVEN = ("document",)  # what every extraction starts with


class PipelineError(ValueError):
    """Components in an order that cannot work."""


@component(requires=("structure",), assigns=("doc_year",))
def dating(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """The year the document's 今年 means: its date's, else the latest year its text reports on."""
    if doc.meta.date:
        return evolve(ex, doc_year=int(doc.meta.date[:4]))
    assert ex.structure is not None
    inferred = doc.meta.inferred_year or infer_year(doc.text, cue_finder(kb), ex.structure.protected)
    return evolve(ex, doc_year=inferred)


@component(requires=("document",), assigns=("structure",))
def structure(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """The document's paragraphs, sentences, clauses, headings, sections, list items, protected spans
    and stories (kg.extract.structure)."""
    return evolve(ex, structure=document_structure(doc, kb))


def _satisfied(need: str, available: set[str]) -> bool:
    """`observations.region` is there once `observations` or that very field is."""
    return need in available or need.split(".")[0] in available


class Pipeline:
    """Components run in order over a document, with the knowledge base they share."""

    def __init__(self, components: Sequence[Component], kb: KnowledgeBase) -> None:
        available = set(GIVEN)
        for c in components:
            missing = [need for need in c.requires if not _satisfied(need, available)]
            if missing:
                raise PipelineError(f"component {c.__name__} needs {', '.join(missing)}, which no component "
                                    f"before it assigns (order: {', '.join(x.__name__ for x in components)})")
            available.update(c.assigns)
        self.components = tuple(components)
        self.kb = kb

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.__name__ for c in self.components)

    def __call__(self, doc: Document) -> Extraction:
        ex = Extraction(document=doc)
        for c in self.components:
            ex = c(doc, ex, self.kb)
        return ex


DEFAULT_COMPONENTS: tuple[Component, ...] = (
    structure, dating, places, home_region, programmes, measures, policy_documents, quantities, observations,
    indicators, partnerships, attribute,
)


@functools.lru_cache(maxsize=4)
def default_pipeline(kb: KnowledgeBase) -> Pipeline:
    """The components kg builds with, in order."""
    return Pipeline(DEFAULT_COMPONENTS, kb)
