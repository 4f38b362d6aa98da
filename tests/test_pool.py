"""The worker pool (kg.pool): every document within its time budget, results in input order, a dead or
stuck worker costing one document, and no worker left behind when the build is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from kg.build import DocFailure, worker_died
from kg.build import timed_out as build_timed_out
from kg.model import SourceText
from kg.pool import DocBudget, pool_map

ROOT = Path(__file__).resolve().parent.parent


def _source(key: str, text: str = "全县投入资金500万元。") -> SourceText:
    return SourceText(file=key, text=text)


# --- functions the workers run (module level, so worker processes can import them) ----------------


def echo(item: SourceText) -> str:
    return item.key


def busy_unless_told(item: SourceText) -> str:
    """A Python loop that only a timer can stop (`loop` documents)."""
    while item.key.startswith("loop"):
        pass
    return item.key


def deaf(item: SourceText) -> str:
    """Code that ignores the worker's timer, as C code would (`deaf` documents)."""
    if item.key.startswith("deaf"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            pass
    return item.key


def dies(item: SourceText) -> str:
    if item.key.startswith("die"):
        os.kill(os.getpid(), signal.SIGKILL)
    return item.key


def timed_out(item: SourceText, seconds: float) -> str:
    return f"timeout:{item.key}"


def died(item: SourceText, reason: str) -> str:
    return f"died:{item.key}:{reason}"


TINY = DocBudget(per_100k=0.5, minimum=0.5)


def _run(fn, keys: list[str], jobs: int = 2, budget: DocBudget = TINY) -> list[str]:  # noqa: ANN001
    return list(pool_map(fn, [_source(k) for k in keys], jobs=jobs, budget=budget, on_timeout=timed_out,
                         on_death=died, task_chars=30))


def test_results_come_back_in_input_order() -> None:
    keys = [f"doc{i}" for i in range(40)]
    assert _run(echo, keys) == keys


def test_a_runaway_python_loop_is_stopped_by_the_worker_timer() -> None:
    started = time.monotonic()
    out = _run(busy_unless_told, ["a", "loop1", "b", "c"])
    assert out == ["a", "timeout:loop1", "b", "c"]
    assert time.monotonic() - started < 10


def test_a_worker_deaf_to_its_timer_is_killed_and_the_rest_goes_on() -> None:
    started = time.monotonic()
    out = _run(deaf, ["a", "b", "deaf1", "c", "d", "e"], jobs=1)
    assert out == ["a", "b", "timeout:deaf1", "c", "d", "e"]
    assert time.monotonic() - started < 15  # budget 0.5 s + grace 2 s, plus a new worker


def test_a_dead_worker_costs_only_its_document() -> None:
    out = _run(dies, ["a", "die1", "b", "c", "die2", "d"])
    assert out[0] == "a" and out[2:4] == ["b", "c"] and out[5] == "d"
    assert out[1].startswith("died:die1:") and "SIGKILL" in out[1]
    assert out[4].startswith("died:die2:")


def test_failures_made_by_the_build_name_the_budget() -> None:
    failure = build_timed_out(_source("x.txt", "字" * 250_000), 12.5)
    assert isinstance(failure, DocFailure) and failure.lasting
    assert failure.reason.startswith("timed out after 12 s") and "250,000 characters" in failure.reason
    assert "--doc-timeout" in failure.reason
    assert not worker_died(_source("y.txt"), "its worker process died of SIGKILL").lasting


def test_budget_grows_with_length_and_can_be_turned_off() -> None:
    budget = DocBudget(per_100k=5, minimum=5)
    assert budget.seconds(1_000) == 5 and budget.seconds(400_000) == 20
    assert DocBudget(per_100k=0).seconds(10**6) is None


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """SIGKILL the process that runs the pool while its worker is stuck: the worker goes too."""
    pids = tmp_path / "pids"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]
        from kg.model import SourceText
        from kg.pool import DocBudget, pool_map
        import test_pool
        for _ in pool_map(test_pool.record_and_spin, [SourceText(file={str(pids)!r}, text="x")], jobs=1,
                          budget=DocBudget(per_100k=0), on_timeout=test_pool.timed_out, on_death=test_pool.died):
            pass
    """)
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pids.exists(), "the worker never started"
    worker = int(pids.read_text())
    os.kill(worker, 0)  # alive while its parent is
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.05)
    assert not _alive(worker), "the worker outlived the killed build"


def record_and_spin(item: SourceText) -> str:
    Path(item.file).write_text(str(os.getpid()))
    while True:
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
