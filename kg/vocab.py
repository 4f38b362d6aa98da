"""Namespaces and IRI minting, in one place (the rdflib way: a namespace object, terms as attributes).

IRIs are deterministic: they are derived only from the input (document key, offsets, codes, labels),
so building the same input twice gives the same IRIs.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import NamedNode


class _TermText:
    """`NS.nt.term` gives the N-Triples text of a term, `<base+term>` (for writers that emit text)."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        text = f"<{self._base}{name}>"
        setattr(self, name, text)
        return text


class Namespace:
    """`NS.term` and `NS["term"]` give a pyoxigraph NamedNode; `NS.nt.term` its N-Triples text."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.nt = _TermText(base)

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self.base + name)
        setattr(self, name, node)  # terms are immutable: mint each once
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.base + name)

    def __str__(self) -> str:
        return self.base


KGO = Namespace("https://w3id.org/kg-rural/ontology#")  # our classes and properties
KGID = "https://w3id.org/kg-rural/id/"  # our instances
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMXD = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMXA = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
QUDT_UNIT = Namespace("http://qudt.org/vocab/unit/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

PREFIXES = {
    "kgo": KGO.base,
    "kgid": KGID,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "xsd": XSD.base,
    "skos": SKOS.base,
    "dcterms": DCTERMS.base,
    "prov": PROV.base,
    "qb": QB.base,
    "sdmx-dimension": SDMXD.base,
    "sdmx-attribute": SDMXA.base,
    "wdt": WDT.base,
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF), (0x10000, 0x1FFFD), (0x20000, 0x2FFFD),
            (0x30000, 0x3FFFD))


def _iri_char(c: str) -> bool:
    """Unreserved in an IRI path segment (RFC 3987 iunreserved): Chinese stays readable."""
    if c.isascii():
        return c.isalnum() or c in "-_.~"
    return any(lo <= ord(c) <= hi for lo, hi in _UCSCHAR)


_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9\-_.~\u4e00-\u9fff]*")


def _segment(text: str) -> str:
    """Percent-encode what an IRI path segment may not hold (spaces, '/', U+FFFD …), and a trailing '.'.

    A '.' is legal at the end of an IRI, and Oxigraph writes such an IRI in Turtle/TriG as a prefixed
    name ending in an escaped dot (`kgid:indicator\\/同比增长8\\.`), which is valid Turtle but which rdflib
    refuses to parse.  Written as %2E, rdflib and Oxigraph both read it (tests/test_exports_parse.py)."""
    if _SAFE_SEGMENT.fullmatch(text) and not text.endswith("."):
        return text  # the common case: ASCII word characters and CJK ideographs
    head = text.rstrip(".")
    dots = "%2E" * (len(text) - len(head))
    return "".join(c if _iri_char(c) else quote(c, safe="") for c in head) + dots


def digest(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def mint(kind: str, *parts: str) -> str:
    """An instance IRI as a string, such as kgid:region/620503 or kgid:indicator/风险消除率."""
    return KGID + kind + "/" + "/".join(_segment(p) for p in parts)


@functools.lru_cache(maxsize=1 << 16)
def iri(kind: str, *parts: str) -> NamedNode:
    """`mint` as a pyoxigraph NamedNode (cached: shared nodes are minted again and again)."""
    return NamedNode(mint(kind, *parts))


ONTOLOGY_GRAPH = iri("graph", "ontology")  # ontology, programme scheme and unit table
VOCABULARY_GRAPH = iri("graph", "vocabulary")  # regions, indicators, discovered programmes


@dataclass(frozen=True)
class SchemeConcept:
    """A concept of one of our SKOS schemes (programmes, indicators): its IRI, labels and broader ones."""

    id: str  # concept IRI
    pref_label: str  # Simplified prefLabel
    alt_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.id.rsplit("/", 1)[-1]

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.pref_label, *self.alt_labels)
