"""Measure the similarity threshold for merging programme names (kg.programmes.SIMILARITY_THRESHOLD).

Positive pairs: an altLabel and the prefLabel of the same scheme concept (variants that should merge).
Negative pairs: labels of two distinct concepts (should never merge); near-miss negatives (same length,
or one name inside the other, e.g. 六必访 / 六必查, 乡村建设 / 乡村建设行动) are counted separately because they
are the ones a loose rule gets wrong.  Traditional-script labels are skipped: normalising makes them equal
to their Simplified label.  Prints precision / recall / false merges per threshold, with and without the
near-miss guard, so the choice in kg/programmes.py can be checked after the scheme grows.

    PYTHONPATH=. python scripts/measure_programme_threshold.py [--scheme ontology/programs.ttl]

(from the repository root; `PYTHONPATH` is not needed once the package is installed).
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from rapidfuzz import fuzz

from kg.knowledge import KnowledgeBase, Lexicon
from kg.programmes import ProgrammeScheme, near_miss, normalise_name, scheme_path

# Extra near-miss negatives that the scheme alone does not contain: slogans that differ by one character.
EXTRA_NEGATIVES: tuple[tuple[str, str], ...] = (
    ("六必访", "六必查"), ("四个不摘", "四个不准"), ("十必须", "十不准"), ("七不消", "七不准"),
    ("一户一策", "一村一策"), ("一县一策", "一镇一策"), ("三区同建", "三区共建"), ("两个70%", "两个80%"),
    ("四化防止返贫监测体系", "五化防止返贫监测体系"), ("东西部劳务协作", "东西部产业协作"), ("1433", "1434"),
    ("三抓三促", "三抓三提"), ("五个确保", "五个聚焦"), ("六个聚焦", "六个确保"),
    # false merges found in the corpus graph (issue 18): another end, a qualifier before the head, a region's
    # own programme, a wider or narrower programme
    ("专精特新", "专精特新贷"), ("一区两体系", "一区两园"), ("人工智能+行动", "人工智能+文化行动"),
    ("城市更新行动", "城市更新示范行动"), ("东西部协作", "浙川东西部协作"), ("东西部协作", "粤黔东西部协作"),
    ("四好农村路", "农村公路"), ("农村低保", "城乡低保"), ("农村危房改造", "危旧房改造"),
    # second round: names for other people or places (contrast words), regional runs merged by similarity
    ("农村低保", "城市低保"), ("城镇低保", "农村低保"), ("农村人居环境整治提升行动", "城市人居环境整治提升行动"),
    ("省级现代农业产业园", "现代农业产业园"), ("县域商业体系建设行动", "商业体系建设行动"),
    ("要素市场化配置综合改革试点", "福厦泉要素市场化配置综合改革试点"),
    ("福厦泉要素市场化配置综合改革试点", "杭甬温要素市场化配置综合改革试点"),
    ("郑州要素市场化配置综合改革试点", "长株潭要素市场化配置综合改革试点"),
    ("乡村人才百千万工程", "百千万工程"), ("提升三年行动", "能力提升三年行动"),
)
# Extra positives: variants written in the corpus that should merge (besides the scheme's own labels).
EXTRA_POSITIVES: tuple[tuple[str, str], ...] = (
    ("稳岗扩容提质行动", "就业稳岗扩容提质行动"), ("涉企执法专项行动", "涉企行政执法专项行动"),
    ("资金项目质效双提行动", "资金、项目质效双提行动"), ("长期护理保险制度", "长期护理险制度"),
    ("安全生产治本攻坚三年行动", "打好安全生产治本攻坚三年行动"),
    ("国家城市更新行动", "城市更新行动"), ("国家要素市场化配置综合改革试点", "要素市场化配置综合改革试点"),
    ("城乡居民增收计划", "国家城乡居民增收计划"), ("农产品精深加工业高质量发展行动", "农产品加工业高质量发展行动"),
    ("职业伤害保障试点", "新就业形态人员职业伤害保障试点"),
)


def pairs(scheme: ProgrammeScheme) -> tuple[list[tuple[str, str]], list[tuple[str, str]], set[tuple[str, str]]]:
    """(positives, negatives, near-miss subset of negatives) as normalised, tail-stripped names."""
    def key(label: str) -> str:
        return scheme.strip_generic_tail(normalise_name(label))

    labels: dict[str, set[str]] = {}
    positives: list[tuple[str, str]] = []
    for concept in scheme.concepts.values():
        pref = key(concept.pref_label)
        names = {key(label) for label in concept.labels}
        labels[concept.id] = names
        positives.extend((alt, pref) for alt in sorted(names - {pref}))
    positives.extend((key(a), key(b)) for a, b in EXTRA_POSITIVES)
    negatives: list[tuple[str, str]] = []
    close: set[tuple[str, str]] = set()
    for (_, a_names), (_, b_names) in itertools.combinations(labels.items(), 2):
        for a in a_names:
            for b in b_names:
                if a == b:
                    continue
                negatives.append((a, b))
                if len(a) == len(b) or a in b or b in a:
                    close.add((a, b))
    for a, b in EXTRA_NEGATIVES:
        negatives.append((key(a), key(b)))
        close.add((key(a), key(b)))
    return positives, negatives, close


HEADS: tuple[str, ...] = ()  # programme heads of kg/data/programme_words.tsv, set in main()
CONTRASTS: tuple[str, ...] = ()  # words saying whom or where a programme serves, set in main()
REGIONS: object = None  # (gazetteer, word lists) for kg.extract.programme_links.split_region, set in main()


def guarded(a: str, b: str) -> bool:
    """The rule that keeps similar names apart whatever their score (see kg.programmes.similarity), and
    the cross-document one: names run by different regions are never one (kg.extract.programme_links)."""
    if near_miss(a, b, HEADS, CONTRASTS):
        return True
    if REGIONS is None:
        return False
    from kg.extract.programme_links import split_region

    return split_region(a, *REGIONS)[0] != split_region(b, *REGIONS)[0]  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheme", type=Path, default=scheme_path())
    args = parser.parse_args()
    global HEADS, CONTRASTS, REGIONS
    words = Lexicon.load()["programme_words"]
    HEADS, CONTRASTS = words["suffixes"], words["contrasts"]
    REGIONS = (KnowledgeBase.shipped().gazetteer, words)
    scheme = ProgrammeScheme.from_turtle(args.scheme, generic_tails=words["generic_tails"], heads=HEADS,
                                         contrasts=CONTRASTS)
    positives, negatives, close = pairs(scheme)
    print(f"{len(scheme.concepts)} concepts, {len(positives)} positive pairs, {len(negatives)} negative pairs "
          f"({len(close)} near-miss)")
    pos_scores = [fuzz.ratio(a, b) for a, b in positives]
    neg_raw = [(fuzz.ratio(a, b), guarded(a, b), (a, b) in close) for a, b in negatives]
    print(f"near-miss guard: blocks {sum(g for _, g, _ in neg_raw)} negative pairs, "
          f"{sum(guarded(a, b) for a, b in positives)} positive pairs")
    print(f"{'threshold':>9} | {'guard':>5} | {'precision':>9} {'recall':>6} {'F1':>5} | {'merged':>6} "
          f"{'false':>6} {'false near-miss':>15}")
    for threshold in range(50, 101, 5):
        for guard in (False, True):
            tp = sum(s >= threshold and not (guard and guarded(a, b)) for s, (a, b) in zip(pos_scores, positives,
                                                                                           strict=True))
            fp = sum(s >= threshold and not (guard and g) for s, g, _ in neg_raw)
            fp_close = sum(s >= threshold and not (guard and g) and c for s, g, c in neg_raw)
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / len(positives)
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            print(f"{threshold:>9} | {'on' if guard else 'off':>5} | {precision:>9.3f} {recall:>6.3f} {f1:>5.3f} | "
                  f"{tp + fp:>6} {fp:>6} {fp_close:>15}")
    chosen = scheme.threshold
    print(f"\nfalse merges at the chosen threshold {chosen:g} (guard on):")
    for (s, g, _), (a, b) in zip(neg_raw, negatives, strict=True):
        if s >= chosen and not g:
            print(f"  {s:5.1f}  {a} ~ {b}")


if __name__ == "__main__":
    main()
