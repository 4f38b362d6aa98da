"""Bad input never loses data: every file in tests/fixtures/bad is read correctly or refused with a
one-line reason, the real `kg build` never shows a traceback, and good documents of the same run land."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

from make_bad_fixtures import write_binary_fixtures, write_huge_text  # noqa: E402

from kg.model import ReadFailure, SourceText  # noqa: E402
from kg.read import read_paths  # noqa: E402

BAD = FIXTURES / "bad"
GOOD = "2023年，麦积区全县新识别监测对象16户71人，落实帮扶资金3185.8万元。\n"

# file -> the start of the reason it must be refused with
REFUSED = {
    "empty.txt": "empty file",
    "image.txt": "binary file (PNG image)",
    "no_text_column.csv": "CSV has no text column",
    "no_documents.json": "JSON holds no documents",
    "chrome_only.html": "no body text left after removing page chrome",
    "huge.txt": "document too large",
}
# file -> (value, unit, quote) rows that must come back from the store
FIGURES = {
    "report_gbk.txt": [("16", "户", "麦积区全县新识别监测对象16户"), ("71", "人", "麦积区全县新识别监测对象16户71人"),
                       ("31858000", "元", "落实帮扶资金3185.8万元"), ("320", "座", "新建蔬菜大棚320座")],
    "report_big5.txt": [("23", "户", "秦州區全區新識別監測對象23戶"), ("96", "人", "秦州區全區新識別監測對象23戶96人"),
                        ("26504000", "元", "落實幫扶資金2650.4萬元"), ("1820", "人", "培訓農村勞動力1820人")],
    "scripts.html": [("16", "户", "清水县全县新识别监测对象16户"), ("71", "人", "清水县全县新识别监测对象16户71人"),
                     ("31858000", "元", "落实帮扶资金3185.8万元")],
    "nul_bytes.txt": [("9", "户", "武山县新识别监测对象9户"), ("37", "人", "武山县新识别监测对象9户37人"),
                      ("9805000", "元", "落实帮扶资金980.5万元")],
    "broken_front_matter.md": [("21", "户", "张家川县新识别监测对象21户"), ("23100000", "元", "落实帮扶资金2310万元")],
    "good.txt": [("16", "户", "麦积区全县新识别监测对象16户"), ("31858000", "元", "落实帮扶资金3185.8万元")],
}


# the working tree's code, whatever `pip install -e` currently points at
ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def kg_command(*args: str) -> list[str]:
    """The real CLI in a child process, exactly as `kg` runs it (same main())."""
    return [sys.executable, "-m", "kg.cli", *args]


def kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(kg_command(*args), capture_output=True, text=True, timeout=timeout, env=ENV)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bad fixtures (binary ones regenerated, 20 MB text generated) plus one good document."""
    root = tmp_path_factory.mktemp("bad")
    shutil.copytree(BAD, root / "bad")
    write_binary_fixtures(root / "bad")
    write_huge_text(root / "bad" / "huge.txt")
    (root / "good.txt").write_text("甘肃省天水市麦积区2023年工作报告\n\n" + GOOD, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(corpus: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    store = corpus / "store"
    result = kg("build", str(corpus / "bad"), str(corpus / "good.txt"), "--store", str(store), "-q", "--jobs", "2")
    return result, store


@pytest.fixture(scope="module")
def observations(built: tuple[subprocess.CompletedProcess[str], Path]) -> list[dict[str, str]]:
    result = kg("query", "observations", "--store", str(built[1]), "--format", "csv")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return rows(result.stdout)


def test_build_over_bad_folder_has_no_traceback(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = built
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("read ")


def test_every_refused_file_has_a_one_line_reason(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = built
    failed = {}
    for line in result.stderr.splitlines():
        if line.startswith("failed: "):
            name, _, reason = line[len("failed: "):].partition(": ")
            failed[name] = reason
    for name, reason in REFUSED.items():
        assert name in failed, f"{name} neither read nor refused: {result.stderr}"
        assert failed[name].startswith(reason), failed[name]
    # every line of stderr is either a failure line or a `kg:` line: reasons never span lines
    assert all(line.startswith(("failed: ", "kg: ")) for line in result.stderr.splitlines() if line.strip())


def test_every_good_document_is_in_the_store(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, store = built
    result = kg("query", "documents", "--store", str(store), "--format", "csv")
    assert result.returncode == 0, result.stderr
    files = {row["file"] for row in rows(result.stdout)}
    assert set(FIGURES) <= files
    assert not files & set(REFUSED)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figures_come_back_with_values_and_quotes(observations: list[dict[str, str]], name: str) -> None:
    got = {(r["value"], r["unit"], r["quote"]) for r in observations if r["file"] == name}
    for figure in FIGURES[name]:
        assert figure in got, f"{name}: {figure} not in {sorted(got)}"


def test_script_style_and_chrome_numbers_never_become_figures(observations: list[dict[str, str]]) -> None:
    values = {r["value"] for r in observations if r["file"] == "scripts.html"}
    assert not values & {"99990000", "88880000", "8888", "7777", "66660000", "5555", "44440000"}


def test_strict_build_exits_non_zero_but_keeps_good_documents(corpus: Path) -> None:
    store = corpus / "strict-store"
    result = kg("build", str(corpus / "bad" / "empty.txt"), str(corpus / "good.txt"), "--store", str(store),
                "-q", "--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    listed = kg("query", "documents", "--store", str(store), "--format", "csv")
    assert [r["file"] for r in rows(listed.stdout)] == ["good.txt"]


def test_nothing_readable_is_one_line_and_exit_1(corpus: Path) -> None:
    result = kg("build", str(corpus / "bad" / "image.txt"), "--store", str(corpus / "empty-store"), "-q")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "kg: nothing could be read" in result.stderr


def test_reader_decodes_legacy_encodings_and_strips_nul() -> None:
    """In-process check of the reader alone (fast, pins the decoded text)."""
    got = {item.file: item for item in read_paths([BAD])}
    gbk, big5, nul = got["report_gbk.txt"], got["report_big5.txt"], got["nul_bytes.txt"]
    assert isinstance(gbk, SourceText) and "落实帮扶资金3185.8万元" in gbk.text
    assert isinstance(big5, SourceText) and "落實幫扶資金2650.4萬元" in big5.text
    assert isinstance(nul, SourceText) and "\x00" not in nul.text and "武山县2023年工作总结" in nul.text
    assert isinstance(got["invalid_utf8.txt"], SourceText)
    assert "新识别监测对象12户48人" in got["invalid_utf8.txt"].text
    assert isinstance(got["image.txt"], ReadFailure)


def test_huge_text_is_refused_in_csv_rows_too(tmp_path: Path) -> None:
    """A container may be big, but one oversized record is refused alone and its neighbours are read."""
    body = "各乡镇持续推进乡村振兴工作。" * 60000  # ~2.5 MB of UTF-8
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "text"])
        writer.writerow(["大", body])
        writer.writerow(["小", GOOD])
    items = list(read_paths([path]))
    assert isinstance(items[0], ReadFailure) and "too large" in items[0].reason
    assert isinstance(items[1], SourceText) and items[1].part == "2"


def test_damaged_utf8_figures_are_stored(built: tuple[subprocess.CompletedProcess[str], Path],
                                        observations: list[dict[str, str]]) -> None:
    assert "invalid_utf8.txt" not in built[0].stderr
    got = {(r["value"], r["unit"]) for r in observations if r["file"] == "invalid_utf8.txt"}
    assert {("12", "户"), ("48", "人"), ("15600000", "元")} <= got


def test_html_quote_has_no_leading_entity(observations: list[dict[str, str]]) -> None:
    quotes = {r["quote"] for r in observations if r["file"] == "scripts.html"}
    assert "新建高标准农田2.5万亩" in quotes
