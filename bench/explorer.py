"""Size and open time of the offline HTML explorer (`kg export --format html`), against the issue's targets.

    python bench/explorer.py                         # seeds/, and seeds/ + ../shared/corpus when present
    python bench/explorer.py --store kg-store --runs 5

For each store: the export time, the file size, and the open time in Debian's headless Chromium (driven
by Playwright), from navigation start to the first view painted and interactive (the page sets
`window.kgReadyMs` from `performance.now()` then), median of --runs fresh browser contexts.  Prints a
table and pass/fail against TARGETS (they apply to the shared corpus; the seeds are for comparison).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.build import build
from kg.export import export
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TARGETS = {"size_mb": 5.0, "open_s": 3.0}  # on the shared corpus (issue 20)


def open_times(html: Path, runs: int) -> list[float]:
    """Seconds from navigation start to the first view painted, one fresh context per run."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1500, "height": 950})
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                              else route.abort())
                page = context.new_page()
                page.goto(html.as_uri(), timeout=60_000)
                page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
                times.append(page.evaluate("window.kgReadyMs") / 1000)
                context.close()
        finally:
            browser.close()
    return times


def measure(name: str, store_path: Path, out: Path, runs: int) -> dict:
    with KGStore.open(store_path, read_only=True) as store:
        start = time.perf_counter()
        export(store, "html", out)
        export_s = time.perf_counter() - start
    times = open_times(out, runs)
    return {"name": name, "export_s": export_s, "size_mb": out.stat().st_size / 1e6,
            "open_s": statistics.median(times), "open_runs": times}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", action="append", type=Path, help="measure this store (repeatable) instead of building")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        print("bench/explorer.py needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stores: list[tuple[str, Path]] = [(p.name, p) for p in args.store or []]
        if not stores:
            corpora = [("seeds", [ROOT / "seeds"])]
            shared = ROOT.parent / "shared" / "corpus"
            if shared.is_dir():
                corpora.append(("seeds + shared corpus", [ROOT / "seeds", shared]))
            else:
                print(f"{shared} is absent: measuring the seeds only", file=sys.stderr)
            for name, paths in corpora:
                path = work / name.replace(" ", "_").replace("+", "")
                with KGStore.open(path) as store:
                    build(paths, store, jobs=2)
                stores.append((name, path))
        for name, path in stores:
            rows.append(measure(name, path, work / f"{path.name}.html", args.runs))
    print(f"{'store':<24} {'export s':>9} {'size MB':>8} {'open s (median)':>16}  runs")
    for r in rows:
        runs = ", ".join(f"{t:.2f}" for t in r["open_runs"])
        print(f"{r['name']:<24} {r['export_s']:>9.2f} {r['size_mb']:>8.2f} {r['open_s']:>16.2f}  {runs}")
    print(f"targets on the shared corpus: size ≤ {TARGETS['size_mb']} MB, open ≤ {TARGETS['open_s']} s")
    for r in rows:
        verdict = all(r[k] <= v for k, v in TARGETS.items())
        print(f"  {r['name']}: {'pass' if verdict else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
