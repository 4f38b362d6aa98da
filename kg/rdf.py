"""Map stage: Extraction -> quads.

What the document says goes into its own named graph, so it can be dropped or rebuilt alone.  The
shared nodes it uses (regions with their part-of chain, indicator and discovered programme concepts)
are deterministic descriptions that go into one vocabulary graph, written in the same transaction;
describing them once keeps union-graph queries free of duplicate rows.  Units and the programme
scheme live in the ontology graph.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse, serialize

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
    document_iri,
    graph_iri,
    iri,
)

INDICATOR_SCHEME = iri("scheme", "indicators")
PROGRAMME_SCHEME = iri("scheme", "programmes")
UNIT_SCHEME = iri("scheme", "units")
ZH = "zh"


def _lit(value: str) -> Literal:
    return Literal(value)


def _zh(value: str) -> Literal:
    return Literal(value, language=ZH)


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def region_iri(region: Region) -> NamedNode:
    return iri("region", *region.key.split("/"))


def indicator_iri(label: str) -> NamedNode:
    return iri("indicator", label)


def unit_iri(label: str) -> NamedNode:
    return iri("unit", "percent" if label == "%" else label)


def programme_iri(label: str, concept: str | None) -> NamedNode:
    return NamedNode(concept) if concept else iri("program", label)


def period_literal(period: str) -> Literal:
    kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(period))
    return Literal(period, datatype=kind) if kind else Literal(period)


def region_triples(region: Region) -> Iterator[tuple[NamedNode, NamedNode, NamedNode | Literal]]:
    """A region with its labels, level, code and part-of chain up to the province."""
    for node in region.chain():
        subject = region_iri(node)
        yield subject, RDF.type, KGO.Region
        yield subject, RDFS.label, _lit(node.name)
        yield subject, SKOS.prefLabel, _zh(node.name)
        yield subject, KGO.level, _lit(node.level)
        if node.code:
            yield subject, KGO.adminCode, _lit(node.code)
            yield subject, WDT.P442, _lit(node.code)
        if node.parent is not None:
            yield subject, KGO.partOf, region_iri(node.parent)


def unit_triples(unit: Unit) -> Iterator[tuple[NamedNode, NamedNode, NamedNode | Literal]]:
    subject = unit_iri(unit.label)
    yield subject, RDF.type, KGO.Unit
    yield subject, SKOS.prefLabel, _lit(unit.label)
    yield subject, SKOS.inScheme, UNIT_SCHEME
    yield subject, KGO.unitKind, _lit(unit.kind)
    if unit.qudt:
        yield subject, KGO.qudtUnit, NamedNode(unit.qudt)
    if unit.ucum:
        yield subject, KGO.ucumCode, _lit(unit.ucum)


def to_quads(extraction: Extraction, units: UnitTable | None = None) -> list[Quad]:
    units = units or UnitTable.default()
    doc = extraction.document
    g = graph_iri(doc.key)
    d = document_iri(doc.key)
    triples: list[tuple[NamedNode | BlankNode, NamedNode, NamedNode | Literal | BlankNode]] = []
    shared: list[tuple[NamedNode | BlankNode, NamedNode, NamedNode | Literal | BlankNode]] = []
    add = triples.append
    share = shared.append
    meta = doc.meta
    add((d, RDF.type, KGO.SourceDocument))
    add((d, KGO.fileName, _lit(doc.file)))
    if doc.part is not None:
        add((d, KGO.part, _lit(doc.part)))
    add((d, KGO.contentHash, _lit(doc.content_hash)))
    add((d, KGO.script, _lit(meta.script)))
    add((d, DCTERMS.language, _lit(meta.script)))
    if meta.title:
        add((d, DCTERMS.title, _lit(meta.title)))
    if meta.date:
        add((d, DCTERMS.date, Literal(meta.date, datatype=XSD.date)))
    if meta.publisher:
        add((d, DCTERMS.publisher, _lit(meta.publisher)))
    if meta.url:
        add((d, KGO.sourceUrl, Literal(meta.url, datatype=XSD.anyURI)))

    seen_regions: set[str] = set()

    def region_node(region: Region) -> NamedNode:
        if region.key not in seen_regions:
            seen_regions.add(region.key)
            shared.extend(region_triples(region))
        return region_iri(region)

    if extraction.main_region is not None:
        add((d, KGO.mainRegion, region_node(extraction.main_region)))
    for mention in extraction.regions:
        add((d, KGO.mentionsRegion, region_node(mention.region)))

    doc_digest = digest(doc.key)
    used_units: set[str] = set()
    used_indicators: set[str] = set()
    measure_nodes: dict[int, NamedNode] = {}
    for measure in extraction.measures:
        node = iri("measure", doc_digest, str(measure.index))
        measure_nodes[measure.index] = node
        add((node, RDF.type, KGO.Measure))
        add((node, KGO.text, _lit(measure.text)))
        add((node, KGO.ordinal, _int(measure.index)))
        add((node, PROV.wasDerivedFrom, d))
        s, e = doc.source_span(measure.start, measure.end)
        add((node, KGO.quoteStart, _int(s)))
        add((node, KGO.quoteEnd, _int(e)))
        if measure.region is not None:
            add((node, KGO.region, region_node(measure.region)))
        for label in measure.programmes:
            concept = next((p.concept for p in extraction.programmes if p.label == label), None)
            add((node, KGO.mentionsProgramme, programme_iri(label, concept)))

    for n, obs in enumerate(extraction.observations):
        node = iri("obs", doc_digest, f"{obs.evidence.start}-{obs.evidence.end}-{n}")
        _observation(obs, node, d, add, units, used_units, used_indicators, region_node)
        if obs.measure_index is not None and obs.measure_index in measure_nodes:
            add((node, KGO.inMeasure, measure_nodes[obs.measure_index]))
    for label in sorted(used_indicators):
        ind = indicator_iri(label)
        share((ind, RDF.type, KGO.Indicator))
        share((ind, SKOS.prefLabel, _lit(label)))
        share((ind, SKOS.inScheme, INDICATOR_SCHEME))

    seen_programmes: set[str] = set()
    measure_starts = [m.start for m in extraction.measures]
    mentioned: set[tuple[str, str | None]] = set()
    for n, mention in enumerate(extraction.programmes):
        p = programme_iri(mention.label, mention.concept)
        region = mention_region(extraction, mention.start, measure_starts)
        if (p.value, region and region.key) in mentioned:
            continue  # one mention node per programme and region of a document, quoting the first
        mentioned.add((p.value, region and region.key))
        add((d, KGO.mentionsProgramme, p))
        node = iri("pm", doc_digest, str(n))
        add((node, RDF.type, KGO.ProgrammeMention))
        add((node, KGO.programme, p))
        add((node, PROV.wasDerivedFrom, d))
        if region is not None:
            add((node, KGO.region, region_node(region)))
        s, e = doc.source_span(mention.start, mention.end)
        add((node, KGO.quote, _lit(doc.source[s:e])))
        add((node, KGO.quoteStart, _int(s)))
        add((node, KGO.quoteEnd, _int(e)))
        if mention.concept is None and p.value not in seen_programmes:
            seen_programmes.add(p.value)
            share((p, RDF.type, KGO.Programme))
            share((p, RDF.type, SKOS.Concept))
            share((p, SKOS.prefLabel, _zh(mention.label)))
            share((p, SKOS.inScheme, PROGRAMME_SCHEME))
            share((p, KGO.discoveredBy, _lit(mention.discovered_by or "text")))
            add((p, PROV.wasDerivedFrom, d))

    for policy in extraction.policy_documents:
        p = iri("policy", policy.title)
        add((d, KGO.cites, p))
        add((d, DCTERMS.references, p))
        add((p, RDF.type, KGO.PolicyDocument))
        add((p, DCTERMS.title, _lit(policy.title)))
        add((p, RDFS.label, _zh(policy.title)))
        if policy.issuer is not None:
            add((p, KGO.issuedBy, region_node(policy.issuer)))
        for year in policy.years:
            add((p, KGO.coversYear, Literal(str(year), datatype=XSD.gYear)))
        region = mention_region(extraction, policy.start, measure_starts)
        if region is not None:
            add((p, KGO.citedForRegion, region_node(region)))

    for n, link in enumerate(extraction.partnerships):
        node = iri("partnership", doc_digest, str(n))
        add((node, RDF.type, KGO.Partnership))
        add((node, KGO.donor, region_node(link.donor)))
        add((node, KGO.recipient, region_node(link.recipient)))
        add((region_iri(link.donor), KGO.partnerOf, region_iri(link.recipient)))
        if link.programme:
            concept = next((m.concept for m in extraction.programmes if m.label == link.programme), None)
            p = programme_iri(link.programme, concept)
            add((node, KGO.programme, p))
            add((node, RDFS.label, _zh(link.programme)))
            if concept is None and p.value not in seen_programmes:
                seen_programmes.add(p.value)
                share((p, RDF.type, KGO.Programme))
                share((p, RDF.type, SKOS.Concept))
                share((p, SKOS.prefLabel, _zh(link.programme)))
                share((p, SKOS.inScheme, PROGRAMME_SCHEME))
                share((p, KGO.discoveredBy, _lit("partnership")))
        add((node, KGO.quote, _lit(link.evidence.quote)))
        add((node, KGO.quoteStart, _int(link.evidence.start)))
        add((node, KGO.quoteEnd, _int(link.evidence.end)))
        add((node, PROV.wasDerivedFrom, d))

    return [Quad(s, p, o, g) for s, p, o in dict.fromkeys(triples)] + [
        Quad(s, p, o, VOCABULARY_GRAPH) for s, p, o in dict.fromkeys(shared)]


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


def _observation(obs: Observation, node: NamedNode, d: NamedNode, add, units: UnitTable,  # noqa: ANN001
                 used_units: set[str], used_indicators: set[str], region_node) -> None:  # noqa: ANN001
    q = obs.quantity
    add((node, RDF.type, KGO.Observation))
    add((node, KGO.indicator, indicator_iri(obs.indicator)))
    used_indicators.add(obs.indicator)
    add((node, KGO.value, Literal(decimal_text(q.value), datatype=XSD.decimal)))
    add((node, KGO.unit, unit_iri(q.unit)))
    used_units.add(q.unit)
    add((node, KGO.statedValue, _lit(q.stated)))
    if q.qualifier:
        add((node, KGO.qualifier, _lit(q.qualifier)))
    if obs.region is not None:
        add((node, SDMXD.refArea, region_node(obs.region)))
    if obs.period:
        add((node, SDMXD.refPeriod, period_literal(obs.period)))
    add((node, PROV.wasDerivedFrom, d))
    add((node, KGO.quote, _lit(obs.evidence.quote)))
    add((node, KGO.quoteStart, _int(obs.evidence.start)))
    add((node, KGO.quoteEnd, _int(obs.evidence.end)))


def to_nquads(quads: list[Quad]) -> bytes:
    return serialize(quads, format=RdfFormat.N_QUADS) or b""


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
