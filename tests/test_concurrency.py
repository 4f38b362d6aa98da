"""Concurrent use: a second writer fails at once naming the holder; queries run while a build writes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.store import LOCK_NAME

COUNTIES = ["麦积区", "秦州区", "甘谷县", "武山县", "清水县", "秦安县"]


# the working tree's code, whatever `pip install -e` currently points at
ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def kg_command(*args: str) -> list[str]:
    """The real CLI in a child process, exactly as `kg` runs it (same main())."""
    return [sys.executable, "-m", "kg.cli", *args]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(kg_command(*args), capture_output=True, text=True, timeout=60, env=ENV)


@pytest.fixture()
def running_build(tmp_path: Path):  # noqa: ANN201 - generator fixture
    """A store with one document, then a long real `kg build` (holding the writer lock) on it."""
    store, slow = tmp_path / "store", tmp_path / "slow"
    (tmp_path / "first.txt").write_text("2023年，麦积区新识别监测对象16户71人。\n", encoding="utf-8")
    assert kg("build", str(tmp_path / "first.txt"), "--store", str(store), "-q").returncode == 0
    slow.mkdir()
    for i in range(800):
        county = COUNTIES[i % len(COUNTIES)]
        (slow / f"d{i:04d}.txt").write_text(f"2023年，{county}新识别监测对象{i % 90 + 1}户{i % 300 + 20}人，"
                                            f"落实帮扶资金{i + 100}万元。\n", encoding="utf-8")
    proc = subprocess.Popen(kg_command("build", str(slow), "--store", str(store), "-q", "--jobs", "1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    lock = store.parent / f".{store.name}.{LOCK_NAME}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the lock file names the holder once it holds the lock
        try:
            if json.loads(lock.read_text(encoding="utf-8")).get("pid") == proc.pid:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    else:
        proc.kill()
        pytest.fail("the first build never took the writer lock")
    yield proc, store, tmp_path
    proc.kill()
    proc.wait(timeout=30)


def test_second_writer_fails_at_once_naming_the_holder(running_build) -> None:  # noqa: ANN001
    proc, store, tmp = running_build
    started = time.monotonic()
    second = kg("build", str(tmp / "first.txt"), "--store", str(store), "-q")
    elapsed = time.monotonic() - started
    assert proc.poll() is None, "the first build ended too early: the test proved nothing"
    assert second.returncode == 2
    assert elapsed < 10  # fails at once (interpreter start-up included), never waits for the lock
    message = second.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("kg: ") and f"pid {proc.pid}" in message and " build " in message
    assert "RocksDB" not in message and "IO error" not in message and "LOCK" not in message


def test_query_runs_read_only_while_a_build_writes(running_build) -> None:  # noqa: ANN001
    proc, store, _ = running_build
    answered = 0
    for _ in range(3):
        result = kg("query", "documents", "--store", str(store), "--format", "csv")
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        files = [row["file"] for row in csv.DictReader(io.StringIO(result.stdout))]
        assert "first.txt" in files
        answered += proc.poll() is None
    assert answered, "the build finished before any query ran: the test proved nothing"
    # and the build was not disturbed by the readers
    proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
