"""kg build on the command line: a path that is not there fails the command, and the files of a walked
folder that are no documents (README, SOURCES.tsv, licences) are skipped and listed, not failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kg
from kg.read import is_document_name

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, "build", *args, "-q", "--jobs", "1"], capture_output=True, text=True, timeout=120)


def test_a_missing_path_fails_the_command(tmp_path: Path) -> None:
    done = run(str(ROOT / "seeds" / "000_ba2591f620f4a0fb.txt"), str(tmp_path / "missing"),
               "--store", str(tmp_path / "store"))
    assert done.returncode == 1
    assert "missing: no such file or folder" in done.stderr and "Traceback" not in done.stderr
    assert "changed 1" in done.stdout  # what was there is built all the same
    nothing = run(str(tmp_path / "missing"), "--store", str(tmp_path / "store2"))
    assert nothing.returncode == 1 and "nothing to build" in nothing.stderr


def test_non_documents_in_a_folder_are_skipped_and_listed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "README.md").write_text("# About these reports\n\nFive reports from 2022.\n", encoding="utf-8")
    (corpus / "SOURCES.tsv").write_text("file\turl\n000.txt\thttps://example.org\n", encoding="utf-8")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "LICENSE").write_text("CC BY 4.0\n", encoding="utf-8")
    done = run(str(corpus), "--store", str(tmp_path / "store"), "--strict")
    assert done.returncode == 0, done.stderr
    assert "not documents, skipped: README.md, SOURCES.tsv, sub/LICENSE" in done.stderr
    assert "failed 0" in done.stdout and "changed 5" in done.stdout
    with kg.open(tmp_path / "store") as g:
        assert "README.md" not in {r["file"] for r in g.query("documents")}
    named = run(str(corpus / "README.md"), "--store", str(tmp_path / "store"))  # named on purpose: read
    assert named.returncode == 0 and "changed 1" in named.stdout


def test_the_rule() -> None:
    assert not any(is_document_name(n) for n in ("README.md", "readme.txt", "SOURCES.tsv", "data.tsv",
                                                 "LICENSE", "Licence.txt", "COPYING", "CHANGELOG.md", "NOTICE"))
    assert all(is_document_name(n) for n in ("report.md", "income_sources.txt",
                                             "2023-readme-notes.txt", "news.json"))
