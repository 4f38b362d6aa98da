"""Issue 2: the seeds build into an on-disk store, rebuilds are incremental, the CLI answers SPARQL."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build
from kg.knowledge import KnowledgeBase
from kg.store import KGStore

KB = KnowledgeBase.shipped()

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI; output decoded without newline translation (SPARQL CSV uses CRLF)."""
    done = subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, cwd=cwd, timeout=300)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8"),
                                       done.stderr.decode("utf-8"))


def all_quads(path: Path) -> set[tuple[str, str, str, str]]:
    with KGStore.open(path, read_only=True) as store:
        return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.store}


def test_cli_build_and_documents_query(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = kg("build", str(SEEDS), "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert "read 5 · changed 5 · skipped 0 · failed 0" in done.stdout
    out = kg("query", "documents", "--store", str(store), "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    assert [r["file"] for r in rows] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert list(rows[0]) == ["file", "title", "date", "publisher", "url"]
    assert out.stdout.startswith("file,title,date,publisher,url\r\n")  # SPARQL 1.1 CSV uses CRLF


def test_documents_match_gold_keys(seeds_store_path: Path, shared_dir: Path) -> None:
    with KGStore.open(seeds_store_path, read_only=True) as store:
        from kg.query import named_queries

        rows = {r["file"]: r for r in store.rows(named_queries()["documents"].read_text(encoding="utf-8"))}
    for path in sorted((shared_dir / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        row = rows[gold["file"]]
        assert row["title"] == gold["title"]
        assert row["date"] == gold["date"]
        if gold["publisher"]:
            assert row["publisher"] == gold["publisher"]


def test_rebuild_is_a_no_op_and_an_edit_rebuilds_one_document(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = tmp_path / "store"
    with KGStore.open(path) as store:
        first = build([seeds], store, jobs=1)
    before = all_quads(path)
    with KGStore.open(path) as store:
        again = build([seeds], store, jobs=1)
    assert (again.changed, again.skipped) == (0, 5)
    assert all_quads(path) == before

    target = seeds / "000_ba2591f620f4a0fb.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("5800亩", "5900亩"), encoding="utf-8")
    with KGStore.open(path) as store:
        edited = build([seeds], store, jobs=1)
    assert (edited.changed, edited.skipped) == (1, 4)
    after = all_quads(path)
    changed_graphs = {q[3] for q in before ^ after if "graph/vocabulary" not in q[3]}
    assert len(changed_graphs) == 1, changed_graphs
    assert first.quads > 1000


def test_same_input_gives_same_iris(tmp_path: Path) -> None:
    for name in ("a", "b"):
        with KGStore.open(tmp_path / name) as store:
            build([SEEDS], store, jobs=1)
    assert all_quads(tmp_path / "a") == all_quads(tmp_path / "b")


def test_prune_removes_only_with_flag(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = tmp_path / "store"
    with KGStore.open(path) as store:
        build([seeds], store, jobs=1)
    (seeds / "004_9fd3efb27d8e354d.txt").unlink()
    with KGStore.open(path) as store:
        kept = build([seeds], store, jobs=1)
        assert len(store.documents()) == 5 and kept.removed == 0
        pruned = build([seeds], store, jobs=1, prune=True)
        assert len(store.documents()) == 4 and pruned.removed == 1


def test_unreadable_file_is_one_line_and_build_goes_on(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEEDS / "000_ba2591f620f4a0fb.txt", docs)
    (docs / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    done = kg("build", str(docs), "--store", str(tmp_path / "s"), "-q")
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert "broken.txt: binary file (PNG image), not text" in done.stderr
    assert "failed 1" in done.stdout
    strict = kg("build", str(docs), "--store", str(tmp_path / "s"), "-q", "--strict")
    assert strict.returncode == 1
    nothing = kg("build", str(tmp_path / "missing"), "--store", str(tmp_path / "s2"), "-q")
    assert nothing.returncode != 0 and "Traceback" not in nothing.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_formats_and_sources(seeds_store_path: Path, tmp_path: Path, fmt: str) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?d a <https://w3id.org/kg-rural/ontology#SourceDocument> }")
    for query in ("documents", str(rq), rq.read_text()):
        done = kg("query", query, "--store", str(seeds_store_path), "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
    assert kg("--version").stdout.startswith("kg ")


def test_every_quote_sits_at_its_start_offset_in_the_original_text(seeds_store_path: Path) -> None:
    """A quoted fact stores kgo:quote and kgo:quoteStart only: its end is the start plus the quote's length,
    so the quote must be exactly the original (decoded, unconverted) text from that offset."""
    from kg.model import SourceText
    from kg.normalize import normalise
    from kg.read import read_paths

    originals = {item.file: normalise(item, KB).source for item in read_paths([SEEDS])
                 if isinstance(item, SourceText)}
    sparql = """PREFIX kgo: <https://w3id.org/kg-rural/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?t ?file ?quote ?start ?end WHERE {
          ?x a ?t ; kgo:quote ?quote ; kgo:quoteStart ?start ; prov:wasDerivedFrom ?d .
          ?d kgo:fileName ?file OPTIONAL { ?x kgo:quoteEnd ?end } }"""
    kinds: set[str] = set()
    with KGStore.open(seeds_store_path, read_only=True) as store:
        for row in store.query(sparql):
            start, quote = int(row["start"].value), row["quote"].value
            assert originals[row["file"].value][start:start + len(quote)] == quote
            assert row["end"] is None  # derivable, so not stored
            kinds.add(row["t"].value.rsplit("#", 1)[-1])
    assert {"Observation", "ProgrammeMention", "Partnership"} <= kinds
