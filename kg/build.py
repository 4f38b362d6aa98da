"""The build: read -> normalise -> extract -> map -> store, for many documents.

`process_source` is a pure function from one SourceText to its graph (N-Quads), so the same function
runs in local worker processes or as a map on a Dask cluster (kg.distributed).  Documents stream
through a bounded window of in-flight work, so memory does not grow with the corpus.

Work is skipped at three levels, cheapest first, so a rebuild of an unchanged corpus costs little more
than listing its files:
  1. a file whose size and mtime match the last build, and whose documents are all still in the
     store with the content hash recorded then, is not read at all;
  2. a document whose content hash (extractor version + key + text) matches the store is not extracted;
  3. the reference (ontology) graph and the programme links are only rewritten when their inputs change.
New documents are written with the bulk loader in batches; changed ones in one transaction each.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from kg.links import link_programmes
from kg.model import ReadFailure, SourceText
from kg.pool import DocBudget, pool_map, run_with_budget, timeout_reason
from kg.prune import remove_documents
from kg.read import ReadOptions, iter_files, read_one
from kg.store import KGStore

STATE_FORMAT = 1
BULK_MIN_BYTES = 1 << 20  # below this a batch goes in one ordinary transaction (bulk loader setup costs more)
BATCH_BYTES = 32 << 20  # N-Quads held before a bulk load: bounds the builder's memory
CHUNK_CHARS = 100_000  # text per task sent to a worker: amortises IPC without hurting load balance
RACY_NS = 2_000_000_000  # a file modified this close to the build may change again unseen within one mtime tick


@dataclass(frozen=True)
class DocResult:
    """One document's graph as N-Quads (see kg.rdf.DocumentGraph for the three parts)."""

    key: str
    graph: str
    body: bytes  # the document graph without its kgo:contentHash quad
    vocabulary: tuple[bytes, ...]  # shared node descriptions, one block per node
    hashes: bytes  # the kgo:contentHash quad: written last, it marks the graph complete
    quads: int
    observations: int
    chrome_chars: int = 0  # characters of the original removed as page chrome
    seconds: float = 0.0  # time taken from text to graph

    @property
    def nquads(self) -> bytes:
        return self.body + b"".join(self.vocabulary) + self.hashes


@dataclass(frozen=True)
class DocFailure:
    key: str
    reason: str
    lasting: bool = True  # the same input and extractors fail again (not so for running out of memory)


@dataclass
class BuildSummary:
    read: int = 0
    changed: int = 0
    skipped: int = 0
    failed: int = 0
    removed: int = 0
    quads: int = 0
    chrome_chars: int = 0  # characters removed as page chrome from the documents written
    failures: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        text = (f"read {self.read} · changed {self.changed} · skipped {self.skipped} · failed {self.failed} · "
                f"quads {self.quads}")
        return text + (f" · removed {self.removed}" if self.removed else "")


def process_source(source: SourceText) -> DocResult | DocFailure:
    """One document from text to its graph, with the shipped knowledge base (read once per worker
    process); expected failures become DocFailure, never exceptions."""
    from kg.extract.pipeline import default_pipeline
    from kg.knowledge import KnowledgeBase
    from kg.normalize import normalise
    from kg.rdf import to_nquads

    started = time.perf_counter()
    try:
        kb = KnowledgeBase.shipped()
        doc = normalise(source, kb)
        if not doc.text.strip():
            return DocFailure(source.key, "no body text left after removing page chrome")
        extraction = default_pipeline(kb)(doc)
        graph = to_nquads(extraction)
        return DocResult(source.key, graph.graph, graph.body.encode("utf-8"),
                         tuple(block.encode("utf-8") for block in graph.vocabulary),
                         graph.hashes.encode("utf-8"), graph.quads, len(extraction.observations),
                         doc.chrome_chars, time.perf_counter() - started)
    except RecursionError:
        return DocFailure(source.key, "extractor error: nested too deeply (RecursionError)")
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop a build
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return DocFailure(source.key, f"extractor error {type(exc).__name__}: {' '.join(str(exc).split())[:200]} "
                                      f"({Path(where.filename).name}:{where.lineno})",
                          lasting=not isinstance(exc, (MemoryError, OSError)))


def timed_out(source: SourceText, seconds: float) -> DocFailure:
    """The failure of a document that ran past its time budget (see kg.pool)."""
    return DocFailure(source.key, timeout_reason(seconds, len(source.text)))


def worker_died(source: SourceText, reason: str) -> DocFailure:
    """The failure of a document whose worker died under it; another build may get through it."""
    return DocFailure(source.key, reason, lasting=False)


def _content_hash(source: SourceText) -> str:
    """The hash kg.normalize writes into the graph (kgo:contentHash), so the two can be compared."""
    from kg.fingerprint import content_hash

    return content_hash(source.key, source.text, source.metadata)


Result = DocResult | DocFailure
Mapper = Callable[[Callable[[SourceText], Result], Iterable[SourceText]], Iterator[Result]]


def chunks(items: Iterable[SourceText], max_chars: int = CHUNK_CHARS) -> Iterator[list[SourceText]]:
    """Group documents into tasks of about `max_chars` of text (one long document is a task alone)."""
    chunk: list[SourceText] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.text)
        if size >= max_chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def map_chunk(fn: Callable[[SourceText], Result], chunk: list[SourceText],
              budget: DocBudget | None = None) -> list[Result]:
    """Run `fn` over one task's documents (module level so worker processes can unpickle it), each
    within its time budget where the worker's main thread can keep one (see kg.pool)."""
    budget = budget or DocBudget()
    return [run_with_budget(fn, item, budget.seconds(len(item.text)), timed_out) for item in chunk]


def _nonempty(items: Iterable[SourceText]) -> Iterator[SourceText] | None:
    """The items, or None when there are none: no worker pool is started for a no-op build."""
    it = iter(items)
    first = next(it, None)
    return None if first is None else itertools.chain([first], it)


def local_mapper(jobs: int, budget: DocBudget | None = None) -> Mapper:
    """Ordered, streaming map over worker processes that keep each document's time budget (kg.pool)."""
    budget = budget or DocBudget()

    def run(fn: Callable[[SourceText], Result], items: Iterable[SourceText]) -> Iterator[Result]:
        todo = _nonempty(items)
        if todo is None:
            return
        yield from pool_map(fn, todo, jobs=max(1, jobs), budget=budget, on_timeout=timed_out,
                            on_death=worker_died, task_chars=CHUNK_CHARS)

    return run


class _Writer:
    """Writes document graphs: new ones batched through the bulk loader, changed ones one transaction each
    (batching replacements into one SPARQL update was measured slower: 18.8 s against 14.1 s for 551).

    Crash safety of the bulk path: the bulk loader is not transactional, and a document graph counts as
    complete only once its kgo:contentHash quad is stored (KGStore.documents).  So the hash quads are cut
    out of each batch and written after the bulk load, in one ordinary transaction.  A crash during the
    bulk load leaves graphs without a hash: the next build sees those documents as absent, finds their
    graph present (`has_graph`) and replaces it in a transaction instead of adding to the leftovers.

    Two writer threads run bulk loads side by side (the loader releases the GIL; two loads of half a
    batch each took 3.7 s against 4.8 s for one), but every write that completes documents -- a batch's
    hash quads, a small batch, a replacement -- waits for the previous job to be complete, so documents
    complete in submission order: a batch may rely on vocabulary blocks an earlier batch carried, and a
    document given twice is replaced after its first version is in.
    """

    THREADS = 2

    def __init__(self, store: KGStore, batch_bytes: int = BATCH_BYTES) -> None:
        self.store = store
        self.batch_bytes = batch_bytes
        self.body: list[bytes] = []
        self.hashes: list[bytes] = []
        self.size = 0
        # digests of the vocabulary blocks already queued: most documents describe the same regions,
        # indicators and programmes again (about 30 % of their quads), which the store would only dedupe
        self.vocabulary: set[bytes] = set()
        # Writes run on threads of their own, so the main loop keeps feeding the workers while the bulk
        # loader works; two queued writes bound the memory.
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._last = threading.Event()  # set when every job submitted so far is complete
        self._last.set()
        self._threads = [threading.Thread(target=self._run, name=f"kg-writer-{n}", daemon=True)
                         for n in range(self.THREADS)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()

    def _submit(self, load: Callable[[], None] | None, complete: Callable[[], None]) -> None:
        """Queue a job: `load` may run beside other jobs; `complete` runs once every earlier job is done."""
        if self._error is not None:
            raise self._error
        previous, done = self._last, threading.Event()
        self._last = done

        def job() -> None:
            try:
                if load is not None and self._error is None:
                    load()
                previous.wait()
                if self._error is None:
                    complete()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                self._error = self._error or exc
            finally:
                done.set()

        self._jobs.put(job)

    def put(self, result: DocResult, replace: bool) -> None:
        self.store.writable()  # on the caller's thread, before any write is handed to a writer thread
        if replace:
            self.flush()
            graph, nquads = result.graph, result.nquads
            self._submit(None, lambda: self.store.put_graph(graph, nquads, replace=True))
            return
        self.body.append(result.body)
        self.size += len(result.body)
        for block in result.vocabulary:
            key = hashlib.blake2b(block, digest_size=16).digest()
            if key not in self.vocabulary:
                self.vocabulary.add(key)
                self.body.append(block)
                self.size += len(block)
        self.hashes.append(result.hashes)
        if self.size >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        if not self.body:
            return
        body, hashes = b"".join(self.body), b"".join(self.hashes)
        small = self.size < BULK_MIN_BYTES
        self.body, self.hashes, self.size = [], [], 0
        if small:  # one transaction, hashes included
            self._submit(None, lambda: self.store.add_quads(body + hashes))
        else:
            self._submit(lambda: self.store.bulk_put(body), lambda: self.store.add_quads(hashes))

    def close(self) -> None:
        """Write what is pending and wait for every write; a failed write is raised here."""
        try:
            self.flush()
        finally:
            for _ in self._threads:
                self._jobs.put(None)
            for thread in self._threads:
                thread.join()
        if self._error is not None:
            raise self._error


def _signature(options: ReadOptions, budget: DocBudget) -> str:
    """What the recorded state depends on besides the files themselves (a new time budget retries the
    documents that ran out of time under the old one)."""
    from kg.fingerprint import EXTRACTOR_VERSION

    return f"{STATE_FORMAT}|{EXTRACTOR_VERSION}|{options.text_field or ''}|{budget.per_100k}/{budget.minimum}"


def build(paths: list[Path], store: KGStore, *, prune: bool = False, jobs: int | None = None,
          options: ReadOptions | None = None, mapper: Mapper | None = None,
          progress: Callable[[str], None] | None = None,
          on_failure: Callable[[str, str], None] | None = None,
          on_document: Callable[[DocResult], None] | None = None,
          batch_bytes: int = BATCH_BYTES, budget: DocBudget | None = None) -> BuildSummary:
    """Bring the store in line with the documents under `paths`.

    Every document is bounded in time (`budget`, see kg.pool); whatever goes wrong with one document is
    a one-line failure of that document, reported through `on_failure`, and the build goes on."""
    summary = BuildSummary()
    options = options or ReadOptions()
    budget = budget or DocBudget()
    jobs = jobs or os.cpu_count() or 1
    mapper = mapper or local_mapper(jobs, budget)
    signature = _signature(options, budget)
    old_state = store.read_state()
    trusted = old_state.get("signature") == signature
    old_files: dict = old_state.get("files", {}) if trusted else {}  # type: ignore[assignment]
    # documents the extractors rejected last time (key -> [content hash, reason]): an unchanged one is
    # reported again without extracting it, so a no-op rebuild starts no workers
    old_failed: dict = old_state.get("failed", {}) if trusted else {}  # type: ignore[assignment]
    files: dict[str, list] = {}
    failed: dict[str, list[str]] = {}
    state: dict[str, object] = {"signature": signature, "files": files, "failed": failed}
    started_ns = time.time_ns()
    wrote = _put_reference(store, trusted)
    stored = store.documents()
    seen: set[str] = set()
    done: set[str] = set()
    digests: dict[str, str] = {}  # content hash of each document sent to extraction

    def fail(key: str, reason: str) -> None:
        summary.failed += 1
        summary.failures.append((key, reason))
        if on_failure:
            on_failure(key, reason)

    def skip(key: str) -> None:
        summary.read += 1
        summary.skipped += 1
        seen.add(key)
        if progress:
            progress(key)

    def unchanged(key: str, digest: str) -> bool:
        """Stored with this content hash, or rejected with it last time (then reported again)."""
        if key in stored and stored[key].content_hash == digest:
            skip(key)
            return True
        rejected = old_failed.get(key)
        if rejected and rejected[0] == digest:
            summary.read += 1
            seen.add(key)
            failed[key] = rejected
            fail(key, rejected[1])
            return True
        return False

    def todo() -> Iterator[SourceText]:
        for entry in iter_files(paths):
            if isinstance(entry, ReadFailure):
                fail(entry.file, entry.reason)
                continue
            path, name = entry
            try:
                st = path.stat()
            except OSError:
                st = None
            where = f"{os.path.abspath(path)}\0{name}"
            old = old_files.get(where)
            if (st is not None and old and old[0] == st.st_size and old[1] == st.st_mtime_ns
                    and all((key in stored and stored[key].content_hash == digest)
                            or (key in old_failed and old_failed[key][0] == digest)
                            for key, digest in old[2].items())):
                files[where] = old
                for key, digest in old[2].items():
                    unchanged(key, digest)
                continue
            keys: dict[str, str] = {}
            for item in read_one(path, name, options):
                if isinstance(item, ReadFailure):
                    fail(item.file, item.reason)
                    continue
                digest = _content_hash(item)
                keys[item.key] = digest
                if unchanged(item.key, digest):
                    continue
                summary.read += 1
                seen.add(item.key)
                digests[item.key] = digest
                if len(digests) == 1:  # the first document to extract
                    # the programme-link step at the end needs numpy and rapidfuzz (0.1 s to import):
                    # import them while the workers start, when this process mostly waits
                    threading.Thread(target=importlib.import_module, args=("kg.extract.programme_links",),
                                     daemon=True).start()
                yield item
            if st is not None and keys and st.st_mtime_ns < started_ns - RACY_NS:
                files[where] = [st.st_size, st.st_mtime_ns, keys]

    writer = _Writer(store, batch_bytes)
    replaced = False
    try:
        for result in mapper(process_source, todo()):
            if progress:
                progress(result.key)
            if isinstance(result, DocFailure):
                fail(result.key, result.reason)
                if result.lasting and result.key in digests:
                    failed[result.key] = [digests[result.key], result.reason]
                continue
            replace = result.key in stored or result.key in done or store.has_graph(result.graph)
            replaced = replaced or replace
            writer.put(result, replace=replace)
            done.add(result.key)
            summary.changed += 1
            summary.chrome_chars += result.chrome_chars
            if on_document:
                on_document(result)
    finally:
        writer.close()
    gone = [doc.graph for key, doc in stored.items() if key not in seen] if prune else []
    if gone or replaced:  # also drops what only the old versions of replaced documents used
        remove_documents(store, gone)
        summary.removed = len(gone)
    if wrote or summary.changed or summary.removed or not trusted or "links" not in old_state:
        state["links"] = link_programmes(store, old_state.get("links") if trusted else None)
    else:
        state["links"] = old_state["links"]
    wrote = wrote or summary.changed > 0 or summary.removed > 0
    # an untouched store has the count the last build recorded (one writer at a time); counting is O(quads)
    quads = old_state.get("quads") if trusted and not wrote else None
    summary.quads = quads if isinstance(quads, int) else store.quad_count()
    state["quads"] = summary.quads
    store.write_state(state)
    return summary


def _put_reference(store: KGStore, trusted: bool) -> bool:
    """Write the ontology/reference graph unless the last build wrote it from the same inputs; True if
    written.  A trusted state was written with the same extractor fingerprint, which covers ontology/
    and kg/data (the unit table), so the graph is only built and compared when that changed."""
    from kg.vocab import ONTOLOGY_GRAPH

    if trusted and store.has_graph(ONTOLOGY_GRAPH.value):
        return False
    from kg.knowledge import KnowledgeBase
    from kg.rdf import ontology_quads

    store.put_reference(serialize(ontology_quads(KnowledgeBase.shipped().units), format=RdfFormat.N_QUADS) or b"")
    return True
