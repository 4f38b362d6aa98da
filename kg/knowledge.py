"""The knowledge base: everything the cleaners and extractors know, loaded once and passed explicitly.

Words and rules live in files, not in Python: the gazetteer (kg/data/gazetteer.tsv), the register of towns
and villages (kg/data/register.bin, memory-mapped: opening it reads nothing up front), the unit table
(kg/data/units.tsv), the programme scheme (ontology/programs.ttl), the indicator scheme (ontology/indicators.ttl),
a word segmenter whose user dictionary holds the labels of both schemes, and the word lists of every stage
(kg/data/*.tsv in the `kind<TAB>word,word,…` format, read by the one loader `Lexicon`).  Extraction
components receive a `KnowledgeBase`; none of them loads anything on its own, so a build can run with
another gazetteer or word list, and a test can hand in a small one.

`KnowledgeBase.load()` reads the shipped files; `KnowledgeBase.shipped()` is that, once per process: the
composition roots (a build's workers, `kg eval`, the programme-link step) call it, nothing below them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.gazetteer import Gazetteer
    from kg.indicators import IndicatorScheme
    from kg.programmes import ProgrammeScheme
    from kg.register import Register
    from kg.segment import Segmenter
    from kg.units import UnitTable

DATA = Path(__file__).resolve().parent / "data"
# the word lists: one file per stage, each line `kind<TAB>word,word,…` (a line of characters for the
# character classes of region_context.tsv)
LEXICON_FILES = ("chrome", "region_context", "indicator_words", "programme_words", "number_words", "period_words",
                 "structure_words", "attribution_words", "variants", "metadata", "figure_kinds", "indicator_qualifiers")


def parse_word_lists(text: str) -> dict[str, tuple[str, ...]]:
    """`kind<TAB>word,word,…` lines (comments start with #) as kind -> words."""
    kinds: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, words = line.partition("\t")
            kinds[kind.strip()] = tuple(w for w in words.rstrip("\n").split(",") if w)
    return kinds


@dataclass(frozen=True)
class WordLists:
    """The word lists of one file: `lists["leaders"]` -> ("实施", "开展", …); a missing kind is empty."""

    name: str
    kinds: MappingProxyType[str, tuple[str, ...]]

    def __getitem__(self, kind: str) -> tuple[str, ...]:
        return self.kinds.get(kind, ())

    def __contains__(self, kind: str) -> bool:
        return kind in self.kinds

    def chars(self, kind: str) -> str:
        """A character class written as one run of characters."""
        return "".join(self[kind])

    def pairs(self, kind: str) -> dict[str, str]:
        """`a=b` entries as a mapping (variant characters, short labels and their long forms …)."""
        return dict(w.split("=", 1) for w in self[kind] if "=" in w)


@dataclass(frozen=True)
class Lexicon:
    """Every word list, by file stem: `lexicon["programme_words"]["leaders"]`."""

    files: MappingProxyType[str, WordLists]

    def __getitem__(self, name: str) -> WordLists:
        try:
            return self.files[name]
        except KeyError:
            raise KeyError(f"no word list file {name}.tsv in the lexicon") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    @classmethod
    def load(cls, directory: Path = DATA, names: tuple[str, ...] = LEXICON_FILES) -> Lexicon:
        files = {}
        for name in names:
            path = directory / f"{name}.tsv"
            kinds = parse_word_lists(path.read_text(encoding="utf-8")) if path.is_file() else {}
            files[name] = WordLists(name, MappingProxyType(kinds))
        return cls(MappingProxyType(files))

    @classmethod
    def of(cls, **files: dict[str, tuple[str, ...]]) -> Lexicon:
        """A lexicon made in code (tests): `Lexicon.of(programme_words={"leaders": ("实施",)})`."""
        return cls(MappingProxyType({k: WordLists(k, MappingProxyType(v)) for k, v in files.items()}))


def user_words(indicators: IndicatorScheme, programmes: ProgrammeScheme, lexicon: Lexicon) -> set[str]:
    """The segmenter's user dictionary: the labels of both schemes (Simplified; the scheme's Traditional
    spellings never meet the Simplified text extraction reads) and the listed indicator nouns.  A label that
    opens with an action, lead or figure-kind word (建设高标准农田, 已消除风险, 累计发放) is left out, so the words
    that say what was done stay apart from what is counted."""
    from kg.indicators import normalise_label

    words = {normalise_label(label) for c in indicators.concepts.values() for label in c.labels}
    words |= {normalise_label(label) for label, concept in programmes.surface_labels() if concept is not None}
    lists = lexicon["indicator_words"]
    openers = set(lists["action_verbs"]) | set(lists["lead"]) | set(lexicon["figure_kinds"]["cumulative_around"])
    longest = max(map(len, openers), default=0)
    words = {w for w in words if not any(w[:n] in openers for n in range(1, min(longest, len(w) - 1) + 1))}
    words |= set(lists["nouns"])
    return {w for w in words if not w.isascii()}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: per-base caches key on it
class KnowledgeBase:
    """What extraction knows, passed to every component (see the module docstring)."""

    gazetteer: Gazetteer
    units: UnitTable
    programmes: ProgrammeScheme
    lexicon: Lexicon
    indicators: IndicatorScheme
    segmenter: Segmenter  # tags the clause before a figure; its user dictionary: scheme labels, indicator nouns
    register: Register | None = None  # towns and villages with their county (None: towns need strong evidence)
    sources: tuple[Path, ...] = field(default=(), compare=False)  # the files it was read from

    @classmethod
    def load(cls, data: Path = DATA, ontology: Path | None = None) -> KnowledgeBase:
        """Read the knowledge base from a data folder (kg/data) and an ontology folder (ontology/)."""
        from kg.gazetteer import Gazetteer
        from kg.indicators import IndicatorScheme
        from kg.programmes import ProgrammeScheme
        from kg.rdf import resource_dir
        from kg.register import REGISTER_NAME, Register
        from kg.segment import Segmenter
        from kg.units import UnitTable

        ontology = ontology or resource_dir("ontology")
        lexicon = Lexicon.load(data)
        programmes = ProgrammeScheme.from_turtle(ontology / "programs.ttl",
                                                 generic_tails=lexicon["programme_words"]["generic_tails"],
                                                 heads=lexicon["programme_words"]["suffixes"],
                                                 contrasts=lexicon["programme_words"]["contrasts"])
        indicators = IndicatorScheme.from_turtle(ontology / "indicators.ttl", lexicon)
        return cls(
            gazetteer=Gazetteer.from_files(data, lexicon),
            units=UnitTable.parse((data / "units.tsv").read_text(encoding="utf-8")),
            programmes=programmes,
            lexicon=lexicon,
            indicators=indicators,
            segmenter=Segmenter(user_words(indicators, programmes, lexicon)),
            register=Register(data / REGISTER_NAME) if (data / REGISTER_NAME).is_file() else None,
            sources=(data, ontology),
        )

    @staticmethod
    @functools.cache
    def shipped() -> KnowledgeBase:
        """The shipped knowledge base, read once per process (for composition roots only)."""
        return KnowledgeBase.load()
