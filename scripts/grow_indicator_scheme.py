"""Evidence for the indicator scheme (ontology/indicators.ttl): what a corpus measures, by frequency.

Every document of the given folders is extracted as `kg build` does (read, normalise, the default
pipeline with the shipped knowledge base), so the labels counted are the ones the graph gets: the noun
phrase that names what each figure counts (kg.extract.observations) and the concept it links to
(kg.extract.indicators).  Printed (to stdout, or --out):

  - coverage: the share of figures linked to a concept, unnamed figures, figure kinds, by unit kind;
  - the concepts used and the groups, by frequency;
  - the unlinked labels by frequency, with their unit kinds, and their heads (the last one, two and
    three words of the label as the segmenter cuts it, counted once per figure): the heads that recur are
    the concepts (or altLabels) to write down next, the rest stays unlinked;
  - with --sample N: a seeded random sample of figures (label, concept, kind, the clause around the
    figure) to judge by hand.

    python scripts/grow_indicator_scheme.py ../shared/corpus --top 150 --sample 100 --seed 17

Grow the scheme from the top of these lists, never from single sentences; the output is evidence, not
part of the project.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kg.extract.observations import UNNAMED
from kg.extract.pipeline import default_pipeline
from kg.knowledge import KnowledgeBase
from kg.normalize import normalise
from kg.read import ReadFailure, read_paths


@dataclass(frozen=True)
class Figure:
    file: str
    label: str
    concept: str | None
    kind: str
    unit_kind: str
    context: str  # the text around the figure, the figure in 【】


def figures(paths: list[Path], kb: KnowledgeBase) -> Iterator[Figure]:
    pipeline = default_pipeline(kb)
    for source in read_paths(paths):
        if isinstance(source, ReadFailure):
            continue
        doc = normalise(source, kb)
        if not doc.text.strip():
            continue
        for obs in pipeline(doc).observations:
            q = obs.quantity
            unit = kb.units.units.get(q.unit)
            context = (doc.text[max(0, q.start - 30):q.start] + "【" + q.stated + "】" + doc.text[q.end:q.end + 20])
            yield Figure(source.key, obs.indicator, obs.concept_label, obs.kind, unit.kind if unit else "?",
                         context.replace("\n", "⏎"))


def heads(label: str, kb: KnowledgeBase) -> list[str]:
    """The last one, two and three words of a label (its head and the words that qualify it)."""
    words = [w for w, _ in kb.segmenter.tag(label)]
    return ["".join(words[-n:]) for n in (1, 2, 3) if len(words) >= n]


def _kinds(counter: collections.Counter[str]) -> str:
    return " ".join(f"{k}:{n}" for k, n in counter.most_common(3))


def report(figs: list[Figure], kb: KnowledgeBase, top: int, sample: int, seed: int, out: TextIO) -> None:
    total = len(figs) or 1
    linked = [f for f in figs if f.concept]
    unnamed = sum(1 for f in figs if f.label == UNNAMED)
    labels = collections.Counter(f.label for f in figs)
    out.write(f"figures: {len(figs)}; distinct labels {len(labels)}, used once {sum(1 for n in labels.values() if n == 1)}, "
              f"five times or more {sum(1 for n in labels.values() if n >= 5)}\n")
    out.write(f"linked to a concept: {len(linked)} ({len(linked) / total:.1%}); unnamed: {unnamed} "
              f"({unnamed / total:.2%})\n")
    out.write("figure kinds: " + ", ".join(f"{k} {n}" for k, n in collections.Counter(f.kind for f in figs).most_common())
              + "\n")
    by_unit: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for f in figs:
        by_unit[f.unit_kind][0] += f.concept is not None
        by_unit[f.unit_kind][1] += 1
    out.write("linked by unit kind: " + ", ".join(f"{k} {a}/{b} ({a / b:.0%})" for k, (a, b) in
                                                  sorted(by_unit.items(), key=lambda kv: -kv[1][1])) + "\n")
    concepts = collections.Counter(f.concept for f in linked)
    out.write(f"\nconcepts used: {len(concepts)} of {sum(1 for c in kb.indicators.concepts.values() if not c.top)}; "
              "top: " + ", ".join(f"{c} {n}" for c, n in concepts.most_common(40)) + "\n")
    missed = [f for f in figs if f.concept is None and f.label != UNNAMED]
    phrase_kinds: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for f in missed:
        phrase_kinds[f.label][f.unit_kind] += 1
    out.write(f"\n== top {top} unlinked labels (count, unit kinds)\n")
    for label, n in collections.Counter(f.label for f in missed).most_common(top):
        out.write(f"{n:5d}  {label}  [{_kinds(phrase_kinds[label])}]\n")
    head_count: collections.Counter[str] = collections.Counter()
    head_kinds: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for f in missed:
        for h in set(heads(f.label, kb)):
            head_count[h] += 1
            head_kinds[h][f.unit_kind] += 1
    out.write(f"\n== top {top} heads of unlinked labels (count, unit kinds)\n")
    for h, n in head_count.most_common(top):
        out.write(f"{n:5d}  {h}  [{_kinds(head_kinds[h])}]\n")
    if sample:
        rng = random.Random(seed)
        picked = rng.sample(figs, min(sample, len(figs)))
        out.write(f"\n== {len(picked)} random figures, seed {seed}: label | concept | kind | context (judge by hand)\n")
        for i, f in enumerate(picked, 1):
            out.write(f"{i:3d}. {f.label} | {f.concept or '-'} | {f.kind} | {f.file} | {f.context}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="folders or files of documents")
    parser.add_argument("--top", type=int, default=150)
    parser.add_argument("--sample", type=int, default=0, help="print N random figures to judge by hand")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    kb = KnowledgeBase.shipped()
    figs = list(figures(args.paths, kb))
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        report(figs, kb, args.top, args.sample, args.seed, out)
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
