"""kg eval: the README's example runs in any clone (answer keys for the project's own fixtures), and
answer keys whose document is not in the store are named, not scored as zero."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "gold"
DOCS = ROOT / "tests" / "fixtures" / "docs"
KG = [sys.executable, "-m", "kg.cli"]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def fixtures_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("eval") / "fixtures-store"
    done = kg("build", "tests/fixtures/docs", "--store", str(path), "-q", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return path


def test_the_answer_keys_quote_their_documents() -> None:
    keys = sorted(GOLD.glob("*.json"))
    assert len(keys) >= 3
    for key in keys:
        gold = json.loads(key.read_text(encoding="utf-8"))
        text = (DOCS / gold["file"]).read_text(encoding="utf-8")
        assert gold["facts"] and all(f["quote"] in text for f in gold["facts"]), key.name
        assert {r["name"] for r in gold["regions"]} >= {f["region"] for f in gold["facts"]}


def test_readme_example_scores_every_document(fixtures_store: Path) -> None:
    done = kg("eval", "tests/fixtures/gold", "--store", str(fixtures_store))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    files = {json.loads(k.read_text(encoding="utf-8"))["file"] for k in GOLD.glob("*.json")}
    assert {line.split()[0] for line in lines[1:-1]} == files
    total = lines[-1].split()
    assert total[0] == "TOTAL" and int(total[1]) == sum(
        len(json.loads(k.read_text(encoding="utf-8"))["facts"]) for k in GOLD.glob("*.json"))
    assert float(total[4]) > 0.5  # recall: the extractor finds most of these figures
    assert "not in the store" not in done.stdout


def test_missing_documents_are_named(tmp_path: Path, fixtures_store: Path, seeds_store_path: Path) -> None:
    none = kg("eval", "tests/fixtures/gold", "--store", str(seeds_store_path))
    assert none.returncode == 1 and "none of the 3 documents" in none.stderr
    assert "not in the store, not scored (3): county_report.txt, fund_notice.txt, work_summary.txt" in none.stdout
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(DOCS / "fund_notice.txt", one)
    store = tmp_path / "store"
    assert kg("build", str(one), "--store", str(store), "-q", "--jobs", "1").returncode == 0
    some = kg("eval", "tests/fixtures/gold", "--store", str(store))
    assert some.returncode == 0
    assert "TOTAL (1 of 3 documents)" in some.stdout
    assert "not in the store, not scored (2): county_report.txt, work_summary.txt" in some.stdout


def test_a_missing_gold_folder_is_one_line(fixtures_store: Path) -> None:
    done = kg("eval", "../no-such-gold", "--store", str(fixtures_store))
    assert done.returncode == 2 and "tests/fixtures/gold" in done.stderr and "Traceback" not in done.stderr
