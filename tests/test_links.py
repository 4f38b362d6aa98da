"""kg.links: exactMatch links between discovered programmes and the cluster label of every programme,
and the named queries that read that label (with their fallback for stores without it)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.links import CLUSTER_LABEL, LINKS_GRAPH, cluster_labels, link_programmes
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
Q = ROOT / "queries"
EX = "http://ex/"
SCHEME = "<https://w3id.org/kg-rural/id/scheme/programmes>"

# two discovered variants that kg.extract.programme_links pairs, a third one linked in a document graph
# to a scheme concept, a discovered singleton, and mentions of each in two documents
DATA = f"""
@prefix kgo: <https://w3id.org/kg-rural/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <{EX}> .
ex:d1 a kgo:SourceDocument ; kgo:fileName "a.txt" ; kgo:contentHash "h1" .
ex:d2 a kgo:SourceDocument ; kgo:fileName "b.csv" ; kgo:part "2" ; kgo:contentHash "h2" .
ex:r1 rdfs:label "麦积区" .  ex:r2 rdfs:label "安康市" .
ex:s1 a kgo:Programme ; skos:prefLabel "乡村振兴"@zh , "rural revitalisation"@en ; skos:inScheme {SCHEME} .
ex:p1 a kgo:Programme ; skos:prefLabel "两不愁、三保障"@zh ; kgo:discoveredBy "quoted" ; skos:inScheme {SCHEME} .
ex:p2 a kgo:Programme ; skos:prefLabel "两不愁三保障"@zh ; kgo:discoveredBy "slogan" ; skos:inScheme {SCHEME} .
ex:p3 a kgo:Programme ; skos:prefLabel "三农振兴"@zh ; kgo:discoveredBy "suffix" ; skos:inScheme {SCHEME} ;
    skos:exactMatch ex:s1 .
ex:p4 a kgo:Programme ; skos:prefLabel "长赣高铁主体工程"@zh ; kgo:discoveredBy "quoted" ; skos:inScheme {SCHEME} .
ex:p5 a kgo:Programme ; skos:prefLabel "only english"@en ; skos:inScheme {SCHEME} .
ex:m1 a kgo:ProgrammeMention ; kgo:programme ex:p1 ; kgo:region ex:r1 ; prov:wasDerivedFrom ex:d1 .
ex:m2 a kgo:ProgrammeMention ; kgo:programme ex:p2 ; kgo:region ex:r2 ; prov:wasDerivedFrom ex:d2 .
ex:m3 a kgo:ProgrammeMention ; kgo:programme ex:p3 ; prov:wasDerivedFrom ex:d1 .
ex:m4 a kgo:ProgrammeMention ; kgo:programme ex:s1 ; kgo:region ex:r2 ; prov:wasDerivedFrom ex:d2 .
ex:m5 a kgo:ProgrammeMention ; kgo:programme ex:p4 ; kgo:region ex:r1 ; prov:wasDerivedFrom ex:d2 .
ex:m6 a kgo:ProgrammeMention ; kgo:programme ex:p5 ; kgo:region ex:r1 ; prov:wasDerivedFrom ex:d1 .
"""


def _store() -> KGStore:
    store = KGStore.in_memory()
    store.store.load(DATA.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g1"))
    return store


def _labels(store: KGStore) -> dict[str, str]:
    return {q.subject.value: q.object.value
            for q in store.store.quads_for_pattern(None, CLUSTER_LABEL, None, LINKS_GRAPH)}


def _rows(store: KGStore, name: str) -> list[tuple[str | None, ...]]:
    result = store.query((Q / name).read_text(encoding="utf-8"))
    columns = [v.value for v in result.variables]
    return [tuple(None if s[c] is None else s[c].value for c in columns) for s in result]


def test_cluster_labels_prefer_scheme_concepts_then_smallest() -> None:
    a, b, c, s, lone, mute = (ox.NamedNode(EX + n) for n in ("a", "b", "c", "s", "lone", "mute"))
    labels = {a: ["乙"], b: ["甲", "丙"], c: ["丁"], s: ["戊"], lone: ["己"]}
    got = cluster_labels([a, b, c, s, lone, mute], [(a, b), (c, s)], labels, {s})
    assert got == {a: "丙", b: "丙", c: "戊", s: "戊", lone: "己"}  # 丙 < 乙 < 甲 in code point order; mute: none


def test_link_programmes_writes_links_and_labels() -> None:
    store = _store()
    digest = link_programmes(store)
    links = {(q.subject.value, q.object.value)
             for q in store.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
                                                    None, LINKS_GRAPH)}
    assert links == {(EX + "p1", EX + "p2"), (EX + "p2", EX + "p1")}
    assert _labels(store) == {EX + "p1": "两不愁、三保障", EX + "p2": "两不愁、三保障",  # smallest of the cluster
                              EX + "p3": "乡村振兴", EX + "s1": "乡村振兴",  # the scheme concept's label wins
                              EX + "p4": "长赣高铁主体工程"}  # p5 has no zh label: none, as in the queries
    assert link_programmes(store, digest) == digest


def test_digest_follows_every_input() -> None:
    store = _store()
    digest = link_programmes(store)
    store.store.add(ox.Quad(ox.NamedNode(EX + "s1"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                            ox.Literal("乡村振兴战略", language="zh"), ox.NamedNode(EX + "g2")))
    assert link_programmes(store, digest) != digest
    assert _labels(store)[EX + "p3"] == "乡村振兴"  # still the smallest scheme label


def test_queries_answer_the_same_with_and_without_cluster_labels() -> None:
    for name in ("programs.rq", "programs-across-regions.rq"):
        store = _store()
        link_programmes(store)
        labelled = _rows(store, name)
        unlabelled = _store()  # the same links, no kgo:clusterLabel: the queries follow the exactMatch path
        unlabelled.store.extend(q for q in store.store.quads_for_pattern(None, None, None, LINKS_GRAPH)
                                if q.predicate != CLUSTER_LABEL)
        fallback = _rows(unlabelled, name)
        if name == "programs-across-regions.rq":  # the order of the region names in a group is not defined
            fallback = [(p, n, ", ".join(sorted((r or "").split(", "))), d) for p, n, r, d in fallback]
            labelled = [(p, n, ", ".join(sorted((r or "").split(", "))), d) for p, n, r, d in labelled]
        assert labelled == fallback, name
    assert _rows(store, "programs.rq") == [
        ("a.txt", "两不愁、三保障", "麦积区"), ("a.txt", "乡村振兴", None),
        ("b.csv#2", "两不愁、三保障", "安康市"), ("b.csv#2", "乡村振兴", "安康市"), ("b.csv#2", "长赣高铁主体工程", "麦积区")]
