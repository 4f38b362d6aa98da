"""Cross-document links between discovered programmes, decided at the end of a build.

Each document mints its own concept for a programme the scheme does not know; two of them are the same
programme (skos:exactMatch) when their names normalise to the same key (两不愁、三保障 / “两不愁三保障”) or pass
the measured similarity rule of kg.programmes (threshold, near-miss guard: 六必访 and 六必查 stay apart, 农村低保
and 城乡低保 too).  A name that is a region (a division, province abbreviations, city initials such as 福厦泉, a
metropolitan area, 全市域 …) before another programme's name is that programme as the region runs it: a
narrower concept of it (skos:broader), never the same programme (甘肃省乡村建设行动 -> 乡村建设行动, 福厦泉要素
市场化配置综合改革试点 -> 要素市场化配置综合改革试点), and two regions' runs are not each other.  国家 / 全国 before a
name says it is the national one (国家城市更新行动 = 城市更新行动).  The words are in kg/data/programme_words.tsv.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator

import numpy as np
import rjieba
from rapidfuzz import fuzz, process

from kg.gazetteer import Gazetteer
from kg.knowledge import WordLists
from kg.programmes import ProgrammeScheme, near_miss, normalise_name

MIN_PROGRAMME = 4  # characters a programme's name must keep after the region: 甘肃省农业 is no regional variant
MAX_REGION = 8  # characters of a region written before a programme's name


@functools.cache
def _initials(gazetteer: Gazetteer) -> frozenset[str]:
    """First characters of the provinces' and prefecture-level cities' names (福州 厦门 泉州 -> 福 厦 泉)."""
    out: set[str] = set()
    for province in range(11, 83):
        for city in range(0, 100):
            region = gazetteer.by_code(f"{province:02d}{city:02d}00")
            if region is not None:
                out.add(region.name[0])
    return frozenset(out)


def _place(prefix: str, gazetteer: Gazetteer, words: WordLists) -> bool:
    """A division's name or short form (甘肃省, 甘肃, 临夏州), province abbreviations (浙川, 粤), the initials
    of two to four cities or provinces that are no word (福厦泉, 济青), a region that is no division
    (合肥都市圈, 长株潭城市群) or a regional scope (全市域, 省级)."""
    if prefix in words["regional"] or gazetteer.forms(prefix):
        return True
    if 0 < len(prefix) <= 3 and all(gazetteer.abbreviation(c) for c in prefix):
        return True
    if 2 <= len(prefix) <= 4 and not rjieba.has_word(prefix) and all(c in _initials(gazetteer) or
                                                                     gazetteer.abbreviation(c) for c in prefix):
        return True
    tail = next((t for t in words["region_tails"] if prefix.endswith(t)), None)
    return tail is not None and len(prefix) > len(tail) and _place(prefix[:-len(tail)], gazetteer, words)


def split_region(key: str, gazetteer: Gazetteer | None, words: WordLists) -> tuple[str, str]:
    """(region, programme) of a normalised name: the longest region written before a programme's name of
    MIN_PROGRAMME+ characters, or "" (国家 / 全国 before the name are dropped: the national programme)."""
    for word in sorted(words["national"], key=len, reverse=True):
        if key.startswith(word) and len(key) - len(word) >= MIN_PROGRAMME:
            return "", key[len(word):]
    if gazetteer is None:
        return "", key
    for n in range(min(MAX_REGION, len(key) - MIN_PROGRAMME), 0, -1):
        if _place(key[:n], gazetteer, words):
            return key[:n], key[n:]
    return "", key


def _split_all(distinct: list[str], scheme: ProgrammeScheme, gazetteer: Gazetteer | None,
               words: WordLists) -> list[tuple[str, str]]:
    return [split_region(scheme.strip_generic_tail(normalise_name(label)), gazetteer, words) for label in distinct]


def link_discovered(labels: list[str], scheme: ProgrammeScheme, gazetteer: Gazetteer | None = None,
                    words: WordLists | None = None) -> list[tuple[str, str]]:
    """Pairs (a, b) of distinct labels, a < b, that name one programme; the caller writes exactMatch both ways.
    With a gazetteer, names run by different regions (or one by a region, one national) are never paired."""
    distinct = sorted(set(labels))
    if not distinct:
        return []
    words = words if words is not None else _NO_WORDS
    split = _split_all(distinct, scheme, gazetteer, words)
    keys = [region + rest for region, rest in split]
    pairs: set[tuple[str, str]] = set()
    for i, j in _similar_pairs(keys, scheme.threshold):
        if split[i][0] != split[j][0]:
            continue  # 福厦泉… / 杭甬温… / …: runs of one programme by different regions
        if keys[i] == keys[j] or not near_miss(keys[i], keys[j], scheme.heads, scheme.contrasts):
            pairs.add((distinct[i], distinct[j]))
    by_key: dict[str, list[str]] = {}
    for label, key in zip(distinct, keys, strict=True):  # same key: one programme (even if the score is low)
        by_key.setdefault(key, []).append(label)
    for group in by_key.values():
        pairs.update((a, b) for n, a in enumerate(group) for b in group[n + 1:])
    return sorted(pairs)


def narrower_discovered(labels: list[str], scheme: ProgrammeScheme, gazetteer: Gazetteer,
                        words: WordLists) -> list[tuple[str, str]]:
    """(narrower, broader) label pairs: a region before a name that is, or is similar to, another discovered
    label without a region (福厦泉要素市场化配置综合改革试点 -> 要素市场化配置综合改革试点)."""
    distinct = sorted(set(labels))
    split = _split_all(distinct, scheme, gazetteer, words)
    national: dict[str, str] = {}
    for label, (region, rest) in zip(distinct, split, strict=True):
        if not region:
            national.setdefault(rest, label)
    keys = sorted(national)
    out: list[tuple[str, str]] = []
    for label, (region, rest) in zip(distinct, split, strict=True):
        if not region:
            continue
        broader = national.get(rest)
        if broader is None and keys:
            best = process.extractOne(rest, keys, scorer=fuzz.ratio, score_cutoff=scheme.threshold)
            if best is not None and not near_miss(rest, best[0], scheme.heads, scheme.contrasts):
                broader = national[best[0]]
        if broader is not None and broader != label:
            out.append((label, broader))
    return out


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


def regional_variants(labels: list[str], scheme: ProgrammeScheme, gazetteer: Gazetteer,
                      words: WordLists | None = None) -> list[tuple[str, str]]:
    """(label, concept id) for discovered names that are a region before a scheme programme's name (alias
    table, or similarity above the threshold): the region's own run of that national programme, written as
    its narrower concept."""
    words = words if words is not None else _NO_WORDS
    out: list[tuple[str, str]] = []
    for label in sorted(set(labels)):
        key = normalise_name(label)
        region, rest = split_region(key, gazetteer, words)
        if region:
            concept = scheme.lookup(rest) or scheme.canonical(rest)[0]
            if concept is not None:
                out.append((label, concept))
    return out


_NO_WORDS = WordLists("programme_words", __import__("types").MappingProxyType({}))
