"""The build: read -> normalise -> extract -> map -> store, for many documents.

`process_source` is a pure function from one SourceText to its graph (N-Triples), so the same
function runs in local worker processes or as a map on a Dask cluster.  Documents stream through:
memory does not grow with the corpus.  Unchanged documents (same content hash) are skipped before
any work is done.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from kg.model import ReadFailure, SourceText
from kg.normalize import normalise
from kg.read import ReadOptions, read_paths
from kg.store import KGStore
from kg.vocab import graph_iri


@dataclass(frozen=True)
class DocResult:
    key: str
    graph: str
    nquads: bytes
    quads: int
    observations: int


@dataclass(frozen=True)
class DocFailure:
    key: str
    reason: str


@dataclass
class BuildSummary:
    read: int = 0
    changed: int = 0
    skipped: int = 0
    failed: int = 0
    removed: int = 0
    quads: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        text = (f"read {self.read} · changed {self.changed} · skipped {self.skipped} · failed {self.failed} · "
                f"quads {self.quads}")
        return text + (f" · removed {self.removed}" if self.removed else "")


def process_source(source: SourceText) -> DocResult | DocFailure:
    """One document from text to its graph; expected failures become DocFailure, never exceptions."""
    from kg.extract.pipeline import extract
    from kg.rdf import to_quads

    try:
        doc = normalise(source)
        if not doc.text.strip():
            return DocFailure(source.key, "no body text left after removing page chrome")
        extraction = extract(doc)
        quads = to_quads(extraction)
        data = serialize(quads, format=RdfFormat.N_QUADS) or b""
        return DocResult(source.key, graph_iri(source.key).value, data, len(quads), len(extraction.observations))
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop a build
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return DocFailure(source.key, f"extractor error {type(exc).__name__}: {exc} "
                                      f"({Path(where.filename).name}:{where.lineno})")


def _content_hash(source: SourceText) -> str:
    from kg.normalize import EXTRACTOR_VERSION

    import hashlib

    return hashlib.sha256((EXTRACTOR_VERSION + "\0" + source.key + "\0" + source.text).encode("utf-8")).hexdigest()


Mapper = Callable[[Callable[[SourceText], DocResult | DocFailure], Iterable[SourceText]],
                  Iterator[DocResult | DocFailure]]


def local_mapper(jobs: int) -> Mapper:
    """Ordered, streaming map over worker processes (or in-process with one job)."""

    def run(fn: Callable[[SourceText], DocResult | DocFailure],
            items: Iterable[SourceText]) -> Iterator[DocResult | DocFailure]:
        if jobs <= 1:
            yield from map(fn, items)
            return
        ctx = multiprocessing.get_context("forkserver" if sys.platform != "darwin" else "spawn")
        with ctx.Pool(jobs) as pool:
            yield from pool.imap(fn, items, chunksize=2)

    return run


def build(paths: list[Path], store: KGStore, *, prune: bool = False, jobs: int | None = None,
          options: ReadOptions | None = None, mapper: Mapper | None = None,
          progress: Callable[[str], None] | None = None,
          on_failure: Callable[[str, str], None] | None = None) -> BuildSummary:
    """Bring the store in line with the documents under `paths`."""
    from kg.rdf import ontology_quads

    summary = BuildSummary()
    jobs = jobs or os.cpu_count() or 1
    mapper = mapper or local_mapper(jobs)
    reference = serialize(ontology_quads(), format=RdfFormat.N_QUADS) or b""
    store.put_reference(reference)
    stored = store.documents()
    seen: set[str] = set()
    pending_hash: dict[str, str] = {}

    def fail(key: str, reason: str) -> None:
        summary.failed += 1
        summary.failures.append((key, reason))
        if on_failure:
            on_failure(key, reason)

    def todo() -> Iterator[SourceText]:
        for item in read_paths(paths, options):
            if isinstance(item, ReadFailure):
                fail(item.file, item.reason)
                continue
            summary.read += 1
            seen.add(item.key)
            digest = _content_hash(item)
            old = stored.get(item.key)
            if old is not None and old.content_hash == digest:
                summary.skipped += 1
                if progress:
                    progress(item.key)
                continue
            pending_hash[item.key] = digest
            yield item

    for result in mapper(process_source, todo()):
        if progress:
            progress(result.key)
        if isinstance(result, DocFailure):
            fail(result.key, result.reason)
            continue
        store.put_graph(result.graph, result.nquads, replace=result.key in stored)
        summary.changed += 1
    if prune:
        for key, doc in stored.items():
            if key not in seen:
                store.remove_graph(doc.graph)
                summary.removed += 1
    if summary.changed or summary.removed:
        link_programmes(store)
    summary.quads = store.quad_count()
    return summary


def link_programmes(store: KGStore) -> None:
    """Merge variants of discovered programmes across documents (skos:exactMatch in a links graph)."""
    from kg.extract.programme_links import link_discovered
    from kg.programmes import ProgrammeScheme
    from kg.rdf import PROGRAMME_SCHEME
    from kg.vocab import SKOS, iri

    rows = store.rows(f"""SELECT DISTINCT ?p ?label WHERE {{
        ?p <{SKOS.inScheme.value}> <{PROGRAMME_SCHEME.value}> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?label ;
           <https://w3id.org/kg-rural/ontology#discoveredBy> ?how }}""")
    by_label: dict[str, str] = {}
    for row in rows:
        if row["label"] and row["p"]:
            by_label.setdefault(row["label"], row["p"])
    pairs = link_discovered(sorted(by_label), ProgrammeScheme.default())
    graph = iri("graph", "programme-links").value
    lines = []
    for a, b in pairs:
        if a in by_label and b in by_label and a != b:
            lines.append(f"<{by_label[a]}> <{SKOS.exactMatch.value}> <{by_label[b]}> <{graph}> .")
            lines.append(f"<{by_label[b]}> <{SKOS.exactMatch.value}> <{by_label[a]}> <{graph}> .")
    store.put_graph(graph, "\n".join(sorted(set(lines))).encode(), replace=True)
