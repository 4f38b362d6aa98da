"""Serve stage: the store over the SPARQL 1.1 protocol, read-only, by the real `oxigraph` server.

The server opens the store as a RocksDB read-only view, so it can run while `kg build` holds the
writer lock (it sees the data as of its start; restart it to see a newer build).  The default graph is
the union of all named graphs, as in `kg query`, so the named queries work unchanged against it.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

from kg.store import StoreError


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
    """The server command line; --timeout-s bounds each SPARQL query (whole seconds, at least 1)."""
    args = [str(oxigraph_binary()), "serve-read-only", "--location", str(store_path),
            "--bind", f"{host}:{port}", "--union-default-graph"]
    if timeout:
        args += ["--timeout-s", str(max(1, round(timeout)))]
    if cors:
        args.append("--cors")  # lets a browser page such as YASGUI query the endpoint
    return args


def endpoint(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/query"


def serve(store_path: Path | str, host: str = "127.0.0.1", port: int = 7878, timeout: float | None = 30.0,
          cors: bool = False) -> int:
    """Run the server in the foreground until Ctrl-C or SIGTERM; returns its exit code."""
    store_path = Path(store_path)
    if not (store_path / "CURRENT").is_file():
        raise StoreError(f"no store at {store_path} (build one with `kg build PATH --store {store_path}`)")
    args = command(store_path, host, port, timeout, cors)
    print(f"SPARQL endpoint (read-only): {endpoint(host, port)}  ·  union default graph"
          f"{f'  ·  query timeout {max(1, round(timeout))} s' if timeout else ''}  ·  Ctrl-C stops",
          file=sys.stderr, flush=True)
    process = subprocess.Popen(args)

    def forward(signum: int, _frame: object) -> None:
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return _exit_code(process.wait())
            except KeyboardInterrupt:  # the child got the same SIGINT from the terminal; let it finish
                process.send_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.kill()
            process.wait()


def _exit_code(code: int) -> int:
    """A server stopped by Ctrl-C or SIGTERM is a normal end, not a failure."""
    return 0 if code in (-signal.SIGINT, -signal.SIGTERM, 130, 143) else code
