"""The indicator scheme (ontology/indicators.ttl) and the matcher that links an observation's label to it.

Reports name one indicator many ways (农村居民人均可支配收入, 农民人均可支配收入, 农村常住居民人均可支配收入
分别增长 …); 6,400 distinct labels for 8,800 figures in the shared corpus.  The scheme's concepts, grown by
frequency from what the corpus measures (scripts/grow_indicator_scheme.py), give an analyst something to
compare; `IndicatorScheme.match` links a label to one of them, with the figure kind the label implies.

Rules, in order (the words they use live in kg/data, not here):
1. The label is normalised (NFKC, Simplified, no quotes, brackets or spaces).
2. Every scheme label written in it is a candidate (one Aho-Corasick pass).  A candidate counts only
   when what follows it is made of figure-kind words (kg/data/figure_kinds.tsv: 增长, 占比, 分别 …) or
   opens a share (占全国比重): the head of a Chinese noun phrase is at its end, so 高标准农田灌溉 is not
   高标准农田.  What precedes it is free (建设|高标准农田, 全省|地区生产总值).
3. A candidate before a share word wins over one after it (数字经济|占|全省经济总量 is a share of 数字经济);
   then the longest candidate (农村居民人均可支配收入 over 人均可支配收入), then the one ending last, as
   long as the figure's unit kind fits the concept's kgo:unitKind (a % figure fits every concept: a
   rate, a share or a change; 人 and 人次 fit each other).
4. A qualifier before the winner (kg/data/indicator_qualifiers.tsv: 城镇, 农村, 男, 女 …) moves it to the
   qualified concept when the scheme has one (农村|常住|居民人均可支配收入 -> 农村居民人均可支配收入).
5. No candidate in the label: the noun phrase that opens `context` (the words after the figure,
   建成|100个|美丽乡村示范村) is tried the same way.
Figure kind: the kind words outside the concept's label, the concept's own kind (人均 -> per-capita,
率 -> share), and the unit (个百分点 -> change; % of an indicator that is no rate -> change), by the
priority change > share > cumulative > per-capita > level.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pyoxigraph

from kg.knowledge import Lexicon, WordLists, parse_word_lists
from kg.matcher import WordMatcher, alternation
from kg.vocab import SchemeConcept

SKOS = "http://www.w3.org/2004/02/skos/core#"
KGO = "https://w3id.org/kg-rural/ontology#"
SCHEME_IRI = "https://w3id.org/kg-rural/id/scheme/indicator-concepts"
CONCEPT_BASE = "https://w3id.org/kg-rural/id/indicator-concept/"
FIGURE_KIND_BASE = "https://w3id.org/kg-rural/id/figure-kind/"
CONCEPT_CLASS = KGO + "IndicatorConcept"

FIGURE_KINDS = ("level", "change", "share", "per-capita", "cumulative")
FIGURE_KIND_PRIORITY = ("change", "share", "cumulative", "per-capita")  # first present wins; else level
_PRIORITY = FIGURE_KIND_PRIORITY
# unit kinds that count the same things (a person trained, a training given)
_KIN = {"people": frozenset({"people", "person-time"}), "person-time": frozenset({"people", "person-time"})}

# quotes, brackets and spaces never change what a label names (a regex: str.translate costs 3 µs a label)
_DROP = re.compile(r"[“”‘’\"'「」『』《》〈〉()（）\[\]【】\s·•・]+")
# where the noun phrase after a figure ends (个|国家级产业集群|和|…)
_CONTEXT_END = re.compile(r"[，,。；;、：:（(）)和及与等的]")
CACHE_SIZE = 1 << 16


@functools.cache
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def normalise_label(label: str) -> str:
    """Key used to compare labels: NFKC, Simplified, without quotes, brackets and spaces."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", label))
    if not text.isascii():
        text = _t2s().convert(text)  # type: ignore[attr-defined]
    return text


# ------------------------------------------------------------------------------------------- word tables


@dataclass(frozen=True)
class FigureKindWords:
    """kg/data/figure_kinds.tsv: word -> (kind, where); see the file's header for what `where` means."""

    words: Mapping[str, tuple[str, str]]

    @classmethod
    def from_words(cls, lists: WordLists) -> FigureKindWords:
        """Read the `KIND_WHERE<TAB>words` lines of the Lexicon's figure_kinds file."""
        words: dict[str, tuple[str, str]] = {}
        for name in lists.kinds:
            kind, _, where = name.rpartition("_")
            if kind not in FIGURE_KINDS or where not in ("label", "around", "object", "unit"):
                raise ValueError(f"figure_kinds.tsv: bad kind {name!r} (KIND_WHERE)")
            for word in lists[name]:
                words[word] = (kind, where)
        return cls(MappingProxyType(words))

    @classmethod
    def parse(cls, text: str) -> FigureKindWords:
        """From the text of a figure_kinds file (tests, scripts)."""
        return cls.from_words(WordLists("figure_kinds", MappingProxyType(parse_word_lists(text))))

    @functools.cached_property
    def _text_words(self) -> tuple[str, ...]:
        return tuple(sorted((w for w, (_, where) in self.words.items() if where != "unit"), key=len, reverse=True))

    @functools.cached_property
    def finder(self) -> re.Pattern[str]:
        """Leftmost-longest search for any word of the table written in a text."""
        return re.compile("|".join(map(re.escape, self._text_words)))

    @functools.cached_property
    def tail(self) -> re.Pattern[str]:
        """What may follow a concept's label in a label: kind words only, or a share of something (占…)."""
        words = "|".join(map(re.escape, self._text_words))
        objects = "|".join(re.escape(w) for w, (_, where) in self.words.items() if where == "object")
        return re.compile(f"(?:{words})*(?:(?:{objects}).*)?" if objects else f"(?:{words})*")

    def kinds_in(self, text: str, label_words_only: bool = False) -> set[str]:
        """The figure kinds the words written in `text` say (level excluded)."""
        out: set[str] = set()
        for m in self.finder.finditer(text):
            kind, where = self.words[m.group()]
            if kind != "level" and (where == "label" or not label_words_only):
                out.add(kind)
        return out

    @functools.cached_property
    def _objects(self) -> re.Pattern[str] | None:
        words = [w for w, (_, where) in self.words.items() if where == "object"]
        return re.compile(alternation(words)) if words else None

    def object_at(self, text: str) -> int:
        """Where the first share-of word (占) is written in `text`, or its length when there is none."""
        m = self._objects.search(text, 1) if self._objects else None
        return m.start() if m else len(text)

    def unit_kind(self, unit: str | None) -> str | None:
        entry = self.words.get(unit or "")
        return entry[0] if entry and entry[1] == "unit" else None


def qualifier_words(lists: WordLists) -> tuple[str, ...]:
    """kg/data/indicator_qualifiers.tsv: the words of every group (not `split` / `pair_sets`), longest first."""
    words = {w for kind in lists.kinds if kind not in ("split", "pair_sets") for w in lists[kind]}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


# ------------------------------------------------------------------------------------------- the scheme


@dataclass(frozen=True)
class IndicatorConcept(SchemeConcept):
    """One concept of the scheme: an indicator (leaf) or a group of them (a top concept)."""

    unit_kinds: frozenset[str] = frozenset()
    top: bool = False
    kind: str = "level"  # what its own label says about its figures (人均 -> per-capita, 率 -> share)

    def fits(self, unit_kind: str | None) -> bool:
        """Whether a figure of this unit kind can measure the concept (a % figure fits any concept)."""
        if unit_kind is None or unit_kind == "percent" or unit_kind in self.unit_kinds:
            return True
        return bool(_KIN.get(unit_kind, frozenset()) & self.unit_kinds)


@dataclass(frozen=True)
class Match:
    """The concept a label names and the kind of figure it gives."""

    concept: str  # concept IRI
    pref_label: str
    kind: str  # level | change | share | per-capita | cumulative
    matched: str  # the scheme label found (normalised)

    @property
    def kind_iri(self) -> str:
        return FIGURE_KIND_BASE + self.kind


@dataclass(frozen=True, eq=False)
class IndicatorScheme:
    """Immutable view of the indicator scheme with its matcher.  Compared and hashed by identity."""

    concepts: Mapping[str, IndicatorConcept] = field(repr=False)  # concept id -> concept
    labels: Mapping[str, str] = field(repr=False)  # normalised label -> concept id (leaf concepts)
    kind_words: FigureKindWords = field(repr=False)
    qualifiers: tuple[str, ...] = field(repr=False)
    _matcher: WordMatcher[str] = field(init=False, repr=False, compare=False)
    _cache: dict[tuple[str, str | None, str | None, str], Match | None] = field(
        default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", WordMatcher(dict(self.labels)))

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_turtle(cls, path: Path, lexicon: Lexicon) -> IndicatorScheme:
        """Parse a SKOS Turtle file; concepts are those `skos:inScheme` the indicator scheme.  The figure-kind
        words and qualifiers come from the lexicon (figure_kinds, indicator_qualifiers)."""
        quads = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
        return cls.from_triples(((q.subject.value, q.predicate.value, q.object) for q in quads),
                                FigureKindWords.from_words(lexicon["figure_kinds"]),
                                qualifier_words(lexicon["indicator_qualifiers"]))

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[str, str, object]], kind_words: FigureKindWords,
                     qualifiers: Iterable[str]) -> IndicatorScheme:
        in_scheme: set[str] = set()
        pref: dict[str, str] = {}
        alts: dict[str, list[str]] = {}
        broader: dict[str, list[str]] = {}
        units: dict[str, set[str]] = {}
        top: set[str] = set()
        for s, p, o in triples:
            value = o.value  # type: ignore[attr-defined]
            if p == SKOS + "inScheme" and value == SCHEME_IRI:
                in_scheme.add(s)
            elif p == SKOS + "prefLabel" and getattr(o, "language", None) == "zh":
                pref[s] = value
            elif p == SKOS + "altLabel" and getattr(o, "language", "").startswith("zh"):
                alts.setdefault(s, []).append(value)
            elif p == SKOS + "broader":
                broader.setdefault(s, []).append(value)
            elif p == KGO + "unitKind":
                units.setdefault(s, set()).add(value)
            elif p == SKOS + "topConceptOf" and value == SCHEME_IRI:
                top.add(s)
        concepts: dict[str, IndicatorConcept] = {}
        labels: dict[str, str] = {}
        seen: dict[str, str] = {}
        for s in sorted(in_scheme):
            if s not in pref:
                raise ValueError(f"indicator concept {s} has no zh prefLabel")
            own = kind_words.kinds_in(normalise_label(pref[s]), label_words_only=True)
            kind = next((k for k in _PRIORITY if k in own), "level")
            concepts[s] = IndicatorConcept(s, pref[s], tuple(alts.get(s, ())), tuple(sorted(broader.get(s, ()))),
                                           frozenset(units.get(s, ())), s in top, kind)
            for label in concepts[s].labels:
                key = normalise_label(label)
                if seen.setdefault(key, s) != s:
                    raise ValueError(f"label {label!r} names two indicator concepts: {seen[key]} and {s}")
                if s not in top:
                    labels[key] = s
        return cls(MappingProxyType(concepts), MappingProxyType(labels), kind_words, tuple(qualifiers))

    # -- lookup -------------------------------------------------------------------------------------

    def by_slug(self, slug: str) -> IndicatorConcept:
        return self.concepts[CONCEPT_BASE + slug]

    def lookup(self, label: str) -> str | None:
        """Concept id of a label that is exactly a scheme label (after normalising)."""
        return self.labels.get(normalise_label(label))

    def group_of(self, concept_id: str) -> str:
        """The top concept (group) above a concept; the concept itself when it is one."""
        node = concept_id
        while self.concepts[node].broader and not self.concepts[node].top:
            node = self.concepts[node].broader[0]
        return node

    def match(self, label: str, unit_kind: str | None = None, context: str = "", *,
              unit: str | None = None) -> Match | None:
        """The concept `label` names and the figure kind it implies, or None.

        `unit_kind` is the figure's unit kind (kg/data/units.tsv: money, people, percent …); `unit` its
        measure word when known (个百分点 makes a change); `context` the words after the figure up to the
        end of its clause, read when the label names no concept (建成|100个|美丽乡村示范村)."""
        key = (label, unit_kind, unit, context)
        answer = self._cache.get(key, False)
        if answer is False:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            answer = self._cache[key] = self._match(label, unit_kind, context, unit)
        return answer  # type: ignore[return-value]

    def _match(self, label: str, unit_kind: str | None, context: str, unit: str | None) -> Match | None:
        text = normalise_label(label)
        found = self._best(text, unit_kind)
        if found is None and context:
            head = _CONTEXT_END.split(normalise_label(context), 1)[0]
            found = self._best(head, unit_kind)
            text = head if found is not None else text
        if found is None:
            return None
        start, end, concept_id = found
        concept_id, start = self._qualified(text, start, end, concept_id)
        concept = self.concepts[concept_id]
        kind = self.figure_kind(text[:start] + "|" + text[end:], concept, unit_kind, unit)
        return Match(concept_id, concept.pref_label, kind, text[start:end])

    def _best(self, text: str, unit_kind: str | None) -> tuple[int, int, str] | None:
        """(start, end, concept id) of the best candidate label in `text` (rules 2 and 3)."""
        exact = self.labels.get(text)
        if exact is not None and self.concepts[exact].fits(unit_kind):
            return 0, len(text), exact
        tail = self.kind_words.tail
        share_of = self.kind_words.object_at(text)  # 数字经济|占|全省经济总量: the share is of what precedes
        best: tuple[bool, int, int, int, str] | None = None
        for start, end, concept_id in self._matcher.find(text):
            if end < len(text) and not tail.fullmatch(text, end):
                continue
            if not self.concepts[concept_id].fits(unit_kind):
                continue
            rank = (end <= share_of, end - start, end, start, concept_id)
            if best is None or rank[:3] > best[:3]:
                best = rank
        return None if best is None else (best[3], best[2], best[4])

    def _qualified(self, text: str, start: int, end: int, concept_id: str) -> tuple[str, int]:
        """Rule 4: a qualifier written before the concept's label picks the qualified concept, if any."""
        before = text[:start]
        if not before:
            return concept_id, start
        matched = text[start:end]
        for q in self.qualifiers:
            pos = before.rfind(q)
            if pos >= 0:
                other = self.labels.get(q + matched)
                if other is not None and other != concept_id:
                    return other, pos
        return concept_id, start

    def figure_kind(self, outside: str, concept: IndicatorConcept, unit_kind: str | None = None,
                    unit: str | None = None) -> str:
        """The kind of a figure: words outside the concept's label, its own kind, then the unit."""
        kinds = self.kind_words.kinds_in(outside)
        if concept.kind != "level":
            kinds.add(concept.kind)
        by_unit = self.kind_words.unit_kind(unit)
        if by_unit:
            kinds.add(by_unit)
        if unit_kind == "percent" and not kinds & {"change", "share"}:
            if "percent" not in concept.unit_kinds:
                kinds.add("change")  # 地区生产总值 6%: a % of an indicator that is no rate is its growth
            elif len(concept.unit_kinds) > 1:
                kinds.add("share")  # 家庭医生签约 90%: a % of a counted indicator is its rate
        return next((k for k in _PRIORITY if k in kinds), "level")


def scheme_path() -> Path:
    """ontology/indicators.ttl, found where the rest of the ontology is (checkout or installed package)."""
    from kg.rdf import resource_dir

    return resource_dir("ontology") / "indicators.ttl"
