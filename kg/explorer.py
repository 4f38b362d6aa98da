"""The offline HTML explorer: overviews of a whole corpus first, the facts and quotes behind them on a click.

`kg export --format html` writes one self-contained page with four views, all drawn in the browser from
one compact JSON table set inlined into the page:

- programme × region matrix (programmes by reach against provinces, drilling down to cities, counties…);
- indicator comparison (one indicator concept, or label, by region and period: sorted bars and a table);
- region tree (province → city → county → town → village with counts, and each region's facts);
- graph neighbourhood of one region, programme, document or indicator (Cytoscape.js, laid out on demand).

The data is extracted here with SPARQL (one query per kind of fact, no node-link projection of the whole
store) and dictionary-encoded: every table is a set of columns, strings that repeat (regions, files,
labels, units, periods) are indices into lists, and each quote is stored once.  Model properties that a
store may not have yet (`kgo:concept`, `kgo:status`, `kgo:figureKind`, `kgo:clusterLabel`) are OPTIONAL:
the page groups figures by concept when there are concepts and by the indicator label as stated
otherwise, and says "unknown" for a figure without a status.
"""

from __future__ import annotations

import bisect
import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from kg.store import KGStore, StoreError
from kg.vocab import KGID, SPARQL_PREFIXES

STATIC = Path(__file__).resolve().parent / "static"
DATA_VERSION = 1
LEVELS = ("country", "province", "city", "county", "town", "village")
# The label kg.extract.observations gives a figure whose indicator it could not name: listed last.
UNNAMED_INDICATOR = "未命名指标"
UNPLACED = KGID + "region/-unplaced"  # display-only parent of regions that have no kgo:partOf


class ExplorerError(StoreError):
    pass


# ---------------------------------------------------------------------------------------- queries
_REGIONS = SPARQL_PREFIXES + """
SELECT ?r ?label ?level ?code ?parent WHERE {
  ?r a kgo:Region ; rdfs:label ?label .
  OPTIONAL { ?r kgo:level ?level } OPTIONAL { ?r kgo:adminCode ?code } OPTIONAL { ?r kgo:partOf ?parent }
}"""

_DOCUMENTS = SPARQL_PREFIXES + """
SELECT ?d ?file ?part ?title ?date ?publisher ?url WHERE {
  ?d a kgo:SourceDocument ; kgo:fileName ?file .
  OPTIONAL { ?d kgo:part ?part } OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date }
  OPTIONAL { ?d dcterms:publisher ?publisher } OPTIONAL { ?d kgo:sourceUrl ?url }
}"""

_DOCUMENT_REGIONS = SPARQL_PREFIXES + """
SELECT ?d ?r ?main WHERE {
  ?d a kgo:SourceDocument .
  { ?d kgo:mentionsRegion ?r } UNION { ?d kgo:mainRegion ?r BIND(true AS ?main) }
}"""

# Written for Oxigraph: the big listings join one sub-SELECT per property, which Oxigraph joins by hash
# (one scan of each property) instead of one index lookup per row and pattern: on the seeds + corpus
# store the observations take ~0.8 s instead of ~2.8 s and the mentions ~0.2 s instead of ~1.2 s.

# Display label of each mentioned programme: kgo:clusterLabel (kg.links merges variants under it) when
# the store has one, else its Chinese or untagged skos:prefLabel.
_PROGRAMMES = SPARQL_PREFIXES + """
SELECT ?p ?cluster ?label WHERE {
  { SELECT DISTINCT ?p WHERE { ?m kgo:programme ?p } }
  OPTIONAL { SELECT ?p ?cluster WHERE { ?p kgo:clusterLabel ?cluster } }
  OPTIONAL { SELECT ?p ?label WHERE { ?p skos:prefLabel ?label
                                      FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "zh")) } }
}"""

# One step up the programme scheme from each mentioned programme (to show "part of" on its page).
_BROADER = SPARQL_PREFIXES + """
SELECT DISTINCT ?p ?up ?upCluster ?upLabel WHERE {
  { SELECT DISTINCT ?p WHERE { ?m kgo:programme ?p } }
  ?p skos:broader|^skos:narrower ?up .
  OPTIONAL { ?up kgo:clusterLabel ?upCluster }
  OPTIONAL { ?up skos:prefLabel ?upLabel FILTER(LANG(?upLabel) = "" || LANGMATCHES(LANG(?upLabel), "zh")) }
}"""

_MENTIONS = SPARQL_PREFIXES + """
SELECT ?m ?p ?r ?d ?quote ?start WHERE {
  { SELECT ?m WHERE { ?m a kgo:ProgrammeMention } }
  { SELECT ?m ?p WHERE { ?m kgo:programme ?p } }
  { SELECT ?m ?d WHERE { ?m prov:wasDerivedFrom ?d } }
  OPTIONAL { SELECT ?m ?r WHERE { ?m kgo:region ?r } }
  OPTIONAL { SELECT ?m ?quote WHERE { ?m kgo:quote ?quote } }
  OPTIONAL { SELECT ?m ?start WHERE { ?m kgo:quoteStart ?start } }
}"""

# Observations, with the properties the model is gaining (concept, status, figure kind) as OPTIONALs:
# the same query works on a store built before them and picks them up once they are there.
_OBSERVATIONS = SPARQL_PREFIXES + """
SELECT ?o ?indLabel ?concept ?conceptLabel ?group ?status ?statusNote ?kind ?kindNote ?r ?d ?value ?unit
       ?stated ?qualifier ?period ?quote ?start ?measure WHERE {
  { SELECT ?o WHERE { ?o a kgo:Observation } }
  { SELECT ?o ?ind WHERE { ?o kgo:indicator ?ind } }
  { SELECT ?o ?value WHERE { ?o kgo:value ?value } }
  { SELECT ?o ?r WHERE { ?o sdmx-dimension:refArea ?r } }
  { SELECT ?o ?d WHERE { ?o prov:wasDerivedFrom ?d } }
  OPTIONAL { SELECT ?ind ?indLabel WHERE { ?ind a kgo:Indicator ; skos:prefLabel ?indLabel } }
  OPTIONAL { SELECT ?o ?concept ?conceptLabel ?group WHERE {
      ?o kgo:concept ?concept
      OPTIONAL { ?concept skos:prefLabel ?conceptLabel
                 FILTER(LANG(?conceptLabel) = "" || LANGMATCHES(LANG(?conceptLabel), "zh")) }
      OPTIONAL { ?concept skos:broader ?up . ?up skos:prefLabel ?group
                 FILTER(LANG(?group) = "" || LANGMATCHES(LANG(?group), "zh")) } } }
  OPTIONAL { SELECT ?o ?status ?statusNote WHERE {
      ?o kgo:status ?status OPTIONAL { ?status skos:notation ?statusNote } } }
  OPTIONAL { SELECT ?o ?kind ?kindNote WHERE {
      ?o kgo:figureKind ?kind OPTIONAL { ?kind skos:notation ?kindNote } } }
  OPTIONAL { SELECT ?o ?unit WHERE { ?o kgo:unit ?u . ?u skos:prefLabel ?unit } }
  OPTIONAL { SELECT ?o ?stated WHERE { ?o kgo:statedValue ?stated } }
  OPTIONAL { SELECT ?o ?qualifier WHERE { ?o kgo:qualifier ?qualifier } }
  OPTIONAL { SELECT ?o ?period WHERE { ?o sdmx-dimension:refPeriod ?period } }
  OPTIONAL { SELECT ?o ?quote WHERE { ?o kgo:quote ?quote } }
  OPTIONAL { SELECT ?o ?start WHERE { ?o kgo:quoteStart ?start } }
  OPTIONAL { SELECT ?o ?measure WHERE { ?o kgo:inMeasure ?measure } }
}"""

_MEASURES = SPARQL_PREFIXES + """
SELECT ?m ?d ?text ?ordinal ?start ?end ?r WHERE {
  ?m a kgo:Measure ; prov:wasDerivedFrom ?d ; kgo:text ?text .
  OPTIONAL { ?m kgo:ordinal ?ordinal } OPTIONAL { ?m kgo:quoteStart ?start } OPTIONAL { ?m kgo:quoteEnd ?end }
  OPTIONAL { ?m kgo:region ?r }
}"""

_MEASURE_PROGRAMMES = SPARQL_PREFIXES + """
SELECT ?m ?p WHERE { ?m a kgo:Measure ; kgo:mentionsProgramme ?p }"""

_PARTNERSHIPS = SPARQL_PREFIXES + """
SELECT ?x ?donor ?recipient ?d ?quote ?label ?start WHERE {
  ?x a kgo:Partnership ; kgo:donor ?donor ; kgo:recipient ?recipient ; prov:wasDerivedFrom ?d .
  OPTIONAL { ?x kgo:quote ?quote } OPTIONAL { ?x rdfs:label ?label } OPTIONAL { ?x kgo:quoteStart ?start }
}"""

_CITES = SPARQL_PREFIXES + """
SELECT ?d ?policy ?title WHERE { ?d a kgo:SourceDocument ; kgo:cites ?policy . ?policy dcterms:title ?title }"""

# Programmes a --program label names: by preferred, alternative or cluster label, with everything
# narrower in the scheme (as the graph formats' filter does).  ?label is bound by the caller (pyoxigraph
# substitutes only projected variables, so it is projected too).
_PROGRAMME_SEEDS = SPARQL_PREFIXES + """
SELECT DISTINCT ?p ?label WHERE {
  { ?root skos:prefLabel ?l } UNION { ?root skos:altLabel ?l } UNION { ?root kgo:clusterLabel ?l }
  FILTER(STR(?l) = ?label)
  ?p (skos:broader|^skos:narrower)* ?root .
}"""


# ------------------------------------------------------------------------------------ extraction
def _v(term: NamedNode | Literal | None) -> str | None:
    return None if term is None else term.value


def _int(term: NamedNode | Literal | None) -> int:
    try:
        return int(term.value) if term is not None else 0
    except ValueError:
        return 0


def _notation(iri: str | None, notation: str | None) -> str | None:
    """skos:notation of a status or figure kind, else the last segment of its IRI."""
    if notation:
        return notation
    if iri:
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return None


@dataclass
class _Facts:
    """Everything the page shows, keyed by IRI (before filtering and encoding)."""

    regions: dict[str, dict] = field(default_factory=dict)
    docs: dict[str, dict] = field(default_factory=dict)
    doc_regions: list[tuple[str, str, bool]] = field(default_factory=list)
    programme_label: dict[str, str] = field(default_factory=dict)
    broader: dict[str, set[str]] = field(default_factory=dict)  # programme IRI -> broader display labels
    mentions: list[dict] = field(default_factory=list)
    observations: list[dict] = field(default_factory=list)
    measures: dict[str, dict] = field(default_factory=dict)
    measure_programmes: dict[str, set[str]] = field(default_factory=dict)
    partnerships: list[dict] = field(default_factory=list)
    cites: list[tuple[str, str]] = field(default_factory=list)


def _read(store: KGStore) -> _Facts:
    facts = _Facts()
    for row in store.query(_REGIONS):
        r = row["r"].value
        if r in facts.regions:
            continue
        facts.regions[r] = {"label": row["label"].value, "level": _v(row["level"]) or "",
                            "code": _v(row["code"]) or "", "parent": _v(row["parent"])}
    for row in store.query(_DOCUMENTS):
        d = row["d"].value
        if d in facts.docs:
            continue
        file = row["file"].value + (f"#{row['part'].value}" if row["part"] is not None else "")
        facts.docs[d] = {"file": file, "title": _v(row["title"]) or "", "date": _v(row["date"]) or "",
                         "publisher": _v(row["publisher"]) or "", "url": _v(row["url"]) or ""}
    main: dict[tuple[str, str], bool] = {}
    for row in store.query(_DOCUMENT_REGIONS):
        key = (row["d"].value, row["r"].value)
        main[key] = main.get(key, False) or row["main"] is not None
    facts.doc_regions = sorted((d, r, m) for (d, r), m in main.items())
    labels: dict[str, tuple[str, str]] = {}
    for row in store.query(_PROGRAMMES):
        p = row["p"].value
        cluster, label = _v(row["cluster"]), _v(row["label"])
        best = cluster or label or p.rsplit("/", 1)[-1]
        rank = "0" if cluster else "1"
        if p not in labels or (rank, best) < labels[p]:
            labels[p] = (rank, best)
    facts.programme_label = {p: label for p, (_, label) in labels.items()}
    for row in store.query(_BROADER):
        up = _v(row["upCluster"]) or _v(row["upLabel"])
        if up:
            facts.broader.setdefault(row["p"].value, set()).add(up)
    for row in store.query(_MENTIONS):
        facts.mentions.append({"programme": row["p"].value, "region": _v(row["r"]), "doc": row["d"].value,
                               "quote": _v(row["quote"]) or "", "start": _int(row["start"]), "iri": row["m"].value})
    seen: set[str] = set()
    for row in store.query(_OBSERVATIONS):
        o = row["o"].value
        if o in seen:  # several labels or groups of one concept: the first row is enough
            continue
        seen.add(o)
        concept = _v(row["concept"])
        facts.observations.append({
            "indicator": _v(row["indLabel"]) or UNNAMED_INDICATOR,
            "concept": concept,
            "conceptLabel": _v(row["conceptLabel"]) or (concept.rsplit("/", 1)[-1] if concept else None),
            "group": _v(row["group"]),
            "status": _notation(_v(row["status"]), _v(row["statusNote"])),
            "kind": _notation(_v(row["kind"]), _v(row["kindNote"])),
            "region": row["r"].value, "doc": row["d"].value, "value": row["value"].value,
            "unit": _v(row["unit"]) or "", "stated": _v(row["stated"]) or "", "qualifier": _v(row["qualifier"]) or "",
            "period": _v(row["period"]) or "", "quote": _v(row["quote"]) or "", "start": _int(row["start"]),
            "measure": _v(row["measure"]), "iri": o})
    for row in store.query(_MEASURES):
        m = row["m"].value
        if m in facts.measures:
            continue
        facts.measures[m] = {"doc": row["d"].value, "text": row["text"].value, "ordinal": _int(row["ordinal"]),
                             "start": _int(row["start"]), "end": _int(row["end"]), "region": _v(row["r"])}
    for row in store.query(_MEASURE_PROGRAMMES):
        facts.measure_programmes.setdefault(row["m"].value, set()).add(row["p"].value)
    for row in store.query(_PARTNERSHIPS):
        facts.partnerships.append({"donor": row["donor"].value, "recipient": row["recipient"].value,
                                   "doc": row["d"].value, "quote": _v(row["quote"]) or "",
                                   "label": _v(row["label"]) or "", "start": _int(row["start"])})
    facts.cites = sorted({(row["d"].value, row["title"].value) for row in store.query(_CITES)})
    return facts


# -------------------------------------------------------------------------------------- filtering
def _region_roots(facts: _Facts, name: str) -> set[str]:
    roots = {r for r, x in facts.regions.items() if name in (x["label"], x["code"])}
    if not roots:
        raise ExplorerError(f"no region '{name}' in the store")
    return roots


def _subtree(facts: _Facts, roots: set[str]) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for r, x in facts.regions.items():
        if x["parent"]:
            children[x["parent"]].append(r)
    out, todo = set(), list(roots)
    while todo:
        r = todo.pop()
        if r not in out:
            out.add(r)
            todo.extend(children.get(r, ()))
    return out


def _filter(facts: _Facts, store: KGStore, region: str | None, program: str | None,
            document: str | None) -> None:
    """Cut every table down to the facts about a region (with sub-regions), a programme (with narrower
    ones and variants) or a document, in place.  Regions stay (the tree needs them) and are pruned later."""
    if region is not None:
        area = _subtree(facts, _region_roots(facts, region))
        facts.mentions = [m for m in facts.mentions if m["region"] in area]
        facts.observations = [o for o in facts.observations if o["region"] in area]
        facts.partnerships = [p for p in facts.partnerships if p["donor"] in area or p["recipient"] in area]
        facts.measures = {k: m for k, m in facts.measures.items() if m["region"] in area}
        named = {d for d, r, _ in facts.doc_regions if r in area}
        _keep_documents(facts, named | _fact_documents(facts), keep_facts=True)
        facts.doc_regions = [(d, r, m) for d, r, m in facts.doc_regions if r in area]
    if program is not None:
        seeds = {row["p"].value for row in store.query(_PROGRAMME_SEEDS, {"label": program})}
        labels = {facts.programme_label[p] for p in seeds if p in facts.programme_label}
        chosen = {p for p, label in facts.programme_label.items() if p in seeds or label in labels}
        if not chosen:
            raise ExplorerError(f"no programme '{program}' is mentioned in the store")
        facts.mentions = [m for m in facts.mentions if m["programme"] in chosen]
        # Figures stated in the measures (numbered paragraphs) that name the programme.
        measures = {m for m, ps in facts.measure_programmes.items() if ps & chosen}
        facts.observations = [o for o in facts.observations if o["measure"] in measures]
        facts.measures = {k: m for k, m in facts.measures.items() if k in measures}
        naming = {m["doc"] for m in facts.mentions}
        docs = naming | {m["doc"] for m in facts.measures.values()}
        facts.partnerships = [p for p in facts.partnerships if p["doc"] in naming]
        _keep_documents(facts, docs, keep_facts=True)
        places = {m["region"] for m in facts.mentions} | {o["region"] for o in facts.observations}
        facts.doc_regions = [(d, r, m) for d, r, m in facts.doc_regions if r in places]
    if document is not None:
        docs = {d for d, x in facts.docs.items() if document in (x["file"], Path(x["file"].split("#")[0]).name,
                                                                   x["file"].split("#")[0])}
        if not docs:
            raise ExplorerError(f"no document '{document}' in the store")
        _keep_documents(facts, docs, keep_facts=False)


def _fact_documents(facts: _Facts) -> set[str]:
    return ({m["doc"] for m in facts.mentions} | {o["doc"] for o in facts.observations}
            | {p["doc"] for p in facts.partnerships} | {m["doc"] for m in facts.measures.values()})


def _keep_documents(facts: _Facts, docs: set[str], keep_facts: bool) -> None:
    """Keep these documents; with keep_facts=False also only the facts derived from them."""
    facts.docs = {d: x for d, x in facts.docs.items() if d in docs}
    facts.doc_regions = [t for t in facts.doc_regions if t[0] in docs]
    facts.cites = [t for t in facts.cites if t[0] in docs]
    if not keep_facts:
        facts.mentions = [m for m in facts.mentions if m["doc"] in docs]
        facts.observations = [o for o in facts.observations if o["doc"] in docs]
        facts.partnerships = [p for p in facts.partnerships if p["doc"] in docs]
        facts.measures = {k: m for k, m in facts.measures.items() if m["doc"] in docs}


# --------------------------------------------------------------------------------------- encoding
class _Strings:
    """Dictionary encoding: each distinct string once, referred to by its index."""

    def __init__(self, first: Iterable[str] = ()) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}
        for s in first:
            self(s)

    def __call__(self, s: str) -> int:
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.items)
            self.items.append(s)
        return i


def _measure_of(facts: _Facts) -> dict[str, list[tuple[int, int, str]]]:
    """Measure spans of each document, sorted by start, to place a mention inside its measure."""
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for k, m in facts.measures.items():
        if m["end"] > m["start"]:
            spans[m["doc"]].append((m["start"], m["end"], k))
    for doc in spans.values():
        doc.sort()
    return spans


def _encode(facts: _Facts, title: str, filters: dict[str, str], root_names: set[str]) -> dict:
    """The compact, JSON-ready tables the page reads (see docs in the README and explorer.js)."""
    # Regions: those facts refer to, with their ancestors (the tree needs the path).  Provinces (and any
    # region without a parent) hang under the country node when there is one; lower levels without a
    # parent under a display-only "unplaced" node, so the tree has one root.
    used = ({m["region"] for m in facts.mentions if m["region"]} | {o["region"] for o in facts.observations}
            | {r for _, r, _ in facts.doc_regions} | {p["donor"] for p in facts.partnerships}
            | {p["recipient"] for p in facts.partnerships}
            | {m["region"] for m in facts.measures.values() if m["region"]} | root_names)
    used = {r for r in used if r in facts.regions}
    country = next((r for r, x in facts.regions.items() if x["level"] == "country"), None)
    regions = dict(facts.regions)
    root = country or UNPLACED
    if country is None:
        regions[UNPLACED] = {"label": "全部地区", "level": "country", "code": "", "parent": None}
    keep: set[str] = set()
    for r in sorted(used):
        while r and r not in keep:
            keep.add(r)
            parent = regions[r]["parent"]
            r = parent if parent in regions else None
    parentless = [r for r in keep if not regions[r]["parent"] or regions[r]["parent"] not in regions]
    for r in parentless:
        if r == root:
            continue
        if regions[r]["level"] in ("province", "") or root == UNPLACED:
            regions[r] = {**regions[r], "parent": root}
        else:
            if UNPLACED not in regions:
                regions[UNPLACED] = {"label": "未归属 unplaced", "level": "", "code": "", "parent": root}
            keep.add(UNPLACED)
            regions[r] = {**regions[r], "parent": UNPLACED}
    keep.add(root)
    level_rank = {level: i for i, level in enumerate(LEVELS)}
    order = sorted(keep, key=lambda r: (level_rank.get(regions[r]["level"], len(LEVELS)), regions[r]["code"] or "~",
                                        regions[r]["label"], r))
    region_ix = {r: i for i, r in enumerate(order)}

    doc_order = sorted(facts.docs, key=lambda d: (facts.docs[d]["file"], d))
    doc_ix = {d: i for i, d in enumerate(doc_order)}

    quotes = _Strings()
    programmes = _Strings()
    spans = _measure_of(facts)
    measure_order = sorted(facts.measures, key=lambda k: (doc_ix.get(facts.measures[k]["doc"], -1),
                                                           facts.measures[k]["ordinal"], k))
    measure_ix = {k: i for i, k in enumerate(measure_order)}

    mention_rows = sorted((m for m in facts.mentions if m["doc"] in doc_ix),
                          key=lambda m: (doc_ix[m["doc"]], m["start"], m["iri"]))
    mentions: dict[str, list] = {"programme": [], "region": [], "doc": [], "quote": [], "measure": []}
    for m in mention_rows:
        mentions["programme"].append(programmes(facts.programme_label.get(m["programme"], m["programme"])))
        mentions["region"].append(region_ix.get(m["region"], -1) if m["region"] else -1)
        mentions["doc"].append(doc_ix[m["doc"]])
        mentions["quote"].append(quotes(m["quote"]))
        where = spans.get(m["doc"], [])
        at = bisect.bisect_right(where, (m["start"], float("inf"), "")) - 1
        inside = where[at][2] if at >= 0 and where[at][0] <= m["start"] < where[at][1] else None
        mentions["measure"].append(measure_ix[inside] if inside in measure_ix else -1)
    broader: dict[int, set[str]] = defaultdict(set)
    for p, ups in facts.broader.items():
        if p in facts.programme_label and facts.programme_label[p] in programmes.index:
            broader[programmes.index[facts.programme_label[p]]] |= ups

    indicators = _Strings()
    concepts = _Strings()
    concept_group: dict[int, str] = {}
    units, periods, qualifiers = _Strings([""]), _Strings([""]), _Strings([""])
    statuses, kinds = _Strings(), _Strings()
    obs_rows = sorted((o for o in facts.observations if o["doc"] in doc_ix),
                      key=lambda o: (doc_ix[o["doc"]], o["start"], o["iri"]))
    obs: dict[str, list] = {k: [] for k in ("indicator", "concept", "region", "doc", "value", "unit", "stated",
                                            "qualifier", "period", "status", "kind", "quote", "measure")}
    for o in obs_rows:
        obs["indicator"].append(indicators(o["indicator"]))
        if o["concept"]:
            c = concepts(o["conceptLabel"])
            if o["group"]:
                concept_group.setdefault(c, o["group"])
            obs["concept"].append(c)
        else:
            obs["concept"].append(-1)
        obs["region"].append(region_ix[o["region"]])
        obs["doc"].append(doc_ix[o["doc"]])
        obs["value"].append(o["value"])
        obs["unit"].append(units(o["unit"]))
        obs["stated"].append(o["stated"])
        obs["qualifier"].append(qualifiers(o["qualifier"]))
        obs["period"].append(periods(o["period"]))
        obs["status"].append(statuses(o["status"]) if o["status"] else -1)
        obs["kind"].append(kinds(o["kind"]) if o["kind"] else -1)
        obs["quote"].append(quotes(o["quote"]))
        obs["measure"].append(measure_ix.get(o["measure"], -1) if o["measure"] else -1)

    measures: dict[str, list] = {"doc": [], "ordinal": [], "text": [], "region": []}
    for k in measure_order:
        m = facts.measures[k]
        measures["doc"].append(doc_ix.get(m["doc"], -1))
        measures["ordinal"].append(m["ordinal"])
        measures["text"].append(m["text"])
        measures["region"].append(region_ix.get(m["region"], -1) if m["region"] else -1)

    partners: dict[str, list] = {"donor": [], "recipient": [], "doc": [], "quote": [], "label": []}
    for p in sorted((p for p in facts.partnerships if p["doc"] in doc_ix),
                    key=lambda p: (doc_ix[p["doc"]], p["start"], p["donor"], p["recipient"])):
        if p["donor"] not in region_ix or p["recipient"] not in region_ix:
            continue
        partners["donor"].append(region_ix[p["donor"]])
        partners["recipient"].append(region_ix[p["recipient"]])
        partners["doc"].append(doc_ix[p["doc"]])
        partners["quote"].append(quotes(p["quote"]))
        partners["label"].append(p["label"])

    policies = _Strings()
    cites = [(doc_ix[d], policies(t)) for d, t in facts.cites if d in doc_ix]
    doc_regions = [(doc_ix[d], region_ix[r], int(m)) for d, r, m in facts.doc_regions
                   if d in doc_ix and r in region_ix]
    levels = _Strings(LEVELS)
    return {
        "version": DATA_VERSION,
        "title": title,
        "filter": filters,
        "root": region_ix[root],
        "focus": sorted(region_ix[r] for r in root_names if r in region_ix),
        "levels": levels.items,
        "regions": {
            "label": [regions[r]["label"] for r in order],
            "level": [levels(regions[r]["level"] or "") for r in order],
            "parent": [region_ix.get(regions[r]["parent"], -1) if r != root else -1 for r in order],
            "code": [regions[r]["code"] for r in order],
            "iri": [r if r != UNPLACED else "" for r in order],
        },
        "docs": {k: [facts.docs[d][k] for d in doc_order] for k in ("file", "title", "date", "publisher", "url")}
        | {"iri": doc_order},
        "docRegions": {"doc": [t[0] for t in doc_regions], "region": [t[1] for t in doc_regions],
                       "main": [t[2] for t in doc_regions]},
        "programmes": {"label": programmes.items,
                       "broader": [sorted(broader.get(i, ())) for i in range(len(programmes.items))]},
        "mentions": mentions,
        "indicators": indicators.items,
        "concepts": {"label": concepts.items, "group": [concept_group.get(i, "") for i in range(len(concepts.items))]},
        "units": units.items, "periods": periods.items, "qualifiers": qualifiers.items,
        "statuses": statuses.items, "kinds": kinds.items,
        "obs": obs,
        "measures": measures,
        "partners": partners,
        "policies": policies.items,
        "cites": {"doc": [c[0] for c in cites], "policy": [c[1] for c in cites]},
        "quotes": quotes.items,
        "unnamedIndicator": UNNAMED_INDICATOR,
    }


def explorer_data(store: KGStore, region: str | None = None, program: str | None = None,
                  document: str | None = None) -> dict:
    """The page's data: every fact of the store (or of the part a filter selects), dictionary-encoded."""
    facts = _read(store)
    _filter(facts, store, region, program, document)
    filters = {k: v for k, v in (("region", region), ("program", program), ("document", document)) if v}
    focus = _region_roots(facts, region) if region is not None else set()
    parts = [f for f in (region, program, document) if f]
    title = "kg explorer" + (f" · {' · '.join(parts)}" if parts else "")
    return _encode(facts, title, filters, focus)


# ------------------------------------------------------------------------------------------- page
_ASSETS = ("explorer.html", "explorer.css", "explorer.js", "cytoscape.min.js")


def render(data: dict) -> str:
    """One self-contained page: the template with the styles, scripts and data inlined."""
    for name in _ASSETS:
        if not (STATIC / name).is_file():
            raise ExplorerError(f"{STATIC / name} is missing" + ("; run scripts/vendor_js.sh"
                                                                   if name.endswith(".min.js") else ""))
    template = (STATIC / "explorer.html").read_text(encoding="utf-8")
    version_file = STATIC / "cytoscape.VERSION"
    version = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else "cytoscape"
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    def script(text: str) -> str:  # nothing inside may close the <script> element or open a comment in it
        return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")

    values = {
        "TITLE": html.escape(data["title"]),
        "LIBRARY_VERSION": html.escape(version),
        "STYLE": (STATIC / "explorer.css").read_text(encoding="utf-8").replace("</", "<\\/"),
        "CYTOSCAPE": script((STATIC / "cytoscape.min.js").read_text(encoding="utf-8")),
        "APP": script((STATIC / "explorer.js").read_text(encoding="utf-8")),
        "DATA": payload.replace("<", "\\u003c"),  # JSON text: "<" occurs only inside strings
    }
    # One pass, so a placeholder-like string inside a library or the data is never substituted.
    return re.sub(r"__(TITLE|LIBRARY_VERSION|STYLE|CYTOSCAPE|APP|DATA)__", lambda m: values[m.group(1)], template)


def explorer_html(store: KGStore, region: str | None = None, program: str | None = None,
                  document: str | None = None) -> str:
    return render(explorer_data(store, region=region, program=program, document=document))
