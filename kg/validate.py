"""Validate stage: the store against the SHACL shapes in ontology/shapes.ttl (pyshacl).

pyshacl works on an in-memory rdflib graph, so the store's union graph is copied into one.  A big
store is checked one document graph at a time (with the shared vocabulary and ontology graphs), which
bounds memory; the shapes only look at a node's own properties and the types of the nodes it links
to, and those all sit in the document's graph or the shared graphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import NamedNode, RdfFormat, serialize
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.rdf import resource_dir
from kg.store import KGStore
from kg.vocab import PREFIXES, SPARQL_PREFIXES

WHOLE_STORE_LIMIT = 300_000  # quads; above this, validate per document graph
MAX_SHOWN = 200


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str
    severity: str


def shapes_graph() -> Graph:
    return Graph().parse(resource_dir("ontology") / "shapes.ttl", format="turtle")


def _to_rdflib(triples: Iterator) -> Graph:
    data = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    graph = Graph()
    graph.parse(data=data, format="nt")
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base)
    return graph


def _data_graphs(store: KGStore) -> Iterator[tuple[str, Graph]]:
    """(name, rdflib graph) pairs to validate: the whole union, or one per document graph."""
    if store.quad_count() <= WHOLE_STORE_LIMIT:
        yield "store", _to_rdflib(dict.fromkeys(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")))
        return
    documents = {d.graph for d in store.documents().values()}
    shared = [g.value for g in store.store.named_graphs() if isinstance(g, NamedNode) and g.value not in documents]
    shared_triples = [q.triple for g in shared for q in store.store.quads_for_pattern(None, None, None, NamedNode(g))]
    for graph in sorted(documents):
        own = [q.triple for q in store.store.quads_for_pattern(None, None, None, NamedNode(graph))]
        yield graph, _to_rdflib(dict.fromkeys(own + shared_triples))


def violations(store: KGStore) -> tuple[bool, list[Violation]]:
    """Run pyshacl; return whether the store conforms and every result (deduplicated across chunks)."""
    from pyshacl import validate as shacl_validate

    shapes = shapes_graph()
    conforms = True
    found: dict[tuple[str, str, str, str], Violation] = {}
    for _name, data in _data_graphs(store):
        ok, results, _text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                            allow_warnings=True)
        conforms = conforms and bool(ok)
        for result in results.subjects(SH.resultSeverity, None):
            v = Violation(*(_show(data, results.value(result, p)) for p in (
                SH.focusNode, SH.resultPath, SH.resultMessage, SH.value, SH.resultSeverity)))
            found.setdefault((v.focus, v.path, v.message, v.value), v)
    return conforms, sorted(found.values(), key=lambda v: (v.focus, v.path, v.message))


def _show(data: Graph, term: object) -> str:
    """A term as a reader wants it: prefixed name or <IRI>, literals as their text, severity as a word."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if str(term).startswith(str(SH)):
            return str(term)[len(str(SH)):]
        return data.namespace_manager.normalizeUri(term)
    return str(term)


def _counts(store: KGStore) -> str:
    rows = store.query(SPARQL_PREFIXES + """
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c . FILTER(STRSTARTS(STR(?c), STR(kgo:))) }
        GROUP BY ?c ORDER BY ?c""")
    return ", ".join(f"{row['c'].value.rsplit('#', 1)[-1]} {row['n'].value}" for row in rows)


def validate(store: KGStore) -> tuple[bool, str]:
    """(conforms, readable report): one block per violation with focus node, path, message, value."""
    conforms, found = violations(store)
    if conforms:
        return True, f"conforms: {store.quad_count()} quads checked against ontology/shapes.ttl ({_counts(store)})"
    lines = [f"does not conform: {len(found)} violation{'s' if len(found) != 1 else ''}"]
    for v in found[:MAX_SHOWN]:
        lines.append(f"- {v.severity}: {v.focus}")
        if v.path:
            lines.append(f"    path:    {v.path}")
        lines.append(f"    message: {v.message}")
        if v.value:
            lines.append(f"    value:   {v.value}")
    if len(found) > MAX_SHOWN:
        lines.append(f"… and {len(found) - MAX_SHOWN} more")
    return False, "\n".join(lines)
