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
from dataclasses import dataclass

import rjieba

from kg.extract.component import component
from kg.gazetteer import Gazetteer
from kg.knowledge import KnowledgeBase, WordLists
from kg.matcher import WordMatcher, alternation
from kg.model import Blocks, Document, Extraction, Measure, PolicyDocument, ProgrammeMention, evolve
from kg.programmes import ProgrammeScheme

SUFFIX = "suffix"  # the rule that discovered a name (kgo:discoveredBy)

_QUOTE_CHARS = frozenset("“”‘’\"「」『』")
_OPEN_CLOSE = {"“": "”", "「": "」", "『": "』"}
_CLOSING_QUOTES = {close: opening for opening, close in _OPEN_CLOSE.items()}
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
MAX_NAME = 16  # characters (quotes not counted): longer stretches are clauses, not names
MIN_HEAD = 3  # characters before the suffix: 工作机制, 长效机制, 专项行动 are not names
MAX_OPENING = 8  # characters of counts and prepositions a scanned stretch may open with before its name
WEAK_HEAD_CORE = 6  # characters before a weak head (机制, 模式, 制度) unless part of the name is quoted or numbered


class _Words:
    """kg/data/programme_words.tsv as the sets and patterns discovery uses (see the file's comments)."""

    def __init__(self, words: WordLists) -> None:
        self.suffixes = re.compile(alternation(words["suffixes"]))
        self.suffix_breakers = frozenset(words.chars("suffix_breakers"))
        self.plan_verbs = words["plan_verbs"]
        self.leaders = frozenset(words["leaders"])
        self.leader_lengths = sorted({len(w) for w in self.leaders}, reverse=True)
        self.inner_leaders = frozenset(words["inner_leaders"])
        self.governors = frozenset(words["governors"])
        self.governor_lengths = sorted({len(w) for w in self.governors}, reverse=True)
        self.empty_core = tuple(sorted(words["empty_core"], key=len, reverse=True))
        self.not_programme = tuple(words["not_programme"])
        self.final_heads = frozenset(words["final_heads"])
        self.works_tails = tuple(words["works_tails"])
        self.works_kinds = frozenset(words["works_kinds"])
        self.fixed_terms = tuple(words["fixed_terms"])
        self.fixed_chars = frozenset("".join(self.fixed_terms))
        self.body_after = tuple(words["body_after"])
        self.weak_heads = frozenset(words["weak_heads"])
        self.weak_empty_core = tuple(words["weak_empty_core"])
        self.system_after = tuple(words["system_after"])
        self.quoted_heads = frozenset(words["quoted_heads"])
        self.novelty_words = frozenset(words["novelty_words"])
        self.generic_words = frozenset(words["generic_words"])
        self.generic_tags = frozenset(words["generic_tags"])
        self.category_tails = tuple(words["category_tails"])
        self.kind_tails = tuple(words["kind_tails"])
        self.head_verbs = frozenset(words["head_verbs"])
        self.leader_tags = frozenset(words["leader_tags"])
        self.before_head_tags = frozenset(words["before_head_tags"])
        self.conjunctions = frozenset(words["conjunctions"])
        self.level_words = frozenset(words["level_words"])
        self.adverbs = frozenset(words["adverbs"])
        self.numeral_chars = frozenset(words.chars("numerals"))
        numeral = "[0-9０-９" + words.chars("numerals") + "]+"
        counts = alternation(words["counts"])
        opening = alternation(words["counts"] + words["opening_counts"])
        measures = alternation(words["measures"])
        # a count (14个, 一批, 第二批, 新一批, 首批) or an Arabic figure with its unit (750千伏, 23日) opening a name
        self.count_scopes = tuple(words["count_scopes"])
        self.deictic_scopes = tuple(sorted(words["deictic_scopes"], key=len, reverse=True))
        # a region's own run of a programme (全市域要素…试点) keeps its scope: see programme_links
        self.regional = tuple(r for r in words["regional"] if r not in self.deictic_scopes)
        self.inner_count = re.compile(f"[0-9０-９]+(?:{counts})")
        scopes = "|".join(map(re.escape, words["count_scopes"]))
        self.count = re.compile(f"(?:(?:{scopes})?(?:(?:第|新)?{numeral}|首)(?:{opening}))|[0-9.]+(?:{measures})")
        self.count_before_head = re.compile(f"{numeral}(?:{counts})$")
        self.count_inside = re.compile(f"{numeral}(?:{opening})")

    def core(self, head: str, also: tuple[str, ...] = ()) -> str:
        """What a name says before its programme head, without words that say nothing (工作, 长效 …; `also`
        adds more)."""
        head = "".join(c for c in head if c not in _QUOTE_CHARS)
        scope = next((w for w in self.count_scopes if head.startswith(w) and len(head) > len(w)), "")
        head = head[len(scope):]  # 全省|统一法人模式: a scope says nothing of the name
        changed = True
        while changed:
            changed = False
            for word in self.empty_core + also:
                if head.endswith(word) and len(head) > len(word):
                    head, changed = head[: -len(word)], True
        return head

    def fixed_opening(self, text: str, start: int) -> str:
        """The fixed term a name opens with at `start` (规模以上…), or ""."""
        return next((t for t in self.fixed_terms if text.startswith(t, start)), "")

    def leader_starts_at(self, text: str, j: int) -> bool:
        """True when a leader word starts at j, unless it is an inner leader a governing verb takes with the
        name (实施|有效投资上台阶行动)."""
        word = next((text[j:j + n] for n in self.leader_lengths if text[j:j + n] in self.leaders), None)
        return word is not None and not (word in self.inner_leaders and self.governed(text, j, 0))

    def leader_ends_at(self, text: str, i: int) -> bool:
        """True when a leader word (verb / function word) ends exactly at position i."""
        return self.leader_ending_at(text, i) is not None

    def fixed_start(self, text: str, i: int) -> int | None:
        """Where a fixed term holding the character before i starts (规模以上, 对非), if one does."""
        if i <= 0 or text[i - 1] not in self.fixed_chars:
            return None
        for term in self.fixed_terms:
            j = text.find(term, max(0, i - len(term)), i - 1 + len(term))
            if j != -1:
                return j
        return None

    def leader_ending_at(self, text: str, i: int) -> str | None:
        """The longest leader word ending exactly at position i, if any."""
        return _word_ending_at(text, i, self.leaders, self.leader_lengths)

    def governed(self, text: str, i: int, limit: int) -> bool:
        """Whether a governing verb (实施, 开展 …) ends within `limit` characters before i, with only Han
        characters between: then an inner leader at i (有效, 创新, 助力) is part of the name it governs."""
        for j in range(i, max(0, i - limit) - 1, -1):
            if _word_ending_at(text, j, self.governors, self.governor_lengths) is not None:
                return True
            if j == 0 or not _HAN.match(text[j - 1]) or text[j - 1] in self.leaders:
                return False
        return False


def _word_ending_at(text: str, i: int, words: frozenset[str], lengths: list[int]) -> str | None:
    """The longest of `words` (whose lengths are `lengths`, longest first) ending exactly at position i."""
    return next((text[i - n:i] for n in lengths if i >= n and text[i - n:i] in words), None)


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


_QUOTED = re.compile("“[^”]*”|「[^」]*」|『[^』]*』")


def _unquoted(text: str) -> str:
    """`text` with every quoted part blanked, offsets kept (“1+9”行动: no count of the name's own)."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)
_QUOTE_RE = re.compile("[" + re.escape("".join(sorted(_QUOTE_CHARS))) + "]")
_QUOTE_TABLE = str.maketrans("", "", "".join(_QUOTE_CHARS))


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


def _scan_back(text: str, end: int, cover: list[int], w: _Words, at_head: bool = True,
               inner: bool = False) -> int:
    """Start of the name that ends at `end`: back over Han, digits, whole quotes and whole scheme labels,
    to a leader word or punctuation.  A two-character leader right before the suffix (`at_head`) belongs to
    the name (防返贫监测帮扶推进机制); a one-character function word never does (的工作机制, 报账等制度).
    With `inner`, an inner leader a governing verb comes before is the name's (实施|有效投资上台阶行动),
    unless a quote follows it (深化拓展|“三争”行动: the verb of the quoted name)."""
    i = end
    while i > 0 and end - i <= 3 * MAX_NAME:  # a name is never longer: the run before it is no name
        fixed = w.fixed_start(text, i)
        if fixed is not None:
            i = fixed  # 规模以上|工业企业…计划, 对非|贸易倍增计划: a fixed term, not the leader 以上 / 对
            continue
        if text[i - 1] in w.leaders:
            break
        leader = w.leader_ending_at(text, i) if end - i >= 2 or not at_head else None
        if leader is not None:
            if not inner or leader not in w.inner_leaders or text[i] in _QUOTE_CHARS \
                    or not w.governed(text, i - len(leader), MAX_NAME - (end - i)):
                break
            i -= len(leader)  # 实施有效投资上台阶行动: a modifier the governing verb's object opens with
            continue
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


def _quoted_start(text: str, start: int, head_start: int, head_end: int, w: _Words) -> int:
    """A head closing a quote whose name the scan cut at a conjunction (“中国特色高水平高职学校和|专业建设计划”)
    ends a name that is all of the quote: the quote marks its bounds, so 和 inside it cuts nothing.  Where
    the quote opens, or -1 (no quote closes at the head, or the cut is no conjunction's)."""
    closing = text[head_end:head_end + 1]
    if closing not in _CLOSING_QUOTES or start <= 0 or text[start - 1] not in w.conjunctions:
        return -1
    opening = text.rfind(_CLOSING_QUOTES[closing], max(0, head_start - MAX_NAME - MAX_OPENING), head_start)
    if opening < 0 or opening + 1 >= start or not _HAN_RUN.fullmatch(text, opening + 1, start):
        return -1
    return opening + 1


def _parallel_start(text: str, start: int, head_end: int, cover: list[int], w: _Words, inner: bool) -> int:
    """Extend a name back over parallel segments of equal length: 领导联县、部门帮村、干部包户机制; generic
    words before the head may be no segment's own (改进作风、访企入村|专题行动)."""
    if start <= 0 or text[start - 1] != "、":
        return start
    words = rjieba.cut(text[start:head_end]) if start < head_end else []
    widths = {head_end - start}
    while len(words) > 1 and words[-1] in w.generic_words:
        head_end -= len(words.pop())
        widths.add(head_end - start)
    while start > 0 and text[start - 1] == "、":
        previous = _scan_back(text, start - 1, cover, w, inner=inner)
        if start - 1 - previous not in widths or w.suffixes.search(text, previous, start - 1):
            break  # 高等教育整体跃升行动、…: a name of its own, no segment
        widths = {start - 1 - previous}
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


def _token_bounds(text: str, start: int, end: int, hmm: bool = True) -> list[tuple[int, int]]:
    """rjieba's words of text[start:end] as (start, end) offsets in `text` (`hmm=False`: dictionary words
    only, no guessed ones)."""
    out: list[tuple[int, int]] = []
    pos = start
    for word in rjieba.cut(text[start:end], hmm):
        out.append((pos, pos + len(word)))
        pos += len(word)
    return out


def _word_at(bounds: list[tuple[int, int]], i: int) -> tuple[int, int] | None:
    """The word holding character i, when i is not where a word starts."""
    for a, b in bounds:
        if a < i < b:
            return a, b
    return None


def _snap_start(text: str, start: int, head: int, cover: list[int], w: _Words) -> int:
    """Move a start that cuts a dictionary word (向|家坝, 联合|国, 高等|教育, 扩大|开放) back to the word's
    beginning, then on to the leader or punctuation before it: a leader inside a word is no leader, but an
    adverb is (大力|发展, 在|思想上)."""
    for _ in range(3):
        if start <= 0 or start >= head:
            return start
        bounds = _token_bounds(text, max(0, start - 6), min(head, start + 6), hmm=False)
        word = _word_at(bounds, start)
        if word is None or word[1] > head or text[word[0]:start] in w.adverbs:
            return start
        start = _scan_back(text, word[0], cover, w, at_head=False)
        if head - start > MAX_NAME + MAX_OPENING:
            return start  # no name: the caller drops it
    return start


def _generic(name: str, w: _Words) -> bool:
    """A head with only generic modifiers (三年建设计划, 专项治理行动, 我国重点工程): no programme's name."""
    words = rjieba.tag(name.translate(_QUOTE_TABLE))
    if words and words[-1][1] in ("r", "rz"):
        return True  # 美国这一计划, 该工程: a reference to a programme named elsewhere
    return all(word in w.generic_words or tag in w.generic_tags or not _HAN.search(word) for word, tag in words)


def _kind_of_works(name: str, w: _Words) -> bool:
    """铁路重点工程, 生态文明标志性工程: a kind of works, unless what it qualifies is a programme's own (6+
    characters: 生物多样性保护重大工程)."""
    tail = next((t for t in w.kind_tails if name.endswith(t)), None)
    if tail is None:
        return False
    qualified = name[:-len(tail)]
    return len(w.core(qualified)) < WEAK_HEAD_CORE or _generic(qualified, w)  # 国家102项重大工程


def _strip_prepositions(text: str, start: int, head: int, cover: list[int], w: _Words) -> int:
    """A name starts after a preposition (对脱贫攻坚战三年行动, 用实际行动: rjieba's tags), outside scheme
    labels (和美乡村); -1 when the head follows a preposition or a localiser (内蒙古对计划, 思想上政治上行动)."""
    tags = rjieba.tag(text[start:head])
    last = len(tags)
    while last > 1 and tags[last - 1][0] in w.generic_words:
        last -= 1  # 建在产业链上|专项行动: generic words between a localiser and the head change nothing
    if tags and tags[last - 1][1] in w.before_head_tags and cover[head] < 0:
        return -1
    for word, tag in tags:
        if tag not in w.leader_tags or cover[start + 1] >= 0 or w.fixed_opening(text, start):
            break  # 对非|贸易倍增计划: 对 opens a fixed term, no preposition
        start += len(word)
    return start


def _strip_counts(text: str, start: int, end: int, w: _Words) -> int:
    """A name starts after a count or a figure (14个750千伏电网工程 -> 电网工程, 第二批康居工程 -> 康居工程)."""
    while start < end:
        m = w.count.match(text, start, end)
        if m is None or m.end() == start:
            return start
        start = m.end()
    return start


def _suffix_candidates(text: str, cover: list[int], w: _Words) -> Iterable[_Candidate]:
    """Names ending in a programme head (行动/计划/工程/机制/模式/制度), starting after the verb,
    punctuation or count before them, at a word boundary."""
    for m in w.suffixes.finditer(text):
        if m.end() < len(text) and text[m.end()] in w.suffix_breakers:
            continue
        if m.group() == "计划" and text.startswith(w.plan_verbs, m.end()):
            continue
        if m.group() in w.final_heads and m.end() < len(text) and _HAN.match(text[m.end()]):
            continue  # 能效标杆示范企业, 纳入试点保障范围
        before = rjieba.cut(text[max(0, m.start() - 6):m.start()])
        if before and before[-1] in w.head_verbs:
            continue  # 采取行动, 开展试点, 作示范: a verb and its object, no name (合作机制 is one)
        inner = m.group() not in w.weak_heads  # 优化|工商业电价机制: a verb and its object, no name
        start = _scan_back(text, m.start(), cover, w, inner=inner)
        start = _parallel_start(text, start, m.start(), cover, w, inner)
        quoted_whole = _quoted_start(text, start, m.start(), m.end(), w)
        start = quoted_whole if quoted_whole >= 0 else start
        if m.start() - start > MAX_NAME + MAX_OPENING:
            continue  # too long to be a name even without an opening count or preposition
        bounds = _token_bounds(text, max(start - 2, 0), min(len(text), m.end() + 2))
        split = _word_at(bounds, m.start())
        if split is not None and split[1] != m.end():
            continue  # 进行|动态, 开|行动|车: the head is part of another word
        scanned, start = start, _snap_start(text, start, m.start(), cover, w)
        if m.start() - start < 1:
            continue
        year = re.match(r"(?:19|20)\d{2}年度?", text[start:m.start()])
        if year:
            start += year.end()
        start = _strip_counts(text, start, m.start(), w)
        inner = list(w.inner_count.finditer(_unquoted(text[start:m.start()])))
        if inner:
            start += inner[-1].end()  # 建设300个|乡村全民健身提升工程: a count opens the name
        start = _strip_prepositions(text, start, m.start(), cover, w)
        if start < 0:
            continue  # 内蒙古对计划: a preposition right before the head
        head = text[start:m.start()]
        name = text[start:m.end()]
        quoted = any(c in _QUOTE_CHARS for c in head)
        core = w.core(head)
        if m.group() in w.quoted_heads and not quoted and not re.search(r"\d", core):
            continue  # 农村养老服务模式: a way of working; a programme's 模式 is named in quotes or numbers
        if not quoted and text.startswith(w.system_after, m.end()):
            continue  # 水旱灾害防御工程体系: a system of works, no programme
        if _name_length(core) < MIN_HEAD and not quoted:
            continue  # 投诉工作机制, 专项行动: nothing of its own before the head
        if m.group() in w.weak_heads and len(w.core(head, w.weak_empty_core)) < WEAK_HEAD_CORE and not quoted \
                and not re.search(r"\d", core):
            continue  # 审评审批机制, 城市更新模式: a way of working, not a named one
        if m.group() in w.weak_heads and not quoted and rjieba.cut(head)[-1] in w.novelty_words:
            continue  # 科技成果转化新模式, 发展外贸新业态新模式: a new way of doing something, no name
        if m.group() in w.weak_heads and re.search("[+＋]", core) and not re.search(r"\d", core):
            continue  # 中试+投资+孵化运营模式: a business model, no programme (1+3结对帮扶机制 is one)
        if start > 0 and text[start - 1] == "等" and rjieba.cut(text[max(0, start - 3):start])[-1] == "等":
            continue  # 打击电诈等违法犯罪专项行动: after the examples of a list (…等) comes their kind
        fixed = w.fixed_opening(text, start)
        if _name_length(name) > (MAX_NAME + MAX_OPENING if start == quoted_whole else MAX_NAME + len(fixed)) \
                or not _HAN.search(head):  # a whole quote, or a fixed term opening it, may make a longer name
            continue
        if any(word in head for word in w.not_programme) or name.endswith(w.works_tails) or name in w.works_kinds:
            continue
        first = rjieba.cut(name)[0]
        if (start == scanned and w.leader_starts_at(text, start) and not fixed) or (start > 0 and (text[start - 1].isdigit() or text[start - 1] in "/／")):
            continue  # 发挥好工程; 150亿方/年天然气产能倍增工程: no name starts with a verb (but 向家坝…) or
            # inside a figure
        if start > 0 and w.leader_ending_at(text, start) in w.conjunctions and text[start] not in _QUOTE_CHARS and (
                first in w.level_words or 2 <= start - 1 - _scan_back(text, start - 1, cover, w, at_head=False) <= 4):
            continue  # 国家和省山水工程, 外贸规模和主体倍增工程: the cut end of a coordination
        if w.count_before_head.search(head):
            continue  # 南水北调西线6个工程: a count of works, no name
        if start > 0 and text[start - 1] == "、" and w.count_inside.search(_unquoted(head)):
            continue  # 住房、教育、医疗、防灾减灾六大民生长效机制: the count of an enumeration, no name
        if not quoted and (name.endswith(w.category_tails) or _generic(head, w) or _kind_of_works(name, w)):
            continue  # 铁路重点工程, 三年建设计划, 美国这一计划: a kind of works or a generic phrase, no programme
        yield _Candidate(start, m.end(), name, SUFFIX)


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
        if concept is not None:
            concept = _contrasted(text, s, e, concept, scheme)
        if concept is not None and _qualified_slogan(text, s, e, w):
            concept = None  # 文明实践“百千万工程”, “十百千万”工程: another programme's number slogan
        if concept is not None and text.startswith(w.body_after, e):
            concept = None  # 国家医疗保障局, 县乡村振兴局: a body's name, not its programme
        scheme_spans.append((s, e, concept))
        if concept is not None:
            mentions.append(ProgrammeMention(scheme.pref_label(concept), text[s:e], s, e, concept))

    scheme_spans.sort()
    span_starts = [a for a, _, _ in scheme_spans]
    by_concept: dict[str | None, list[tuple[int, int]]] = {}
    for a, b, c in scheme_spans:
        by_concept.setdefault(c, []).append((a, b))

    def inside_scheme_match(s: int, e: int) -> bool:
        """Whether a scheme match holds the span or its head (农牧区集体产权|制度改革: the scheme's 集体产权制度改革
        runs past the discovered name's head).  Scheme matches never overlap: only the last one starting
        before the span's end can reach into it."""
        while s < e and text[s] in _QUOTE_CHARS:
            s += 1
        while e > s and text[e - 1] in _QUOTE_CHARS:
            e -= 1
        i = bisect.bisect_left(span_starts, e) - 1
        return i >= 0 and scheme_spans[i][1] >= e and scheme_spans[i][0] < e

    discovered: dict[str, str] = {}  # display label -> rule, for the second pass
    for cand in _discover(text, [(a, b) for a, b, _ in scheme_spans], w):
        if inside_scheme_match(cand.start, cand.end) or scheme.is_stop(cand.name):
            continue
        scope = None if cand.name.startswith(w.regional) else \
            next((d for d in w.deictic_scopes if cand.name.startswith(d)), None)
        if scope is not None and _name_length(cand.name) - len(scope) > MIN_HEAD + 2 \
                and scheme.canonical(cand.name[len(scope):])[0] is None:
            # 全省|闲置低效项目盘活行动: the mention's region says where it runs (全省乡村建设行动 stays the
            # province's run of the scheme's programme)
            cand = _Candidate(cand.start + len(scope), cand.end, cand.name[len(scope):], cand.rule)
        concept, label = scheme.canonical(cand.name)
        if concept is not None:
            if not any(a < cand.end and cand.start < b for a, b in by_concept.get(concept, ())):
                mentions.append(ProgrammeMention(label, cand.name, cand.start, cand.end, concept))
            continue
        mentions.append(ProgrammeMention(label, cand.name, cand.start, cand.end, None, cand.rule))
        discovered.setdefault(label, cand.rule)
    mentions.extend(_repeats(text, view, discovered, mentions))
    return sorted(mentions, key=lambda m: (m.start, -m.end, m.label))


def _qualified_slogan(text: str, start: int, end: int, w: _Words) -> bool:
    """A number slogan (百千万工程, 千万工程: numerals before a head) written right after a word that is no
    leader (文明实践, 放心消费, 十): part of another programme's name, which many fields coin alike."""
    label = text[start:end].translate(_QUOTE_TABLE)
    head = w.suffixes.search(label)
    if head is None or head.end() != len(label) or not label[:head.start()] \
            or any(c not in w.numeral_chars for c in label[:head.start()]):
        return False
    i = start
    while i > 0 and text[i - 1] in _QUOTE_CHARS:
        i -= 1
    return i > 0 and bool(_HAN.match(text[i - 1])) and not (text[i - 1] in w.leaders or w.leader_ends_at(text, i))


def _contrasted(text: str, start: int, end: int, concept: str, scheme: ProgrammeScheme) -> str | None:
    """The concept a scheme label names after a word saying whom it serves (农村, 城市, 城乡 …, then maybe
    居民): the concept of both together (城乡居民低保 -> 城乡低保), none when the label's own concept serves
    others (城市低保 is not 农村低保), else the label's."""
    before = text[max(0, start - 8):start]
    if before.endswith("居民"):
        before = before[:-2]
    word = next((c for c in scheme.contrasts if before.endswith(c)), None)
    if word is None:
        return concept
    joined = scheme.lookup(word + text[start:end])
    if joined is not None:
        return joined
    own = [c for c in scheme.contrasts if c in scheme.pref_label(concept)]
    return None if own and word not in own else concept


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
    return evolve(ex, programmes=tuple(found))



@component(requires=("structure", "programmes"), assigns=("measures",))
def measures(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: numbered action statements and the programmes they name."""
    assert ex.structure is not None
    return evolve(ex, measures=tuple(find_measures(doc.text, ex.structure.list_items, ex.programmes)))



@component(requires=("structure",), assigns=("policy_documents",))
def policy_documents(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: the documents the text cites in 《》."""
    assert ex.structure is not None
    return evolve(ex, policy_documents=tuple(find_policy_documents(doc.text, ex.structure.protected, kb.gazetteer)))

