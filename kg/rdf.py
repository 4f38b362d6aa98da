"""Map stage: Extraction -> quads.

What the document says goes into its own named graph, so it can be dropped or rebuilt alone.  The
shared nodes it uses (regions with their part-of chain, indicator and discovered programme concepts)
are deterministic descriptions that go into one vocabulary graph, written in the same transaction;
describing them once keeps union-graph queries free of duplicate rows.  Units and the programme
scheme live in the ontology graph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.extract.numbers import decimal_text
from kg.model import CHINA, Extraction, Observation, Region
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
PROGRAMME_SCHEME = iri("scheme", "programmes")
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
    return ref("region", *region.key.split("/"))


def unit_iri(label: str) -> NamedNode:
    return iri("unit", "percent" if label == "%" else label)


def unit_ref(label: str) -> str:
    return f"<{unit_iri(label).value}>"  # units are few: the cached NamedNode is the one definition


def programme_ref(label: str, concept: str | None) -> str:
    return f"<{concept}>" if concept else ref("program", label)


def period_literal(period: str) -> str:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(period))
    return literal(period, _TYPED[kind]) if kind else literal(period)


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    """N-Quads lines describing one shared node in the vocabulary graph."""
    return "".join(f"{subject} {p} {o} {_VOCABULARY} .\n" for p, o in pairs)


def region_blocks(region: Region) -> Iterator[str]:
    """A region with its labels, level, code and part-of chain up to the province: a block per node."""
    for node in region.chain():
        pairs = [(RDF.nt.type, KGO.nt.Region), (RDFS.nt.label, literal(node.name)),
                 (SKOS.nt.prefLabel, _zh(node.name)), (KGO.nt.level, literal(node.level))]
        if node.code:
            pairs += [(KGO.nt.adminCode, literal(node.code)), (WDT.nt.P442, literal(node.code))]
        if node.parent is not None:
            pairs.append((KGO.nt.partOf, region_ref(node.parent)))
        yield _block(region_ref(node), pairs)


def programme_block(subject: str, label: str, discovered_by: str) -> str:
    """A programme concept found in text (not in the scheme), described once in the vocabulary graph."""
    return _block(subject, [(RDF.nt.type, KGO.nt.Programme), (RDF.nt.type, SKOS.nt.Concept),
                            (SKOS.nt.prefLabel, _zh(label)), (SKOS.nt.inScheme, _PROGRAMME_SCHEME),
                            (KGO.nt.discoveredBy, literal(discovered_by))])


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


def to_nquads(extraction: Extraction) -> DocumentGraph:
    """The document's graph as N-Quads text, written directly: building pyoxigraph terms and serialising
    them cost about as much as all the extraction (measured: 28 % of the per-document time)."""
    doc = extraction.document
    doc_digest = digest(doc.key)
    g = ref("graph", doc_digest)
    d = ref("doc", doc_digest)
    lines: list[str] = []
    vocabulary: dict[str, None] = {}  # blocks in first-use order, each once
    tail = f" {g} .\n"

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o}{tail}")

    meta = doc.meta
    add(d, RDF.nt.type, KGO.nt.SourceDocument)
    add(d, KGO.nt.fileName, literal(doc.file))
    if doc.part is not None:
        add(d, KGO.nt.part, literal(doc.part))
    add(d, KGO.nt.script, literal(meta.script))
    add(d, DCTERMS.nt.language, literal(meta.script))
    if meta.title:
        add(d, DCTERMS.nt.title, literal(meta.title))
    if meta.date:
        add(d, DCTERMS.nt.date, literal(meta.date, _TYPED["date"]))
    if meta.publisher:
        add(d, DCTERMS.nt.publisher, literal(meta.publisher))
    if meta.url:
        add(d, KGO.nt.sourceUrl, literal(meta.url, _TYPED["anyURI"]))
    add(d, KGO.nt.chromeChars, _int(doc.chrome_chars))

    seen_regions: dict[str, str] = {}

    def region_node(region: Region) -> str:
        node = seen_regions.get(region.key)
        if node is None:
            node = seen_regions[region.key] = region_ref(region)
            vocabulary.update(dict.fromkeys(region_blocks(region)))
        return node

    if extraction.main_region is not None:
        add(d, KGO.nt.mainRegion, region_node(extraction.main_region))
    for mention in extraction.regions:
        add(d, KGO.nt.mentionsRegion, region_node(mention.region))

    concepts = {p.label: p.concept for p in reversed(extraction.programmes)}  # first mention wins
    measure_nodes: dict[int, str] = {}
    for measure in extraction.measures:
        node = ref("measure", doc_digest, str(measure.index))
        measure_nodes[measure.index] = node
        add(node, RDF.nt.type, KGO.nt.Measure)
        add(node, KGO.nt.text, literal(measure.text))
        add(node, KGO.nt.ordinal, _int(measure.index))
        add(node, PROV.nt.wasDerivedFrom, d)
        s, e = doc.source_span(measure.start, measure.end)
        add(node, KGO.nt.quoteStart, _int(s))
        add(node, KGO.nt.quoteEnd, _int(e))
        if measure.region is not None:
            add(node, KGO.nt.region, region_node(measure.region))
        for label in measure.programmes:
            add(node, KGO.nt.mentionsProgramme, programme_ref(label, concepts.get(label)))

    used_indicators: set[str] = set()
    for n, obs in enumerate(extraction.observations):
        node = ref("obs", doc_digest, f"{obs.evidence.start}-{obs.evidence.end}-{n}")
        _observation(obs, node, d, add, region_node)
        used_indicators.add(obs.indicator)
        if obs.measure_index is not None and obs.measure_index in measure_nodes:
            add(node, KGO.nt.inMeasure, measure_nodes[obs.measure_index])
    for label in sorted(used_indicators):
        vocabulary[_block(ref("indicator", label), [(RDF.nt.type, KGO.nt.Indicator),
                                                    (SKOS.nt.prefLabel, literal(label)),
                                                    (SKOS.nt.inScheme, _INDICATOR_SCHEME)])] = None

    seen_programmes: set[str] = set()
    measure_starts = [m.start for m in extraction.measures]
    mentioned: set[tuple[str, str | None]] = set()
    for n, mention in enumerate(extraction.programmes):
        p = programme_ref(mention.label, mention.concept)
        region = mention_region(extraction, mention.start, measure_starts)
        if (p, region and region.key) in mentioned:
            continue  # one mention node per programme and region of a document, quoting the first
        mentioned.add((p, region and region.key))
        node = ref("pm", doc_digest, str(n))
        add(node, RDF.nt.type, KGO.nt.ProgrammeMention)
        add(node, KGO.nt.programme, p)
        add(node, PROV.nt.wasDerivedFrom, d)
        if region is not None:
            add(node, KGO.nt.region, region_node(region))
        s, e = doc.source_span(mention.start, mention.end)
        add(node, KGO.nt.quote, literal(doc.source[s:e]))
        add(node, KGO.nt.quoteStart, _int(s))
        if mention.concept is None and p not in seen_programmes:
            seen_programmes.add(p)
            vocabulary[programme_block(p, mention.label, mention.discovered_by or "text")] = None
            add(p, PROV.nt.wasDerivedFrom, d)

    for policy in extraction.policy_documents:
        p = ref("policy", policy.title)
        add(d, KGO.nt.cites, p)
        add(d, DCTERMS.nt.references, p)
        add(p, RDF.nt.type, KGO.nt.PolicyDocument)
        add(p, DCTERMS.nt.title, literal(policy.title))
        add(p, RDFS.nt.label, _zh(policy.title))
        if policy.issuer is not None:
            add(p, KGO.nt.issuedBy, region_node(policy.issuer))
        for year in policy.years:
            add(p, KGO.nt.coversYear, literal(str(year), _TYPED["gYear"]))
        region = mention_region(extraction, policy.start, measure_starts)
        if region is not None:
            add(p, KGO.nt.citedForRegion, region_node(region))

    for n, link in enumerate(extraction.partnerships):
        node = ref("partnership", doc_digest, str(n))
        add(node, RDF.nt.type, KGO.nt.Partnership)
        add(node, KGO.nt.donor, region_node(link.donor))
        add(node, KGO.nt.recipient, region_node(link.recipient))
        add(region_ref(link.donor), KGO.nt.partnerOf, region_ref(link.recipient))
        if link.programme:
            concept = concepts.get(link.programme)
            p = programme_ref(link.programme, concept)
            add(node, KGO.nt.programme, p)
            add(node, RDFS.nt.label, _zh(link.programme))
            if concept is None and p not in seen_programmes:
                seen_programmes.add(p)
                vocabulary[programme_block(p, link.programme, "partnership")] = None
        add(node, KGO.nt.quote, literal(link.evidence.quote))
        add(node, KGO.nt.quoteStart, _int(link.evidence.start))
        add(node, PROV.nt.wasDerivedFrom, d)

    unique = dict.fromkeys(lines)
    blocks = tuple(vocabulary)
    return DocumentGraph(
        graph=g[1:-1],
        body="".join(unique),
        vocabulary=blocks,
        hashes=f"{d} {KGO.nt.contentHash} {literal(doc.content_hash)} {g} .\n",
        quads=len(unique) + 1 + sum(b.count("\n") for b in blocks),
    )


def mention_region(extraction: Extraction, position: int, starts: list[int]) -> Region | None:
    """The region a mention at `position` belongs to: the enclosing measure's, else the document's
    (else the country, as for observations).
    Measures are in text order and do not overlap, so a bisect over their `starts` finds the candidate."""
    i = bisect.bisect_right(starts, position) - 1
    if i >= 0:
        measure = extraction.measures[i]
        if position < measure.end and measure.region is not None:
            return measure.region
    return extraction.main_region or CHINA  # a document that names no place speaks for the country


def _observation(obs: Observation, node: str, d: str, add, region_node) -> None:  # noqa: ANN001
    q = obs.quantity
    add(node, RDF.nt.type, KGO.nt.Observation)
    add(node, KGO.nt.indicator, ref("indicator", obs.indicator))
    add(node, KGO.nt.value, literal(decimal_text(q.value), _TYPED["decimal"]))
    add(node, KGO.nt.unit, unit_ref(q.unit))
    add(node, KGO.nt.statedValue, literal(q.stated))
    if q.qualifier:
        add(node, KGO.nt.qualifier, literal(q.qualifier))
    if obs.region is not None:
        add(node, SDMXD.nt.refArea, region_node(obs.region))
    if obs.period:
        add(node, SDMXD.nt.refPeriod, period_literal(obs.period))
    add(node, PROV.nt.wasDerivedFrom, d)
    add(node, KGO.nt.quote, literal(obs.evidence.quote))
    add(node, KGO.nt.quoteStart, _int(obs.evidence.start))


def resource_dir(name: str) -> Path:
    """`ontology/` or `queries/`: installed inside the package (wheel) or beside it (source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to the kg package")


def ontology_quads(units: UnitTable | None = None) -> list[Quad]:
    """The reference graph: ontology, SHACL shapes excluded, programme scheme and the unit table."""
    units = units or UnitTable.default()
    quads: list[Quad] = []
    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        if "shape" in path.name:
            continue
        for triple in parse(path=path, format=RdfFormat.TURTLE):
            quads.append(Quad(triple.subject, triple.predicate, triple.object, ONTOLOGY_GRAPH))
    for unit in units.units.values():
        for s, p, o in unit_triples(unit):
            quads.append(Quad(s, p, o, ONTOLOGY_GRAPH))
    return quads
