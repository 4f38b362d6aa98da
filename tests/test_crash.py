"""Crash safety: a real `kg build` killed with SIGKILL at random moments leaves a store that opens, whose
every document graph is complete (old or new version), and the next build finishes the job."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pyoxigraph import Store

from kg.store import KGStore
from kg.vocab import ONTOLOGY_GRAPH, VOCABULARY_GRAPH, iri

LINKS_GRAPH = iri("graph", "programme-links")

COUNTIES = ["麦积区", "秦州区", "甘谷县", "武山县", "清水县", "秦安县", "张家川县", "榆中县", "会宁县", "通渭县"]
DOCS = 200

Graphs = dict[str, frozenset[str]]


# the working tree's code, whatever `pip install -e` currently points at
ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def kg_command(*args: str) -> list[str]:
    """The real CLI in a child process, exactly as `kg` runs it (same main())."""
    return [sys.executable, "-m", "kg.cli", *args]


def make_corpus(dest: Path, version: int) -> None:
    """~200 small reports; version 1 changes every figure, so each document gets a new graph."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    for i in range(DOCS):
        county, year = COUNTIES[i % len(COUNTIES)], 2020 + i % 4
        households, people = rng.randint(5, 90), rng.randint(20, 400)
        money = rng.randint(100, 99999) / 10 + version
        (dest / f"doc{i:03d}.txt").write_text(
            f"{county}{year}年巩固脱贫成果情况（第{i}期）\n\n{year}年，{county}新识别监测对象{households}户"
            f"{people}人，落实帮扶资金{money}万元，新建蔬菜大棚{rng.randint(10, 900) + version}座。\n",
            encoding="utf-8")


def graphs(path: Path) -> Graphs:
    """Every graph of the store as a set of N-Quads lines (so stores can be compared graph by graph)."""
    store = Store.read_only(str(path))
    out: dict[str, set[str]] = {}
    for quad in store:
        out.setdefault(quad.graph_name.value, set()).add(str(quad))
    del store
    return {g: frozenset(q) for g, q in out.items()}


def build(corpus: Path, store: Path) -> float:
    started = time.monotonic()
    result = subprocess.run(kg_command("build", str(corpus), "--store", str(store), "-q", "--jobs", "1"), capture_output=True,
                            text=True, timeout=120, env=ENV)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return time.monotonic() - started


def kill_build(corpus: Path, store: Path, delay: float, done: int) -> None:
    """SIGKILL a real build `delay` seconds after its progress bar passes the `done` documents that are
    already stored (startup, the worker pool and skipping take most of a small build, so a delay
    counted from the start would mostly miss the writes)."""
    proc = subprocess.Popen(kg_command("build", str(corpus), "--store", str(store), "--jobs", "1"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True, env=ENV)
    assert proc.stderr is not None
    seen = b""
    while proc.poll() is None:
        chunk = proc.stderr.read1(4096)
        seen = (seen + chunk)[-200:]
        if not chunk or any(int(n) > done for n in re.findall(rb"(\d+)doc", seen)):
            break
    time.sleep(delay)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the workers die too, as on a power cut
    proc.wait(timeout=30)
    proc.stderr.close()


def check_complete(store_path: Path, versions: list[Graphs]) -> tuple[int, int]:
    """The store opens for writing; each document graph with a content hash equals one clean build's
    version of it (so it has all its observations).  A graph without a hash is a leftover of an
    interrupted bulk load (the build treats it as absent): it may only hold quads of a clean version.
    Returns (documents present, documents in the newest version)."""
    with KGStore.open(store_path) as store:
        documents = store.documents()
    current = graphs(store_path)
    hashed = {d.graph for d in documents.values()}
    known = set().union(*versions)
    for graph, quads in current.items():
        assert graph in known, f"graph {graph} is in no clean build"
        if graph == VOCABULARY_GRAPH.value:  # shared vocabulary only grows, one document at a time
            assert quads <= frozenset().union(*(clean.get(graph, frozenset()) for clean in versions))
        elif graph in hashed or graph in (ONTOLOGY_GRAPH.value, LINKS_GRAPH.value):
            assert any(quads == clean.get(graph) for clean in versions), f"graph {graph} is incomplete"
        else:
            assert any(quads <= clean.get(graph, frozenset()) for clean in versions), f"stray quads in {graph}"
    newest = sum(1 for g in hashed if current.get(g) == versions[-1].get(g))
    return len(documents), newest


def test_sigkill_at_random_moments_never_leaves_a_half_document(tmp_path: Path) -> None:
    old_corpus, new_corpus, work = tmp_path / "old", tmp_path / "new", tmp_path / "work"
    make_corpus(old_corpus, 0)
    make_corpus(new_corpus, 1)
    build(old_corpus, tmp_path / "clean-old")
    build(new_corpus, tmp_path / "clean-new")
    clean_old, clean_new = graphs(tmp_path / "clean-old"), graphs(tmp_path / "clean-new")
    assert len(clean_old) == len(clean_new) >= DOCS

    rng = random.Random(20240601)
    store = tmp_path / "store"
    shutil.copytree(old_corpus, work)
    present = 0
    # kills while the store fills up for the first time (new documents are written in batches, so a
    # kill mostly leaves none of them, or graphs without a hash from an interrupted bulk load) ...
    for _ in range(3):
        kill_build(work, store, rng.uniform(0.0, 0.35), present)
        if store.exists():
            present, _ = check_complete(store, [clean_old])
    build(work, store)
    assert graphs(store) == clean_old
    # ... and while every document is replaced by its new version (one transaction each)
    shutil.rmtree(work)
    shutil.copytree(new_corpus, work)
    newest, partial = 0, False
    for _ in range(3):
        kill_build(work, store, rng.uniform(0.0, 0.35), newest)
        _, newest = check_complete(store, [clean_old, clean_new])
        partial |= 0 < newest < DOCS
    assert partial, "no kill landed in the middle of a build: the test proved nothing (machine too fast/slow?)"
    build(work, store)
    assert graphs(store) == clean_new
