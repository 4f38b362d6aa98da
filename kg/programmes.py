"""The programme scheme (ontology/programs.ttl) as an immutable lookup, and the rule that merges variants.

Names of programmes are written many ways (防返贫监测帮扶, 防止返贫动态监测和帮扶, “动态监测帮扶” …).  A name is
merged with a scheme concept first through the alias table (prefLabel / altLabel, compared after
`normalise_name`), then by string similarity above a threshold measured with
`scripts/measure_programme_threshold.py`.  Near-miss names that differ by a substituted Han character
(六必访 / 六必查) or by a number (四化 / 五化) are never merged, whatever their similarity.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pyoxigraph
from rapidfuzz import fuzz, process

from kg import vocab

SKOS = vocab.SKOS.base
KGO = vocab.KGO.base
SCHEME_IRI = vocab.mint("scheme", "programmes")
STOP_SCHEME_IRI = vocab.mint("scheme", "programme-stop-terms")
PROGRAMME_BASE = vocab.mint("program", "")

# Minimum rapidfuzz `fuzz.ratio` (normalised Indel similarity, 0–100) for two programme names to be one
# programme when the alias table does not know them.  Measured by scripts/measure_programme_threshold.py
# on the scheme (196 concepts; positives: altLabel ↔ prefLabel of one concept plus variants seen in the
# corpus, 450 pairs; negatives: labels of distinct concepts plus the false merges seen in the corpus graph
# (专精特新 / 专精特新贷, 人工智能+行动 / 人工智能+文化行动, 农村低保 / 城市低保, 福厦泉… / 杭甬温…要素市场化配置综合
# 改革试点 …), 200,981 pairs of which 28,601 near-miss), guard on (near misses, contrast words, regions:
# issue 18, second round):
#   threshold  precision  recall  false merges (near-miss)
#     75        0.819     0.282     28 (12)
#     80        0.867     0.247     17  (6)
#     85        0.905     0.127      6  (2)
#     90        0.957     0.049      1  (1)
# Precision is what matters: a false merge silently joins two programmes in every region, a missed merge
# only leaves a variant unlinked (and the alias table already knows the common variants).  85 is the knee:
# 80 → 85 cuts false merges three-fold, 85 → 90 loses most of the recall.  The guard keeps a region's run
# apart from the national programme (it becomes a narrower concept, kg.extract.programme_links), which
# the scheme's own altLabels with a region (浙川东西部协作) lose from the recall; in a build the alias table
# links those before similarity is asked.  The false merges left are "name + qualifier" (东西部劳务协作帮扶 ~
# 东西部协作帮扶, …有效衔接考核评估 ~ …有效衔接) and 三保障 ~ 三重保障.
SIMILARITY_THRESHOLD = 85.0

# Characters that never change which programme a name denotes.
_QUOTES = "“”‘’\"'「」『』〝〞《》〈〉"
_DROP = _QUOTES + "、，,；;：:·•・ \u3000\t\r\n"
_DROP_TABLE = str.maketrans("", "", _DROP)
_DISPLAY_DROP_TABLE = str.maketrans("", "", _QUOTES + " \u3000\t\r\n")
_NUMERALS = re.compile(r"[0-9〇零一二三四五六七八九十百千万两]+%?")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
SHORT_NAME = 8  # in names up to this long one substituted character changes the meaning
_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.cache
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def normalise_name(name: str) -> str:
    """Key used to compare programme names: NFKC, Simplified, without quotes, list commas and spaces."""
    text = unicodedata.normalize("NFKC", name)
    if any("\u3400" <= c <= "\u9fff" for c in text):
        text = _t2s().convert(text)  # type: ignore[attr-defined]
    return text.translate(_DROP_TABLE).strip()


def display_name(name: str) -> str:
    """Readable label of a discovered programme: NFKC, Simplified, without quotes and spaces (、 kept)."""
    text = unicodedata.normalize("NFKC", name)
    if any("\u3400" <= c <= "\u9fff" for c in text):
        text = _t2s().convert(text)  # type: ignore[attr-defined]
    return text.translate(_DISPLAY_DROP_TABLE).strip("、，,；; ")


def strip_generic_tail(name: str, tails: Iterable[str]) -> str:
    """`name` without one generic head noun (机制, 体系 … from kg/data/programme_words.tsv), unless that
    would leave almost nothing."""
    for tail in tails:
        if name.endswith(tail) and len(name) - len(tail) >= 3:
            return name[: -len(tail)]
    return name


def _number(run: str) -> str:
    """A run of digits or Chinese numerals as Arabic digits (三十 → 30, 5 → 5, 两 → 2)."""
    percent = "%" if run.endswith("%") else ""
    run = run.rstrip("%")
    if run.isdigit():
        return run + percent
    total, digit = 0, 0
    for c in run:
        if c in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[c]
            digit = 0
        elif c.isdigit():
            digit = digit * 10 + int(c)
        else:
            digit = digit * 10 + _CN_DIGITS[c] if digit and c not in "〇零" else _CN_DIGITS[c]
    return str(total + digit) + percent


@functools.lru_cache(maxsize=65536)
def numerals(name: str) -> tuple[str, ...]:
    """The numbers written in a name (一户一策 → 1, 1; 两个70% → 2, 70%): other numbers, other programme."""
    return tuple(_number(run) for run in _NUMERALS.findall(name))


def near_miss(a: str, b: str, heads: tuple[str, ...] = (), contrasts: tuple[str, ...] = ()) -> bool:
    """True when two normalised names are distinct programmes however similar they look.

    Rule (tested in tests/test_programmes.py): their numbers differ (四化 / 五化, 两个70% / 两个80%,
    but 5年过渡期 = 五年过渡期); or one says whom or where it serves and the other does not say the same
    (`contrasts`, kg/data/programme_words.tsv: 农村低保 / 城乡低保, 省级现代农业产业园 / 现代农业产业园); or
    a short name and another differ only in their end (专精特新 / 专精特新贷, 一区两体系 / 一区两园) or by a
    word inserted into the short one (人工智能+行动 / 人工智能+文化行动); or both are short (≤ SHORT_NAME
    characters), of the same length and differ by one substituted Han character (六必访 / 六必查, 四个不摘 / 四个不准, 一户一策 / 一县一策,
    乡村振兴示范村 / 乡村振兴示范县, 津甘东西部协作 / 鲁甘东西部协作).  In a
    short name one character is the whole difference; in longer names a substituted character is usually a
    synonym (整治 / 治理), and similarity decides.
    """
    if a == b:
        return False
    if numerals(a) != numerals(b):
        return True
    if contrasts and _said(a, contrasts) != _said(b, contrasts):
        return True
    if _other_head(a, b) or _inserted_word(a, b, heads):
        return True
    if len(a) != len(b) or len(a) > SHORT_NAME:
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and bool(_HAN.match(diffs[0][0]) and _HAN.match(diffs[0][1]))


def _said(name: str, contrasts: tuple[str, ...]) -> frozenset[str]:
    """The contrast words a name holds (农村, 城乡 …), a longer one hiding the shorter it contains."""
    found = [c for c in contrasts if c in name]
    return frozenset(c for c in found if not any(c != d and c in d for d in found))


def _other_head(a: str, b: str) -> bool:
    """Two short names that share their start and differ only in the one or two characters that end them:
    another head noun, another thing (专精特新 / 专精特新贷, 一区两体系 / 一区两园, 乡村建设 / 乡村建设行动).
    Callers compare names without their generic tails (工作, 建设 …), which change nothing."""
    if min(len(a), len(b)) > SHORT_NAME:
        return False
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    tails = a[n:] + b[n:]
    return n >= 2 and bool(tails) and max(len(a), len(b)) - n <= 2 and all(_HAN.match(c) for c in tails)


def _inserted_word(a: str, b: str, heads: tuple[str, ...]) -> bool:
    """One name is the other with a word of two or more Han characters inserted right before its programme
    head, and the shorter is short: a qualifier that names another programme (人工智能+行动 / 人工智能+文化行动,
    城市更新行动 / 城市更新示范行动).  Elsewhere an insertion is usually a synonym's (易地搬迁 / 易地扶贫搬迁,
    涉企执法专项行动 / 涉企行政执法专项行动)."""
    short, long_ = sorted((a, b), key=len)
    extra = len(long_) - len(short)
    if extra < 2 or len(short) > SHORT_NAME:
        return False
    for head in heads:
        if short.endswith(head) and long_.endswith(head) and len(short) > len(head):
            i = len(short) - len(head)
            return long_[:i] == short[:i] and all(_HAN.match(c) for c in long_[i:i + extra])
    return False


def similarity(a: str, b: str, heads: tuple[str, ...] = (), contrasts: tuple[str, ...] = ()) -> float:
    """Similarity of two normalised names, 0–100 (rapidfuzz ratio); 0 for near misses."""
    if near_miss(a, b, heads, contrasts):
        return 0.0
    return float(fuzz.ratio(a, b))


@dataclass(frozen=True)
class Concept(vocab.SchemeConcept):
    """One programme of the scheme."""

    narrower: tuple[str, ...] = ()


CANONICAL_CACHE_SIZE = 1 << 16


@dataclass(frozen=True, eq=False)
class ProgrammeScheme:
    """Immutable view of the programme scheme: concepts, the alias table and stop terms.

    Compared and hashed by identity, so per-scheme caches (the matching automaton) can key on it.
    """

    concepts: Mapping[str, Concept] = field(repr=False)  # concept id -> concept
    aliases: Mapping[str, str] = field(repr=False)  # normalised label -> concept id
    stop_terms: frozenset[str] = field(repr=False)  # names that are never programmes (乡村振兴局, 十四五 …)
    threshold: float = SIMILARITY_THRESHOLD
    _keys: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # generic heads that add nothing to a programme's identity (防止返贫动态监测和帮扶机制 = …和帮扶)
    generic_tails: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # programme heads (行动, 工程 …): a word inserted right before one names another programme
    heads: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # words that say whom or where a programme serves (农村, 城乡, 省级 …): names differing in them are two
    contrasts: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # canonical() answers by name: the same candidate names recur in every document, and the fuzzy
    # search behind a miss was the costliest single step of extraction (9 % of the time)
    _canonical: dict[str, tuple[str | None, str]] = field(default_factory=dict, repr=False, compare=False)

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_turtle(cls, path: Path, threshold: float = SIMILARITY_THRESHOLD,
                    generic_tails: tuple[str, ...] = (), heads: tuple[str, ...] = (),
                    contrasts: tuple[str, ...] = ()) -> ProgrammeScheme:
        """Parse a SKOS Turtle file; concepts are those `skos:inScheme` the programme scheme."""
        quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
        return cls.from_triples(((q.subject.value, q.predicate.value, q.object) for q in quads), threshold,
                                generic_tails, heads, contrasts)

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[str, str, object]],
                     threshold: float = SIMILARITY_THRESHOLD, generic_tails: tuple[str, ...] = (),
                     heads: tuple[str, ...] = (), contrasts: tuple[str, ...] = ()) -> ProgrammeScheme:
        in_scheme: dict[str, str] = {}
        pref: dict[str, str] = {}
        alts: dict[str, list[str]] = {}
        broader: dict[str, list[str]] = {}
        for s, p, o in triples:
            value = o.value  # type: ignore[attr-defined]
            if p == SKOS + "inScheme":
                in_scheme[s] = value
            elif p == SKOS + "prefLabel" and getattr(o, "language", None) in ("zh", "zh-hans", "zh-Hans"):
                pref[s] = value
            elif p == SKOS + "altLabel":
                alts.setdefault(s, []).append(value)
            elif p == SKOS + "broader":
                broader.setdefault(s, []).append(value)
        narrower: dict[str, list[str]] = {}
        for s, parents in broader.items():
            for parent in parents:
                narrower.setdefault(parent, []).append(s)
        concepts: dict[str, Concept] = {}
        aliases: dict[str, str] = {}
        stop: set[str] = set()
        for s, scheme in sorted(in_scheme.items()):
            labels = [pref[s], *alts.get(s, [])]
            if scheme == STOP_SCHEME_IRI:
                stop.update(normalise_name(label) for label in labels)
                continue
            if scheme != SCHEME_IRI:
                continue
            concepts[s] = Concept(s, pref[s], tuple(alts.get(s, ())), tuple(sorted(broader.get(s, ()))),
                                  tuple(sorted(narrower.get(s, ()))))
            for label in labels:
                key = normalise_name(label)
                if aliases.setdefault(key, s) != s:
                    raise ValueError(f"label {label!r} names two programmes: {aliases[key]} and {s}")
        return cls(MappingProxyType(concepts), MappingProxyType(aliases), frozenset(stop), threshold,
                   tuple(aliases), generic_tails=tuple(generic_tails), heads=tuple(heads),
                   contrasts=tuple(contrasts))

    # -- lookup -------------------------------------------------------------------------------------

    def surface_labels(self) -> Iterator[tuple[str, str | None]]:
        """Every label as written (quotes dropped), with its concept id, or None for stop terms."""
        for concept in self.concepts.values():
            for label in concept.labels:
                yield label.translate(str.maketrans("", "", _QUOTES)), concept.id
        yield from ((term, None) for term in self.stop_terms)

    def pref_label(self, concept_id: str) -> str:
        return self.concepts[concept_id].pref_label

    def by_slug(self, slug: str) -> Concept:
        return self.concepts[PROGRAMME_BASE + slug]

    def ancestors(self, concept_id: str) -> set[str]:
        """All broader concepts, transitively."""
        out: set[str] = set()
        todo = list(self.concepts[concept_id].broader)
        while todo:
            node = todo.pop()
            if node not in out:
                out.add(node)
                todo.extend(self.concepts[node].broader)
        return out

    def strip_generic_tail(self, name: str) -> str:
        return strip_generic_tail(name, self.generic_tails)

    def is_stop(self, name: str) -> bool:
        return normalise_name(name) in self.stop_terms

    def lookup(self, name: str) -> str | None:
        """Concept id through the alias table only (exact after normalising, generic tail dropped)."""
        key = normalise_name(name)
        return self.aliases.get(key) or self.aliases.get(self.strip_generic_tail(key))

    def most_similar(self, name: str, cutoff: float | None = None) -> tuple[str, float] | None:
        """The scheme label most similar to `name` that is not a near miss of it, with its score
        (only labels scoring at least `cutoff`, when given: much faster)."""
        key = self.strip_generic_tail(normalise_name(name))
        for label, score, _ in process.extract(key, self._keys, scorer=fuzz.ratio, limit=8, score_cutoff=cutoff):
            if not near_miss(key, label, self.heads, self.contrasts):
                return label, float(score)
        return None

    def canonical(self, name: str) -> tuple[str | None, str]:
        """(concept id, prefLabel) when `name` is a scheme programme, else (None, its display name)."""
        answer = self._canonical.get(name)
        if answer is None:
            if len(self._canonical) >= CANONICAL_CACHE_SIZE:
                self._canonical.clear()
            answer = self._canonical[name] = self._resolve(name)
        return answer

    def _resolve(self, name: str) -> tuple[str | None, str]:
        concept_id = self.lookup(name)
        if concept_id is None:
            best = self.most_similar(name, cutoff=self.threshold)
            if best is not None and best[1] >= self.threshold:
                concept_id = self.aliases[best[0]]
        if concept_id is None:
            return None, display_name(name)
        return concept_id, self.concepts[concept_id].pref_label


def scheme_path() -> Path:
    """ontology/programs.ttl, found where the rest of the ontology is (checkout or installed package)."""
    from kg.rdf import resource_dir

    return resource_dir("ontology") / "programs.ttl"
