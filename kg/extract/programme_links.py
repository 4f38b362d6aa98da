"""Cross-document links between discovered programmes, decided at the end of a build.

Each document mints its own concept for a programme the scheme does not know; two of them are the same
programme (skos:exactMatch) when their names normalise to the same key (两不愁、三保障 / “两不愁三保障”) or pass
the measured similarity rule of kg.programmes (threshold, near-miss guard: 六必访 and 六必查 stay apart).  A
discovered name that is a place (or province abbreviations) before a scheme programme's label is that
programme as a region runs it: a narrower concept of it (skos:broader), not the same programme
(甘肃省乡村建设行动 -> 乡村建设行动).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import numpy as np
from rapidfuzz import fuzz, process

from kg.gazetteer import Gazetteer
from kg.programmes import ProgrammeScheme, near_miss, normalise_name

MIN_PROGRAMME = 4  # characters a scheme label must keep after the place: 甘肃省农业 is no regional variant


def link_discovered(labels: list[str], scheme: ProgrammeScheme) -> list[tuple[str, str]]:
    """Pairs (a, b) of distinct labels, a < b, that name one programme; the caller writes exactMatch both ways."""
    distinct = sorted(set(labels))
    keys = [scheme.strip_generic_tail(normalise_name(label)) for label in distinct]
    if not distinct:
        return []
    pairs: set[tuple[str, str]] = set()
    for i, j in _similar_pairs(keys, scheme.threshold):
        if keys[i] == keys[j] or not near_miss(keys[i], keys[j], scheme.heads):
            pairs.add((distinct[i], distinct[j]))
    by_key: dict[str, list[str]] = {}
    for label, key in zip(distinct, keys, strict=True):  # same key: one programme (even if the score is low)
        by_key.setdefault(key, []).append(label)
    for group in by_key.values():
        pairs.update((a, b) for n, a in enumerate(group) for b in group[n + 1:])
    return sorted(pairs)


def _similar_pairs(keys: list[str], threshold: float, block: int = 2048) -> Iterator[tuple[int, int]]:
    """Index pairs (i, j) of keys whose rapidfuzz ratio reaches `threshold`, each pair once.

    ratio = 2·matches / (len a + len b), so a key of length L can only reach the threshold with keys of
    length at most L·(200/threshold − 1): sorted by length, each block of keys is compared (rapidfuzz's
    C++, both cores) with the window of keys it can match only, which keeps time and memory far below
    the all-pairs matrix (memory: `block` × window, whatever the number of labels)."""
    order = sorted(range(len(keys)), key=lambda i: (len(keys[i]), i))
    lengths = [len(keys[i]) for i in order]
    factor = 200.0 / threshold - 1 if threshold > 0 else float("inf")
    for lo in range(0, len(order), block):
        hi = min(lo + block, len(order))
        stop = bisect.bisect_right(lengths, lengths[hi - 1] * factor)
        rows = [keys[i] for i in order[lo:hi]]
        cols = [keys[i] for i in order[lo:stop]]
        scores = process.cdist(rows, cols, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8, workers=-1)
        for r, c in zip(*np.nonzero(scores >= threshold), strict=True):
            if r < c:  # each pair once: the window starts at the block's first key
                a, b = order[lo + r], order[lo + c]
                yield min(a, b), max(a, b)


def _place_prefix(prefix: str, gazetteer: Gazetteer) -> bool:
    """A division's name or short form (甘肃省, 甘肃, 临夏州), or one or two province abbreviations (浙川, 粤)."""
    if gazetteer.forms(prefix):
        return True
    return 0 < len(prefix) <= 2 and all(gazetteer.abbreviation(c) for c in prefix)


def regional_variants(labels: list[str], scheme: ProgrammeScheme, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """(label, concept id) for discovered names that are a place before a scheme label (alias table only):
    the place's own run of that national programme, written as its narrower concept."""
    out: list[tuple[str, str]] = []
    for label in sorted(set(labels)):
        key = normalise_name(label)
        for n in range(1, len(key) - MIN_PROGRAMME + 1):
            concept = scheme.lookup(key[n:])
            if concept is not None and _place_prefix(key[:n], gazetteer):
                out.append((label, concept))
                break
    return out
