"""The shared corpus, built as a user would: every export opens in the tools people use (rdflib for
Turtle, TriG, N-Quads and JSON-LD; networkx for GraphML and GEXF), the store passes `kg validate`, and
pruning it down to the seeds gives exactly a fresh build of the seeds.  Skipped without ../shared."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from pyoxigraph import Store

from kg.build import build
from kg.store import KGStore

pytestmark = [pytest.mark.shared, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]


@pytest.fixture(scope="module")
def corpus_store(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared corpus and the seeds in one store, built by the real CLI (with --strict: the corpus
    folder's README.md and SOURCES.tsv are no documents and must not fail it)."""
    path = tmp_path_factory.mktemp("corpus") / "store"
    done = subprocess.run([*KG, "build", str(shared_dir / "corpus"), str(ROOT / "seeds"), "--store", str(path),
                           "-q", "--strict"], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    assert "not documents, skipped: README.md, SOURCES.tsv" in done.stderr
    return path


def export(store: Path, fmt: str, out: Path) -> Path:
    done = subprocess.run([*KG, "export", "--format", fmt, "--store", str(store), "-o", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out


def test_rdf_exports_parse_in_rdflib(corpus_store: Path, tmp_path: Path) -> None:
    store = Store.read_only(str(corpus_store))
    quads = len(store)
    triples = len({q.triple for q in store})
    del store
    for fmt, rdflib_format in (("turtle", "turtle"), ("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")):
        out = export(corpus_store, fmt, tmp_path / f"corpus.{fmt}")
        if fmt == "turtle":
            graph = rdflib.Graph().parse(out, format=rdflib_format)
            assert len(graph) == triples
        else:
            dataset = rdflib.Dataset().parse(out, format=rdflib_format)
            assert sum(1 for _ in dataset.quads((None, None, None, None))) == quads, fmt
        out.unlink()


def test_graph_exports_read_in_networkx(corpus_store: Path, tmp_path: Path) -> None:
    from kg.export import project

    with KGStore.open(corpus_store, read_only=True) as store:
        expected = project(store)
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        graph = read(export(corpus_store, fmt, tmp_path / f"corpus.{fmt}"))
        assert graph.number_of_nodes() == expected.number_of_nodes(), fmt
        assert graph.number_of_edges() == expected.number_of_edges(), fmt
        values = [d["value"] for *_, d in graph.edges(data=True) if "value" in d]
        assert values and all(isinstance(v, float) for v in values)


def test_corpus_store_passes_kg_validate(corpus_store: Path) -> None:
    done = subprocess.run([*KG, "validate", "--store", str(corpus_store)], capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.startswith("conforms:")


def test_corpus_pruned_to_the_seeds_is_a_fresh_seeds_build(corpus_store: Path, seeds_store_path: Path,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "pruned"
    shutil.copytree(corpus_store, path)
    with KGStore.open(path) as store:
        summary = build([ROOT / "seeds"], store, prune=True)
    assert summary.removed > 500
    pruned, fresh = Store.read_only(str(path)), Store.read_only(str(seeds_store_path))
    assert sorted(map(str, pruned)) == sorted(map(str, fresh))
