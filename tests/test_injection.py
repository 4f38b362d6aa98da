"""Query parameters are typed SPARQL bindings, never text: injection strings match nothing, change
nothing and never show a traceback."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

INJECTIONS = [
    '麦积区" } ; DROP ALL ; #',
    "<http://x> } UNION { ?s ?p ?o",
    "'; DELETE WHERE {?s ?p ?o}",
    '麦积区"@zh } UNION { ?s ?p ?o } #',
    '"""麦积区""" } ; INSERT DATA { <http://evil> <http://evil> "x" } #',
    "麦积区\\\" ; CLEAR DEFAULT",
    "?region",
    "$region } DROP ALL",
    "麦积区\n} ; DROP ALL ; #",
    "<http://x y> } ; DROP ALL",
]
# values that look like an IRI: a term must be made of them, or a one-line error, never a traceback
IRI_LIKE = ["<http://x>}UNION{?s?p?o>", "<>", "<javascript:alert(1)>"]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=60,
                          env=ENV)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def snapshot(path: Path) -> frozenset[str]:
    store = Store.read_only(str(path))
    quads = frozenset(str(q) for q in store)
    del store
    return quads


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inject")
    (root / "maiji.txt").write_text("甘肃省天水市麦积区2023年工作报告\n\n2023年，麦积区全县新识别监测对象16户71人，"
                                    "落实帮扶资金3185.8万元。\n", encoding="utf-8")
    (root / "qinzhou.txt").write_text("2023年，秦州区新识别监测对象23户96人。\n", encoding="utf-8")
    result = kg("build", str(root / "maiji.txt"), str(root / "qinzhou.txt"), "--store", str(root / "store"), "-q",
                "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return root / "store"


def test_binding_filters_by_region(store: Path) -> None:
    """The control: the same binding with a real name does select (so empty results below mean something)."""
    result = kg("query", "observations", "--store", str(store), "--bind", "region=麦积区", "--format", "csv")
    assert result.returncode == 0, result.stderr
    got = rows(result.stdout)
    assert got and {r["region"] for r in got} == {"麦积区"}
    assert {r["value"] for r in got} >= {"16", "71", "31858000"}


@pytest.mark.parametrize(("name", "value"), [("region", v) for v in INJECTIONS]
                         + [("indicator", v) for v in INJECTIONS[:3]])
def test_injection_strings_match_nothing_and_change_nothing(store: Path, name: str, value: str) -> None:
    before = snapshot(store)
    result = kg("query", "observations", "--store", str(store), "--bind", f"{name}={value}", "--format", "csv")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout) == []
    assert snapshot(store) == before


def test_bindings_in_process_are_terms_not_text(store: Path) -> None:
    """KGStore.query with every injection string at once: typed substitutions, results empty."""
    sparql = "SELECT ?o ?label WHERE { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    with KGStore.open(store, read_only=True) as kgs:
        for value in INJECTIONS:
            assert list(kgs.query(sparql, {"label": value})) == []
        assert list(kgs.query(sparql, {"label": "麦积区"}))


def test_update_text_as_a_query_is_refused_in_one_line(store: Path) -> None:
    before = snapshot(store)
    for text in ("SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "DROP ALL", "DELETE WHERE { ?s ?p ?o }",
                 "INSERT DATA { <http://a> <http://a> <http://a> } ; SELECT * WHERE {}"):
        result = kg("query", text, "--store", str(store))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.startswith("kg: ") and result.stderr.count("\n") == 1
    assert snapshot(store) == before


def test_bad_bind_syntax_is_one_line(store: Path) -> None:
    result = kg("query", "observations", "--store", str(store), "--bind", "re gion=x")
    assert result.returncode == 2 and result.stderr.startswith("kg: --bind") and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", IRI_LIKE[:2])
def test_iri_like_values_never_show_a_traceback(store: Path, value: str) -> None:
    before = snapshot(store)
    result = kg("query", "observations", "--store", str(store), "--bind", f"region={value}", "--format", "csv")
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2)
    assert result.returncode == 2 or rows(result.stdout) == []
    assert snapshot(store) == before


def test_valid_iri_binding_is_a_term(store: Path) -> None:
    result = kg("query", "observations", "--store", str(store), "--bind", f"region={IRI_LIKE[2]}", "--format", "csv")
    assert result.returncode == 0 and "Traceback" not in result.stderr and rows(result.stdout) == []


def test_binding_an_unknown_variable_is_one_line(store: Path) -> None:
    result = kg("query", "observations", "--store", str(store), "--bind", "foo=1")
    assert "Traceback" not in result.stderr
    assert result.returncode == 2 and result.stderr.startswith("kg: ") and "foo" in result.stderr
