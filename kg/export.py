"""Export stage: the store as RDF files, as a graph for network tools, or as an offline HTML explorer.

RDF formats dump the store as it is.  Graph formats (GraphML, GEXF, Cytoscape.js JSON, HTML) export a
projection that people can look at: documents, regions, programmes, indicators, measures and cited
policy documents as nodes, typed relations as edges, and each observation folded into one
indicator→region edge that carries its value, unit, period, quote and source file.
"""

from __future__ import annotations

import html
import io
import json
import re
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
STATIC = Path(__file__).resolve().parent / "static"
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
SELECT ?ind ?region ?value ?unit ?stated ?qualifier ?period ?quote ?file ?start WHERE {
  ?obs a kgo:Observation ; kgo:indicator ?ind ; kgo:value ?value ; sdmx-dimension:refArea ?region ;
       kgo:quote ?quote ; prov:wasDerivedFrom ?d .
  ?d kgo:fileName ?file .
  OPTIONAL { ?obs kgo:unit ?u . ?u skos:prefLabel ?unit }
  OPTIONAL { ?obs kgo:statedValue ?stated }
  OPTIONAL { ?obs kgo:qualifier ?qualifier }
  OPTIONAL { ?obs sdmx-dimension:refPeriod ?period }
  OPTIONAL { ?obs kgo:quoteStart ?start }
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
        for field in ("unit", "stated", "qualifier", "period"):
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


def layout(g: nx.MultiDiGraph, iterations: int = 80, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions (vectorised numpy, repulsion in row blocks to bound memory).

    Computed at export time so the page opens at once: cytoscape's own force layout takes seconds for
    a few hundred nodes in a browser without GPU, and far longer for thousands.  Empty if numpy is
    missing; the page then falls back to a concentric layout."""
    try:
        import numpy as np
    except ImportError:
        return {}
    nodes = list(g)
    n = len(nodes)
    if n == 0 or n > 8000:
        return {}
    iterations = iterations if n <= 1500 else iterations // 2
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(index[s], index[o]), max(index[s], index[o])) for s, o in g.edges() if s != o}
    ei, ej = (np.array(side, dtype=np.int64) for side in zip(*sorted(pairs), strict=True)) if pairs else (
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)).astype(np.float32)
    k = np.float32(1.0 / np.sqrt(n))
    temperature, block = 0.1, max(1, 2_000_000 // n)
    for step in range(iterations):
        disp = np.zeros_like(pos)
        x, y = pos[:, 0], pos[:, 1]
        for start in range(0, n, block):
            dx = x[start:start + block, None] - x[None, :]
            dy = y[start:start + block, None] - y[None, :]
            weight = (k * k) / (dx * dx + dy * dy + np.float32(1e-6))
            disp[start:start + block, 0] = (dx * weight).sum(1)
            disp[start:start + block, 1] = (dy * weight).sum(1)
        if len(ei):
            d = pos[ei] - pos[ej]
            force = d * (np.sqrt((d ** 2).sum(-1)) / k)[:, None]
            np.add.at(disp, ei, -force)
            np.add.at(disp, ej, force)
        disp -= (pos - pos.mean(0)) * (2.0 * k * np.sqrt(n))  # gravity keeps small components close
        length = np.maximum(np.sqrt((disp ** 2).sum(-1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature = 0.1 * (1 - (step + 1) / (iterations + 1))
    pos = (pos - pos.mean(0)) * (70.0 / k)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, pos, strict=True)}


def to_html(g: nx.MultiDiGraph, title: str = "kg explorer") -> str:
    """One self-contained page: the vendored cytoscape.js and the data inlined, nothing fetched."""
    library = STATIC / "cytoscape.min.js"
    if not library.is_file():
        raise ExportError(f"{library} is missing; run scripts/vendor_js.sh")
    js = library.read_text(encoding="utf-8")
    elements = to_cytoscape(g)
    positions = layout(g)
    for node, element in zip(g, elements["elements"]["nodes"], strict=True):
        if node in positions:
            x, y = positions[node]
            element["position"] = {"x": x, "y": y}
    data = json.dumps(elements, ensure_ascii=False, separators=(",", ":"))
    version_file = STATIC / "cytoscape.VERSION"
    version = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else "cytoscape"
    values = {"TITLE": html.escape(title), "LIBRARY_VERSION": html.escape(version),
              "CYTOSCAPE": js.replace("</script", "<\\/script"), "DATA": data.replace("</", "<\\/")}
    # One pass, so a placeholder-like string inside the library or the data is never substituted.
    return re.sub(r"__(TITLE|LIBRARY_VERSION|CYTOSCAPE|DATA)__", lambda m: values[m.group(1)], _TEMPLATE)


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
    else:
        parts = [f for f in (region, program, document) if f]
        title = "kg explorer" + (f" · {' · '.join(parts)}" if parts else "")
        page = to_html(g, title)
        _write(output, lambda out: out.write(page.encode("utf-8")))


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


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<!-- Made by `kg export --format html`; works offline, fetches nothing.
     Includes __LIBRARY_VERSION__ (https://js.cytoscape.org), MIT licence,
     Copyright (c) 2016-2026, The Cytoscape Consortium; licence text in kg/static/cytoscape.LICENSE. -->
<style>
  :root { --cjk: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
          "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
  html, body { margin: 0; height: 100%; font-family: var(--cjk); font-size: 14px; color: #222; }
  body { display: grid; grid-template-rows: auto 1fr; grid-template-columns: 1fr 360px; height: 100vh; }
  header { grid-column: 1 / 3; display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center;
           padding: 6px 10px; border-bottom: 1px solid #ddd; background: #fafafa; }
  header h1 { font-size: 16px; margin: 0 8px 0 0; }
  #search { width: 220px; padding: 4px 6px; font: inherit; }
  #types label { margin-right: 6px; font-size: 13px; white-space: nowrap; cursor: pointer; }
  #types .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; }
  #cy { grid-column: 1; grid-row: 2; min-height: 0; }
  #facts { grid-column: 2; grid-row: 2; overflow: auto; border-left: 1px solid #ddd; padding: 8px 12px; }
  #facts h2 { font-size: 16px; margin: 4px 0; }
  #facts h3 { font-size: 13px; margin: 12px 0 4px; color: #555; }
  #facts dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 0; }
  #facts dt { color: #777; } #facts dd { margin: 0; word-break: break-all; }
  #facts ul { margin: 0; padding-left: 18px; } #facts li { margin: 3px 0; }
  #facts a { color: #1565c0; cursor: pointer; text-decoration: none; }
  .quote { display: block; color: #555; background: #f5f5f0; border-left: 3px solid #c9b458;
           padding: 2px 6px; margin: 2px 0; font-size: 12px; }
  .src { color: #888; font-size: 11px; }
  table.obs { border-collapse: collapse; width: 100%; font-size: 12px; }
  table.obs td, table.obs th { border-bottom: 1px solid #eee; padding: 2px 3px; text-align: left; vertical-align: top; }
  #status { color: #777; font-size: 12px; }
</style>
</head>
<body>
<header>
  <h1>__TITLE__</h1>
  <input id="search" type="search" placeholder="搜索节点 / search…" autocomplete="off">
  <span id="types"></span>
  <select id="layout" title="布局 layout">
    <option value="preset">布局 layout: exported</option><option value="concentric">concentric</option>
    <option value="breadthfirst">breadthfirst</option><option value="cose">cose (slow for big graphs)</option>
  </select>
  <button id="fit" type="button">全图 fit</button>
  <span id="status"></span>
</header>
<div id="cy"></div>
<aside id="facts"><p>点击节点查看事实与出处。Click a node to see its facts, quotes and source documents.</p></aside>
<script>__CYTOSCAPE__</script>
<script type="application/json" id="kg-data">__DATA__</script>
<script>
(function () {
  "use strict";
  var COLORS = { document: "#5c6bc0", region: "#43a047", programme: "#fb8c00", indicator: "#8e24aa",
                 measure: "#00897b", policy: "#e53935" };
  var NAMES = { document: "文档 document", region: "地区 region", programme: "项目 programme",
                indicator: "指标 indicator", measure: "举措 measure", policy: "政策文件 policy" };
  var RELATIONS = { mentionsRegion: "提及地区", mentionsProgramme: "提及项目", cites: "引用", partOf: "隶属",
                    partnerOf: "协作帮扶", inDocument: "出自", region: "地区", issuedBy: "发布机关",
                    citedForRegion: "适用地区", appliedIn: "实施地区", broader: "上位项目", observedIn: "数据" };
  var CJK = getComputedStyle(document.documentElement).getPropertyValue("--cjk");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var n = data.elements.nodes.length;
  var positioned = n > 0 && data.elements.nodes.every(function (x) { return x.position; });
  var LAYOUTS = {
    preset: { name: "preset", fit: true, padding: 20 },
    cose: { name: "cose", animate: false, randomize: true, numIter: 300, padding: 20 },
    concentric: { name: "concentric", animate: false, minNodeSpacing: 4, padding: 20,
                  concentric: function (node) { return node.degree(); }, levelWidth: function () { return 3; } },
    breadthfirst: { name: "breadthfirst", animate: false, padding: 20, spacingFactor: 0.8 }
  };
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: data.elements,
    wheelSensitivity: 0.3,
    minZoom: 0.05, maxZoom: 5,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-family": CJK, "font-size": 10, "min-zoomed-font-size": 7,
          "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "ellipsis", "text-max-width": 120,
          "background-color": function (e) { return COLORS[e.data("type")] || "#999"; },
          "width": function (e) { return 10 + Math.min(30, 2 * Math.sqrt(e.degree())); },
          "height": function (e) { return 10 + Math.min(30, 2 * Math.sqrt(e.degree())); },
          "text-outline-color": "#fff", "text-outline-width": 1.5 } },
      { selector: "node[type = 'region'], node[type = 'document']", style: {
          "font-size": 13, "font-weight": "bold", "min-zoomed-font-size": 0 } },
      { selector: "edge", style: { "width": 1, "line-color": "#ccc", "curve-style": "haystack", "opacity": 0.6 } },
      { selector: "edge[type = 'partOf'], edge[type = 'partnerOf']", style: {
          "width": 2, "line-color": "#7cb342", "curve-style": "bezier", "target-arrow-shape": "triangle",
          "target-arrow-color": "#7cb342" } },
      { selector: ".match", style: { "border-width": 3, "border-color": "#fdd835" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#d81b60", "font-size": 16, "z-index": 10 } },
      { selector: ".faded", style: { "opacity": 0.12, "text-opacity": 0 } },
      { selector: "edge.hl", style: { "line-color": "#d81b60", "opacity": 1, "width": 2 } }
    ],
    layout: LAYOUTS[positioned ? "preset" : "concentric"]
  });
  window.cy = cy;
  cy.ready(function () { cy.resize(); cy.fit(undefined, 20); });
  window.addEventListener("resize", function () { cy.resize(); });

  // ---- type filter
  var hidden = {};
  var types = document.getElementById("types");
  Object.keys(COLORS).forEach(function (t) {
    var count = cy.nodes("[type = '" + t + "']").length;
    if (!count) { return; }
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.value = t; box.dataset.type = t;
    box.addEventListener("change", function () {
      hidden[t] = !box.checked;
      cy.nodes("[type = '" + t + "']").style("display", box.checked ? "element" : "none");
    });
    var swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = COLORS[t];
    label.appendChild(box); label.appendChild(swatch);
    label.appendChild(document.createTextNode(NAMES[t] + " (" + count + ")"));
    types.appendChild(label);
  });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 20); });
  var chooser = document.getElementById("layout");
  if (!positioned) { chooser.value = "concentric"; chooser.options[0].disabled = true; }
  chooser.addEventListener("change", function () { cy.layout(LAYOUTS[chooser.value]).run(); });
  document.getElementById("status").textContent = cy.nodes().length + " nodes · " + cy.edges().length + " edges";

  // ---- facts panel (built with textContent only: labels and quotes are data, never markup)
  var facts = document.getElementById("facts");
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function link(node) {
    var a = el("a", node.data("label"));
    a.title = NAMES[node.data("type")] || "";
    a.addEventListener("click", function () { focus(node); });
    return a;
  }
  function observationTable(edges, otherEnd, otherName) {
    var table = el("table", null, "obs");
    var head = el("tr");
    [otherName, "数值 value", "时期 period"].forEach(function (h) { head.appendChild(el("th", h)); });
    table.appendChild(head);
    edges.forEach(function (e) {
      var d = e.data();
      var tr = el("tr");
      var first = el("td"); first.appendChild(link(otherEnd(e)));
      tr.appendChild(first);
      var base = d.value + (d.unit ? " " + d.unit : "");
      var shown = (d.qualifier && d.stated && d.stated.indexOf(d.qualifier) < 0 ? d.qualifier : "") + (d.stated || base);
      if (d.stated && d.stated.replace(/[\s,]/g, "") !== (d.value + (d.unit || "")).replace(/\s/g, "")) {
        shown += " [" + base + "]";
      }
      tr.appendChild(el("td", shown));
      tr.appendChild(el("td", d.period || ""));
      table.appendChild(tr);
      var qr = el("tr"); var qd = el("td"); qd.colSpan = 3;
      qd.appendChild(el("span", "“" + d.quote + "”", "quote"));
      qd.appendChild(el("span", "来源 source: " + d.file, "src"));
      qr.appendChild(qd); table.appendChild(qr);
    });
    return table;
  }
  var FIELDS = { file: "文件 file", date: "日期 date", publisher: "发布 publisher", url: "链接 url", level: "级别 level",
                 code: "区划代码 code", text: "内容 text", ordinal: "序号 ordinal", years: "年份 years",
                 discoveredBy: "发现方式 discovered by", iri: "IRI" };
  function show(node) {
    var d = node.data();
    facts.replaceChildren();
    facts.appendChild(el("h2", d.label));
    facts.appendChild(el("div", NAMES[d.type] || d.type, "src"));
    var dl = el("dl");
    Object.keys(FIELDS).forEach(function (k) {
      if (d[k] !== undefined && d[k] !== "") { dl.appendChild(el("dt", FIELDS[k])); dl.appendChild(el("dd", String(d[k]))); }
    });
    facts.appendChild(dl);
    var obsIn = node.incomers("edge[type = 'observedIn']");
    var obsOut = node.outgoers("edge[type = 'observedIn']");
    if (obsIn.length) {
      facts.appendChild(el("h3", "数据 observations (" + obsIn.length + ")"));
      facts.appendChild(observationTable(obsIn, function (e) { return e.source(); }, "指标 indicator"));
    }
    if (obsOut.length) {
      facts.appendChild(el("h3", "数据 observations (" + obsOut.length + ")"));
      facts.appendChild(observationTable(obsOut, function (e) { return e.target(); }, "地区 region"));
    }
    var groups = {};
    node.connectedEdges().forEach(function (e) {
      var t = e.data("type");
      if (t === "observedIn") { return; }
      var out = e.source().same(node);
      var key = (out ? "→ " : "← ") + (RELATIONS[t] || t) + " " + t;
      (groups[key] = groups[key] || []).push(e);
    });
    Object.keys(groups).sort().forEach(function (key) {
      var list = groups[key];
      facts.appendChild(el("h3", key + " (" + list.length + ")"));
      var ul = el("ul");
      list.forEach(function (e) {
        var li = el("li");
        li.appendChild(link(e.source().same(node) ? e.target() : e.source()));
        if (e.data("programme")) { li.appendChild(document.createTextNode(" · " + e.data("programme"))); }
        if (e.data("main")) { li.appendChild(document.createTextNode(" · 主要地区 main")); }
        if (e.data("quote")) { li.appendChild(el("span", "“" + e.data("quote") + "”", "quote")); }
        if (e.data("file") && (e.data("quote") || d.type !== "document")) {
          li.appendChild(el("span", " 来源 " + e.data("file"), "src"));
        }
        ul.appendChild(li);
      });
      facts.appendChild(ul);
    });
  }
  function focus(node) {
    cy.elements().unselect().removeClass("faded hl");
    node.select();
    var hood = node.closedNeighborhood();
    cy.elements().not(hood).addClass("faded");
    node.connectedEdges().addClass("hl");
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 250 });
    show(node);
  }
  cy.on("tap", "node", function (evt) { focus(evt.target); });
  cy.on("tap", function (evt) { if (evt.target === cy) { cy.elements().removeClass("faded hl"); } });

  // ---- search: exact label first, then labels that contain the text
  var search = document.getElementById("search");
  var timer = null;
  function runSearch() {
    var q = search.value.trim();
    cy.nodes().removeClass("match");
    if (!q) { return; }
    var visible = cy.nodes().filter(function (x) { return !hidden[x.data("type")]; });
    var hits = visible.filter(function (x) { return String(x.data("label")).indexOf(q) >= 0; });
    document.getElementById("status").textContent = hits.length + " 个匹配 matches";
    if (!hits.length) { return; }
    hits.addClass("match");
    var exact = hits.filter(function (x) { return x.data("label") === q; });
    var best = (exact.length ? exact : hits).sort(function (a, b) { return b.degree() - a.degree(); })[0];
    focus(best);
  }
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runSearch, 150); });
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") { clearTimeout(timer); runSearch(); } });
})();
</script>
</body>
</html>
"""
