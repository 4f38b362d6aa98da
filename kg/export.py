"""Export stage: the store as RDF files, as a graph for network tools, or as an offline HTML explorer.

RDF formats dump the store as it is.  Graph formats (GraphML, GEXF, Cytoscape.js JSON) export a
projection that people can look at: documents, regions, programmes, indicators, measures and cited
policy documents as nodes, typed relations as edges, and each observation folded into one
indicator→region edge that carries its value, unit, period, quote and source file.  The HTML explorer
(kg/explorer.py) reads the store itself: its overviews need no node-link projection.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, RdfFormat

from kg.query import complete_view, execute
from kg.store import KGStore, StoreError
from kg.vocab import PREFIXES, SPARQL_PREFIXES

if TYPE_CHECKING:  # networkx takes 0.2 s to import: only the graph formats load it
    import networkx as nx

RDF_FORMATS = {"turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG, "nquads": RdfFormat.N_QUADS,
               "jsonld": RdfFormat.JSON_LD}
NODE_TYPES = ("document", "region", "programme", "indicator", "measure", "policy")
# Vocabulary edges describe shared nodes; they are added between kept nodes after filtering.
STRUCTURAL = ("partOf", "broader")


class ExportError(StoreError):
    pass


# -------------------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class ExportOptions:
    """What to cut the export down to (graph formats: all three; RDF formats: `document`)."""

    region: str | None = None
    program: str | None = None
    document: str | None = None


@dataclass(frozen=True)
class Exporter:
    """One export format.  `rdf`: the store's quads as they are; otherwise the projection (`project`)."""

    name: str
    rdf: bool
    write: Callable[[KGStore, IO[bytes], ExportOptions], None]
    help: str


EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str, *, rdf: bool, help: str) -> Callable[[Callable], Callable]:
    """Register an export format under `name` (`kg export --format` offers exactly these)."""

    def register(write: Callable[[KGStore, IO[bytes], ExportOptions], None]) -> Callable:
        EXPORTERS[name] = Exporter(name, rdf, write, help)
        return write

    return register


def _as_store(store: Any) -> KGStore:
    """A KGStore, or the kg.open() Graph the README shows (it wraps one)."""
    if isinstance(store, KGStore):
        return store
    inner = getattr(store, "store", None)
    if not isinstance(inner, KGStore):
        raise TypeError(f"expected a kg store (kg.open(...) or KGStore), got {type(store).__name__}")
    return inner


# ------------------------------------------------------------------------------------------- RDF
def export_rdf(store: KGStore, fmt: str, out: IO[bytes], document: str | None = None) -> None:
    """Dump the store (or one document's named graphs); turtle has no graphs, so it gets their union.
    Graphs a killed build left incomplete are left out, as every query leaves them out."""
    store = _as_store(store)
    rdf_format = RDF_FORMATS[fmt]
    prefixes = dict(PREFIXES)
    raw = store.store
    if document is not None:
        graphs = [NamedNode(g) for g in _document_graphs(store, document)]
    else:
        view = complete_view(store)
        if view is None:  # the common case: the whole store, streamed by Oxigraph
            if rdf_format.supports_datasets:
                raw.dump(out, format=rdf_format, prefixes=prefixes)
            else:
                _serialize(dict.fromkeys(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")), out,
                           rdf_format, prefixes)
            return
        graphs = view
        if rdf_format.supports_datasets:  # quads of the default graph too, as a dump has them
            _serialize(raw.quads_for_pattern(None, None, None, _default_graph()), out, rdf_format, prefixes)
    quads = (q for g in graphs for q in raw.quads_for_pattern(None, None, None, g))
    if rdf_format.supports_datasets:
        _serialize(quads, out, rdf_format, prefixes)
    else:
        _serialize(dict.fromkeys(q.triple for q in quads), out, rdf_format, prefixes)


def _default_graph() -> Any:
    from pyoxigraph import DefaultGraph

    return DefaultGraph()


def _serialize(items: Iterable, out: IO[bytes], rdf_format: RdfFormat, prefixes: dict[str, str]) -> None:
    from pyoxigraph import serialize

    serialize(items, out, format=rdf_format, prefixes=prefixes)


def _document_graphs(store: KGStore, document: str) -> list[str]:
    """The graphs of a document by key (`file`, or `file#N` for one of several in a CSV/JSON file), by
    file name without its folder, or every document of a CSV/JSON file named without `#N`."""
    docs = store.documents()
    match = docs.get(document) or next((d for k, d in docs.items() if Path(k).name == document), None)
    if match is not None:
        return [match.graph]
    parts = sorted((k for k in docs if _names(k, document)), key=_key_order)
    if parts:
        return [docs[k].graph for k in parts]
    raise ExportError(f"no document '{document}' in the store; a document inside a CSV or JSON file is named "
                      "FILE#N (N counts from 1), e.g. reports.json#2 (`kg query documents` lists them all)")


def _key_order(key: str) -> tuple[str, int]:
    file, _, part = key.partition("#")
    return file, int(part) if part.isdigit() else 0


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
SELECT ?s ?rel ?o ?file ?doc ?quote ?x WHERE {
  {
    ?s a kgo:SourceDocument ; kgo:fileName ?file .
    { ?s kgo:mentionsRegion ?o } UNION { ?s kgo:mainRegion ?o BIND("main" AS ?x) }
    BIND("mentionsRegion" AS ?rel) BIND(?s AS ?doc)
  } UNION {
    SELECT DISTINCT ?s ?o ?file (?s AS ?doc) ("mentionsProgramme" AS ?rel) WHERE {  # a document's programme mentions
      ?pm a kgo:ProgrammeMention ; kgo:programme ?o ; prov:wasDerivedFrom ?s . ?s kgo:fileName ?file }
  } UNION {
    ?s a kgo:SourceDocument ; kgo:fileName ?file ; kgo:cites ?o . BIND("cites" AS ?rel) BIND(?s AS ?doc)
  } UNION {
    ?s a kgo:Region ; kgo:partOf ?o . BIND("partOf" AS ?rel)
  } UNION {
    ?p a kgo:Partnership ; kgo:donor ?s ; kgo:recipient ?o ; kgo:quote ?quote ; prov:wasDerivedFrom ?d .
    ?d kgo:fileName ?file . OPTIONAL { ?p rdfs:label ?x }
    BIND("partnerOf" AS ?rel) BIND(?d AS ?doc)
  } UNION {
    ?s a kgo:Measure ; prov:wasDerivedFrom ?o . ?o kgo:fileName ?file . BIND("inDocument" AS ?rel) BIND(?o AS ?doc)
  } UNION {
    ?s a kgo:Measure ; kgo:mentionsProgramme ?o ; prov:wasDerivedFrom ?d . ?d kgo:fileName ?file .
    BIND("mentionsProgramme" AS ?rel) BIND(?d AS ?doc)
  } UNION {
    ?s a kgo:Measure ; kgo:region ?o ; prov:wasDerivedFrom ?d . ?d kgo:fileName ?file . BIND("region" AS ?rel)
    BIND(?d AS ?doc)
  } UNION {
    ?s a kgo:PolicyDocument ; kgo:issuedBy ?o . BIND("issuedBy" AS ?rel)
  } UNION {
    ?s a kgo:PolicyDocument ; kgo:citedForRegion ?o . BIND("citedForRegion" AS ?rel)
  } UNION {
    SELECT ?s ?o ?file (?d AS ?doc) (SAMPLE(?q) AS ?quote) ("appliedIn" AS ?rel) WHERE {
      ?pm a kgo:ProgrammeMention ; kgo:programme ?s ; kgo:region ?o ; kgo:quote ?q ; prov:wasDerivedFrom ?d .
      ?d kgo:fileName ?file }
    GROUP BY ?s ?o ?file ?d
  }
}"""

_OBSERVATIONS = SPARQL_PREFIXES + """
SELECT ?ind ?region ?value ?unit ?stated ?qualifier ?period ?quote ?file ?d ?start ?concept ?kind WHERE {
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


def project(store: KGStore | Any, region: str | None = None, program: str | None = None,
            document: str | None = None) -> nx.MultiDiGraph:
    """The store (a KGStore, or the Graph that kg.open() gives) as a typed MultiDiGraph (nodes keyed by
    IRI), optionally cut down to the part around a region (with its sub-regions), a programme (by label)
    or a document (by file name; FILE#N for one of several in a CSV or JSON file)."""
    import networkx as nx

    store = _as_store(store)
    g = nx.MultiDiGraph()
    for row in execute(store, _NODES):
        node, kind = row["n"].value, row["type"].value
        if node in g:
            continue
        attrs = {"label": row["label"].value, "type": kind, "iri": node}
        for field, var in zip(_NODE_FIELDS[kind], "abcd", strict=True):
            if field and row[var] is not None:
                attrs[field] = row[var].value
        g.add_node(node, **attrs)
    keys = {n: d["file"] for n, d in g.nodes(data=True) if d["type"] == "document"}
    for row in execute(store, _BROADER):
        n, up = row["n"].value, row["up"].value
        for iri, label in ((n, row["label"].value), (up, row["upLabel"].value)):
            if iri not in g:
                g.add_node(iri, label=label, type="programme", iri=iri)
        if not g.has_edge(n, up, key="broader"):
            g.add_edge(n, up, key="broader", type="broader")
    for row in execute(store, _EDGES):
        s, o, rel = row["s"].value, row["o"].value, row["rel"].value
        if s not in g or o not in g:
            continue
        attrs: dict[str, object] = {"type": rel}
        if row["file"] is not None:  # the document's key: FILE#N for one of several in a CSV/JSON file
            attrs["file"] = keys.get(_value(row["doc"]), row["file"].value)
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
    rows = sorted(execute(store, _OBSERVATIONS),
                  key=lambda r: (_key_order(keys.get(r["d"].value, r["file"].value)),
                                 int(r["start"].value) if r["start"] is not None else 0))
    for row in rows:
        ind, reg = row["ind"].value, row["region"].value
        if ind not in g or reg not in g:
            continue
        attrs = {"type": "observedIn", "value": row["value"].value,
                 "file": keys.get(row["d"].value, row["file"].value), "quote": row["quote"].value}
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
    rows = execute(store, SPARQL_PREFIXES + """
        SELECT DISTINCT ?r ?name WHERE { ?root a kgo:Region . { ?root rdfs:label ?name } UNION { ?root kgo:adminCode ?name }
                                   ?r kgo:partOf* ?root }""", {"name": name})
    seeds = {row["r"].value for row in rows} & set(g)
    if not seeds:
        raise ExportError(f"no region '{name}' in the store")
    return seeds


def _programme_seeds(store: KGStore, g: nx.MultiDiGraph, label: str) -> set[str]:
    rows = execute(store, SPARQL_PREFIXES + """
        SELECT DISTINCT ?p ?label WHERE { { ?root skos:prefLabel ?l } UNION { ?root skos:altLabel ?l }
                                   FILTER(STR(?l) = ?label)
                                   ?p (skos:broader|^skos:narrower)* ?root }""", {"label": label})
    seeds = {row["p"].value for row in rows} & set(g)
    if not seeds:
        raise ExportError(f"no programme '{label}' is mentioned in the store")
    return seeds


def _around(g: nx.MultiDiGraph, seeds: set[str]) -> nx.MultiDiGraph:
    """Seeds, every edge touching a seed, and the vocabulary edges between the nodes so kept."""
    import networkx as nx

    keep = nx.MultiDiGraph()
    keep.add_nodes_from((n, g.nodes[n]) for n in seeds)
    for s, o, k, data in g.edges(keys=True, data=True):
        if s in seeds or o in seeds:
            keep.add_node(s, **g.nodes[s])
            keep.add_node(o, **g.nodes[o])
            keep.add_edge(s, o, key=k, **data)
    return _add_structure(g, keep)


def _document_subgraph(g: nx.MultiDiGraph, name: str) -> nx.MultiDiGraph:
    import networkx as nx

    docs = [n for n, d in g.nodes(data=True) if d["type"] == "document" and _names(d.get("file", ""), name)]
    if not docs:
        raise ExportError(f"no document '{name}' in the store; a document inside a CSV or JSON file is named "
                          "FILE#N (N counts from 1), e.g. reports.json#2 (`kg query documents` lists them all)")
    files = {g.nodes[d]["file"] for d in docs}
    keep = nx.MultiDiGraph()
    keep.add_nodes_from((n, g.nodes[n]) for n in docs)
    for s, o, k, data in g.edges(keys=True, data=True):
        if s in docs or o in docs or data.get("file") in files:
            keep.add_node(s, **g.nodes[s])
            keep.add_node(o, **g.nodes[o])
            keep.add_edge(s, o, key=k, **data)
    return _add_structure(g, keep)


def _names(key: str, name: str) -> bool:
    """Whether `name` picks the document `key`: the key, its file name without folders, or (without #N)
    the CSV/JSON file that holds it."""
    file = key.split("#")[0]
    return name in (key, Path(key).name, file, Path(file).name)


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


# GEXF gives an edge's `type` a meaning of its own (directed, undirected or mutual): networkx writes our
# edge kind there and its reader then fails, so in GEXF the kind is called `relation`.
GEXF_EDGE_NAMES = {"type": "relation"}


def _for_xml(g: nx.MultiDiGraph, edge_names: dict[str, str] | None = None) -> nx.MultiDiGraph:
    """GraphML/GEXF declare one type per attribute: `value` is a number (double) that Gephi can size and
    filter by (the figure as written stays in `stated`), booleans stay booleans, the rest is text.  Edge
    keys become 0, 1, … per node pair: mixed keys ("partOf" beside 0) made networkx declare GEXF's
    `networkx_key` as a number and then fail to read its own file."""
    import networkx as nx

    names = edge_names or {}
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, {k: str(v) for k, v in d.items()}) for n, d in g.nodes(data=True))
    for s, o, d in g.edges(data=True):
        attrs: dict[str, object] = {}
        for name, v in d.items():
            if name == "value":
                number = _number(v)
                if number is None:
                    continue
                attrs[name] = number
            else:
                attrs[names.get(name, name)] = v if isinstance(v, bool) else str(v)
        out.add_edge(s, o, **attrs)
    return out


def _number(value: object) -> float | None:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


# ------------------------------------------------------------------------------ the formats and writing
def _rdf_exporter(fmt: str) -> Callable[[KGStore, IO[bytes], ExportOptions], None]:
    def write(store: KGStore, out: IO[bytes], options: ExportOptions) -> None:
        export_rdf(store, fmt, out, options.document)

    return write


for _name, _help in (("turtle", "Turtle: the union of all graphs as triples"),
                     ("trig", "TriG: every named graph"), ("nquads", "N-Quads: every named graph"),
                     ("jsonld", "JSON-LD: every named graph")):
    exporter(_name, rdf=True, help=_help)(_rdf_exporter(_name))


def _projection(store: KGStore, options: ExportOptions) -> nx.MultiDiGraph:
    return project(store, region=options.region, program=options.program, document=options.document)


@exporter("graphml", rdf=False, help="GraphML (yEd, Gephi, networkx.read_graphml)")
def _graphml(store: KGStore, out: IO[bytes], options: ExportOptions) -> None:
    import networkx as nx

    nx.write_graphml(_for_xml(_projection(store, options)), out, encoding="utf-8")


@exporter("gexf", rdf=False, help="GEXF 1.2 (Gephi, networkx.read_gexf); the edge kind is `relation`")
def _gexf(store: KGStore, out: IO[bytes], options: ExportOptions) -> None:
    import networkx as nx

    nx.write_gexf(_for_xml(_projection(store, options), GEXF_EDGE_NAMES), out, encoding="utf-8")


@exporter("cytoscape", rdf=False, help="Cytoscape.js elements JSON")
def _cytoscape(store: KGStore, out: IO[bytes], options: ExportOptions) -> None:
    text = json.dumps(to_cytoscape(_projection(store, options)), ensure_ascii=False, indent=1)
    out.write(text.encode("utf-8") + b"\n")


@exporter("html", rdf=False, help="an offline explorer page (one self-contained file, kg/explorer.py)")
def _html(store: KGStore, out: IO[bytes], options: ExportOptions) -> None:
    from kg.explorer import explorer_html  # the explorer reads the store itself: no node-link projection

    page = explorer_html(store, region=options.region, program=options.program, document=options.document)
    out.write(page.encode("utf-8"))


FORMATS = tuple(EXPORTERS)
GRAPH_FORMATS = tuple(name for name, e in EXPORTERS.items() if not e.rdf)


def export(store: KGStore | Any, fmt: str, output: Path | str | None = None, *, region: str | None = None,
           program: str | None = None, document: str | None = None) -> None:
    """Write `fmt` to `output` (a path) or to stdout.  A file is written whole or not at all: the
    export goes to a temporary file beside it, renamed over `output` once complete."""
    chosen = EXPORTERS.get(fmt)
    if chosen is None:
        raise ExportError(f"unknown export format '{fmt}'; choose from {', '.join(EXPORTERS)}")
    if chosen.rdf and (region is not None or program is not None):
        raise ExportError(f"--region and --program apply to graph formats ({', '.join(GRAPH_FORMATS)}); "
                          "RDF formats export whole named graphs (use --document for one)")
    store = _as_store(store)
    options = ExportOptions(region, program, document)
    _write(output, lambda out: chosen.write(store, out, options))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write(output: Path | str | None, writer: Callable[[IO[bytes]], object]) -> None:
    if output is None:
        import io

        buffer = io.BytesIO()  # whole, so a failure half-way writes nothing to stdout either
        writer(buffer)
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            writer(out)
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
