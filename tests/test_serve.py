"""kg serve: the real oxigraph server process answers SPARQL 1.1 protocol queries and refuses updates."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build
from kg.query import resolve
from kg.store import KGStore

pytestmark = pytest.mark.server
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MAIJI = "https://w3id.org/kg-rural/id/region/620503"
LABEL_QUERY = f"SELECT ?label WHERE {{ <{MAIJI}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: {process.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server did not listen on port {port} within {seconds} s")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    with KGStore.open(path) as store:
        build([SEEDS], store, jobs=1)
    return path


def start(store_path: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_path),
                             "--port", str(port), "--timeout", "10"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(process: subprocess.Popen) -> int | None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return process.returncode


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    port = free_port()
    process = start(store_path, port)
    try:
        wait_until_listening(process, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def get_json(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> dict:
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json",
                                                              **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def test_get_and_post_query(server: str) -> None:
    url = f"{server}/query?" + urllib.parse.urlencode({"query": LABEL_QUERY})
    rows = get_json(url)["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["麦积区"]
    body = get_json(f"{server}/query", LABEL_QUERY.encode("utf-8"), {"Content-Type": "application/sparql-query"})
    assert body["results"]["bindings"][0]["label"]["value"] == "麦积区"


def test_named_query_uses_union_default_graph(server: str) -> None:
    """A named query (no GRAPH clauses) finds data that lives in the document graphs."""
    sparql = resolve("observations")
    body = get_json(f"{server}/query", urllib.parse.urlencode({"query": sparql}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})
    rows = body["results"]["bindings"]
    assert len(rows) > 100
    assert any(r["region"]["value"] == "麦积区" and r["quote"]["value"] for r in rows)


def test_sparqlwrapper(server: str) -> None:
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    client = sparqlwrapper.SPARQLWrapper(f"{server}/query")
    client.setQuery(LABEL_QUERY)
    client.setReturnFormat(sparqlwrapper.JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["label"]["value"] == "麦积区"


def test_update_is_refused(server: str) -> None:
    update = "INSERT DATA { <urn:kg:test> <urn:kg:p> <urn:kg:o> }"
    for data, content_type in ((urllib.parse.urlencode({"update": update}).encode(),
                                "application/x-www-form-urlencoded"),
                               (update.encode(), "application/sparql-update")):
        request = urllib.request.Request(f"{server}/update", data=data, headers={"Content-Type": content_type})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code in (403, 404, 405)
    ask = get_json(f"{server}/query?" + urllib.parse.urlencode({"query": "ASK { <urn:kg:test> ?p ?o }"}))
    assert ask["boolean"] is False


def test_serves_while_a_build_holds_the_writer_lock(store_path: Path) -> None:
    with KGStore.open(store_path) as writer:  # what `kg build` holds
        assert not writer.read_only
        port = free_port()
        process = start(store_path, port)
        try:
            wait_until_listening(process, port)
            url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": LABEL_QUERY})
            assert get_json(url)["results"]["bindings"][0]["label"]["value"] == "麦积区"
            process.send_signal(signal.SIGINT)  # Ctrl-C
            assert process.wait(timeout=10) == 0
            assert "http://127.0.0.1:" in process.stderr.read()
        finally:
            stop(process)


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--store", str(tmp_path / "nothing")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "no store" in done.stderr and "Traceback" not in done.stderr
