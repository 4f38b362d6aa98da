"""Programme mentions, numbered measures and cited policy documents in one cleaned, Simplified text.

Programmes come from two sources: the labels of the scheme (longest match with Aho–Corasick, quotes
ignored so “一站式”结算 matches 一站式结算), and discovery of names the scheme does not know yet — only names
ending in a programme head (行动, 计划, 工程, 机制, 模式, 制度, 工作法, 示范, 试点: kg/data/programme_words.tsv),
such as 特色优势产业三年倍增行动 or “1433”防返贫监测帮扶推进机制.  A quoted phrase or a number slogan without a
head (“两重”, “诗与远方”, 四个减免) is no programme unless the scheme lists it: awards, products and slogans are
not discovered.  A discovered name must say something of its own before the head (投诉工作机制 does not) and
belong to no field without programmes of ours (特别军事行动).  A discovered name that the scheme knows after
all (alias table or similarity) becomes a scheme mention.  All offsets refer to the text passed in.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kg.extract.component import component
from kg.gazetteer import Gazetteer
from kg.knowledge import KnowledgeBase, WordLists
from kg.matcher import WordMatcher
from kg.model import Blocks, Document, Extraction, Measure, PolicyDocument, ProgrammeMention
from kg.programmes import ProgrammeScheme

SUFFIX = "suffix"  # the rule that discovered a name (kgo:discoveredBy)

_QUOTE_CHARS = frozenset("“”‘’\"「」『』")
_OPEN_CLOSE = {"“": "”", "「": "」", "『": "』"}
_HAN = re.compile(r"[\u3400-\u9fff]")
MAX_NAME = 16  # characters (quotes not counted): longer stretches are clauses, not names
MIN_HEAD = 3  # characters before the suffix: 工作机制, 长效机制, 专项行动 are not names
WEAK_HEAD_CORE = 6  # characters before a weak head (机制, 模式, 制度) unless part of the name is quoted or numbered


class _Words:
    """kg/data/programme_words.tsv as the sets and patterns discovery uses (see the file's comments)."""

    def __init__(self, words: WordLists) -> None:
        self.suffixes = re.compile("|".join(map(re.escape, sorted(words["suffixes"], key=len, reverse=True))))
        self.suffix_breakers = frozenset(words.chars("suffix_breakers"))
        self.plan_verbs = words["plan_verbs"]
        self.leaders = frozenset(words["leaders"])
        self.leader_lengths = sorted({len(w) for w in self.leaders}, reverse=True)
        self.empty_core = tuple(sorted(words["empty_core"], key=len, reverse=True))
        self.not_programme = tuple(words["not_programme"])
        self.final_heads = frozenset(words["final_heads"])
        self.works_tails = tuple(words["works_tails"])
        self.weak_heads = frozenset(words["weak_heads"])

    def core(self, head: str) -> str:
        """What a name says before its programme head, without words that say nothing (工作, 长效 …)."""
        head = "".join(c for c in head if c not in _QUOTE_CHARS)
        changed = True
        while changed:
            changed = False
            for word in self.empty_core:
                if head.endswith(word) and len(head) > len(word):
                    head, changed = head[: -len(word)], True
        return head

    def leader_ends_at(self, text: str, i: int) -> bool:
        """True when a leader word (verb / function word) ends exactly at position i."""
        return any(i >= n and text[i - n:i] in self.leaders for n in self.leader_lengths)

    def leader_starts_at(self, text: str, j: int) -> bool:
        return any(text[j:j + n] in self.leaders for n in self.leader_lengths)


@functools.lru_cache(maxsize=8)
def programme_words(kb: KnowledgeBase) -> _Words:
    """The compiled discovery word lists of a knowledge base (built once per base)."""
    return _Words(kb.lexicon["programme_words"])


# ---------------------------------------------------------------- scheme matching


@dataclass(frozen=True)
class _View:
    """The text with quote characters removed, and where each of its characters came from."""

    text: str
    removed_at: list[int]  # view positions just before which a removed quote character stood

    @classmethod
    def of(cls, text: str) -> _View:
        removed = [m.start() for m in _QUOTE_RE.finditer(text)]
        view = _QUOTE_RE.sub("", text) if removed else text
        return cls(view, [pos - n for n, pos in enumerate(removed)])

    def _origin(self, index: int) -> int:
        return index + bisect.bisect_right(self.removed_at, index)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of view[start:end]."""
        return self._origin(start), self._origin(end - 1) + 1


_QUOTE_RE = re.compile("[" + re.escape("".join(sorted(_QUOTE_CHARS))) + "]")


@functools.cache
def _automaton(scheme: ProgrammeScheme) -> WordMatcher[str | None]:
    """Matcher over all scheme labels (to their concept) and stop terms (to None), built once per scheme."""
    words: dict[str, str | None] = {}
    for label, concept_id in scheme.surface_labels():
        key = unicodedata.normalize("NFKC", label)
        if len(key) >= 2 and (concept_id is not None or key not in words):
            words[key] = concept_id
    return WordMatcher(words)


def _longest_matches(view: _View, matcher: WordMatcher[str | None]) -> list[tuple[int, int, str | None]]:
    """Non-overlapping (start, end, concept) in view offsets: longest first, then leftmost."""
    found = list(matcher.find(view.text))
    found.sort(key=lambda m: (m[0] - m[1], m[0]))
    taken = [False] * (len(view.text) + 1)
    chosen: list[tuple[int, int, str | None]] = []
    for start, end, concept in found:
        if not any(taken[start:end]):
            chosen.append((start, end, concept))
            for i in range(start, end):
                taken[i] = True
    return sorted(chosen)


# ---------------------------------------------------------------- discovery


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    name: str
    rule: str


def _scan_back(text: str, end: int, cover: list[int], w: _Words) -> int:
    """Start of the name that ends at `end`: back over Han, digits, whole quotes and whole scheme labels,
    to a leader word or punctuation.  A two-character leader right before the suffix belongs to the name
    (防返贫监测帮扶推进机制); a one-character function word never does (的工作机制, 报账等制度)."""
    i = end
    while i > 0 and end - i <= 3 * MAX_NAME:  # a name is never longer: the run before it is no name
        if text[i - 1] in w.leaders or end - i >= 2 and w.leader_ends_at(text, i):
            break
        c = text[i - 1]
        if cover[i] >= 0:  # inside a scheme label: take all of it (宜居宜业和美乡村 is not cut at 和)
            i = cover[i]
        elif c in "”」』":
            opening = text.rfind({"”": "“", "」": "「", "』": "『"}[c], max(0, i - 24), i - 1)
            if opening < 0:
                break
            i = opening
        elif _HAN.match(c) or c.isascii() and (c.isalnum() or c in "+"):
            i -= 1
        else:
            break
    return i


def _parallel_start(text: str, start: int, head_end: int, cover: list[int], w: _Words) -> int:
    """Extend a name back over parallel segments of equal length: 领导联县、部门帮村、干部包户机制."""
    width = head_end - start
    while start > 0 and text[start - 1] == "、":
        previous = _scan_back(text, start - 1, cover, w)
        if start - 1 - previous != width:
            break
        start = previous
    return start


def _cover(length: int, spans: Iterable[tuple[int, int]]) -> list[int]:
    """cover[i] = start of the scheme label holding character i-1, or -1."""
    cover = [-1] * (length + 1)
    for s, e in spans:
        for i in range(s + 1, e + 1):
            cover[i] = s
    return cover


def _name_length(name: str) -> int:
    return sum(c not in _QUOTE_CHARS for c in name)


def _suffix_candidates(text: str, cover: list[int], w: _Words) -> Iterable[_Candidate]:
    """Names ending in a programme head (行动/计划/工程/机制/模式/制度), starting after the verb or
    punctuation before them."""
    for m in w.suffixes.finditer(text):
        if m.end() < len(text) and text[m.end()] in w.suffix_breakers:
            continue
        if m.group() == "计划" and text.startswith(w.plan_verbs, m.end()):
            continue
        if m.group() in w.final_heads and m.end() < len(text) and _HAN.match(text[m.end()]):
            continue  # 能效标杆示范企业, 纳入试点保障范围
        start = _scan_back(text, m.start(), cover, w)
        start = _parallel_start(text, start, m.start(), cover, w)
        year = re.match(r"(?:19|20)\d{2}年度?", text[start:m.start()])
        if year:
            start += year.end()
        head = text[start:m.start()]
        quoted = any(c in _QUOTE_CHARS for c in head)
        core = w.core(head)
        if _name_length(core) < MIN_HEAD and not quoted:
            continue  # 投诉工作机制, 专项行动: nothing of its own before the head
        if m.group() in w.weak_heads and len(core) < WEAK_HEAD_CORE and not quoted and not re.search(r"\d", core):
            continue  # 审评审批机制, 城市更新模式: a way of working, not a named one
        if _name_length(text[start:m.end()]) > MAX_NAME or not _HAN.search(head):
            continue
        if any(word in head for word in w.not_programme) or text[start:m.end()].endswith(w.works_tails):
            continue
        if w.leader_starts_at(text, start) or (start > 0 and (text[start - 1].isdigit() or text[start - 1] in "/／")):
            continue  # 发挥好工程; 150亿方/年天然气产能倍增工程: no name starts with a verb or inside a figure
        yield _Candidate(start, m.end(), text[start:m.end()], SUFFIX)


def _discover(text: str, scheme_spans: Iterable[tuple[int, int]], w: _Words) -> list[_Candidate]:
    """Names ending in a programme head, without the ones inside a longer candidate or repeating a span."""
    cover = _cover(len(text), scheme_spans)
    candidates = sorted(set(_suffix_candidates(text, cover, w)), key=lambda c: (c.start, -c.end))
    kept: list[_Candidate] = []
    reach = -1  # candidates come in start order, so a later one lies inside a kept one iff it ends by `reach`
    for cand in candidates:
        if cand.end <= reach:
            continue
        kept.append(cand)
        reach = cand.end
    return kept


# ---------------------------------------------------------------- programmes


def find_programmes(text: str, scheme: ProgrammeScheme, w: _Words) -> list[ProgrammeMention]:
    """Programme mentions in `text` (Simplified, cleaned), sorted by offset.

    Scheme labels never overlap each other; a discovered name may contain a scheme mention
    (人居环境整治百日攻坚专项行动 ⊃ 人居环境整治) because it names a programme of its own.
    """
    view = _View.of(text)
    mentions: list[ProgrammeMention] = []
    scheme_spans: list[tuple[int, int, str | None]] = []
    for start, end, concept in _longest_matches(view, _automaton(scheme)):
        s, e = view.span(start, end)
        scheme_spans.append((s, e, concept))
        if concept is not None:
            mentions.append(ProgrammeMention(scheme.pref_label(concept), text[s:e], s, e, concept))

    scheme_spans.sort()
    span_starts = [a for a, _, _ in scheme_spans]
    by_concept: dict[str | None, list[tuple[int, int]]] = {}
    for a, b, c in scheme_spans:
        by_concept.setdefault(c, []).append((a, b))

    def inside_scheme_match(s: int, e: int) -> bool:
        """Scheme matches never overlap, so only the last one starting at or before `s` can hold it."""
        while s < e and text[s] in _QUOTE_CHARS:
            s += 1
        while e > s and text[e - 1] in _QUOTE_CHARS:
            e -= 1
        i = bisect.bisect_right(span_starts, s) - 1
        return i >= 0 and e <= scheme_spans[i][1]

    discovered: dict[str, str] = {}  # display label -> rule, for the second pass
    for cand in _discover(text, [(a, b) for a, b, _ in scheme_spans], w):
        if inside_scheme_match(cand.start, cand.end) or scheme.is_stop(cand.name):
            continue
        concept, label = scheme.canonical(cand.name)
        if concept is not None:
            if not any(a < cand.end and cand.start < b for a, b in by_concept.get(concept, ())):
                mentions.append(ProgrammeMention(label, cand.name, cand.start, cand.end, concept))
            continue
        mentions.append(ProgrammeMention(label, cand.name, cand.start, cand.end, None, cand.rule))
        discovered.setdefault(label, cand.rule)
    mentions.extend(_repeats(text, view, discovered, mentions))
    return sorted(mentions, key=lambda m: (m.start, -m.end, m.label))


def _repeats(text: str, view: _View, discovered: dict[str, str],
             mentions: list[ProgrammeMention]) -> list[ProgrammeMention]:
    """Later unquoted uses of a name discovered in the same text (“三区同建” … 坚持三区同建)."""
    matcher = WordMatcher({label: label for label in discovered
                           # only names that are written the same way every time
                           if len(label) >= 3 and label == label.translate(str.maketrans("", "", "、，,"))})
    if not len(matcher):
        return []
    taken = bytearray(len(text) + 1)  # positions already named by a mention (linear, whatever the length)
    for m in mentions:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    out: list[ProgrammeMention] = []
    for start, end, label in matcher.find(view.text):
        s, e = view.span(start, end)
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append(ProgrammeMention(label, text[s:e], s, e, None, discovered[label]))
    return out


# ---------------------------------------------------------------- measures

MEASURE_MIN = 6  # characters: a shorter list item is a heading number, not a statement


def find_measures(text: str, list_items: Blocks, programmes: Sequence[ProgrammeMention]) -> list[Measure]:
    """Numbered action statements (the document's list items: 一是…, 一、…, （一）…, ——…) with the
    programmes mentioned inside them; their regions are attribution's to decide."""
    spans = sorted({(b.start, b.end) for b in list_items if b.end - b.start >= MEASURE_MIN})
    measures: list[Measure] = []
    ordered = sorted(programmes, key=lambda m: m.start)
    programme_starts = [m.start for m in ordered]
    for index, (start, end) in enumerate(spans):
        lo, hi = bisect.bisect_left(programme_starts, start), bisect.bisect_left(programme_starts, end)
        labels = tuple(dict.fromkeys(m.label for m in ordered[lo:hi] if m.end <= end))
        measures.append(Measure(index, text[start:end], start, end, None, labels))
    return measures


# ---------------------------------------------------------------- policy documents

_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–~～至到]+\s*((?:19|20)\d{2})")
_YEAR = re.compile(r"((?:19|20)\d{2})(?=年|\D|$)")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")


def title_years(title: str) -> tuple[int, ...]:
    """Years a title covers: 2022—2025 → 2022…2025, (2021-2025), 2023年, 二〇二三年."""
    years: set[int] = set()
    for m in _YEAR_RANGE.finditer(title):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last <= first + 30:
            years.update(range(first, last + 1))
    for m in _YEAR.finditer(title):
        years.add(int(m.group(1)))
    for m in _CN_YEAR.finditer(title):
        years.add(int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in m.group(1))))
    return tuple(sorted(years))


def find_policy_documents(text: str, titles: Blocks, gazetteer: Gazetteer) -> list[PolicyDocument]:
    """Documents cited in 《》 (the structure's protected titles): title without brackets, the years it
    covers, and the issuer when the title opens with a place (《甘肃省…工作指南》 is issued by 甘肃省)."""
    from kg.extract.regions import label_regions

    out: list[PolicyDocument] = []
    for block in titles:
        if block.kind != "title":
            continue
        title = text[block.start + 1:block.end - 1].strip()
        if not title:
            continue
        named = label_regions(title, gazetteer)
        issuer = named[0].region if named and named[0].start == 0 else None
        out.append(PolicyDocument(title, block.start, block.end, issuer, title_years(title)))
    return out


def discovered_labels(mentions: Iterable[ProgrammeMention]) -> list[str]:
    """Distinct labels of discovered (non-scheme) programmes, for `programme_links.link_discovered`."""
    return list(dict.fromkeys(m.label for m in mentions if m.concept is None))


# ---------------------------------------------------------------- components


@component(requires=("structure",), assigns=("programmes",))
def programmes(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: programme mentions (scheme labels and discovered names)."""
    assert ex.structure is not None
    found = find_programmes(doc.text, kb.programmes, programme_words(kb))
    return replace(ex, programmes=tuple(found))



@component(requires=("structure", "programmes"), assigns=("measures",))
def measures(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: numbered action statements and the programmes they name."""
    assert ex.structure is not None
    return replace(ex, measures=tuple(find_measures(doc.text, ex.structure.list_items, ex.programmes)))



@component(requires=("structure",), assigns=("policy_documents",))
def policy_documents(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: the documents the text cites in 《》."""
    assert ex.structure is not None
    return replace(ex, policy_documents=tuple(find_policy_documents(doc.text, ex.structure.protected, kb.gazetteer)))

