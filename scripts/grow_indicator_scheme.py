"""Evidence for the indicator scheme (ontology/indicators.ttl): what the corpus measures, by frequency.

For every figure `kg.extract.numbers.find_quantities` finds in the documents of a folder (read and
normalised as `kg build` does), the clause before the figure (or after it, when the figure opens the
clause: 建成|100个|美丽乡村示范村) is segmented with rjieba and its trailing noun phrase taken: link and
figure-kind words (达到, 增长, 同比 … from kg/data/indicator_words.tsv and kg/data/figure_kinds.tsv) are cut
off the end, then tokens are taken back to the first clear break (a number, a preposition, a particle, or a
verb once a noun has been taken).  POS tags of short clauses are unreliable (收入 comes out as a verb), so
the report counts every token suffix of the phrase (收入, 预算收入, 公共预算收入 …): the heads that
recur are the concepts to write down.

Printed (to stdout, or --out):
  - the phrases and token suffixes with counts and their unit kinds, top --top;
  - coverage curves: the share of figures the top-K phrases / suffixes account for;
  - with the scheme (default ontology/indicators.ttl): the share of figures whose phrase links to a
    concept (b), the unlinked phrases by frequency (what to add next), and the figure kinds;
  - with --observations CSV (`kg query observations --format csv` of a store built from the same folder):
    the share of the current extractor's labels that link (a);
  - with --sample N: a seeded random sample of linked labels to judge by hand.

    python scripts/grow_indicator_scheme.py ../shared/corpus --observations obs.csv --sample 60 --seed 17

Needs rjieba (`pip install -e '.[test]'`); the output is evidence, not part of the project.
"""

from __future__ import annotations

import argparse
import collections
import csv
import functools
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TextIO

import rjieba

from kg.extract.numbers import find_quantities
from kg.normalize import normalise
from kg.read import ReadFailure, read_paths
from kg.units import UnitTable

_SENTENCE_STOPS = "。！？!?；;\n"
_CLAUSE_STOPS = "。！？!?；;\n,，、：:（）()“”《》"
_MAX_CLAUSE = 40
# tags that end a noun phrase read backwards (numbers, measure words, prepositions, conjunctions,
# particles, pronouns, adverbs, punctuation, time and direction words)
_BREAK_TAGS = frozenset({"m", "mq", "q", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "d", "x", "w",
                         "t", "f", "e", "y", "o", "zg"})
_NOUN_TAGS = frozenset({"n", "nz", "nr", "nrt", "ns", "nt", "ng", "nrfg", "l", "j", "vn", "an", "b", "i", "eng",
                        "s", "k", "g"})
_VERB_TAGS = frozenset({"v", "vd", "vg", "vi", "vq", "ad", "z"})
_DIGITS = re.compile(r"[\d.%]")


@functools.cache
def _cut_words() -> tuple[frozenset[str], dict[str, str]]:
    """(link words, figure-kind words -> kind): what is cut off the end of a clause before its noun phrase.
    Kind words that also name a concept's own kind (率, 人均, 占比) stay: 城镇化率 is the indicator."""
    link: set[str] = set()
    text = resources.files("kg").joinpath("data/indicator_words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, listed = line.partition("\t")
            if kind == "trail":
                link.update(listed.split(","))
    kinds: dict[str, str] = {}
    text = resources.files("kg").joinpath("data/figure_kinds.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, kind, where = line.split("\t")[:3]
            if where in ("around", "object"):
                kinds[word] = kind
    return frozenset(link - set(kinds)), kinds


def _split_tail(clause: str) -> tuple[str, list[str]]:
    """Cut link and figure-kind words off the end of a clause: (what is left, the kind words cut).

    Words of two or more characters are cut wherever they end the clause; a one-character word (达, 超)
    only when it does not end a dictionary word with the character before it (率达 is cut, 国有 is not)."""
    link, kinds = _cut_words()
    words = sorted((w for w in link | set(kinds) if w), key=len, reverse=True)
    cut: list[str] = []
    changed = True
    while changed and clause:
        changed = False
        clause = clause.rstrip(" \t\u3000")
        for w in words:
            if not clause.endswith(w):
                continue
            if len(w) == 1 and len(clause) >= 2 and rjieba.has_word(clause[-2:]) \
                    and rjieba.tag(clause[-2:])[0][1] not in ("nr", "nrt"):
                continue
            if w in kinds:
                cut.insert(0, w)
            clause, changed = clause[: -len(w)], True
            break
    return clause, cut


@dataclass
class Figure:
    file: str
    stated: str
    unit_kind: str
    before: str  # clause text before the figure (earlier figures of the clause cut)
    after: str  # clause text after the figure
    phrase: str  # the noun phrase that names what is counted, with its figure-kind words ("" when none)
    base: str  # the phrase without figure-kind words (what is counted)
    suffixes: tuple[str, ...]  # token suffixes of `base`, shortest first
    side: str  # "before" | "after" | "previous" | "none"


def trailing_phrase(clause: str) -> tuple[list[str], list[str], bool]:
    """(tokens of the noun phrase that ends the clause, figure-kind words after it, whether it has a noun)."""
    clause, kinds = _split_tail(clause)
    tokens = rjieba.tag(clause)
    while tokens and (tokens[-1][1] in _BREAK_TAGS or _DIGITS.search(tokens[-1][0])):
        tokens.pop()
    words: list[str] = []
    has_noun = False
    for word, tag in reversed(tokens):
        if tag in _BREAK_TAGS or _DIGITS.search(word):
            break
        if tag in _VERB_TAGS and has_noun and len(word) > 1:
            break  # 建设|高标准农田: the verb governs the phrase
        has_noun = has_noun or tag in _NOUN_TAGS
        words.insert(0, word)
    if len(words) == 1 and len(tokens) >= 2:
        word, tag = tokens[-2]
        if tag not in _BREAK_TAGS and not _DIGITS.search(word):
            words.insert(0, word)  # 死亡|人数, 优良天数|比例: a bare head takes the word that says whose
    return words, kinds, has_noun


_LEAD_SKIP = frozenset({"左右", "以上", "以下", "的", "余", "多", "之多", "及", "以内"})
_IMPLIED = re.compile(r"^[\d.,]+[万亿千]*[余多]?")


def leading_phrase(clause: str) -> list[str]:
    """Tokens of the noun phrase that opens the clause (the counted noun after a figure: 个|国家级园区)."""
    words: list[str] = []
    for word, tag in rjieba.tag(clause):
        if not words and word in _LEAD_SKIP:
            continue  # 1000家|左右|医保定点社区卫生服务中心, 90%|的|县医院
        if tag in _NOUN_TAGS or (tag in ("a", "v", "f") and words == [] and len(word) == 1):
            words.append(word)
        elif tag in ("f",) and words:
            continue  # 省级以上零碳园区
        else:
            break
    return words


def figures(paths: Iterable[Path], units: UnitTable) -> Iterator[Figure]:
    """Every figure with the noun phrase that names it: before it; else written inside it (2004万贫困人口);
    else after it; else, for a bare change (…，增长6%), the phrase of the figure before it in the sentence."""
    for source in read_paths(paths):
        if isinstance(source, ReadFailure):
            continue
        doc = normalise(source)
        text = doc.text
        previous_end = -1
        previous: tuple[str, list[str], int] | None = None  # (base, words, position) of the last phrase
        for q in find_quantities(text, units):
            start = q.start
            while start > 0 and text[start - 1] not in _CLAUSE_STOPS and q.start - start < _MAX_CLAUSE \
                    and start > previous_end:
                start -= 1
            sentence = q.start
            while sentence > 0 and text[sentence - 1] not in _SENTENCE_STOPS and q.start - sentence < 200:
                sentence -= 1
            end = q.end
            while end < len(text) and text[end] not in _CLAUSE_STOPS and end - q.end < _MAX_CLAUSE:
                end += 1
            before, after = text[start:q.start], text[q.end:end]
            kind = units.units[q.unit].kind
            words, kind_words, has_noun = trailing_phrase(before) if before.strip() else ([], [], False)
            side = "before"
            if not has_noun:
                implied = _IMPLIED.sub("", q.stated)
                lead = [implied] if len(implied) >= 2 and implied != q.unit else leading_phrase(after)
                if lead:
                    words, side = words + lead, "after"
                elif previous is not None and previous[2] >= sentence and not words:
                    words, side = previous[1], "previous"
            base = "".join(words)
            phrase = base + "".join(kind_words)
            if not words:
                side = "none"
            elif side != "previous":
                previous = (base, words, q.start)
            previous_end = q.end
            yield Figure(doc.file, q.stated, kind, before, after, phrase, base, _suffixes(words), side)


def _suffixes(words: list[str]) -> tuple[str, ...]:
    return tuple("".join(words[i:]) for i in range(len(words) - 1, -1, -1))


# ------------------------------------------------------------------------------------------------ report


def _kinds(counter: collections.Counter[str]) -> str:
    return " ".join(f"{k}:{n}" for k, n in counter.most_common(3))


def frequency_report(figs: list[Figure], top: int, out: TextIO) -> None:
    total = len(figs)
    out.write(f"figures: {total}\n")
    sides = collections.Counter(f.side for f in figs)
    out.write("phrase found " + ", ".join(f"{k} {n} ({n / total:.1%})" for k, n in sides.most_common()) + "\n")
    phrases = collections.Counter(f.base for f in figs if f.base)
    phrase_kinds: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    suffix_count: collections.Counter[str] = collections.Counter()
    suffix_kinds: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for f in figs:
        phrase_kinds[f.base][f.unit_kind] += 1
        for s in set(f.suffixes):
            suffix_count[s] += 1
            suffix_kinds[s][f.unit_kind] += 1
    out.write(f"distinct phrases: {len(phrases)}; used once: {sum(1 for n in phrases.values() if n == 1)}; "
              f"five times or more: {sum(1 for n in phrases.values() if n >= 5)}\n")
    out.write(f"\n== top {top} noun phrases (count, unit kinds)\n")
    for phrase, n in phrases.most_common(top):
        out.write(f"{n:5d}  {phrase}  [{_kinds(phrase_kinds[phrase])}]\n")
    out.write(f"\n== top {top} token suffixes of the phrases (heads; count, unit kinds)\n")
    for suffix, n in suffix_count.most_common(top):
        out.write(f"{n:5d}  {suffix}  [{_kinds(suffix_kinds[suffix])}]\n")
    out.write("\n== coverage curve: figures whose phrase is among the top K phrases | has a suffix among the top K\n")
    ranked_phrases = [p for p, _ in phrases.most_common()]
    ranked_suffixes = [s for s, _ in suffix_count.most_common()]
    for k in (10, 25, 50, 100, 200, 400, 800, 1600):
        top_p = set(ranked_phrases[:k])
        top_s = set(ranked_suffixes[:k])
        by_phrase = sum(1 for f in figs if f.base in top_p)
        by_suffix = sum(1 for f in figs if top_s.intersection(f.suffixes))
        out.write(f"  K={k:5d}  phrases {by_phrase / total:6.1%}   suffixes {by_suffix / total:6.1%}\n")


def coverage_report(figs: list[Figure], scheme_file: Path | None, observations: Path | None, sample: int,
                    seed: int, top: int, out: TextIO) -> None:
    from kg.indicators import IndicatorScheme

    scheme = IndicatorScheme.from_turtle(scheme_file) if scheme_file else IndicatorScheme.default()
    units = UnitTable.default()
    out.write(f"\n== scheme: {len(scheme.concepts)} concepts, {len(scheme.labels)} labels\n")
    total = len(figs)
    linked = [(f, scheme.match(f.phrase, f.unit_kind, f.after, unit=_unit(f.stated))) for f in figs]
    hits = [(f, m) for f, m in linked if m is not None]
    out.write(f"(b) noun phrases found here: {len(hits)} of {total} figures link to a concept ({len(hits) / total:.1%}); "
              f"no phrase found: {sum(1 for f in figs if not f.phrase)} ({sum(1 for f in figs if not f.phrase) / total:.1%})\n")
    by_unit: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for f, m in linked:
        by_unit[f.unit_kind][0] += m is not None
        by_unit[f.unit_kind][1] += 1
    out.write("    by unit kind: " + ", ".join(f"{k} {a}/{b} ({a / b:.0%})" for k, (a, b) in
                                               sorted(by_unit.items(), key=lambda kv: -kv[1][1])) + "\n")
    kinds = collections.Counter(m.kind for _, m in hits)
    out.write("    figure kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + "\n")
    concepts = collections.Counter(m.pref_label for _, m in hits)
    out.write(f"    concepts used: {len(concepts)}; top: " + ", ".join(f"{c} {n}" for c, n in concepts.most_common(30)) + "\n")
    groups = collections.Counter(scheme.group_of(m.concept) for _, m in hits)
    out.write("    by group: " + ", ".join(f"{scheme.concepts[g].pref_label} {n}" for g, n in groups.most_common()) + "\n")
    missed = collections.Counter((f.base, f.unit_kind) for f, m in linked if m is None and f.base)
    out.write(f"\n== top {top} unlinked phrases (what to add next)\n")
    for (phrase, kind), n in missed.most_common(top):
        out.write(f"{n:5d}  {phrase}  [{kind}]\n")
    miss_suffix: collections.Counter[str] = collections.Counter()
    for f, m in linked:
        if m is None:
            miss_suffix.update(set(f.suffixes[:3]))
    out.write(f"\n== top {top} heads of unlinked phrases\n")
    for s, n in miss_suffix.most_common(top):
        out.write(f"{n:5d}  {s}\n")
    if observations is not None:
        with observations.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        matched = []
        fresh = IndicatorScheme(scheme.concepts, scheme.labels, scheme.kind_words, scheme.qualifiers)  # empty cache
        began = time.perf_counter()
        for row in rows:
            unit = units.units.get(row["unit"])
            matched.append((row, fresh.match(row["indicator"], unit.kind if unit else None, unit=row["unit"])))
        cold = (time.perf_counter() - began) / max(1, len(rows)) * 1e6
        began = time.perf_counter()
        for row in rows:
            unit = units.units.get(row["unit"])
            fresh.match(row["indicator"], unit.kind if unit else None, unit=row["unit"])
        warm = (time.perf_counter() - began) / max(1, len(rows)) * 1e6
        out.write(f"\nmatcher speed on these {len(rows)} labels: {cold:.1f} µs per label with an empty cache, "
                  f"{warm:.1f} µs when the label was seen (unit lookup included)\n")
        n_hit = sum(1 for _, m in matched if m is not None)
        unnamed = sum(1 for r in rows if r["indicator"] == "未命名指标")
        out.write(f"\n(a) extractor labels ({observations.name}): {n_hit} of {len(rows)} observations link to a concept "
                  f"({n_hit / max(1, len(rows)):.1%}); unnamed: {unnamed} ({unnamed / max(1, len(rows)):.1%})\n")
        missed_a = collections.Counter(r["indicator"] for r, m in matched if m is None)
        out.write("    top unlinked labels: " + ", ".join(f"{k} {n}" for k, n in missed_a.most_common(40)) + "\n")
        if sample:
            pool = [(r["indicator"], r["unit"], m) for r, m in matched if m is not None]
            _sample(pool, sample, seed, "(a) extractor labels", out)
    if sample:
        pool = [(f.phrase, f.stated, m) for f, m in hits]
        _sample(pool, sample, seed, "(b) noun phrases", out)


def _unit(stated: str) -> str | None:
    """The measure word a stated figure ends with (个百分点 makes a change)."""
    return "个百分点" if stated.endswith("个百分点") else None


def _sample(pool: list, size: int, seed: int, name: str, out: TextIO) -> None:  # type: ignore[type-arg]
    rng = random.Random(seed)
    picked = rng.sample(pool, min(size, len(pool)))
    out.write(f"\n== {len(picked)} linked labels of {name}, seed {seed}: label | unit | concept | kind (judge by hand)\n")
    for i, (label, unit, m) in enumerate(picked, 1):
        out.write(f"{i:3d}. {label} | {unit} | {m.pref_label} | {m.kind}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="folders or files of documents")
    parser.add_argument("--top", type=int, default=150)
    parser.add_argument("--scheme", type=Path, help="indicator scheme Turtle (default: the project's)")
    parser.add_argument("--no-scheme", action="store_true", help="frequency report only")
    parser.add_argument("--observations", type=Path, help="CSV of `kg query observations` for the same documents")
    parser.add_argument("--sample", type=int, default=0, help="print N random linked labels to judge by hand")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    figs = list(figures(args.paths, UnitTable.default()))
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        frequency_report(figs, args.top, out)
        if not args.no_scheme:
            coverage_report(figs, args.scheme, args.observations, args.sample, args.seed, args.top, out)
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
