"""Removing documents from a store: their graphs, and what only they used in the vocabulary graph.

Every document writes the shared nodes it uses (a region with its part-of chain, an indicator, a
discovered programme) into the one vocabulary graph (kg.rdf).  Dropping a document's graph leaves those
blocks behind, and so does replacing a document whose new version uses other nodes: a corpus store
pruned down to the seeds kept 65,332 quads where a fresh build of the seeds has 11,803, and a graph
export showed the left-overs as thousands of unconnected nodes.

A vocabulary block is in use when a document graph names its subject, or when a block in use names it
(a region's parent, up the part-of chain).  Those are exactly the blocks the remaining documents write,
so after `remove_documents` a store equals a fresh build of the documents left in it.  The graphs and
the unused blocks go in one SPARQL update, which Oxigraph runs as one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad

from kg.store import KGStore
from kg.vocab import ONTOLOGY_GRAPH, VOCABULARY_GRAPH, iri

LINKS_GRAPH = iri("graph", "programme-links")  # kg.links recomputes it from what is left
SHARED_GRAPHS = frozenset({VOCABULARY_GRAPH, ONTOLOGY_GRAPH, LINKS_GRAPH})


def _vocabulary_subjects(store: KGStore) -> set[NamedNode]:
    rows = store.store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{VOCABULARY_GRAPH.value}> {{ ?s ?p ?o }} }}")
    return {row["s"] for row in rows if isinstance(row["s"], NamedNode)}


def _named_by_documents(store: KGStore, node: NamedNode, ignore: frozenset[NamedNode] | set[NamedNode]) -> bool:
    """Whether a graph other than the shared ones (and those being dropped) names `node`."""
    raw = store.store
    for quad in raw.quads_for_pattern(None, None, node, None):
        if quad.graph_name not in ignore:
            return True
    return any(quad.graph_name not in ignore for quad in raw.quads_for_pattern(node, None, None, None))


def unused_vocabulary(store: KGStore, dropping: Iterable[str] = ()) -> list[Quad]:
    """The vocabulary quads no document uses once the graphs `dropping` are gone."""
    ignore = SHARED_GRAPHS | {NamedNode(g) for g in dropping}
    subjects = _vocabulary_subjects(store)
    keep = {s for s in subjects if _named_by_documents(store, s, ignore)}
    # blocks name other blocks (a region its parent): follow those links from the blocks in use
    links: dict[NamedNode, list[NamedNode]] = {}
    for row in store.store.query(f"""SELECT DISTINCT ?s ?o WHERE {{ GRAPH <{VOCABULARY_GRAPH.value}> {{
            ?s ?p ?o . ?o ?q ?x }} }}"""):
        links.setdefault(row["s"], []).append(row["o"])
    todo = list(keep)
    while todo:
        for up in links.get(todo.pop(), ()):
            if up not in keep:
                keep.add(up)
                todo.append(up)
    gone = sorted(subjects - keep, key=lambda n: n.value)
    return [q for s in gone for q in store.store.quads_for_pattern(s, None, None, VOCABULARY_GRAPH)]


def remove_documents(store: KGStore, graphs: Iterable[str]) -> int:
    """Drop the document graphs and the vocabulary blocks only they used, in one transaction; with no
    graphs, drop the blocks that no document uses any more (after documents were replaced).
    Returns the number of vocabulary quads removed."""
    graphs = sorted(set(graphs))
    unused = unused_vocabulary(store, graphs)
    operations = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
    if unused:
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in unused)
        operations.append(f"DELETE DATA {{ GRAPH <{VOCABULARY_GRAPH.value}> {{\n{body}\n}} }}")
    if operations:
        store.store.update(" ;\n".join(operations))
    return len(unused)
