"""Map stage: Extraction -> quads.

What the document says goes into its own named graph, so it can be dropped or rebuilt alone.  The
shared nodes it uses (regions with their part-of chain, indicator and discovered programme concepts)
are deterministic descriptions that go into one vocabulary graph, written in the same transaction;
describing them once keeps union-graph queries free of duplicate rows.  Units and the programme
scheme live in the ontology graph.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.extract.numbers import decimal_text
from kg.indicators import FIGURE_KIND_BASE
from kg.model import Extraction, Measure, Observation, Partnership, ProgrammeMention, Region
from kg.programmes import SCHEME_IRI
from kg.units import Unit, UnitTable
from kg.vocab import (
    DCTERMS,
    KGO,
    ONTOLOGY_GRAPH,
    PROV,
    RDF,
    RDFS,
    SDMXD,
    SKOS,
    VOCABULARY_GRAPH,
    WDT,
    XSD,
    digest,
    iri,
    mint,
)

INDICATOR_SCHEME = iri("scheme", "indicators")
INDICATOR_SCHEME_FILE = "indicators.ttl"  # the indicator concepts (ontology/indicators.ttl)
PROGRAMME_SCHEME = NamedNode(SCHEME_IRI)
UNIT_SCHEME = iri("scheme", "units")
ZH = "zh"

# N-Triples escapes: the four characters a quoted literal may not hold raw, and other C0 controls as \u
_ESCAPES = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in range(0x20)},
                          "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_TYPED = {kind: "^^" + getattr(XSD.nt, kind) for kind in ("integer", "decimal", "date", "gYear", "gYearMonth", "anyURI")}
_VOCABULARY = f"<{VOCABULARY_GRAPH.value}>"
_INDICATOR_SCHEME = f"<{INDICATOR_SCHEME.value}>"
_PROGRAMME_SCHEME = f"<{PROGRAMME_SCHEME.value}>"


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def literal(value: str, suffix: str = "") -> str:
    """N-Triples text of a literal; `suffix` is "" (plain), "@zh" or a `_TYPED` datatype."""
    if _NEEDS_ESCAPE.search(value):  # rare: a regex scan is far cheaper than translating every quote
        value = value.translate(_ESCAPES)
    return f'"{value}"{suffix}'


def _zh(value: str) -> str:
    return literal(value, "@zh")


def _int(value: int) -> str:
    return f'"{value}"{_TYPED["integer"]}'


def ref(kind: str, *parts: str) -> str:
    """N-Triples text of a minted instance IRI."""
    return f"<{mint(kind, *parts)}>"


def region_ref(region: Region) -> str:
    return _region_ref(region.key)


@functools.lru_cache(maxsize=1 << 16)
def _region_ref(key: str) -> str:
    """Regions repeat from document to document: each IRI is minted once per process."""
    return ref("region", *key.split("/"))


def unit_iri(label: str) -> NamedNode:
    return iri("unit", "percent" if label == "%" else label)


def unit_ref(label: str) -> str:
    return f"<{unit_iri(label).value}>"  # units are few: the cached NamedNode is the one definition


def programme_ref(label: str, concept: str | None) -> str:
    return f"<{concept}>" if concept else ref("program", label)


def period_literal(period: str) -> str:
    """gYear, gYearMonth or date; an interval of years (2021/2025, ISO 8601) is a plain literal."""
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(period))
    return literal(period, _TYPED[kind]) if kind else literal(period)


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    """N-Quads lines describing one shared node in the vocabulary graph."""
    return "".join(f"{subject} {p} {o} {_VOCABULARY} .\n" for p, o in pairs)


@functools.lru_cache(maxsize=1 << 14)
def region_blocks(region: Region) -> tuple[str, ...]:
    """A region with its labels, level, code and part-of chain up to the province: a block per node
    (made once per region and process)."""
    return tuple(_region_block(node) for node in region.chain())


def _region_block(node: Region) -> str:
    pairs = [(RDF.nt.type, KGO.nt.Region), (RDFS.nt.label, literal(node.name)),
             (SKOS.nt.prefLabel, _zh(node.name)), (KGO.nt.level, literal(node.level))]
    if node.code:
        pairs += [(KGO.nt.adminCode, literal(node.code)), (WDT.nt.P442, literal(node.code))]
    if node.iso:  # a foreign country: its ISO 3166-1 alpha-2 code (Wikidata P297)
        pairs.append((WDT.nt.P297, literal(node.iso)))
    if node.parent is not None:
        pairs.append((KGO.nt.partOf, region_ref(node.parent)))
    return _block(region_ref(node), pairs)


def programme_block(subject: str, label: str) -> str:
    """A programme concept found in text (not in the scheme), described once in the vocabulary graph.
    The rule that found it (kgo:discoveredBy) is said by the document (two documents may find the same
    name by two rules), so the block is the same whichever document writes it."""
    return _block(subject, [(RDF.nt.type, KGO.nt.Programme), (RDF.nt.type, SKOS.nt.Concept),
                            (SKOS.nt.prefLabel, _zh(label)), (SKOS.nt.inScheme, _PROGRAMME_SCHEME)])


def unit_triples(unit: Unit) -> Iterator[tuple[NamedNode, NamedNode, NamedNode | Literal]]:
    subject = unit_iri(unit.label)
    yield subject, RDF.type, KGO.Unit
    yield subject, SKOS.prefLabel, Literal(unit.label)
    yield subject, SKOS.inScheme, UNIT_SCHEME
    yield subject, KGO.unitKind, Literal(unit.kind)
    if unit.qudt:
        yield subject, KGO.qudtUnit, NamedNode(unit.qudt)
    if unit.ucum:
        yield subject, KGO.ucumCode, Literal(unit.ucum)


@dataclass(frozen=True)
class DocumentGraph:
    """One document mapped to N-Quads text, in the three parts the store writer handles differently.

    `body` is the document's named graph without its kgo:contentHash quad, which is `hashes` (a graph
    counts as complete once its hash is stored, see kg.build); `vocabulary` holds the shared nodes the
    document uses (regions, indicators, discovered programmes), one block per node for the vocabulary
    graph, so a writer can skip blocks it has already written for other documents."""

    graph: str
    body: str
    vocabulary: tuple[str, ...]
    hashes: str
    quads: int


class _Writer:
    """One document's N-Quads being written: its graph's lines, and the shared node descriptions it uses
    (regions with their part-of chain, indicators, discovered programmes), each block once."""

    def __init__(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self.doc = extraction.document
        self.digest = digest(self.doc.key)
        self.graph = ref("graph", self.digest)
        self.document = ref("doc", self.digest)
        self.lines: list[str] = []
        self.vocabulary: dict[str, None] = {}  # blocks in first-use order, each once
        self._tail = f" {self.graph} .\n"
        self._regions: dict[str, str] = {}
        # the concept each programme label was found as (first mention wins)
        self.concepts = {p.label: p.concept for p in reversed(extraction.programmes)}
        self.discovered: set[str] = set()  # discovered programme nodes already described
        self.mentioned: set[tuple[str, str | None]] = set()  # (programme, region) with a mention node
        self._quotes: dict[tuple[int, int], tuple[str, int]] = {}

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o}{self._tail}")

    def region(self, region: Region) -> str:
        node = self._regions.get(region.key)
        if node is None:
            node = self._regions[region.key] = region_ref(region)
            self.vocabulary.update(dict.fromkeys(region_blocks(region)))
        return node

    def programme(self, label: str, concept: str | None, discovered_by: str) -> str:
        """A programme's node; a discovered one is described once in the vocabulary graph."""
        node = programme_ref(label, concept)
        if concept is None and node not in self.discovered:
            self.discovered.add(node)
            self.vocabulary[programme_block(node, label)] = None
            self.add(node, KGO.nt.discoveredBy, literal(discovered_by))
            self.add(node, PROV.nt.wasDerivedFrom, self.document)
        return node

    def quote(self, start: int, end: int) -> tuple[str, int]:
        """The original text of Document.text[start:end] and its start in the original (several figures
        quote the same sentence: each sentence is mapped back once)."""
        found = self._quotes.get((start, end))
        if found is None:
            s, e = self.doc.source_span(start, end)
            found = self._quotes[(start, end)] = (self.doc.source[s:e], s)
        return found


Objects = Callable[[Any, _Writer], Iterable[str]]


@dataclass(frozen=True)
class Property:
    """One property of a mapped record: its predicate and a function giving its objects (N-Triples text;
    none when the record has no value)."""

    predicate: str
    objects: Objects


@dataclass(frozen=True)
class EntityMap:
    """How one kind of extracted record becomes RDF: its class, its IRI, its properties.  Every record
    goes into the document's graph (shared nodes it points at go to the vocabulary graph)."""

    kind: str
    rdf_class: str | None
    records: Callable[[Extraction], Iterable[Any]]
    iri: Callable[[Any, _Writer], str | None]  # None: the record is not written (a repeated mention)
    properties: tuple[Property, ...]


def _one(value: str | None) -> tuple[str, ...]:
    return () if value is None else (value,)


def _doc_iri(_doc: Any, w: _Writer) -> str:  # noqa: ANN401 - records of every kind pass through here
    return w.document


def _measure_iri(measure: Measure, w: _Writer) -> str:
    return ref("measure", w.digest, str(measure.index))


def _observation_iri(item: tuple[int, Observation], w: _Writer) -> str:
    n, obs = item
    return ref("obs", w.digest, f"{obs.evidence.start}-{obs.evidence.end}-{n}")


def _mention_iri(item: tuple[int, ProgrammeMention], w: _Writer) -> str | None:
    """One mention node per programme and region of a document, quoting the first."""
    n, mention = item
    key = (programme_ref(mention.label, mention.concept), mention.region and mention.region.key)
    if key in w.mentioned:
        return None
    w.mentioned.add(key)
    return ref("pm", w.digest, str(n))


def _quote_objects(start_end: Callable[[Any], tuple[int, int]]) -> tuple[Property, Property]:
    def quote(record: Any, w: _Writer) -> tuple[str, ...]:  # noqa: ANN401
        return (literal(w.quote(*start_end(record))[0]),)

    def start(record: Any, w: _Writer) -> tuple[str, ...]:  # noqa: ANN401
        return (_int(w.quote(*start_end(record))[1]),)

    return Property(KGO.nt.quote, quote), Property(KGO.nt.quoteStart, start)


def _measure_span(measure: Measure, w: _Writer) -> tuple[int, int]:
    return w.doc.source_span(measure.start, measure.end)


DOCUMENT = EntityMap("document", KGO.nt.SourceDocument, lambda ex: (ex.document,), _doc_iri, (
    Property(KGO.nt.fileName, lambda d, w: (literal(d.file),)),
    Property(KGO.nt.part, lambda d, w: _one(None if d.part is None else literal(d.part))),
    Property(KGO.nt.script, lambda d, w: (literal(d.meta.script),)),
    Property(DCTERMS.nt.language, lambda d, w: (literal(d.meta.script),)),
    Property(DCTERMS.nt.title, lambda d, w: _one(d.meta.title and literal(d.meta.title))),
    Property(DCTERMS.nt.date, lambda d, w: _one(d.meta.date and literal(d.meta.date, _TYPED["date"]))),
    Property(DCTERMS.nt.publisher, lambda d, w: _one(d.meta.publisher and literal(d.meta.publisher))),
    Property(KGO.nt.sourceUrl, lambda d, w: _one(d.meta.url and literal(d.meta.url, _TYPED["anyURI"]))),
    Property(KGO.nt.chromeChars, lambda d, w: (_int(d.chrome_chars),)),
    Property(KGO.nt.mainRegion, lambda d, w: _one(w.extraction.main_region and w.region(w.extraction.main_region))),
    Property(KGO.nt.mentionsRegion, lambda d, w: [w.region(m.region) for m in w.extraction.regions]),
    Property(KGO.nt.cites, lambda d, w: [ref("policy", p.title) for p in w.extraction.policy_documents]),
    Property(DCTERMS.nt.references, lambda d, w: [ref("policy", p.title) for p in w.extraction.policy_documents]),
))

MEASURE = EntityMap("measure", KGO.nt.Measure, lambda ex: ex.measures, _measure_iri, (
    Property(KGO.nt.text, lambda m, w: (literal(m.text),)),
    Property(KGO.nt.ordinal, lambda m, w: (_int(m.index),)),
    Property(PROV.nt.wasDerivedFrom, lambda m, w: (w.document,)),
    Property(KGO.nt.quoteStart, lambda m, w: (_int(_measure_span(m, w)[0]),)),
    Property(KGO.nt.quoteEnd, lambda m, w: (_int(_measure_span(m, w)[1]),)),
    Property(KGO.nt.region, lambda m, w: _one(m.region and w.region(m.region))),
    Property(KGO.nt.mentionsProgramme,
             lambda m, w: [programme_ref(label, w.concepts.get(label)) for label in m.programmes]),
))


def _indicator_node(obs: Observation, w: _Writer) -> str:
    node, block = _indicator(obs.indicator)
    w.vocabulary[block] = None
    return node


@functools.lru_cache(maxsize=1 << 14)
def _indicator(label: str) -> tuple[str, str]:
    """An indicator's node and its block in the vocabulary graph (labels recur from figure to figure and
    from document to document: each is minted once per process)."""
    node = ref("indicator", label)
    return node, _block(node, [(RDF.nt.type, KGO.nt.Indicator), (SKOS.nt.prefLabel, literal(label)),
                               (SKOS.nt.inScheme, _INDICATOR_SCHEME)])


def _in_measure(obs: Observation, w: _Writer) -> tuple[str, ...]:
    if obs.measure_index is None or obs.measure_index >= len(w.extraction.measures):
        return ()
    return (ref("measure", w.digest, str(obs.measure_index)),)


OBSERVATION = EntityMap("observation", KGO.nt.Observation, lambda ex: enumerate(ex.observations),
                        _observation_iri, (
    Property(KGO.nt.indicator, lambda o, w: (_indicator_node(o[1], w),)),
    Property(KGO.nt.value, lambda o, w: (literal(decimal_text(o[1].quantity.value), _TYPED["decimal"]),)),
    Property(KGO.nt.unit, lambda o, w: (unit_ref(o[1].quantity.unit),)),
    Property(KGO.nt.statedValue, lambda o, w: (literal(o[1].quantity.stated),)),
    Property(KGO.nt.qualifier, lambda o, w: _one(o[1].quantity.qualifier and literal(o[1].quantity.qualifier))),
    Property(SDMXD.nt.refArea, lambda o, w: _one(o[1].region and w.region(o[1].region))),
    Property(SDMXD.nt.refPeriod, lambda o, w: _one(o[1].period and period_literal(o[1].period))),
    Property(PROV.nt.wasDerivedFrom, lambda o, w: (w.document,)),
    Property(KGO.nt.quote, lambda o, w: (literal(o[1].evidence.quote),)),
    Property(KGO.nt.quoteStart, lambda o, w: (_int(o[1].evidence.start),)),
    Property(KGO.nt.inMeasure, lambda o, w: _in_measure(o[1], w)),
    Property(KGO.nt.status, lambda o, w: (ref("status", o[1].status),)),
    # the indicator-scheme concept the label names (described in the ontology graph, ontology/indicators.ttl)
    Property(KGO.nt.concept, lambda o, w: _one(o[1].concept and f"<{o[1].concept}>")),
    Property(KGO.nt.figureKind, lambda o, w: (f"<{FIGURE_KIND_BASE}{o[1].kind}>",)),
))

PROGRAMME_MENTION = EntityMap("programme mention", KGO.nt.ProgrammeMention, lambda ex: enumerate(ex.programmes),
                              _mention_iri, (
    Property(KGO.nt.programme,
             lambda m, w: (w.programme(m[1].label, m[1].concept, m[1].discovered_by or "text"),)),
    Property(PROV.nt.wasDerivedFrom, lambda m, w: (w.document,)),
    Property(KGO.nt.region, lambda m, w: _one(m[1].region and w.region(m[1].region))),
    *_quote_objects(lambda m: (m[1].start, m[1].end)),
))

POLICY_DOCUMENT = EntityMap("policy document", KGO.nt.PolicyDocument, lambda ex: ex.policy_documents,
                            lambda p, w: ref("policy", p.title), (
    Property(DCTERMS.nt.title, lambda p, w: (literal(p.title),)),
    Property(RDFS.nt.label, lambda p, w: (_zh(p.title),)),
    Property(KGO.nt.issuedBy, lambda p, w: _one(p.issuer and w.region(p.issuer))),
    Property(KGO.nt.coversYear, lambda p, w: [literal(str(y), _TYPED["gYear"]) for y in p.years]),
    Property(KGO.nt.citedForRegion, lambda p, w: _one(p.region and w.region(p.region))),
))


def _partner_programme(link: Partnership, w: _Writer) -> tuple[str, ...]:
    if not link.programme:
        return ()
    return (w.programme(link.programme, w.concepts.get(link.programme), "partnership"),)


def _partner_edge(item: tuple[int, Partnership], w: _Writer) -> tuple[str, ...]:
    """The donor's kgo:partnerOf edge to the recipient, stated in the document's graph beside the node."""
    link = item[1]
    w.add(w.region(link.donor), KGO.nt.partnerOf, w.region(link.recipient))
    return ()


PARTNERSHIP = EntityMap("partnership", KGO.nt.Partnership, lambda ex: enumerate(ex.partnerships),
                        lambda p, w: ref("partnership", w.digest, str(p[0])), (
    Property(KGO.nt.donor, lambda p, w: (w.region(p[1].donor),)),
    Property(KGO.nt.recipient, lambda p, w: (w.region(p[1].recipient),)),
    Property(KGO.nt.partnerOf, _partner_edge),
    Property(KGO.nt.programme, lambda p, w: _partner_programme(p[1], w)),
    Property(RDFS.nt.label, lambda p, w: _one(p[1].programme and _zh(p[1].programme))),
    Property(KGO.nt.quote, lambda p, w: (literal(p[1].evidence.quote),)),
    Property(KGO.nt.quoteStart, lambda p, w: (_int(p[1].evidence.start),)),
    Property(PROV.nt.wasDerivedFrom, lambda p, w: (w.document,)),
))

# what goes into a document's graph, kind by kind (the mapping the ontology README explains)
MAPPING: tuple[EntityMap, ...] = (DOCUMENT, MEASURE, OBSERVATION, PROGRAMME_MENTION, POLICY_DOCUMENT, PARTNERSHIP)


def to_nquads(extraction: Extraction, mapping: tuple[EntityMap, ...] = MAPPING) -> DocumentGraph:
    """The document's graph as N-Quads text, by the mapping table, written directly: building pyoxigraph
    terms and serialising them cost about as much as all the extraction (measured: 28 % of the
    per-document time)."""
    w = _Writer(extraction)
    for entity in mapping:
        for record in entity.records(extraction):
            node = entity.iri(record, w)
            if node is None:
                continue
            if entity.rdf_class is not None:
                w.add(node, RDF.nt.type, entity.rdf_class)
            for prop in entity.properties:
                for obj in prop.objects(record, w):
                    w.add(node, prop.predicate, obj)
    unique = dict.fromkeys(w.lines)
    blocks = tuple(w.vocabulary)
    return DocumentGraph(
        graph=w.graph[1:-1],
        body="".join(unique),
        vocabulary=blocks,
        hashes=f"{w.document} {KGO.nt.contentHash} {literal(extraction.document.content_hash)} {w.graph} .\n",
        quads=len(unique) + 1 + sum(b.count("\n") for b in blocks),
    )


def resource_dir(name: str) -> Path:
    """`ontology/` or `queries/`: installed inside the package (wheel) or beside it (source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to the kg package")


def ontology_quads(units: UnitTable) -> list[Quad]:
    """The reference graph: ontology, SHACL shapes excluded, programme scheme and the unit table."""
    quads: list[Quad] = []
    labels = (SKOS.prefLabel, SKOS.altLabel)
    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        if "shape" in path.name:
            continue
        searchable = path.name == INDICATOR_SCHEME_FILE
        for triple in parse(path=path, format=RdfFormat.TURTLE):
            quads.append(Quad(triple.subject, triple.predicate, triple.object, ONTOLOGY_GRAPH))
            if searchable and triple.predicate in labels and getattr(triple.object, "language", None):
                # every label of an indicator concept as plain text (skos:hiddenLabel), so a query bound to
                # the text a user types finds the concept by index (queries/indicator-by-region.rq)
                quads.append(Quad(triple.subject, SKOS.hiddenLabel, Literal(triple.object.value), ONTOLOGY_GRAPH))
    for unit in units.units.values():
        for s, p, o in unit_triples(unit):
            quads.append(Quad(s, p, o, ONTOLOGY_GRAPH))
    return quads
