"""Export stage: the store as RDF files, as a graph for network tools, or as an offline HTML explorer.

RDF formats dump the store as it is.  Graph formats (GraphML, GEXF, Cytoscape.js JSON) export a
projection that people can look at: documents, regions, programmes, indicators, measures and cited
policy documents as nodes, typed relations as edges, and each observation folded into one
indicator→region edge that carries its value, unit, period, quote and source file.  The HTML explorer
(kg/explorer.py) reads the store itself: its overviews need no node-link projection.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import networkx as nx
from pyoxigraph import Literal, NamedNode, RdfFormat

from kg.store import KGStore, StoreError
from kg.vocab import PREFIXES, SPARQL_PREFIXES

RDF_FORMATS = {"turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG, "nquads": RdfFormat.N_QUADS,
               "jsonld": RdfFormat.JSON_LD}
GRAPH_FORMATS = ("graphml", "gexf", "cytoscape", "html")
FORMATS = tuple(RDF_FORMATS) + GRAPH_FORMATS
NODE_TYPES = ("document", "region", "programme", "indicator", "measure", "policy")
# Vocabulary edges describe shared nodes; they are added between kept nodes after filtering.
STRUCTURAL = ("partOf", "broader")


class ExportError(StoreError):
    pass


# ------------------------------------------------------------------------------------------- RDF
def export_rdf(store: KGStore, fmt: str, out: IO[bytes], document: str | None = None) -> None:
    """Dump the store (or one document's named graph); turtle has no graphs, so it gets their union."""
    rdf_format = RDF_FORMATS[fmt]
    prefixes = dict(PREFIXES)
    if document is not None:
        graph = NamedNode(_document_graph(store, document))
        if rdf_format.supports_datasets:
            quads = store.store.quads_for_pattern(None, None, None, graph)
            _serialize(quads, out, rdf_format, prefixes)
        else:
            store.store.dump(out, format=rdf_format, from_graph=graph, prefixes=prefixes)
        return
    if rdf_format.supports_datasets:
        store.store.dump(out, format=rdf_format, prefixes=prefixes)
        return
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    _serialize(dict.fromkeys(triples), out, rdf_format, prefixes)


def _serialize(items: Iterable, out: IO[bytes], rdf_format: RdfFormat, prefixes: dict[str, str]) -> None:
    from pyoxigraph import serialize

    serialize(items, out, format=rdf_format, prefixes=prefixes)


def _document_graph(store: KGStore, document: str) -> str:
    docs = store.documents()
    match = docs.get(document) or next((d for k, d in docs.items() if Path(k).name == document), None)
    if match is None:
        raise ExportError(f"no document '{document}' in the store")
    return match.graph


# ------------------------------------------------------------------------------------ projection
_NODES = SPARQL_PREFIXES + """
SELECT ?n ?type ?label ?a ?b ?c ?d WHERE {
  {
    ?n a kgo:SourceDocument ; kgo:fileName ?file . OPTIONAL { ?n kgo:part ?part }
    OPTIONAL { ?n dcterms:title ?title } OPTIONAL { ?n dcterms:date ?b }
    OPTIONAL { ?n dcterms:publisher ?c } OPTIONAL { ?n kgo:sourceUrl ?d }
    BIND("document" AS ?type)
    BIND(IF(BOUND(?part), CONCAT(?file, "#", ?part), ?file) AS ?a)
    BIND(COALESCE(?title, ?a) AS ?label)
  } UNION {
    ?n a kgo:Region ; rdfs:label ?label . OPTIONAL { ?n kgo:level ?a } OPTIONAL { ?n kgo:adminCode ?b }
    BIND("region" AS ?type)
  } UNION {
    ?n a kgo:Indicator ; skos:prefLabel ?label . BIND("indicator" AS ?type)
  } UNION {
    ?n a kgo:Measure ; kgo:text ?a ; kgo:ordinal ?b ; prov:wasDerivedFrom ?doc .
    ?doc kgo:fileName ?c . BIND("measure" AS ?type)
    BIND(CONCAT("举措", STR(?b), "：", IF(STRLEN(?a) > 18, CONCAT(SUBSTR(?a, 1, 18), "…"), ?a)) AS ?label)
  } UNION {
    ?n a kgo:PolicyDocument ; dcterms:title ?title . BIND("policy" AS ?type)
    BIND(CONCAT("《", ?title, "》") AS ?label)
    OPTIONAL { SELECT ?n (GROUP_CONCAT(DISTINCT STR(?y); separator=", ") AS ?a)
               WHERE { ?n a kgo:PolicyDocument ; kgo:coversYear ?y } GROUP BY ?n }
  } UNION {
    { ?x kgo:mentionsProgramme ?n } UNION { ?pm kgo:programme ?n }  # in a measure, in a mention
    ?n skos:prefLabel ?label . FILTER(LANG(?label) = "zh" || LANG(?label) = "")
    OPTIONAL { ?n kgo:discoveredBy ?a }
    BIND("programme" AS ?type)
  }
}"""

# Broader programmes of every mentioned programme, with their labels (scheme context up to the top).
_BROADER = SPARQL_PREFIXES + """
SELECT DISTINCT ?n ?label ?up ?upLabel WHERE {
  { ?x kgo:mentionsProgramme ?m } UNION { ?pm kgo:programme ?m }
  ?m (skos:broader|^skos:narrower)* ?n .
  ?n (skos:broader|^skos:narrower) ?up .
  ?n skos:prefLabel ?label . FILTER(LANG(?label) = "zh" || LANG(?label) = "")
  ?up skos:prefLabel ?upLabel . FILTER(LANG(?upLabel) = "zh" || LANG(?upLabel) = "")
}"""

_EDGES = SPARQL_PREFIXES + """
SELECT ?s ?rel ?o ?file ?quote ?x WHERE {
  {
    ?s a kgo:SourceDocument ; kgo:fileName ?file .
    { ?s kgo:mentionsRegion ?o } UNION { ?s kgo:mainRegion ?o BIND("main" AS ?x) }
    BIND("mentionsRegion" AS ?rel)
  } UNION {
    SELECT DISTINCT ?s ?o ?file ("mentionsProgramme" AS ?rel) WHERE {  # a document's programme mentions
      ?pm a kgo:ProgrammeMention ; kgo:programme ?o ; prov:wasDerivedFrom ?s . ?s kgo:fileName ?file }
  } UNION {
    ?s a kgo:SourceDocument ; kgo:fileName ?file ; kgo:cites ?o . BIND("cites" AS ?rel)
  } UNION {
    ?s a kgo:Region ; kgo:partOf ?o . BIND("partOf" AS ?rel)
  } UNION {
    ?p a kgo:Partnership ; kgo:donor ?s ; kgo:recipient ?o ; kgo:quote ?quote ; prov:wasDerivedFrom ?d .
    ?d kgo:fileName ?file . OPTIONAL { ?p rdfs:label ?x }
    BIND("partnerOf" AS ?rel)
  } UNION {
    ?s a kgo:Measure ; prov:wasDerivedFrom ?o . ?o kgo:fileName ?file . BIND("inDocument" AS ?rel)
  } UNION {
    ?s a kgo:Measure ; kgo:mentionsProgramme ?o ; prov:wasDerivedFrom ?d . ?d kgo:fileName ?file .
    BIND("mentionsProgramme" AS ?rel)
  } UNION {
    ?s a kgo:Measure ; kgo:region ?o ; prov:wasDerivedFrom ?d . ?d kgo:fileName ?file . BIND("region" AS ?rel)
  } UNION {
    ?s a kgo:PolicyDocument ; kgo:issuedBy ?o . BIND("issuedBy" AS ?rel)
  } UNION {
    ?s a kgo:PolicyDocument ; kgo:citedForRegion ?o . BIND("citedForRegion" AS ?rel)
  } UNION {
    SELECT ?s ?o ?file (SAMPLE(?q) AS ?quote) ("appliedIn" AS ?rel) WHERE {
      ?pm a kgo:ProgrammeMention ; kgo:programme ?s ; kgo:region ?o ; kgo:quote ?q ; prov:wasDerivedFrom ?d .
      ?d kgo:fileName ?file }
    GROUP BY ?s ?o ?file
  }
}"""

_OBSERVATIONS = SPARQL_PREFIXES + """
SELECT ?ind ?region ?value ?unit ?stated ?qualifier ?period ?quote ?file ?start ?concept ?kind WHERE {
  ?obs a kgo:Observation ; kgo:indicator ?ind ; kgo:value ?value ; sdmx-dimension:refArea ?region ;
       kgo:quote ?quote ; prov:wasDerivedFrom ?d .
  ?d kgo:fileName ?file .
  OPTIONAL { ?obs kgo:unit ?u . ?u skos:prefLabel ?unit }
  OPTIONAL { ?obs kgo:statedValue ?stated }
  OPTIONAL { ?obs kgo:qualifier ?qualifier }
  OPTIONAL { ?obs sdmx-dimension:refPeriod ?period }
  OPTIONAL { ?obs kgo:quoteStart ?start }
  OPTIONAL { ?obs kgo:concept ?c . ?c skos:prefLabel ?concept FILTER(LANG(?concept) = "zh") }
  OPTIONAL { ?obs kgo:figureKind ?k . ?k skos:notation ?kind }
}"""

_NODE_FIELDS = {
    "document": ("file", "date", "publisher", "url"),
    "region": ("level", "code", None, None),
    "indicator": (None, None, None, None),
    "measure": ("text", "ordinal", "file", None),
    "policy": ("years", None, None, None),
    "programme": ("discoveredBy", None, None, None),
}


def _value(term: NamedNode | Literal | None) -> str | None:
    return None if term is None else term.value


def project(store: KGStore, region: str | None = None, program: str | None = None,
            document: str | None = None) -> nx.MultiDiGraph:
    """The store as a typed MultiDiGraph (nodes keyed by IRI), optionally cut down to the part around a
    region (with its sub-regions), a programme (by label) or a document (by file name)."""
    g = nx.MultiDiGraph()
    for row in store.query(_NODES):
        node, kind = row["n"].value, row["type"].value
        if node in g:
            continue
        attrs = {"label": row["label"].value, "type": kind, "iri": node}
        for field, var in zip(_NODE_FIELDS[kind], "abcd", strict=True):
            if field and row[var] is not None:
                attrs[field] = row[var].value
        g.add_node(node, **attrs)
    for row in store.query(_BROADER):
        n, up = row["n"].value, row["up"].value
        for iri, label in ((n, row["label"].value), (up, row["upLabel"].value)):
            if iri not in g:
                g.add_node(iri, label=label, type="programme", iri=iri)
        if not g.has_edge(n, up, key="broader"):
            g.add_edge(n, up, key="broader", type="broader")
    for row in store.query(_EDGES):
        s, o, rel = row["s"].value, row["o"].value, row["rel"].value
        if s not in g or o not in g:
            continue
        attrs: dict[str, object] = {"type": rel}
        if row["file"] is not None:
            attrs["file"] = row["file"].value
        if row["quote"] is not None:
            attrs["quote"] = row["quote"].value
        extra = _value(row["x"])
        if rel == "mentionsRegion":
            if g.has_edge(s, o, key=rel):
                if extra == "main":
                    g.edges[s, o, rel]["main"] = True
                continue
            attrs["main"] = extra == "main"
        elif extra is not None:
            attrs["programme"] = extra
        key = rel if rel in ("mentionsRegion", "partOf", "mentionsProgramme", "cites", "inDocument", "region",
                             "issuedBy", "citedForRegion") else None
        if key is not None:
            if g.has_edge(s, o, key=key):
                continue
            g.add_edge(s, o, key=key, **attrs)
        else:
            g.add_edge(s, o, **attrs)
    rows = sorted(store.query(_OBSERVATIONS),
                  key=lambda r: (r["file"].value, int(r["start"].value) if r["start"] is not None else 0))
    for row in rows:
        ind, reg = row["ind"].value, row["region"].value
        if ind not in g or reg not in g:
            continue
        attrs = {"type": "observedIn", "value": row["value"].value, "file": row["file"].value,
                 "quote": row["quote"].value}
        for field in ("unit", "stated", "qualifier", "period", "concept", "kind"):
            if row[field] is not None:
                attrs[field] = row[field].value
        g.add_edge(ind, reg, **attrs)
    if region is not None:
        g = _around(g, _region_seeds(store, g, region))
    if program is not None:
        g = _around(g, _programme_seeds(store, g, program))
    if document is not None:
        g = _document_subgraph(g, document)
    return g


def _region_seeds(store: KGStore, g: nx.MultiDiGraph, name: str) -> set[str]:
    rows = store.query(SPARQL_PREFIXES + """
        SELECT DISTINCT ?r ?name WHERE { ?root a kgo:Region . { ?root rdfs:label ?name } UNION { ?root kgo:adminCode ?name }
                                   ?r kgo:partOf* ?root }""", {"name": name})
    seeds = {row["r"].value for row in rows} & set(g)
    if not seeds:
        raise ExportError(f"no region '{name}' in the store")
    return seeds


def _programme_seeds(store: KGStore, g: nx.MultiDiGraph, label: str) -> set[str]:
    rows = store.query(SPARQL_PREFIXES + """
        SELECT DISTINCT ?p ?label WHERE { { ?root skos:prefLabel ?l } UNION { ?root skos:altLabel ?l }
                                   FILTER(STR(?l) = ?label)
                                   ?p (skos:broader|^skos:narrower)* ?root }""", {"label": label})
    seeds = {row["p"].value for row in rows} & set(g)
    if not seeds:
        raise ExportError(f"no programme '{label}' is mentioned in the store")
    return seeds


def _around(g: nx.MultiDiGraph, seeds: set[str]) -> nx.MultiDiGraph:
    """Seeds, every edge touching a seed, and the vocabulary edges between the nodes so kept."""
    keep = nx.MultiDiGraph()
    keep.add_nodes_from((n, g.nodes[n]) for n in seeds)
    for s, o, k, data in g.edges(keys=True, data=True):
        if s in seeds or o in seeds:
            keep.add_node(s, **g.nodes[s])
            keep.add_node(o, **g.nodes[o])
            keep.add_edge(s, o, key=k, **data)
    return _add_structure(g, keep)


def _document_subgraph(g: nx.MultiDiGraph, name: str) -> nx.MultiDiGraph:
    docs = [n for n, d in g.nodes(data=True)
            if d["type"] == "document" and name in (d.get("file"), Path(d.get("file", "")).name)]
    if not docs:
        raise ExportError(f"no document '{name}' in the store")
    files = {g.nodes[d]["file"].split("#")[0] for d in docs}
    keep = nx.MultiDiGraph()
    keep.add_nodes_from((n, g.nodes[n]) for n in docs)
    for s, o, k, data in g.edges(keys=True, data=True):
        if s in docs or o in docs or data.get("file") in files:
            keep.add_node(s, **g.nodes[s])
            keep.add_node(o, **g.nodes[o])
            keep.add_edge(s, o, key=k, **data)
    return _add_structure(g, keep)


def _add_structure(g: nx.MultiDiGraph, keep: nx.MultiDiGraph) -> nx.MultiDiGraph:
    for s, o, k, data in g.edges(keys=True, data=True):
        if data["type"] in STRUCTURAL and s in keep and o in keep and not keep.has_edge(s, o, key=k):
            keep.add_edge(s, o, key=k, **data)
    return keep


# ---------------------------------------------------------------------------------- graph formats
def to_cytoscape(g: nx.MultiDiGraph) -> dict:
    """Cytoscape.js elements JSON (short ids, the IRI kept as a field)."""
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}
    nodes = [{"data": {"id": ids[n], **data}} for n, data in g.nodes(data=True)]
    edges = [{"data": {"id": f"e{i}", "source": ids[s], "target": ids[o], **data}}
             for i, (s, o, data) in enumerate(g.edges(data=True))]
    return {"elements": {"nodes": nodes, "edges": edges}}


def _for_xml(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML/GEXF need one type per attribute: booleans stay, everything else becomes text."""
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, {k: str(v) for k, v in d.items()}) for n, d in g.nodes(data=True))
    out.add_edges_from((s, o, k, {a: v if isinstance(v, bool) else str(v) for a, v in d.items()})
                       for s, o, k, d in g.edges(keys=True, data=True))
    return out


def export(store: KGStore, fmt: str, output: Path | str | None = None, *, region: str | None = None,
           program: str | None = None, document: str | None = None) -> None:
    """Write `fmt` to `output` (a path) or to stdout."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; choose from {', '.join(FORMATS)}")
    if fmt in RDF_FORMATS:
        if region is not None or program is not None:
            raise ExportError("--region and --program apply to graph formats (graphml, gexf, cytoscape, html); "
                              "RDF formats export whole named graphs (use --document for one)")
        _write(output, lambda out: export_rdf(store, fmt, out, document))
        return
    if fmt == "html":  # the explorer reads the store itself: overviews need no node-link projection
        from kg.explorer import explorer_html

        page = explorer_html(store, region=region, program=program, document=document)
        _write(output, lambda out: out.write(page.encode("utf-8")))
        return
    g = project(store, region=region, program=program, document=document)
    if fmt == "graphml":
        _write(output, lambda out: nx.write_graphml(_for_xml(g), out, encoding="utf-8"))
    elif fmt == "gexf":
        _write(output, lambda out: nx.write_gexf(_for_xml(g), out, encoding="utf-8"))
    elif fmt == "cytoscape":
        text = json.dumps(to_cytoscape(g), ensure_ascii=False, indent=1)
        _write(output, lambda out: out.write(text.encode("utf-8") + b"\n"))


def _write(output: Path | str | None, writer: Callable[[IO[bytes]], object]) -> None:
    if output is None:
        buffer = io.BytesIO()
        writer(buffer)
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer(out)

