"""Cross-document links between discovered programmes (skos:exactMatch), decided at the end of a build.

Each document mints its own concept for a programme the scheme does not know; two of them are the same
programme when their names normalise to the same key (两不愁、三保障 / “两不愁三保障”) or pass the measured
similarity rule of kg.programmes (threshold, near-miss guard: 六必访 and 六必查 stay apart).
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from kg.programmes import ProgrammeScheme, near_miss, normalise_name, strip_generic_tail


def link_discovered(labels: list[str], scheme: ProgrammeScheme) -> list[tuple[str, str]]:
    """Pairs (a, b) of distinct labels, a < b, that name one programme; the caller writes exactMatch both ways."""
    distinct = sorted(set(labels))
    keys = [strip_generic_tail(normalise_name(label)) for label in distinct]
    if not distinct:
        return []
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=scheme.threshold)
    pairs: list[tuple[str, str]] = []
    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            same_key = keys[i] == keys[j]
            if same_key or (scores[i, j] >= scheme.threshold and not near_miss(keys[i], keys[j])):
                pairs.append((distinct[i], distinct[j]))
    return pairs
