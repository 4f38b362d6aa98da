"""Queries, exports and evaluation see only complete documents: a graph whose kgo:contentHash quad is
missing (what a build killed during a bulk load leaves, see kg.build._Writer) is treated as absent, as
the builder treats it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

import kg
from kg.build import DocResult, build, process_source
from kg.export import export, project
from kg.model import SourceText
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
TEXT = "昭觉县2023年巩固脱贫成果\n\n2023年，昭觉县新建蔬菜大棚120座，发放小额信贷3.6亿元，新识别监测对象37户152人。\n"


@pytest.fixture(scope="module")
def half_written(seeds_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DocResult]:
    """The seeds store plus one document written as a bulk load leaves it when the build is killed
    before the hashes: its body and vocabulary, without the kgo:contentHash quad."""
    path = tmp_path_factory.mktemp("crash") / "store"
    shutil.copytree(seeds_store_path, path)
    result = process_source(SourceText(file="unfinished.txt", text=TEXT, media_type="text/plain"))
    assert isinstance(result, DocResult) and result.observations >= 3
    with KGStore.open(path) as store:
        store.bulk_put(result.body + b"".join(result.vocabulary))
        assert store.has_graph(result.graph) and "unfinished.txt" not in store.documents()
    return path, result


def test_named_queries_do_not_list_it(half_written: tuple[Path, DocResult]) -> None:
    path, _result = half_written
    for name in ("documents", "observations", "regions", "programs"):
        done = subprocess.run([*KG, "query", name, "--store", str(path), "--format", "csv"], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "unfinished.txt" not in done.stdout
        assert "000_ba2591f620f4a0fb.txt" in done.stdout  # the complete ones are there
    with kg.open(path) as g:
        assert not any(r["region"] == "昭觉县" for r in g.query("observations"))
        rollup = g.query("region-rollup", regionName="昭觉县")
        assert rollup == []
        # an ad-hoc query over the union does not see it either
        assert g.query("SELECT ?f WHERE { ?d <https://w3id.org/kg-rural/ontology#fileName> ?f "
                       "FILTER(?f = 'unfinished.txt') }") == []


def test_exports_leave_it_out(half_written: tuple[Path, DocResult], tmp_path: Path) -> None:
    path, result = half_written
    with KGStore.open(path, read_only=True) as store:
        export(store, "nquads", tmp_path / "all.nq")
        export(store, "turtle", tmp_path / "all.ttl")
        graph = project(store)
    assert f"<{result.graph}>" not in (tmp_path / "all.nq").read_text(encoding="utf-8")
    assert "<https://w3id.org/kg-rural/id/graph/" in (tmp_path / "all.nq").read_text(encoding="utf-8")
    turtle = rdflib.Graph().parse(tmp_path / "all.ttl", format="turtle")
    assert not any(str(o) == "unfinished.txt" for o in turtle.objects())
    assert not any(d.get("file") == "unfinished.txt" for _n, d in graph.nodes(data=True))


def test_the_next_build_completes_it(half_written: tuple[Path, DocResult], tmp_path: Path) -> None:
    path, _result = half_written
    copy = tmp_path / "store"
    shutil.copytree(path, copy)
    source = tmp_path / "in"
    source.mkdir()
    (source / "unfinished.txt").write_text(TEXT, encoding="utf-8")
    with KGStore.open(copy) as store:
        build([source], store, jobs=1)
    with kg.open(copy) as g:
        assert "unfinished.txt" in {r["file"] for r in g.query("documents")}
