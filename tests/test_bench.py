"""Performance issue: the benchmark harness runs end to end and writes its JSON (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_quick_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "results"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--corpus", str(ROOT / "seeds"),
                           "--synthetic-mb", "0.1", "--out", str(out), "--workdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    files = list(out.glob("*.json"))
    assert len(files) == 1
    report = json.loads(files[0].read_text(encoding="utf-8"))
    assert set(report) >= {"timestamp", "targets", "corpora", "pass"}
    scaling = report["machine"]["core_scaling"]  # measured before and after the corpora
    assert len(scaling) == 2 and all(c["alone_s"] > 0 and c["speedup"] > 0 for c in scaling)
    assert set(report["pass"]) == {"build_vs_yardstick", "noop_vs_build", "query_median_ms", "peak_rss_mb"}
    assert set(report["corpora"]) == {"real", "synthetic"}
    for corpus in report["corpora"].values():
        assert {"docs", "chars", "yardstick", "full_build", "noop_build"} <= set(corpus)
        assert {"jieba_s", "rjieba_s", "chars"} <= set(corpus["yardstick"])
        full = corpus["full_build"]
        assert {"wall_s", "cpu_s", "peak_rss_mb", "chars_per_s", "docs_per_s", "quads_per_s",
                "ratio_to_yardstick", "pass"} <= set(full)
        assert full["returncode"] == 0 and full["quads"] > 0
        assert {"wall_s", "ratio_to_full", "pass"} <= set(corpus["noop_build"])
    queries = report["corpora"]["real"]["queries"]
    assert {"documents", "observations"} <= set(queries)
    assert all("median_ms" in q and "pass" in q for q in queries.values())
    assert report["corpora"]["real"]["noop_build"]["summary"].startswith("read 5 · changed 0 · skipped 5")
    assert "ratio to yardstick" in done.stdout and "cores at once" in done.stdout
