"""Validate stage: the store against the SHACL shapes in ontology/shapes.ttl (pyshacl).

pyshacl works on an in-memory rdflib graph, so the store's union graph is copied into one.  A big
store is checked in slices of document graphs (each with the shared vocabulary and ontology graphs),
which bounds memory; the shapes only look at a node's own properties and the types of the nodes it links
to, and those all sit in the document's graph or the shared graphs.

Two things make it fast enough to run on a real corpus (221 k quads: 58 s before, see `validate`):
  * the graph is built from Oxigraph's terms directly (each distinct term made once) instead of
    serialising to N-Triples for rdflib's parser;
  * pyshacl checks a property shape reached through a node shape's sh:property once per focus node,
    re-reading the shapes graph each time (most of its time); a property shape with a target of its own
    is checked once for all its focus nodes.  So each node shape's property shapes are given the node
    shape's sh:targetClass, which selects the same focus nodes and reports the same results
    (tests/test_validate.py compares both against the shapes as written).
The shapes are checked one node shape at a time, which is what the progress lines report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH

from kg.rdf import resource_dir
from kg.store import KGStore
from kg.vocab import PREFIXES, SPARQL_PREFIXES

WHOLE_STORE_LIMIT = 300_000  # quads; above this, validate slices of document graphs
MAX_SHOWN = 200
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str
    severity: str


def shapes_graph() -> Graph:
    return Graph().parse(resource_dir("ontology") / "shapes.ttl", format="turtle")


def _description(shapes: Graph, node: object, into: Graph, skip: object = None) -> None:
    """Copy `node`'s triples (but those with predicate `skip`) and, through blank nodes (lists, nested
    shapes), everything they hold."""
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for s, p, o in shapes.triples((subject, None, None)):
            if s == node and p == skip:
                continue
            into.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def shape_groups(shapes: Graph | None = None) -> list[tuple[str, Graph]]:
    """One shapes graph per node shape with targets: the node shape without its sh:property links, and
    each of its property shapes with the node shape's targets (see the module docstring)."""
    shapes = shapes if shapes is not None else shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    groups = []
    for node in sorted({s for t in targets for s in shapes.subjects(t, None)}, key=str):
        group = Graph()
        for prefix, base in shapes.namespaces():
            group.bind(prefix, base)
        _description(shapes, node, group, skip=SH.property)
        aims = [(t, o) for t in targets for o in shapes.objects(node, t)]
        for prop in sorted(shapes.objects(node, SH.property), key=str):
            copy = BNode()  # a copy per node shape: kgsh:quote serves several, each with its own targets
            part = Graph()
            _description(shapes, prop, part)
            for s, p, o in part:
                group.add((copy if s == prop else s, p, o))
            group.add((copy, RDF.type, SH.PropertyShape))
            for t, o in aims:
                group.add((copy, t, o))
        groups.append((shapes.namespace_manager.normalizeUri(node), group))
    return groups


class _Terms:
    """pyoxigraph terms to rdflib terms, each distinct term converted once."""

    def __init__(self) -> None:
        self._cache: dict[object, object] = {}

    def __call__(self, term: object) -> object:
        out = self._cache.get(term)
        if out is None:
            if isinstance(term, NamedNode):
                out = URIRef(term.value)
            elif isinstance(term, BlankNode):
                out = BNode(term.value)
            elif isinstance(term, Literal):
                if term.language:
                    out = RdfLiteral(term.value, lang=term.language)
                elif term.datatype.value == XSD_STRING:
                    out = RdfLiteral(term.value)
                else:
                    out = RdfLiteral(term.value, datatype=URIRef(term.datatype.value))
            else:
                raise ValueError(f"cannot validate a quoted triple: {term}")
            self._cache[term] = out
        return out


def _to_rdflib(triples: Iterable) -> Graph:
    """An rdflib graph of pyoxigraph triples (duplicates across graphs are stored once)."""
    graph = Graph()
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base)
    term = _Terms()
    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


def _data_graphs(store: KGStore) -> Iterator[tuple[str, Graph]]:
    """(name, rdflib graph) pairs to validate: the whole union, or slices of document graphs."""
    raw = store.store
    if store.quad_count() <= WHOLE_STORE_LIMIT:
        yield "store", _to_rdflib(q.triple for q in raw.quads_for_pattern(None, None, None, None))
        return
    documents = {d.graph for d in store.documents().values()}
    shared = [g for g in raw.named_graphs() if isinstance(g, NamedNode) and g.value not in documents]
    shared_triples = [q.triple for g in shared for q in raw.quads_for_pattern(None, None, None, g)]
    budget = max(50_000, WHOLE_STORE_LIMIT - len(shared_triples))
    chunk: list = []
    first = None
    for graph in sorted(documents):
        own = [q.triple for q in raw.quads_for_pattern(None, None, None, NamedNode(graph))]
        if chunk and len(chunk) + len(own) > budget:
            yield first or graph, _to_rdflib(chunk + shared_triples)
            chunk, first = [], None
        chunk += own
        first = first or graph
    if chunk or not documents:
        yield first or "shared graphs", _to_rdflib(chunk + shared_triples)


def violations(store: KGStore, progress: Progress | None = None,
               shapes: Graph | None = None) -> tuple[bool, list[Violation]]:
    """Run pyshacl; return whether the store conforms and every result (deduplicated across slices)."""
    from pyshacl import validate as shacl_validate

    say = progress or (lambda _text: None)
    started = time.monotonic()
    groups = shape_groups(shapes)
    conforms = True
    found: dict[tuple[str, str, str, str], Violation] = {}
    total = store.quad_count()
    say(f"validate: reading {total:,} quads")
    for name, data in _data_graphs(store):
        where = "" if name == "store" else f" (slice from {name})"
        say(f"validate: {len(data):,} triples in memory{where} after {time.monotonic() - started:.1f} s")
        for n, (shape, group) in enumerate(groups, start=1):
            say(f"validate: checking {shape} ({n}/{len(groups)}) after {time.monotonic() - started:.1f} s")
            ok, results, _text = shacl_validate(data, shacl_graph=group, inference="none", advanced=False,
                                                allow_warnings=True)
            conforms = conforms and bool(ok)
            for result in results.subjects(SH.resultSeverity, None):
                v = Violation(*(_show(data, results.value(result, p)) for p in (
                    SH.focusNode, SH.resultPath, SH.resultMessage, SH.value, SH.resultSeverity)))
                found.setdefault((v.focus, v.path, v.message, v.value), v)
    say(f"validate: done in {time.monotonic() - started:.1f} s")
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


def validate(store: KGStore, progress: Progress | None = None) -> tuple[bool, str]:
    """(conforms, readable report): one block per violation with focus node, path, message, value.
    `progress` gets a line at each step (kg validate prints them on stderr)."""
    conforms, found = violations(store, progress)
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
