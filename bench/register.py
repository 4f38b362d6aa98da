"""Cost of the town and village register (kg/register.py): file size, opening, memory, lookups.

    python bench/register.py            # load + lookups, in a fresh child process (a few seconds)
    python bench/register.py --stats    # also the counts for the README (names, ambiguity; ~10 s)

Figures go to stdout; the targets (issue 18) are: open <= 50-100 ms and <= 50 MB RSS per process,
a lookup <= 20 us.  Lookups are timed on names drawn from the register itself (fixed seed) and on
as many misses (the same names with one character changed), since most candidates in text are misses.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Resident set size of this process now (Linux /proc), in MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def per_call_us(fn, args: list, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for a in args:
            fn(*a)
        best = min(best, (time.perf_counter() - t) / len(args))
    return best * 1e6


def child(path: str, n: int) -> dict[str, float]:
    """Measured in a fresh interpreter so that import and open costs are real."""
    rss0 = rss_mb()
    t0 = time.perf_counter()
    from kg.register import Register

    t1 = time.perf_counter()
    rss_import = rss_mb()
    reg = Register(path)
    t2 = time.perf_counter()
    rss1 = rss_mb()
    rng = random.Random(18)
    total = int(reg.meta["names"])
    chosen = set(rng.sample(range(total), n))
    sample = [s for i, s in enumerate(reg.names()) if i in chosen]
    rng.shuffle(sample)
    misses = [s[:-2] + "羴" + s[-1] if len(s) > 1 else s + "羴" for s in sample]
    first_hits = per_call_us(reg._entries, [(s,) for s in sample], repeat=1)  # noqa: SLF001 - uncached
    rss2 = rss_mb()
    out = {
        "import_ms": (t1 - t0) * 1000, "open_ms": (t2 - t1) * 1000, "rss_before_mb": rss0,
        "rss_after_import_mb": rss_import,
        "rss_after_open_mb": rss1, "rss_after_lookups_mb": rss2,
        "entries_hit_uncached_us": first_hits,
        "entries_hit_uncached_median_us": per_call_median(reg._entries, sample),  # noqa: SLF001
        "entries_hit_uncached_p90_us": per_call_median(reg._entries, sample, 0.9),  # noqa: SLF001
        "entries_hit_cached_us": per_call_us(reg.entries, [(s,) for s in sample[:4000]]),
        "entries_miss_us": per_call_us(reg.entries, [(s,) for s in misses]),
        "contains_us": per_call_us(reg.__contains__, [(s,) for s in sample]),
        "under_hit_us": 0.0, "under_miss_us": 0.0,
        "stem_entries_us": per_call_us(reg.stem_entries, [(reg.stem(s),) for s in sample[:2000]], repeat=1),
        "stem_entries_median_us": per_call_median(reg.stem_entries, [reg.stem(s) for s in sample[2000:4000]]),
        "entries_和平村_uncached_us": per_call_us(reg._entries, [("和平村",)] * 20),  # noqa: SLF001
        "names_in_file": total,
    }
    hits = []
    for s in sample[:5000]:
        e = reg.entries(s)[0]
        hits.append((s, e.county, e.town))
    out["under_hit_us"] = per_call_us(reg.under, [(s, c) for s, c, _ in hits])
    out["under_hit_median_us"] = per_call_median(lambda a: reg.under(*a), [(s, c) for s, c, _ in hits])
    out["under_town_hit_us"] = per_call_us(reg.under, hits)
    out["under_miss_us"] = per_call_us(reg.under, [(s, "110101") for s, _, _ in hits])
    out["rss_end_mb"] = rss_mb()
    return out


def per_call_median(fn, args: list[str], q: float = 0.5) -> float:
    """Quantile `q` of single-call times (the mean hides that a few names have hundreds of entries)."""
    times = []
    for a in args[:5000]:
        t = time.perf_counter()
        fn(a)
        times.append(time.perf_counter() - t)
    times.sort()
    return times[int(len(times) * q)] * 1e6


def stats(path: str) -> dict[str, object]:
    """Counts for the README: how many names, how ambiguous."""
    from kg.register import Register

    reg = Register(path)
    by_counties: Counter[int] = Counter()
    stems: Counter[str] = Counter()
    top: list[tuple[int, str]] = []
    short_stems = 0
    for name in reg.names():
        k = len(reg.counties(name))
        by_counties[k] += 1
        top.append((k, name))
        stem = reg.stem(name)
        stems[stem] += 1
        short_stems += len(stem) == 1 and stem != name
    top.sort(reverse=True)
    total = sum(by_counties.values())
    return {
        "names": total,
        "names_in_1_county": by_counties[1],
        "names_in_2plus_counties": total - by_counties[1],
        "names_in_10plus_counties": sum(v for k, v in by_counties.items() if k >= 10),
        "names_in_100plus_counties": sum(v for k, v in by_counties.items() if k >= 100),
        "most_counties": [f"{n} {k}" for k, n in top[:12]],
        "counties_with_新村": len(reg.counties("新村")), "counties_with_和平村": len(reg.counties("和平村")),
        "distinct_stems": len(stems), "one_char_stems": short_stems,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--register", default=str(ROOT / "kg" / "data" / "register.bin"))
    ap.add_argument("-n", type=int, default=20000, help="names sampled for lookups")
    ap.add_argument("--stats", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.register, args.n)))
        return
    size = Path(args.register).stat().st_size
    print(f"file: {args.register} {size / 1e6:.2f} MB")
    proc = subprocess.run([sys.executable, __file__, "--child", "--register", args.register, "-n", str(args.n)],
                          capture_output=True, text=True, check=True)
    for k, v in json.loads(proc.stdout).items():
        print(f"{k:36} {v:10.2f}" if isinstance(v, float) else f"{k:36} {v}")
    if args.stats:
        for k, v in stats(args.register).items():
            print(f"{k:36} {v}")


if __name__ == "__main__":
    main()
