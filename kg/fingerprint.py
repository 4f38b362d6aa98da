"""The extractor fingerprint: a digest of the code and knowledge that turn a text into its triples.

It covers exactly what extraction depends on: the modules a document passes through from its text to
its N-Quads (`EXTRACTION_MODULES`; tests/test_architecture.py checks that list against the imports, so
it cannot fall behind), the knowledge files under kg/data and the ontology's Turtle files (the
programme scheme and what the reference graph is built from; the SHACL shapes only validate).  A change
to the CLI, the queries, the server or an exporter re-extracts nothing.

In a module of its own so that a no-op build, which only compares it, does not import the extractors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

# modules of the kg package a document passes through from SourceText to N-Quads (relative paths)
EXTRACTION_MODULES = (
    "chrome.py", "extract/__init__.py", "extract/attribution.py", "extract/component.py", "extract/numbers.py",
    "extract/indicators.py", "extract/observations.py", "extract/periods.py", "extract/pipeline.py",
    "extract/programmes.py", "extract/regions.py", "extract/structure.py", "gazetteer.py", "indicators.py",
    "knowledge.py", "markup.py", "matcher.py", "model.py", "normalize.py", "programmes.py", "rdf.py", "register.py",
    "segment.py", "units.py", "vocab.py",
    # the programme links written at the end of a build (kg.links) are part of the graph too
    "links.py", "extract/programme_links.py",
)
SHAPES = "shapes.ttl"  # validation only: not an input of extraction


def extraction_inputs() -> list[Path]:
    package = Path(__file__).resolve().parent
    ontology = package / "_resources" / "ontology"
    if not ontology.is_dir():
        ontology = package.parent / "ontology"
    files = [package / name for name in EXTRACTION_MODULES]
    files += sorted(p for p in (package / "data").glob("*") if p.is_file())
    files += sorted(p for p in ontology.glob("*.ttl") if p.name != SHAPES)
    return files


def extractor_fingerprint() -> str:
    """A digest of every extraction input: when any of them changes, every document's content hash
    changes and a rebuild refreshes it."""
    digest = hashlib.sha256()
    for path in extraction_inputs():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


EXTRACTOR_VERSION = extractor_fingerprint()


def content_hash(key: str, text: str, metadata: Mapping[str, str] | None = None) -> str:
    """What a document's kgo:contentHash holds: it changes with the text, the metadata its container
    gave (a CSV row's date column), the key or the extractors."""
    meta = "\0".join(f"{k}={v}" for k, v in sorted((metadata or {}).items()))
    return hashlib.sha256((EXTRACTOR_VERSION + "\0" + key + "\0" + text + "\0" + meta).encode("utf-8")).hexdigest()
