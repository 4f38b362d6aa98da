"""Build on a Dask cluster: the same pure `process_source`, mapped by Dask instead of local processes.

    kg build corpus/ --executor dask --scheduler tcp://scheduler:8786

Only the map moves to the cluster; the graphs stream back to this process, which writes them into the
store exactly as a local build does (one writer per store).  Workers need the `kg` package installed
(`pip install kg[dask]` on every node).  Without an address a LocalCluster is started on this machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kg.build import CHUNK_CHARS, Mapper, Result, _nonempty, chunks, map_chunk
from kg.model import SourceText


def dask_mapper(address: str | None, *, inflight: int | None = None, chunk_chars: int = CHUNK_CHARS) -> Mapper:
    """A Mapper that runs tasks of about `chunk_chars` of text on a Dask cluster.

    At most `inflight` tasks (default: 4 per worker thread) are submitted and not yet consumed, so
    neither this process nor the cluster holds more than a window of the corpus; results come back
    in completion order (the build only needs every result once)."""

    def run(fn: Callable[[SourceText], Result], items: Iterable[SourceText]) -> Iterator[Result]:
        todo = _nonempty(items)
        if todo is None:  # nothing changed: do not even connect
            return
        from dask.distributed import Client, as_completed

        with Client(address) if address else Client(processes=True) as client:
            threads = sum(client.nthreads().values()) or 1
            limit = inflight or 4 * threads
            pending = as_completed()
            count = 0
            for chunk in chunks(todo, chunk_chars):
                pending.add(client.submit(map_chunk, fn, chunk, pure=False))
                count += 1
                if count >= limit:
                    future = next(pending)
                    yield from future.result()
                    future.release()
                    count -= 1
            for future in pending:
                yield from future.result()
                future.release()

    return run
