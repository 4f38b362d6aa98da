"""Cross-document links between discovered programmes (skos:exactMatch), decided at the end of a build.

Each document mints its own concept for a programme the scheme does not know; two of them are the same
programme when their names normalise to the same key (两不愁、三保障 / “两不愁三保障”) or pass the measured
similarity rule of kg.programmes (threshold, near-miss guard: 六必访 and 六必查 stay apart).
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from kg.programmes import ProgrammeScheme, near_miss, normalise_name, strip_generic_tail


def link_discovered(labels: list[str], scheme: ProgrammeScheme) -> list[tuple[str, str]]:
    """Pairs (a, b) of distinct labels, a < b, that name one programme; the caller writes exactMatch both ways."""
    distinct = sorted(set(labels))
    keys = [strip_generic_tail(normalise_name(label)) for label in distinct]
    if not distinct:
        return []
    # all-pairs similarity in rapidfuzz's C++ (both cores), then the Python rule on candidates only
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=scheme.threshold, dtype=np.uint8,
                           workers=-1)
    rows, cols = np.nonzero(np.triu(scores >= scheme.threshold, 1))
    pairs: set[tuple[str, str]] = set()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if keys[i] == keys[j] or not near_miss(keys[i], keys[j]):
            pairs.add((distinct[i], distinct[j]))
    by_key: dict[str, list[str]] = {}
    for label, key in zip(distinct, keys, strict=True):  # same key: one programme (even if the score is low)
        by_key.setdefault(key, []).append(label)
    for group in by_key.values():
        pairs.update((a, b) for n, a in enumerate(group) for b in group[n + 1:])
    return sorted(pairs)
