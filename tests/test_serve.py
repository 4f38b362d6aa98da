"""kg serve: the real oxigraph server process answers SPARQL 1.1 protocol queries and refuses updates."""

from __future__ import annotations

import contextlib
import json
import os
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


def start(store_path: Path, port: int, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_path),
                             "--port", str(port), *(options or ("--timeout", "10"))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextlib.contextmanager
def running(store_path: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    process = start(store_path, port, *options)
    try:
        wait_until_listening(process, port)
        assert process.stderr is not None
        banner = process.stderr.readline()  # printed once its oxigraph processes run
        assert "SPARQL endpoint" in banner, banner
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)


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


# ------------------------------------------------------------------------ SERVICE, timeouts, errors
def ask(url: str, query: str, *, method: str = "POST", accept: str = "application/sparql-results+json",
        timeout: float = 30) -> tuple[int, str]:
    """(status, body) of one query, sent as a form (POST) or in the URL (GET)."""
    if method == "GET":
        request = urllib.request.Request(f"{url}/query?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": accept})
    else:
        request = urllib.request.Request(f"{url}/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Accept": accept,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def oxigraph_children(process: subprocess.Popen) -> set[int]:
    """The pids of the oxigraph processes a `kg serve` runs."""
    out = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(process.pid)], capture_output=True, text=True)
    return {int(line.split()[0]) for line in out.stdout.splitlines() if "oxigraph" in line}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split()[2] == "Z")


# 11.8 k quads: the three-way product never ends, and Oxigraph's own timeout does not stop it; the
# two-way product Oxigraph cancels itself, answering 200 with a body cut off by its error message.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
CANCELLED_BY_OXIGRAPH = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d }"


def test_service_is_refused_with_400(server: str, listener: tuple[str, list]) -> None:
    url, hits = listener
    query = f"SELECT * WHERE {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }}"
    for method in ("GET", "POST"):
        status, body = ask(server, query, method=method)
        assert status == 400 and "SERVICE" in body and "--allow-service" in body
    direct = urllib.request.Request(f"{server}/query", data=query.encode(),
                                    headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(direct, timeout=10)
    assert refused.value.code == 400
    with socket.create_connection(("127.0.0.1", int(server.rsplit(":", 1)[1])), timeout=10) as raw:  # chunked
        text = query.encode()
        raw.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(text):x}\r\n".encode() + text + b"\r\n0\r\n\r\n")
        assert raw.recv(4096).startswith(b"HTTP/1.1 400")
    assert hits == []


def test_service_runs_with_allow_service(store_path: Path, listener: tuple[str, list]) -> None:
    url, hits = listener
    with running(store_path, "--allow-service") as (endpoint_url, _process):
        status, body = ask(endpoint_url, f"SELECT ?s WHERE {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }}")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["s"]["value"] == "fetched"
    assert len(hits) == 1


def test_a_query_past_the_timeout_is_stopped_with_503(store_path: Path) -> None:
    with running(store_path, "--timeout", "1") as (url, process):
        before = oxigraph_children(process)
        started = time.monotonic()
        status, body = ask(url, ENDLESS)
        took = time.monotonic() - started
        assert status == 503 and "timeout" in body
        assert took < 1 + 1 + 3  # the timeout, the grace the front gives Oxigraph, and slack for a busy machine
        time.sleep(0.5)
        gone = before - oxigraph_children(process)
        assert len(gone) == 1 and not alive(gone.pop())  # the process that ran it was stopped …
        status, body = ask(url, LABEL_QUERY)  # … and another took its place
        assert status == 200 and "麦积区" in body


def test_a_cut_off_answer_becomes_503(store_path: Path) -> None:
    """Oxigraph cancels this one itself but answers 200 with a cut-off body; the client gets 503, which
    SPARQLWrapper reports as an HTTP error instead of failing on the JSON."""
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    with running(store_path, "--timeout", "1") as (url, process):
        before = oxigraph_children(process)
        for accept in ("text/csv", "application/sparql-results+json"):
            status, body = ask(url, CANCELLED_BY_OXIGRAPH, accept=accept)
            assert status == 503 and "timeout" in body
        assert oxigraph_children(process) == before  # Oxigraph stopped it: its process stays
        client = sparqlwrapper.SPARQLWrapper(f"{url}/query")
        client.setQuery(CANCELLED_BY_OXIGRAPH)
        client.setReturnFormat(sparqlwrapper.JSON)
        with pytest.raises(Exception) as failed:
            client.query().convert()
        assert not isinstance(failed.value, json.JSONDecodeError) and "503" in str(failed.value)


def test_broken_answer_on_what_oxigraph_really_writes(store_path: Path) -> None:
    """The check of kg.serve against a cut-off answer of the real oxigraph server (no front)."""
    from kg.serve import CANCELLED, _broken_answer, command

    port = free_port()
    process = subprocess.Popen(command(store_path, "127.0.0.1", port, timeout=1), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_until_listening(process, port)
        for accept in ("text/csv", "application/sparql-results+json", "application/sparql-results+xml"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode(
                {"query": CANCELLED_BY_OXIGRAPH}), headers={"Accept": accept})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
                assert _broken_answer(response.read(), response.headers["Content-Type"]) == CANCELLED
            request = urllib.request.Request(f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode(
                {"query": LABEL_QUERY}), headers={"Accept": accept})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert _broken_answer(response.read(), response.headers["Content-Type"]) is None
    finally:
        stop(process)


def test_a_query_whose_client_left_is_stopped(store_path: Path) -> None:
    with running(store_path, "--no-timeout") as (url, process):
        before = oxigraph_children(process)
        port = int(url.rsplit(":", 1)[1])
        body = urllib.parse.urlencode({"query": ENDLESS}).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            time.sleep(1.0)  # it runs …
            assert oxigraph_children(process) == before
        deadline = time.monotonic() + 10  # … and its client hangs up
        while time.monotonic() < deadline and oxigraph_children(process) >= before:
            time.sleep(0.1)
        gone = before - oxigraph_children(process)
        assert len(gone) == 1 and not alive(gone.pop())
        status, _body = ask(url, LABEL_QUERY)
        assert status == 200


def test_timeout_must_be_positive(store_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_path), "--timeout", "0"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "--no-timeout" in done.stderr


def test_port_in_use_is_one_line(store_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_path),
                               "--port", str(port)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"kg: cannot listen on 127.0.0.1:{port}: Address already in use "
                                                "(another server runs there? choose another --port)"]
