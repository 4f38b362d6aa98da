"""A small Python API for notebooks: `kg.open(store)`, then `.query()` or `.dataframe()`.

    import kg
    with kg.open("kg-store") as g:
        rows = g.query("observations", region="麦积区")
        df = g.dataframe("observations", indicator="风险消除率")

A query is a named query (a file in queries/), a .rq path or literal SPARQL, as in `kg query`; keyword
arguments bind query variables to typed RDF terms (never spliced into the text).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import QueryBoolean, QueryTriples

from kg.query import run
from kg.store import DEFAULT_STORE, KGStore

if TYPE_CHECKING:
    import pandas

    from kg.knowledge import KnowledgeBase
    from kg.model import Extraction


class Graph:
    """A read-only view of a store; safe to keep open while `kg build` writes it."""

    def __init__(self, store: KGStore, allow_service: bool = False) -> None:
        self._store = store
        self.allow_service = allow_service

    @property
    def store(self) -> KGStore:
        return self._store

    def query(self, query: str, **bindings: Any) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (str; int/float/bool/Decimal for such literals; None when
        unbound).  ASK gives [{"result": bool}]; CONSTRUCT and DESCRIBE give subject/predicate/object rows.
        A query that calls SERVICE is refused (kg.guard) unless the store was opened with allow_service."""
        result = run(self._store, query, bindings, allow_service=self.allow_service)
        if isinstance(result, QueryBoolean):
            return [{"result": bool(result)}]
        if isinstance(result, QueryTriples):
            return [{"subject": t.subject.value, "predicate": t.predicate.value, "object": _python(t.object)}
                    for t in result]
        names = [v.value for v in result.variables]
        return [{n: _python(solution[n]) for n in names} for solution in result]

    def dataframe(self, query: str, **bindings: Any) -> pandas.DataFrame:
        """The rows of `query` as a pandas DataFrame (needs pandas: pip install 'kg[pandas]')."""
        try:
            import pandas
        except ImportError as exc:
            raise ImportError("Graph.dataframe needs pandas: pip install pandas (or 'kg[pandas]')") from exc
        result = run(self._store, query, bindings, allow_service=self.allow_service)
        if isinstance(result, QueryBoolean | QueryTriples):
            return pandas.DataFrame(self.query(query, **bindings))
        names = [v.value for v in result.variables]
        rows = [[s[n] for n in names] for s in result]
        frame = pandas.DataFrame([[_python(term) for term in row] for row in rows], columns=names)
        for i, name in enumerate(names):  # decimal columns (an observation's value) as numbers
            kinds = {getattr(getattr(row[i], "datatype", None), "value", None) for row in rows} - {None}
            if kinds == {_XSD + "decimal"}:
                frame[name] = pandas.to_numeric(frame[name].map(lambda v: None if v is None else float(v)))
        return frame

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None  # type: ignore[assignment]

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<kg.Graph {self._store.path if self._store else 'closed'}>"


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}


def _python(term: Any) -> Any:
    """Integers, doubles and booleans become Python numbers, decimals exact `decimal.Decimal`s."""
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is not None:
        kind = datatype.value
        try:
            if kind in _INTEGERS:
                return int(term.value)
            if kind in (_XSD + "double", _XSD + "float"):
                return float(term.value)
            if kind == _XSD + "decimal":
                return Decimal(term.value)
        except (ValueError, InvalidOperation):
            return term.value  # an ill-typed literal ("abc"^^xsd:integer) stays text
        if kind == _XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def extract_text(text: str, *, title: str | None = None, publisher: str | None = None, date: str | None = None,
                 file: str = "text.txt", kb: KnowledgeBase | None = None) -> Extraction:
    """Run the cleaners and the extraction pipeline on one text (no store): what `kg build` would find
    in it.  `kb` is the knowledge base to use (the shipped one when not given)."""
    from kg.extract.pipeline import default_pipeline
    from kg.knowledge import KnowledgeBase
    from kg.model import SourceText
    from kg.normalize import normalise

    kb = kb or KnowledgeBase.shipped()
    meta = {k: v for k, v in (("title", title), ("publisher", publisher), ("date", date)) if v}
    return default_pipeline(kb)(normalise(SourceText(file=file, text=text, metadata=meta), kb))


def open(store: Path | str = DEFAULT_STORE, *, allow_service: bool = False) -> Graph:  # noqa: A001 - kg.open(...)
    """Open a store read-only.  `allow_service=True` lets queries call SERVICE (fetch other endpoints)."""
    return Graph(KGStore.open(store, read_only=True), allow_service)
