"""Programme links: skos:exactMatch between variants of discovered programmes, skos:broader from a region's
run of a scheme or discovered programme to it (甘肃省乡村建设行动 -> 乡村建设行动, 福厦泉要素市场化配置综合改革
试点 -> 要素市场化配置综合改革试点), and the label each programme is reported
under (kgo:clusterLabel), all in the programme-links graph.

The label of a programme is a function of its exactMatch cluster (the connected component of the
exactMatch graph, both directions, every graph): the smallest Chinese or untagged skos:prefLabel of a
scheme concept in the cluster (skos:inScheme the programme scheme, no kgo:discoveredBy), else the
smallest such prefLabel of any member.  queries/programs.rq and programs-across-regions.rq used to
compute it per query with a `(skos:exactMatch|^skos:exactMatch)*` path over every programme (~170 ms on
the seeds + corpus store); written here once per build, it is one index scan.  The queries fall back to
the path when a store holds no kgo:clusterLabel at all (built before this module).

The labels read the ontology graph too (scheme concepts and their labels), so the build must call
`link_programmes` whenever the reference graph was rewritten, not only when documents changed; the
returned digest covers every input, so an unchanged store is not rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, serialize

from kg.store import KGStore
from kg.vocab import KGO, SKOS, iri

LINKS_GRAPH = iri("graph", "programme-links")
CLUSTER_LABEL = KGO.clusterLabel
DIGEST_VERSION = "links-4"  # bump when what the links graph holds changes: the next build rewrites it

Term = NamedNode | BlankNode | Literal


def _zh_or_plain(label: Literal) -> bool:
    """LANG(?l) = "" || LANGMATCHES(LANG(?l), "zh"), as the queries filter labels."""
    lang = (label.language or "").lower()
    return lang == "" or lang == "zh" or lang.startswith("zh-")


def _any(iterator: Iterable[object]) -> bool:
    return next(iter(iterator), None) is not None


def _term_key(term: Term) -> str:
    return str(term)  # N-Triples form: distinct for distinct terms, stable for the digest


class _Components:
    """Union-find over RDF terms."""

    def __init__(self) -> None:
        self.parent: dict[Term, Term] = {}

    def find(self, x: Term) -> Term:
        root = x
        while (up := self.parent.get(root, root)) != root:
            root = up
        while (up := self.parent.get(x, x)) != root:  # path compression
            self.parent[x] = root
            x = up
        return root

    def union(self, a: Term, b: Term) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb, key=_term_key)] = min(ra, rb, key=_term_key)


def cluster_labels(programmes: Iterable[Term], edges: Iterable[tuple[Term, Term]],
                   labels: dict[Term, list[str]], scheme_concepts: set[Term]) -> dict[Term, str]:
    """The display label of each programme (programmes without any usable label are left out).

    `edges`: exactMatch pairs (direction ignored); `labels`: the usable (zh or untagged) prefLabel
    strings of each node; `scheme_concepts`: nodes in the programme scheme without kgo:discoveredBy."""
    components = _Components()
    for a, b in edges:
        components.union(a, b)
    best_any: dict[Term, str] = {}
    best_scheme: dict[Term, str] = {}
    for node, strings in labels.items():
        if not strings:
            continue
        root = components.find(node)
        smallest = min(strings)
        if root not in best_any or smallest < best_any[root]:
            best_any[root] = smallest
        if node in scheme_concepts and (root not in best_scheme or smallest < best_scheme[root]):
            best_scheme[root] = smallest
    out: dict[Term, str] = {}
    for p in programmes:
        root = components.find(p)
        label = best_scheme.get(root, best_any.get(root))
        if label is not None:
            out[p] = label
    return out


def link_programmes(store: KGStore, previous: object = None) -> str:
    """Merge variants of discovered programmes across documents (skos:exactMatch in a links graph), and
    write the display label of every programme (kgo:clusterLabel) beside the links.

    Returns a digest of the input (discovered labels and their concepts, every programme's labels and
    scheme membership, exactMatch links from other graphs); when it equals `previous` and the links
    graph exists, nothing is recomputed."""
    from kg.extract.programme_links import link_discovered, narrower_discovered, regional_variants
    from kg.knowledge import KnowledgeBase
    from kg.rdf import PROGRAMME_SCHEME

    raw = store.store
    scheme, in_scheme, pref = f"<{PROGRAMME_SCHEME.value}>", f"<{SKOS.inScheme.value}>", f"<{SKOS.prefLabel.value}>"
    discovered_by = f"<{KGO.discoveredBy.value}>"
    # each part is a sub-SELECT: Oxigraph then scans each index once (hash join) instead of looking up
    # every row (several times faster on thousands of programmes)
    rows = store.rows(f"""SELECT DISTINCT ?p ?label WHERE {{
        {{ SELECT ?p WHERE {{ ?p {in_scheme} {scheme} }} }}
        {{ SELECT ?p ?label WHERE {{ ?p {pref} ?label }} }}
        {{ SELECT DISTINCT ?p WHERE {{ ?p {discovered_by} ?how }} }} }}""")
    by_label: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (r["label"] or "", r["p"] or "")):
        if row["label"] and row["p"]:
            by_label.setdefault(row["label"], row["p"])

    # what the display labels depend on (the union of all graphs, as the queries see it): per programme
    # its smallest zh or untagged prefLabel and whether it is a scheme concept; exactMatch from other graphs
    programmes: list[Term] = []
    labels: dict[Term, list[str]] = {}
    scheme_concepts: set[Term] = set()
    seen: set[Term] = set()
    for p, pref_label, is_scheme in raw.query(f"""SELECT ?p ?l ?inScheme WHERE {{
            {{ SELECT ?p WHERE {{ ?p a <{KGO.Programme.value}> }} }}
            OPTIONAL {{ SELECT ?p ?l WHERE {{ ?p {pref} ?l }} }}
            OPTIONAL {{ SELECT ?p ?inScheme WHERE {{ ?p {in_scheme} {scheme} MINUS {{ ?p {discovered_by} ?rule }}
                BIND(true AS ?inScheme) }} }} }}""", use_default_graph_as_union=True):
        if not isinstance(p, NamedNode):
            continue  # a blank node cannot be named in the links graph (the builder mints IRIs only)
        if p not in seen:
            seen.add(p)
            programmes.append(p)
        if isinstance(pref_label, Literal) and _zh_or_plain(pref_label):
            labels.setdefault(p, []).append(pref_label.value)
        if is_scheme is not None:
            scheme_concepts.add(p)
    external = sorted({(q.subject, q.object) for q in raw.quads_for_pattern(None, SKOS.exactMatch, None, None)
                       if q.graph_name != LINKS_GRAPH}, key=lambda e: (_term_key(e[0]), _term_key(e[1])))
    others = sorted({n for edge in external for n in edge} - set(programmes), key=_term_key)
    for node in others:  # linked nodes that are no kgo:Programme (none in stores the builder writes)
        if isinstance(node, Literal):
            continue
        usable = [q.object.value for q in raw.quads_for_pattern(node, SKOS.prefLabel, None, None)
                  if isinstance(q.object, Literal) and _zh_or_plain(q.object)]
        if usable:
            labels[node] = usable
        if (_any(raw.quads_for_pattern(node, SKOS.inScheme, PROGRAMME_SCHEME, None))
                and not _any(raw.quads_for_pattern(node, KGO.discoveredBy, None, None))):
            scheme_concepts.add(node)

    digest_input = [DIGEST_VERSION]
    digest_input += (f"L\t{k}\t{v}" for k, v in sorted(by_label.items()))
    digest_input += (f"P\t{_term_key(p)}\t{sorted(labels.get(p, []))}\t{p in scheme_concepts}"
                     for p in sorted(programmes, key=_term_key))
    digest_input += (f"E\t{_term_key(a)}\t{_term_key(b)}" for a, b in external)
    digest_input += (f"N\t{_term_key(n)}\t{sorted(labels.get(n, []))}\t{n in scheme_concepts}" for n in others)
    digest = hashlib.sha256("\n".join(digest_input).encode()).hexdigest()
    if digest == previous and store.has_graph(LINKS_GRAPH.value):
        return digest

    kb = KnowledgeBase.shipped()
    words = kb.lexicon["programme_words"]
    pairs = link_discovered(sorted(by_label), kb.programmes, kb.gazetteer, words)
    quads: set[Quad] = set()
    new_edges: list[tuple[Term, Term]] = []
    for a, b in pairs:
        if a in by_label and b in by_label and a != b:
            pa, pb = NamedNode(by_label[a]), NamedNode(by_label[b])
            quads.add(Quad(pa, SKOS.exactMatch, pb, LINKS_GRAPH))
            quads.add(Quad(pb, SKOS.exactMatch, pa, LINKS_GRAPH))
            new_edges.append((pa, pb))
    for label, concept in regional_variants(sorted(by_label), kb.programmes, kb.gazetteer, words):
        quads.add(Quad(NamedNode(by_label[label]), SKOS.broader, NamedNode(concept), LINKS_GRAPH))
    for narrow, broad in narrower_discovered(sorted(by_label), kb.programmes, kb.gazetteer, words):
        quads.add(Quad(NamedNode(by_label[narrow]), SKOS.broader, NamedNode(by_label[broad]), LINKS_GRAPH))
    for p, label in cluster_labels(programmes, [*external, *new_edges], labels, scheme_concepts).items():
        quads.add(Quad(p, CLUSTER_LABEL, Literal(label), LINKS_GRAPH))
    store.put_graph(LINKS_GRAPH.value, serialize(sorted(quads, key=str), format=RdfFormat.N_QUADS) or b"")
    return digest
