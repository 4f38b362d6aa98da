"""Shared fixtures: a real on-disk store built from the seeds, once per test session."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store built from seeds/ (closed again, so tests may open it read-only)."""
    path = tmp_path_factory.mktemp("seeds") / "store"
    with KGStore.open(path) as store:
        summary = build([SEEDS], store, jobs=1)
    assert summary.changed == 5 and summary.failed == 0
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared is not here (a user's clone): skipping tests that read it")
    return SHARED


@pytest.fixture(scope="session")
def kb():  # noqa: ANN201 - a KnowledgeBase
    """The shipped knowledge base, read once for the session."""
    from kg.knowledge import KnowledgeBase

    return KnowledgeBase.shipped()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with an empty SPARQL JSON result and records it (method, path)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.hits.append((self.command, self.path))  # type: ignore[attr-defined]
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"fetched"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A real HTTP server on a loopback port that records the requests it gets: (base URL, requests).
    Tests use it to see whether a SPARQL SERVICE call made anything fetch a URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.hits  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
