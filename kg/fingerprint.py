"""The extractor fingerprint: a digest of the code and knowledge that turn text into triples.

In a module of its own so that a no-op build, which only compares it, does not import the extractors.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def extractor_fingerprint() -> str:
    """A digest of kg/**/*.py, kg/data and the ontology (ontology/*.ttl): when any of it changes, every
    document's content hash changes and a rebuild refreshes it."""
    package = Path(__file__).resolve().parent
    files = sorted([*package.rglob("*.py"), *(package / "data").glob("*"), *(package / "_resources").rglob("*.ttl"),
                    *(package.parent / "ontology").glob("*.ttl")])
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


EXTRACTOR_VERSION = extractor_fingerprint()


def content_hash(key: str, text: str) -> str:
    """What a document's kgo:contentHash holds: it changes with the text, the key or the extractors."""
    return hashlib.sha256((EXTRACTOR_VERSION + "\0" + key + "\0" + text).encode("utf-8")).hexdigest()
