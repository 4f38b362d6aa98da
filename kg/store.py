"""Store stage: the on-disk Oxigraph store, one named graph per source document.

A document graph is written in a single transaction (load for a new graph; one SPARQL update that
drops and re-inserts for a changed one), so a build killed at any point leaves every graph either in
its old or its new version.  One writer at a time: a lock file names the process that holds it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Store, Variable

from kg.vocab import KGO, ONTOLOGY_GRAPH

DEFAULT_STORE = Path("kg-store")
LOCK_NAME = "kg-writer.lock"
STATE_NAME = "kg-build-state.json"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE_DOCUMENT = KGO.SourceDocument


class StoreError(Exception):
    """An expected store problem, shown to the user in one line."""


class StoreLocked(StoreError):
    pass


class StoreFull(StoreError):
    """The disk (or a file-size limit) refused a write: the store keeps what it held before that write."""


_FULL_WORDS = ("No space left", "File too large", "Disk quota exceeded")
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


@contextlib.contextmanager
def _writing(path: Path | None) -> Iterator[None]:
    """Turn a failed write (disk full, I/O error) into one line for the user.  Every write here is one
    transaction (or a bulk load whose documents count only once their hash quads are in), so the store
    holds everything completed before the failure and nothing half-written."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        first = " ".join(str(exc).split())[:200]
        if getattr(exc, "errno", None) in _FULL_ERRNOS or any(w in first for w in _FULL_WORDS):
            raise StoreFull(f"cannot write to the store {path or '(in memory)'}: disk full ({first}); "
                            "everything completed before is kept - free some space and run the build again"
                            ) from exc
        raise StoreError(f"cannot write to the store {path or '(in memory)'}: {first}") from exc


@dataclass(frozen=True)
class StoredDocument:
    key: str
    graph: str
    content_hash: str


def _lock_info(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {info.get('pid')} ({info.get('command', '?')}, since {info.get('since', '?')})"
    except (OSError, ValueError):
        return "another process"


READ_ONLY_ATTEMPTS = 8


def _open_read_only(path: Path) -> Store:
    """Open beside a running writer.  RocksDB may delete a file that the MANIFEST just read still names
    (a compaction during a bulk load); opening again sees the new file set, so that race is retried."""
    for attempt in range(READ_ONLY_ATTEMPTS):
        try:
            return Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            transient = "No such file or directory" in str(exc) or "Corruption" in str(exc)
            if not transient or attempt == READ_ONLY_ATTEMPTS - 1:
                raise StoreError(f"cannot open store {path} read-only: {str(exc).splitlines()[0][:200]}"
                                 + ("; a build is rewriting it, try again" if transient else "")) from exc
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


class KGStore:
    """The project's view of an Oxigraph store: document graphs in, SPARQL out."""

    def __init__(self, store: Store, path: Path | None, read_only: bool, lock_fd: int | None = None,
                 *, writable: bool | None = None) -> None:
        self._handle = store
        self.path = path
        self.read_only = read_only
        self._lock_fd = lock_fd
        # a writer (lock held) may still look through a read-only handle until its first write: opening
        # RocksDB for writing resumes the compactions a bulk load left behind, which is most of the cost
        # of a no-op rebuild right after a big build (3.2 s against 1.3 s on a 100 MB corpus)
        self._writable = not read_only if writable is None else writable
        self._upgrade = threading.Lock()

    @property
    def store(self) -> Store:
        """The pyoxigraph Store, writable when this KGStore was opened for writing."""
        return self._write_handle() if not self.read_only else self._handle

    def _write_handle(self) -> Store:
        with self._upgrade:
            if not self._writable:
                assert self.path is not None and not self.read_only
                try:
                    # a read-only handle may stay open beside the writer (as `kg query` does), so the
                    # swap leaves no moment without a handle for another thread's read
                    self._handle = Store(str(self.path))
                except OSError as exc:
                    raise StoreError(f"cannot open store {self.path}: {exc}") from exc
                self._writable = True
        return self._handle

    @property
    def writing(self) -> bool:
        """Whether RocksDB is open for writing (a writer that has written nothing yet only reads)."""
        return self._writable

    def writable(self) -> None:
        """Open for writing now (a writer does so on its first write anyway)."""
        self._write_handle()

    # --- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str = DEFAULT_STORE, *, read_only: bool = False) -> KGStore:
        path = Path(path)
        if read_only:
            if not path.exists():
                raise StoreError(f"no store at {path} (build one with `kg build PATH --store {path}`)")
            return cls(_open_read_only(path), path, True)
        path.mkdir(parents=True, exist_ok=True)
        lock_path = path.parent / f".{path.name}.{LOCK_NAME}"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLocked(f"store {path} is being written by {_lock_info(lock_path)}; "
                              "wait for it to finish (queries can run meanwhile with `kg query`)") from None
        info = {"pid": os.getpid(), "command": " ".join(sys.argv[:3]) or "python",
                "since": time.strftime("%Y-%m-%dT%H:%M:%S")}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        existing = (path / "CURRENT").exists()  # a RocksDB folder: look first, write only if needed
        try:
            store = _open_read_only(path) if existing else Store(str(path))
        except (OSError, StoreError) as exc:
            os.close(fd)
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        return cls(store, path, False, fd, writable=not existing)

    @classmethod
    def in_memory(cls) -> KGStore:
        return cls(Store(), None, False)

    def close(self) -> None:
        if self._writable:
            with contextlib.suppress(OSError):
                self._handle.flush()
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None
        del self._handle

    def __enter__(self) -> KGStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- documents ---------------------------------------------------------------------------------
    def documents(self) -> dict[str, StoredDocument]:
        """Documents in the store by key, with their content hash (a graph without one is incomplete).

        Three index scans joined in Python rather than one SPARQL join: this runs on every build,
        including the no-op one, and is ~10x faster on thousands of documents."""
        hashes: dict[tuple[object, object], str] = {}
        for q in self._handle.quads_for_pattern(None, KGO.contentHash, None, None):
            if isinstance(q.graph_name, NamedNode) and isinstance(q.object, Literal):
                hashes[(q.subject, q.graph_name)] = q.object.value
        if not hashes:
            return {}
        files: dict[tuple[object, object], str] = {}
        for q in self._handle.quads_for_pattern(None, KGO.fileName, None, None):
            if (q.subject, q.graph_name) in hashes:
                files[(q.subject, q.graph_name)] = q.object.value
        parts: dict[tuple[object, object], str] = {}
        for q in self._handle.quads_for_pattern(None, KGO.part, None, None):
            if (q.subject, q.graph_name) in hashes:
                parts[(q.subject, q.graph_name)] = q.object.value
        typed = {(q.subject, q.graph_name) for q in self._handle.quads_for_pattern(None, RDF_TYPE, SOURCE_DOCUMENT, None)}
        out: dict[str, StoredDocument] = {}
        for at, digest in hashes.items():
            if at not in files or at not in typed:
                continue
            key = files[at] if at not in parts else f"{files[at]}#{parts[at]}"
            out[key] = StoredDocument(key, at[1].value, digest)  # type: ignore[attr-defined]
        return out

    def put_graph(self, graph: str, nquads: bytes, replace: bool | None = None) -> None:
        """Write one document graph (plus its vocabulary quads) in one transaction, replacing the old
        version of the graph atomically.  `replace=None`: replace if the graph is present; a graph
        known to be absent is loaded (0.11 s less CPU than DROP + INSERT DATA for 5.5 k quads)."""
        if replace is None:
            replace = self.has_graph(graph)
        with _writing(self.path):
            if not replace:
                self.store.load(nquads, format=RdfFormat.N_QUADS, lenient=True)
                return
            self.store.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{\n{_as_insert_body(nquads)}\n}}")

    def bulk_put(self, nquads: bytes) -> None:
        """Load many new graphs at once with the bulk loader (no transaction, several times faster).

        Only for graphs not yet present.  The caller must leave every `kgo:contentHash` quad out of
        `nquads` and write them afterwards with `add_quads` (see kg.build): a graph only counts as
        complete once its hash is present, so a crash half-way through a bulk load leaves graphs that
        the next build sees as absent, drops (`has_graph`) and writes again."""
        if nquads:
            with _writing(self.path):
                self.store.bulk_load(nquads, format=RdfFormat.N_QUADS, lenient=True)

    def add_quads(self, nquads: bytes) -> None:
        """Add quads (of any graphs) in one transaction: all or none are written."""
        if nquads:
            with _writing(self.path):
                self.store.load(nquads, format=RdfFormat.N_QUADS, lenient=True)

    def has_graph(self, graph: str) -> bool:
        """Whether any quad of the named graph is stored (complete or left half-written by a crash)."""
        return self._handle.contains_named_graph(NamedNode(graph))

    # --- build state -------------------------------------------------------------------------------
    def read_state(self) -> dict[str, object]:
        """What the last finished build recorded (per-file stat and keys, reference hash); {} if none.

        A hint only: the builder checks it against the content hashes in the store before trusting it,
        so a stale or foreign state file can cost time but never skip a document wrongly."""
        if self.path is None:
            return {}
        try:
            data = json.loads((self.path / STATE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_state(self, state: dict[str, object]) -> None:
        """Replace the build state atomically (write then rename), inside the store folder so it goes
        wherever the store goes (RocksDB ignores files it did not create)."""
        if self.path is None or self.read_only:
            return
        tmp = self.path / (STATE_NAME + ".tmp")
        with _writing(self.path):
            tmp.write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path / STATE_NAME)

    def remove_graph(self, graph: str) -> None:
        with _writing(self.path):
            self.store.update(f"DROP SILENT GRAPH <{graph}>")

    def put_reference(self, nquads: bytes, graph: NamedNode = ONTOLOGY_GRAPH) -> None:
        self.put_graph(graph.value, nquads)

    def quad_count(self) -> int:
        return len(self._handle)

    # --- queries -------------------------------------------------------------------------------------
    def query(self, sparql: str, bindings: dict[str, object] | None = None) -> QuerySolutions:
        substitutions = {Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        return self._handle.query(sparql, use_default_graph_as_union=True, substitutions=substitutions or None,
                                prefixes=None)

    def rows(self, sparql: str, bindings: dict[str, object] | None = None) -> Iterator[dict[str, str | None]]:
        result = self.query(sparql, bindings)
        names = [v.value for v in result.variables]
        for solution in result:
            yield {n: (None if solution[n] is None else solution[n].value) for n in names}


def to_term(value: object) -> NamedNode | Literal:
    """A binding value as a typed RDF term (never spliced into query text)."""
    if isinstance(value, (NamedNode, Literal)):
        return value
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    text = str(value)
    if text.startswith("<") and text.endswith(">") and " " not in text:
        try:
            return NamedNode(text[1:-1])
        except ValueError:
            pass  # not a valid IRI: it can only be meant as a string
    return Literal(text)


def _as_insert_body(nquads: bytes) -> str:
    """N-Quads as the body of INSERT DATA: `GRAPH <g> { triples }` blocks (N-Triples syntax is SPARQL)."""
    by_graph: dict[str, list[str]] = {}
    for line in nquads.decode("utf-8").splitlines():
        line = line.rstrip()
        if not line.endswith("."):
            continue
        body = line[:-1].rstrip()
        graph_start = body.rfind(" <")
        if graph_start < 0 or not body.endswith(">"):
            by_graph.setdefault("", []).append(body + " .")
            continue
        by_graph.setdefault(body[graph_start + 1:], []).append(body[:graph_start] + " .")
    return "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" if g else "\n".join(lines)
                     for g, lines in by_graph.items())
