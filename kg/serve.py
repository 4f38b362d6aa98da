"""Serve stage: the store over the SPARQL 1.1 protocol, read-only, by the real `oxigraph` server.

The server opens the store as a RocksDB read-only view, so it can run while `kg build` holds the
writer lock (it sees the data as of its start; restart it to see a newer build).  The default graph is
the union of all named graphs, as in `kg query`, so the named queries work unchanged against it.

Oxigraph's server (0.5) is not put on the network as it is; a small front in this module takes the
requests and hands them to `oxigraph serve-read-only` processes listening on loopback ports, because:

* it runs SERVICE, so anyone who can reach it makes it fetch URLs in the network it sits in (server-side
  request forgery), and it has no switch to turn that off.  The front refuses a query that calls
  SERVICE with 400 (kg.guard) unless `--allow-service`;
* its timeout is not a bound: a cancelled query answered 200 with a body cut off by "The SPARQL
  operation has been cancelled" (SPARQLWrapper then fails on the JSON, in CSV it reads as a row), some
  queries ran on for minutes after the timeout (a three-way join with --timeout-s 3 was still busy after
  10 minutes), and a query kept running after its client had gone.  The front buffers each answer and
  turns a cut-off one into an error status, and it stops a query that runs past the timeout, or whose
  client has gone, by killing the process that runs it: each process runs one query at a time, and a
  fresh one (30 ms to start) takes its place.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import math
import queue
import select
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.guard import ALLOW_HINT, service_calls
from kg.store import StoreError

CANCELLED = "The SPARQL operation has been cancelled"  # what oxigraph appends to a cut-off answer
GRACE = 1.0  # seconds past the timeout before the front kills a query that Oxigraph did not stop itself
MAX_BODY = 64 << 20  # bytes of a request body (a query text, a form)
MAX_ANSWER = 512 << 20  # bytes of an answer: the front holds it whole to check it before sending it on
CONNECTION_THREADS = 32  # requests handled at once (queries beyond --workers wait for a free process)
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length", "host"}


def oxigraph_binary() -> Path:
    """The `oxigraph` CLI installed with the PyPI package: next to this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise StoreError("the oxigraph server is not installed (pip install 'oxigraph>=0.5,<0.6')")


def command(store_path: Path | str, host: str = "127.0.0.1", port: int = 7878,
            timeout: float | None = 30.0, cors: bool = False) -> list[str]:
    """One oxigraph process's command line; --timeout-s asks it to stop a query itself (whole seconds)."""
    args = [str(oxigraph_binary()), "serve-read-only", "--location", str(store_path),
            "--bind", f"{host}:{port}", "--union-default-graph"]
    if timeout:
        args += ["--timeout-s", str(max(1, math.ceil(timeout)))]
    if cors:
        args.append("--cors")  # lets a browser page such as YASGUI query the endpoint
    return args


def endpoint(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/query"


# --------------------------------------------------------------------------------- oxigraph processes
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """One `oxigraph serve-read-only` process on a loopback port."""

    START_SECONDS = 20.0

    def __init__(self, store_path: Path, timeout: float | None, cors: bool) -> None:
        self.store_path, self.timeout, self.cors = store_path, timeout, cors
        self.log: deque[str] = deque(maxlen=20)
        for _attempt in range(3):  # another program may take the free port before oxigraph binds it
            self.port = _free_port()
            self.process = subprocess.Popen(command(store_path, "127.0.0.1", self.port, timeout, cors),
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.PIPE, text=True, errors="replace")
            threading.Thread(target=self._drain, daemon=True, name="kg-oxigraph-log").start()
            if self._wait_listening():
                return
        raise StoreError("the oxigraph server did not start: " + (" ".join(self.log)[-500:] or "no message"))

    def _drain(self) -> None:
        """Keep oxigraph's last messages (for an error) and show its errors, not its banner."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            line = line.rstrip()
            self.log.append(line)
            if line and not line.startswith("Listening for requests"):
                print(f"oxigraph: {line}", file=sys.stderr, flush=True)

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + self.START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                time.sleep(0.05)  # let the drain thread read its last words
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.01)
        self.kill()
        return False

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


class Pool:
    """Idle workers; a worker runs one request at a time, and a killed one is replaced in the background."""

    def __init__(self, size: int, make: Callable[[], Worker]) -> None:
        self._make = make
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add(self._make())

    def _add(self, worker: Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def acquire(self, wait: float | None) -> Worker | None:
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            return None

    def release(self, worker: Worker) -> None:
        if worker.process.poll() is None:
            self._idle.put(worker)
        else:
            self.replace(worker)

    def replace(self, worker: Worker) -> None:
        """Kill `worker` (and the query it runs) and start another in its place."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()

        def start() -> None:
            for attempt in range(5):
                try:
                    self._add(self._make())
                    return
                except StoreError as exc:
                    print(f"kg serve: {exc}", file=sys.stderr, flush=True)
                    time.sleep(0.5 * (attempt + 1))

        threading.Thread(target=start, daemon=True, name="kg-oxigraph-start").start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


# ------------------------------------------------------------------------------------------ the front
@dataclass(frozen=True)
class Settings:
    timeout: float | None
    allow_service: bool


class _Server(http.server.HTTPServer):
    """An HTTP server that handles connections on a fixed set of (daemon) threads."""

    def __init__(self, address: tuple[str, int], pool: Pool | None, settings: Settings) -> None:
        self.pool = pool
        self.settings = settings
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._connections: queue.Queue[tuple[socket.socket, object]] = queue.Queue()
        super().__init__(address, _Handler)
        for n in range(CONNECTION_THREADS):
            threading.Thread(target=self._work, daemon=True, name=f"kg-serve-{n}").start()

    def server_bind(self) -> None:
        """As HTTPServer's, without its reverse DNS lookup of the host (slow where DNS is)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        self._connections.put((request, client_address))

    def _work(self) -> None:
        while True:
            request, client_address = self._connections.get()
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - one broken connection must not stop the server
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"
    timeout = 60  # seconds to send a request: a stalled client does not hold a thread for ever
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server names
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # -- the request ------------------------------------------------------------------------------
    def _handle(self) -> None:
        started = time.monotonic()
        self.close_connection = True  # one request per connection: no idle connection holds a thread
        try:
            body = self._body()
        except ValueError as exc:
            self._error(400 if "chunk" in str(exc) else 413, str(exc))
            return
        if not self.server.settings.allow_service:
            calls = [t for text in _query_texts(self.path, self.headers.get("Content-Type"), body)
                     for t in service_calls(text)]
            if calls:
                shown = ", ".join(dict.fromkeys(calls))
                self._error(400, f"This endpoint does not run SERVICE (the query calls {shown}): it would make "
                                 f"the server fetch that URL. Start `kg serve` with {ALLOW_HINT} to allow it.")
                return
        self._forward(body, started)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return _read_chunked(self.rfile)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        if not length.isdigit() or int(length) > MAX_BODY:
            raise ValueError(f"request body too large or Content-Length invalid (at most {MAX_BODY} bytes)")
        return self.rfile.read(int(length))

    # -- handing it to oxigraph ----------------------------------------------------------------------
    def _forward(self, body: bytes, started: float) -> None:
        settings, pool = self.server.settings, self.server.pool
        assert pool is not None
        deadline = None if settings.timeout is None else started + settings.timeout + GRACE
        worker = pool.acquire(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if worker is None:
            self._error(503, f"all query processes stayed busy for {settings.timeout:g} s; try again later",
                        retry=True)
            return
        answer: dict[str, object] = {}
        done = threading.Event()
        # the answer comes back uncompressed, so it can be checked; Expect was answered here already
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"accept-encoding", "expect"}}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        threading.Thread(target=_fetch, args=(worker.port, self.command, self.path, headers, body, answer, done),
                         daemon=True, name="kg-upstream").start()
        outcome = self._wait(done, deadline)
        if outcome != "done":
            pool.replace(worker)  # the only way to stop the query: its process goes, a fresh one comes
            if outcome == "timeout":
                self._error(503, f"the query ran longer than the {settings.timeout:g} s timeout and was "
                                 "stopped (kg serve --timeout)")
            return  # the client has gone: nobody to answer
        if "too_large" in answer:
            pool.replace(worker)  # it may still be writing rows
            self._error(500, f"the answer is larger than {MAX_ANSWER >> 20} MB, which this endpoint does not "
                             "hold; ask for fewer rows (LIMIT, OFFSET) or use `kg query` / `kg export`")
            return
        if "error" in answer:
            pool.replace(worker)
            self._error(502, f"the oxigraph server failed: {answer['error']}")
            return
        pool.release(worker)
        self._relay(answer)

    def _wait(self, done: threading.Event, deadline: float | None) -> str:
        """Wait for the answer: "done", "timeout", or "gone" (the client closed its connection)."""
        watch_client = True
        while not done.wait(0.05):
            if deadline is not None and time.monotonic() > deadline:
                return "timeout"
            if watch_client:
                state = _client_state(self.connection)
                if state == "gone":
                    return "gone"
                watch_client = state == "quiet"  # it sent more (a pipelined request): stop watching
        return "done"

    def _relay(self, answer: dict[str, object]) -> None:
        status = int(answer["status"])  # type: ignore[call-overload]
        headers: list[tuple[str, str]] = answer["headers"]  # type: ignore[assignment]
        data: bytes = answer["body"]  # type: ignore[assignment]
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if status == 200 and self.command != "HEAD":
            problem = _broken_answer(data, content_type)
            if problem is not None:
                if CANCELLED in problem:
                    self._error(503, f"the query ran longer than the {self.server.settings.timeout:g} s timeout "
                                     "and was stopped (kg serve --timeout)")
                else:
                    self._error(500, f"the query failed while its answer was being written: {problem}")
                return
        self.send_response(status)  # with this server's Server and Date headers
        for key, value in headers:
            if key.lower() not in HOP_BY_HOP | {"server", "date"}:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(data)

    def _error(self, status: int, message: str, retry: bool = False) -> None:
        data = (message + "\n").encode("utf-8")
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if retry:
                self.send_header("Retry-After", "5")
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)


def _fetch(port: int, method: str, path: str, headers: dict[str, str], body: bytes,
           answer: dict[str, object], done: threading.Event) -> None:
    """One request to a worker, its whole answer read into `answer` (status, headers, body or error)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        try:
            connection.request(method, path, body=body if body or method in ("POST", "PUT", "PATCH") else None,
                               headers=headers)
            response = connection.getresponse()
            body = bytearray()
            while chunk := response.read(1 << 16):
                body += chunk
                if len(body) > MAX_ANSWER:
                    answer["too_large"] = True
                    return
            answer["body"] = bytes(body)
            answer["status"] = response.status
            answer["headers"] = response.getheaders()
        finally:
            connection.close()
    except (OSError, http.client.HTTPException) as exc:
        answer["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        done.set()


def _client_state(sock: socket.socket) -> str:
    """"gone" when the client closed the connection, "more" when it sent bytes, else "quiet"."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return "quiet"
        return "gone" if sock.recv(1, socket.MSG_PEEK) == b"" else "more"
    except (OSError, ValueError):
        return "gone"


def _read_chunked(rfile: object) -> bytes:
    """A chunked request body (http.server leaves transfer codings to the handler)."""
    out = bytearray()
    while True:
        line = rfile.readline(1024)  # type: ignore[attr-defined]
        try:
            size = int(line.split(b";")[0].strip() or b"x", 16)
        except ValueError:
            raise ValueError("broken chunked request body") from None
        if size == 0:
            while rfile.readline(1024).strip():  # type: ignore[attr-defined] # trailers
                pass
            return bytes(out)
        if len(out) + size > MAX_BODY:
            raise ValueError(f"request body too large (at most {MAX_BODY} bytes)")
        out += rfile.read(size)  # type: ignore[attr-defined]
        rfile.readline(16)  # type: ignore[attr-defined] # the CRLF after the chunk


def _query_texts(path: str, content_type: str | None, body: bytes) -> list[str]:
    """Every text in a request that Oxigraph could run as SPARQL: the `query` and `update` parameters of
    the URL and of a form body, and a body sent as SPARQL (or of any other type, to be safe)."""
    texts = [v for k, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query, keep_blank_values=True,
                                                   errors="replace") if k in ("query", "update")]
    if body:
        kind = (content_type or "").split(";")[0].strip().lower()
        text = body.decode("utf-8", errors="replace")
        if kind == "application/x-www-form-urlencoded":
            texts += [v for k, v in urllib.parse.parse_qsl(text, keep_blank_values=True, errors="replace")
                      if k in ("query", "update")]
        else:
            texts.append(text)
    return texts


def _broken_answer(data: bytes, content_type: str) -> str | None:
    """What is wrong with a 200 answer that Oxigraph cut off with an error message, or None if whole.
    Oxigraph appends the message as plain text to what it had written, so a whole answer is told by its
    end: JSON ends with } or ], XML with >, line-based formats (CSV, TSV, N-Triples, Turtle) with a
    newline (an ASK answer in CSV/TSV is the bare word)."""
    kind = content_type.split(";")[0].strip().lower()
    end = data.rstrip()
    tail = end[-300:].decode("utf-8", errors="replace")
    if tail.endswith(CANCELLED):
        return CANCELLED
    if not data:
        return None
    if kind.endswith("json"):
        whole = end.endswith((b"}", b"]"))
    elif kind.endswith("xml"):
        whole = end.endswith(b">")
    elif kind.startswith("text/") or kind.startswith("application/n-") or kind == "application/trig":
        whole = data.endswith(b"\n") or end in (b"true", b"false") or kind == "text/html"
    else:
        whole = True
    return None if whole else _last_line(tail)


def _last_line(tail: str) -> str:
    return tail.strip().splitlines()[-1][:300] if tail.strip() else "(empty)"


# ------------------------------------------------------------------------------------------ running it
def serve(store_path: Path | str, host: str = "127.0.0.1", port: int = 7878, timeout: float | None = 30.0,
          cors: bool = False, allow_service: bool = False, workers: int = 2) -> int:
    """Run the endpoint in the foreground until Ctrl-C or SIGTERM; 0 then."""
    store_path = Path(store_path)
    if not (store_path / "CURRENT").is_file():
        raise StoreError(f"no store at {store_path} (build one with `kg build PATH --store {store_path}`)")
    if timeout is not None and timeout <= 0:
        raise StoreError("the timeout must be above 0 seconds (or no timeout at all: --no-timeout)")
    if workers < 1:
        raise StoreError("--workers must be at least 1")
    oxigraph_binary()
    try:
        server = _Server((host, port), None, Settings(timeout, allow_service))
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                         + (" (another server runs there? choose another --port)"
                            if exc.errno in (98, 48) else "")) from exc
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    pool: Pool | None = None
    try:
        pool = Pool(workers, lambda: Worker(store_path, timeout, cors))
        server.pool = pool
        limit = "no query timeout" if timeout is None else f"query timeout {timeout:g} s"
        service = "SERVICE allowed" if allow_service else "SERVICE refused"
        print(f"SPARQL endpoint (read-only): {endpoint(host, port)}  ·  union default graph  ·  {limit}  ·  "
              f"{service}  ·  Ctrl-C stops", file=sys.stderr, flush=True)
        if not stop.is_set():
            server.serve_forever(poll_interval=0.2)
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        server.server_close()
        if pool is not None:
            pool.close()

