"""Typed data passed between the pipeline stages.

read -> SourceText -> normalise -> Document -> extract -> Extraction -> rdf -> quads -> store.
Every stage takes and returns these dataclasses only, so each can be tested and replaced alone.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

_Record = TypeVar("_Record")


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def evolve(record: _Record, **changes: Any) -> _Record:
    """`dataclasses.replace` for the records of this module, without its per-call introspection (the
    pipeline makes tens of thousands of them per megabyte of text).  The records have no __post_init__,
    so copying the fields is all `replace` would do; an unknown field name is an error as there."""
    names = _field_names(type(record))
    unknown = changes.keys() - names
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {', '.join(sorted(unknown))}")
    values = {**record.__dict__, **changes}
    if len(values) != len(names):  # values cached on the record (Region.chain) are not carried over
        values = {name: values[name] for name in names}
    new = object.__new__(type(record))
    new.__dict__.update(values)
    return new


@dataclass(frozen=True)
class SourceText:
    """One document as read from disk: decoded text plus whatever metadata the container gave."""

    file: str  # file name as given, relative to the build root (what `documents.rq` shows)
    text: str  # decoded text, possibly HTML / Markdown
    media_type: str = "text/plain"  # text/plain | text/html | text/markdown
    part: str | None = None  # row / item number for files that hold several documents
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Stable identity of the document inside a build (file, plus part for multi-document files)."""
        return self.file if self.part is None else f"{self.file}#{self.part}"


@dataclass(frozen=True)
class ReadFailure:
    """A file (or one record of it) that could not be read, with a one-line reason for the user."""

    file: str
    reason: str


class OffsetMap:
    """Maps positions of a derived text back to the text it was derived from.

    Built from a list of edits (start, end, replacement) applied to the parent text.  Positions inside
    unchanged stretches map one to one; a replaced stretch maps its start to the parent's start, so a
    quote cut with `span()` always covers the whole original stretch (e.g. ruby artefacts stay inside).
    """

    def __init__(self, starts: list[int], parent_starts: list[int], lengths: list[int], parent_lengths: list[int],
                 parent: OffsetMap | None = None) -> None:
        self._starts = starts
        self._pstarts = parent_starts
        self._lens = lengths
        self._plens = parent_lengths
        self._parent = parent
        # one-for-one edits (Traditional -> Simplified, full-width digits) keep every position: _local is
        # then the identity, but for an end at or before 0, which maps to 0; to_source steps over such maps
        self._identity = bool(starts) and starts == parent_starts and lengths == parent_lengths and all(lengths)

    @classmethod
    def from_edits(cls, parent_text_len: int, edits: list[tuple[int, int, str]],
                   parent: OffsetMap | None = None) -> OffsetMap:
        starts: list[int] = []
        pstarts: list[int] = []
        lens: list[int] = []
        plens: list[int] = []
        pos_parent = 0
        pos_new = 0
        for start, end, repl in sorted(edits):
            if start < pos_parent:  # overlapping edit: ignore (callers never produce these)
                continue
            if start > pos_parent:  # unchanged stretch
                starts.append(pos_new)
                pstarts.append(pos_parent)
                lens.append(start - pos_parent)
                plens.append(start - pos_parent)
                pos_new += start - pos_parent
            starts.append(pos_new)
            pstarts.append(start)
            lens.append(len(repl))
            plens.append(end - start)
            pos_new += len(repl)
            pos_parent = end
        if pos_parent < parent_text_len or not starts:
            starts.append(pos_new)
            pstarts.append(pos_parent)
            lens.append(parent_text_len - pos_parent)
            plens.append(parent_text_len - pos_parent)
        return cls(starts, pstarts, lens, plens, parent)

    def _local(self, pos: int, is_end: bool) -> int:
        starts = self._starts
        if not starts:
            return pos
        if is_end:
            if pos <= 0:
                return self._pstarts[0]
            i = bisect.bisect_left(starts, pos) - 1  # the piece holding the character before `pos`
            while i > 0 and self._lens[i] == 0:
                i -= 1
        else:
            i = bisect.bisect_right(starts, pos) - 1  # the piece holding the character at `pos`
            i = max(i, 0)
            if self._lens[i] == 0:
                return self._pstarts[i] + self._plens[i]
        offset = pos - starts[i]
        if self._lens[i] == self._plens[i]:
            return self._pstarts[i] + offset
        if offset <= 0:
            return self._pstarts[i]
        if offset >= self._lens[i] or is_end:
            return self._pstarts[i] + self._plens[i]
        return self._pstarts[i]

    def to_source(self, pos: int, is_end: bool = False) -> int:
        """The position in the original text: through every map of the chain, a loop, not a recursion."""
        node: OffsetMap | None = self
        while node is not None:
            if not node._identity:
                pos = node._local(pos, is_end)
            elif is_end and pos <= 0:
                pos = 0
            node = node._parent
        return pos


@dataclass(frozen=True)
class Removal:
    """A stretch of a text removed as page chrome: its offsets, the kind of chrome, and the header field
    (时间, 来源 …) and value it carried, if any."""

    start: int
    end: int
    kind: str
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    date: str | None = None  # ISO 8601 date YYYY-MM-DD
    publisher: str | None = None
    url: str | None = None
    script: str = "zh-Hans"  # zh-Hans | zh-Hant: the script of the original text
    inferred_year: int | None = None  # year the text makes clear when the page gives no date
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """A normalised document: Simplified text for extraction, original text for quotes."""

    key: str
    file: str
    part: str | None
    source: str  # the decoded original text; quotes and offsets refer to it
    text: str  # cleaned, Simplified text that extractors read
    offsets: OffsetMap  # text position -> source position
    meta: DocumentMeta
    content_hash: str
    chrome: tuple[Removal, ...] = ()  # page chrome cut out, with offsets in `source` and its kind
    headings: tuple[tuple[int, int, int], ...] = ()  # (start, end in `source`, level) of marked headings

    @property
    def chrome_chars(self) -> int:
        """Characters of the original removed as page chrome (so a loss of body text can be seen)."""
        return sum(r.end - r.start for r in self.chrome)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in `source` of the stretch `text[start:end]`."""
        return self.offsets.to_source(start), self.offsets.to_source(end, is_end=True)

    def quote(self, start: int, end: int) -> str:
        s, e = self.source_span(start, end)
        return self.source[s:e]


# --- document structure -------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A stretch of Document.text with a role: a paragraph, sentence, clause, heading, section, story,
    list item or protected span (a 《title》, a “quotation”, a URL)."""

    start: int
    end: int
    kind: str = ""  # what kind of heading / list marker / protected span
    level: int = 0  # heading and section depth (1 = top)
    title: str = ""  # a heading's, section's or story's title


class Blocks:
    """Blocks in text order, with the one holding a position found by bisection."""

    __slots__ = ("items", "_starts", "_reach")

    def __init__(self, items: list[Block] | tuple[Block, ...]) -> None:
        self.items = tuple(sorted(items, key=lambda b: (b.start, -b.end)))
        self._starts = [b.start for b in self.items]
        self._reach = list(itertools.accumulate((b.end for b in self.items), max))  # furthest end so far

    def __iter__(self):  # noqa: ANN204 - Iterator[Block]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Block:
        return self.items[i]

    def at(self, pos: int) -> Block | None:
        """The innermost block holding `pos` (the last one starting at or before it that still holds it;
        nested blocks, such as sections, are looked through up to 64 deep)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        reach, items = self._reach, self.items
        for j in range(i, max(-1, i - 64), -1):
            if reach[j] <= pos:
                return None  # no block from here back reaches `pos`
            if pos < items[j].end:
                return items[j]
        return None

    def within(self, start: int, end: int) -> tuple[Block, ...]:
        """Blocks starting in [start, end)."""
        return self.items[bisect.bisect_left(self._starts, start):bisect.bisect_left(self._starts, end)]


@dataclass(frozen=True)
class DocStructure:
    """The shape of a document (see kg.extract.structure): every later component reads it instead of
    splitting the text with its own patterns."""

    paragraphs: Blocks
    headings: Blocks
    sections: Blocks
    list_items: Blocks
    protected: Blocks
    stories: Blocks
    sentence_stops: tuple[int, ...]  # positions of the characters that end a sentence
    clause_stops: tuple[int, ...]  # … and a clause
    text: str = field(default="", repr=False, compare=False)

    @functools.cached_property
    def sentences(self) -> Blocks:
        """The sentences (cut every SENTENCE_MAX characters), made when first asked for."""
        return Blocks(_pieces(self.text, self.sentence_stops))

    @functools.cached_property
    def clauses(self) -> Blocks:
        return Blocks(_pieces(self.text, self.clause_stops))

    def _start(self, stops: tuple[int, ...], pos: int, floor: int, lookback: int) -> int:
        floor = max(floor, pos - lookback)
        i = bisect.bisect_left(stops, pos) - 1
        return max(floor, stops[i] + 1) if i >= 0 else floor

    def sentence_start(self, pos: int, floor: int = 0, lookback: int = 300) -> int:
        """Where the sentence holding `pos` starts: after the last sentence end before it, not before
        `floor` nor more than `lookback` characters back (no sentence is longer)."""
        return self._start(self.sentence_stops, pos, floor, lookback)

    def clause_start(self, pos: int, floor: int = 0, lookback: int = 300) -> int:
        return self._start(self.clause_stops, pos, floor, lookback)

    def protected_at(self, pos: int, kind: str | None = None) -> Block | None:
        block = self.protected.at(pos)
        return block if block is not None and (kind is None or block.kind == kind) else None


SENTENCE_MAX = 500  # characters: a longer run without a sentence end is cut into pieces


def _pieces(text: str, stops: tuple[int, ...], limit: int = SENTENCE_MAX) -> list[Block]:
    """The stretches between stops (stop character included), cut every `limit` characters."""
    out: list[Block] = []
    start = 0
    for end in [*(s + 1 for s in stops), len(text)]:
        while end - start > limit:
            out.append(Block(start, start + limit))
            start += limit
        if end > start and not text[start:end].isspace():
            out.append(Block(start, end))
        start = max(start, end)
    return out


# --- extraction results -------------------------------------------------------------------------


LEVEL_RANK = {"country": 0, "foreign": 0, "province": 1, "city": 2, "county": 3, "town": 4, "village": 5}


@dataclass(frozen=True)
class Region:
    """An administrative division (GB/T 2260), a town / village attached to its county, or a country other
    than China (level "foreign", with its ISO 3166-1 alpha-2 code; no parent)."""

    name: str  # full official name, Simplified: 麦积区
    level: str  # country | foreign | province | city | county | town | village
    code: str | None = None  # 6-digit GB/T 2260 code; None for towns and villages
    parent: Region | None = None
    iso: str | None = None  # ISO 3166-1 alpha-2 code of a foreign country (US, JP); None for China and its parts

    @property
    def key(self) -> str:
        """What the region's IRI is minted from: its code, country/<ISO code> for a foreign country, or the
        parent's key plus the name."""
        if self.code:
            return self.code
        if self.iso:
            return f"country/{self.iso}"
        if self.level == "country":
            return "CN"
        return f"{self.parent.key if self.parent else 'x'}/{self.name}"

    def chain(self) -> tuple[Region, ...]:
        """The region and its ancestors, most specific first (made once per region: extraction asks for it
        hundreds of thousands of times)."""
        cached = self.__dict__.get("_chain")
        if cached is None:
            cached = (self, *self.parent.chain()) if self.parent is not None else (self,)
            object.__setattr__(self, "_chain", cached)
        return cached


CHINA = Region(name="中国", level="country")


@dataclass(frozen=True)
class RegionMention:
    region: Region
    start: int  # offsets in Document.text
    end: int
    surface: str


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: the exact original-script quote and its offsets in Document.source."""

    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # in base units (multipliers applied)
    unit: str  # measure word from the unit table: 元, 户, 人, %, 亩 ...
    stated: str  # the text as written: 1.8394万人
    qualifier: str | None = None  # 余, 多, 以上, 近, 约, 超过 ...
    start: int = 0  # offsets in Document.text of the number+unit
    end: int = 0


@dataclass(frozen=True)
class Observation:
    indicator: str  # short Simplified label of what is counted
    quantity: Quantity
    region: Region | None
    period: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    evidence: Evidence
    measure_index: int | None = None  # index of the Measure whose text holds it, if any
    status: str = "actual"  # actual | target | forecast, as attribution decides
    kind: str = "level"  # figure kind: level | change | share | per-capita | cumulative (kg.extract.indicators)
    concept: str | None = None  # IRI of the indicator-scheme concept the label names (kg.extract.indicators)
    concept_label: str | None = None  # that concept's prefLabel


@dataclass(frozen=True)
class ProgrammeMention:
    label: str  # canonical label (scheme prefLabel, or the discovered name)
    surface: str  # as written (Simplified)
    start: int
    end: int
    concept: str | None = None  # scheme concept id when the name is in the scheme; None if discovered
    discovered_by: str | None = None  # rule that found a new programme (quoted, slogan, suffix)
    region: Region | None = None  # where it runs, as attribution decides
    period: str | None = None


@dataclass(frozen=True)
class Measure:
    """A numbered action statement (一是…, 二、…, （一）…, ——…)."""

    index: int
    text: str  # Simplified text of the statement
    start: int
    end: int
    region: Region | None
    programmes: tuple[str, ...] = ()  # programme labels mentioned inside
    period: str | None = None


@dataclass(frozen=True)
class PolicyDocument:
    title: str  # inside 《》, Simplified, brackets removed
    start: int
    end: int
    issuer: Region | None = None
    years: tuple[int, ...] = ()
    region: Region | None = None  # the region the citing passage is about, as attribution decides


@dataclass(frozen=True)
class Partnership:
    """A relation between regions stated in the text (east–west cooperation, paired assistance)."""

    donor: Region
    recipient: Region
    programme: str | None
    evidence: Evidence


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document, filled in by the pipeline's components (each returns a
    copy with its own fields set); the input of the RDF mapping, which decides nothing."""

    document: Document
    doc_year: int | None = None  # the year "今年" means: the document's date, else the year its text reports
    structure: DocStructure | None = None
    regions: tuple[RegionMention, ...] = ()
    main_region: Region | None = None  # the document's home region
    quantities: tuple[Quantity, ...] = ()
    observations: tuple[Observation, ...] = ()
    programmes: tuple[ProgrammeMention, ...] = ()
    measures: tuple[Measure, ...] = ()
    policy_documents: tuple[PolicyDocument, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
