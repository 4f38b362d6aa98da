"""Worker processes that give every document a time budget and never outlive the build.

`multiprocessing.Pool` cannot stop one task: a document that runs away (a pathological input, a bug)
holds its worker, and with it the whole build, for ever.  This pool sends each worker one task (a few
documents) at a time and hears back after every document, so it always knows which document a worker
is on and since when.  A document past its budget is stopped in two steps:

1. inside the worker, an interval timer interrupts Python code at the budget and the document is
   reported as failed (`DocTimeout`); the worker goes on with the next one;
2. a worker still silent a grace period later (stuck in C code, a regex say) is killed, the document is
   reported as failed, and a new worker takes over the rest of its task.

A worker that dies (out of memory, a crash) costs only the document it was on.  Workers ask the kernel
to kill them when their parent dies (Linux `PR_SET_PDEATHSIG`), so a killed build leaves no worker
spinning.  Results come back in input order, whatever order the workers finish in.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from kg.model import SourceText

DEFAULT_SECONDS_PER_100K = 5.0  # a document's budget: this many seconds per 100,000 characters …
MIN_SECONDS = 5.0  # … and never less than this
GRACE = 2.0  # seconds after the budget before a silent worker is killed
TASK_CHARS = 100_000  # text per task sent to a worker: amortises IPC without hurting load balance
PRELOAD = ["kg.build", "kg.extract.pipeline", "kg.normalize", "kg.rdf"]


@dataclass(frozen=True)
class DocBudget:
    """How long one document may take: `per_100k` seconds per 100,000 characters, at least `minimum`;
    `per_100k` = 0 turns the budget off."""

    per_100k: float = DEFAULT_SECONDS_PER_100K
    minimum: float = MIN_SECONDS

    def seconds(self, chars: int) -> float | None:
        if self.per_100k <= 0:
            return None
        return max(self.minimum, self.per_100k * chars / 100_000)


class DocTimeout(BaseException):  # noqa: N818 - not an Exception: `except Exception` must not swallow it
    """Raised inside a worker when the document it is on runs past its budget."""


def timeout_reason(seconds: float, chars: int) -> str:
    return (f"timed out after {seconds:.0f} s (the budget for {chars:,} characters; "
            "raise it with --doc-timeout)")


def _on_alarm(_signum: int, _frame: object) -> None:
    raise DocTimeout


def _die_with_parent() -> None:
    """Have the kernel SIGKILL this worker when the process that forked it dies (Linux; a no-op
    elsewhere).

    Workers fork from the forkserver, which exits once the build's process is gone, but only when no one
    else holds the build's "alive" pipe: multiprocessing hands every worker a copy of it, so a stuck
    worker would keep the forkserver, and so itself, alive for ever.  The worker closes its copy."""
    if not sys.platform.startswith("linux"):
        return
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def run_with_budget(fn: Callable[[SourceText], Any], item: SourceText, seconds: float | None,
                    on_timeout: Callable[[SourceText, float], Any]) -> Any:
    """fn(item), interrupted after `seconds` by an interval timer when this is the main thread."""
    if seconds is None or not hasattr(signal, "setitimer"):
        return fn(item)
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except ValueError:  # not the main thread: signals cannot reach us here
        return fn(item)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            return fn(item)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except DocTimeout:
        return on_timeout(item, seconds)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _worker(conn: Connection, fn: Callable[[SourceText], Any], on_timeout: Callable[[SourceText, float], Any]) -> None:
    """A worker's life: receive (task, items, budgets), send (task, index, result) after each document."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, items, budgets = message
        for index, (item, seconds) in enumerate(zip(items, budgets, strict=True)):
            try:
                result = run_with_budget(fn, item, seconds, on_timeout)
            except DocTimeout:  # the timer fired after the document, while its result was handled
                result = on_timeout(item, seconds)
            conn.send((task, index, result))


@dataclass
class _Task:
    id: int
    first: int  # sequence number of its first item
    items: list[SourceText]
    budgets: list[float | None]


class _Worker:
    def __init__(self, ctx: Any, fn: Callable, on_timeout: Callable) -> None:  # noqa: ANN401
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker, args=(child, fn, on_timeout), daemon=True)
        self.process.start()
        child.close()
        self.task: _Task | None = None
        self.done = 0  # items of the task answered
        self.since = 0.0  # when the current item started, as far as we know

    def give(self, task: _Task) -> None:
        self.task, self.done, self.since = task, 0, time.monotonic()
        self.conn.send((task.id, task.items, task.budgets))

    def stop(self, kill: bool = False) -> None:
        if kill:
            with contextlib.suppress(OSError, ValueError):
                self.process.kill()
        else:
            with contextlib.suppress(OSError, ValueError, BrokenPipeError):
                self.conn.send(None)
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _context() -> Any:  # noqa: ANN401 - a multiprocessing context
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":  # workers fork from a server that has the extractors imported already
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _tasks(items: Iterable[SourceText], budget: DocBudget, task_chars: int) -> Iterator[_Task]:
    """Group documents into tasks of about `task_chars` characters (one long document is a task alone)."""
    chunk: list[SourceText] = []
    size = 0
    first = 0
    number = 0
    for item in items:
        chunk.append(item)
        size += len(item.text)
        if size >= task_chars:
            yield _Task(number, first, chunk, [budget.seconds(len(i.text)) for i in chunk])
            number, first, chunk, size = number + 1, first + len(chunk), [], 0
    if chunk:
        yield _Task(number, first, chunk, [budget.seconds(len(i.text)) for i in chunk])


def pool_map(fn: Callable[[SourceText], Any], items: Iterable[SourceText], *, jobs: int,
             budget: DocBudget, on_timeout: Callable[[SourceText, float], Any],
             on_death: Callable[[SourceText, str], Any], task_chars: int = TASK_CHARS) -> Iterator[Any]:
    """fn over items in `jobs` worker processes, results in input order (see the module docstring).

    `on_timeout(item, seconds)` and `on_death(item, reason)` make the result of a document that ran out
    of time or whose worker died; both are module-level functions (they run in workers too)."""
    ctx = _context()
    pending = _tasks(items, budget, task_chars)
    queue: deque[_Task] = deque()  # tasks (or the rest of a killed worker's task) waiting for a worker
    exhausted = False
    next_id = 1 << 40  # ids for re-queued remainders
    results: dict[int, Any] = {}
    next_out = 0
    workers: list[_Worker] = []
    window = 64 * jobs  # results held back for order before no new task is handed out

    def requeue(worker: _Worker) -> None:
        nonlocal next_id
        task = worker.task
        assert task is not None
        rest = worker.done + 1
        if rest < len(task.items):
            queue.appendleft(_Task(next_id, task.first + rest, task.items[rest:], task.budgets[rest:]))
            next_id += 1

    try:
        while True:
            # hand out work to idle workers (starting them lazily)
            while len(results) < window:
                idle = next((w for w in workers if w.task is None), None)
                if idle is None and len(workers) < jobs:
                    idle = _Worker(ctx, fn, on_timeout)
                    workers.append(idle)
                if idle is None:
                    break
                if not queue and not exhausted:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                    else:
                        queue.append(task)
                if not queue:
                    break
                idle.give(queue.popleft())
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
            busy = [w for w in workers if w.task is not None]
            if not busy:
                if exhausted and not queue:
                    break
                continue
            now = time.monotonic()
            deadlines = []
            for w in busy:
                assert w.task is not None
                seconds = w.task.budgets[w.done]
                deadlines.append(None if seconds is None else w.since + seconds + max(GRACE, seconds / 5))
            timeout = min((d for d in deadlines if d is not None), default=None)
            ready = wait([w.conn for w in busy], timeout=None if timeout is None else max(0.0, timeout - now))
            for w in busy:
                task = w.task
                assert task is not None
                if w.conn in ready:
                    try:
                        _task_id, index, result = w.conn.recv()
                    except (EOFError, OSError):
                        item = task.items[w.done]
                        w.process.join(timeout=5)
                        code = w.process.exitcode
                        results[task.first + w.done] = on_death(item, _death_reason(code))
                        requeue(w)
                        w.stop(kill=True)
                        workers.remove(w)
                        continue
                    results[task.first + index] = result
                    w.done = index + 1
                    w.since = time.monotonic()
                    if w.done == len(task.items):
                        w.task = None
                    continue
                seconds = task.budgets[w.done]
                if seconds is not None and time.monotonic() > w.since + seconds + max(GRACE, seconds / 5):
                    item = task.items[w.done]
                    results[task.first + w.done] = on_timeout(item, seconds)
                    requeue(w)
                    w.stop(kill=True)
                    workers.remove(w)
    finally:
        for w in workers:
            w.stop(kill=w.task is not None)


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"its worker process died of {name}{hint}"
    return f"its worker process died (exit code {code})"
