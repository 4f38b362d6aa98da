"""The component contract of the extraction pipeline (kg.extract.pipeline).

A component is a callable `(Document, Extraction, KnowledgeBase) -> Extraction` that returns a copy of
the extraction with its own fields filled in, and declares what it reads (`requires`) and writes
(`assigns`), as spaCy's components do; the pipeline checks the order with them when it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from kg.knowledge import KnowledgeBase
from kg.model import Document, Extraction

Step = Callable[[Document, Extraction, KnowledgeBase], Extraction]


class Component(Protocol):
    __name__: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction: ...


def component(requires: Sequence[str] = (), assigns: Sequence[str] = ()) -> Callable[[Step], Component]:
    """Declare what a component function reads and writes (field names of Extraction; `x.y` for one
    field of the mentions in x)."""

    def wrap(fn: Step) -> Component:
        fn.requires = tuple(requires)  # type: ignore[attr-defined]
        fn.assigns = tuple(assigns)  # type: ignore[attr-defined]
        return fn  # type: ignore[return-value]

    return wrap
