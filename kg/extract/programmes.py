"""Programme mentions, numbered measures and cited policy documents in one cleaned, Simplified text.

Programmes come from two sources: the labels of the scheme (longest match with Aho–Corasick, quotes
ignored so “一站式”结算 matches 一站式结算), and discovery of names the scheme does not know yet — quoted
names (“六必访”), number slogans (四个不摘, “4+2”农业产业振兴) and names ending in 行动/计划/工程/机制/模式/制度
(特色优势产业三年倍增行动).  A discovered name that the scheme knows after all (alias table or similarity)
becomes a scheme mention.  All offsets refer to the text passed in.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kg.matcher import WordMatcher
from kg.model import Measure, PolicyDocument, ProgrammeMention, Region
from kg.programmes import ProgrammeScheme

QUOTED, SLOGAN, SUFFIX = "quoted", "slogan", "suffix"

_QUOTE_CHARS = frozenset("“”‘’\"「」『』")
_OPEN_CLOSE = {"“": "”", "「": "」", "『": "』"}
_HAN = re.compile(r"[\u3400-\u9fff]")
_CN_NUM = "一二三四五六七八九十两"

# Heads that make a noun phrase a programme name (from the issue).
NAME_SUFFIXES: tuple[str, ...] = ("行动", "计划", "工程", "机制", "模式", "制度")
# A suffix followed by one of these is another word: 工程师, 计划生育, 计划单列, 制度化, 制度型开放.
_SUFFIX_BREAKERS = frozenset("师生单化型")
# 计划 followed by a verb is the verb "plan to": 山东省计划援助, 计划投资, 计划完成.
_PLAN_VERBS = ("援助", "投资", "安排", "完成", "新建", "建设", "实施", "招收", "培训", "发放", "用", "于", "到", "在")
# Words a programme name never starts with: verbs and function words that introduce it.  Scanning back
# from the suffix stops right after the last of them (…扎实推进|农村人居环境整治提升五年行动).
_LEADERS: frozenset[str] = frozenset(
    "实施 开展 推进 推动 落实 启动 建立 健全 完善 深化 创新 探索 推行 推广 打造 构建 持续 深入 全面 扎实 大力 加快 "
    "强化 加强 坚持 聚焦 围绕 按照 通过 依托 抓好 做好 抓实 用好 形成 制定 出台 印发 创建 开启 组织 参与 参加 纳入 "
    "入选 列入 作为 实行 执行 发挥 运用 优化 规范 建成 完成 启用 实现 用活 压实 严格 认真 有效 积极 全力 着力 "
    "继续 进一步 不断 探索 总结 首创 率先 成功 携手 联合 牵头 谋划 安排 部署 召开 举办 开通 对接 承接 争取 获批 "
    "其中 同时 并且 以及 还 也 都 又 的 和 与 及 了 在 是 把 将 由 并 或 被 等 之 中 为 向 从 按 于 以".split()
)
_LEADER_LENGTHS = sorted({len(w) for w in _LEADERS}, reverse=True)
MAX_NAME = 16  # characters (quotes not counted): longer stretches are clauses, not names
MIN_HEAD = 3  # characters before the suffix: 工作机制, 长效机制, 专项行动 are not names
# Quoted phrases introduced by these are titles or sayings, not programmes: 被誉为“…”, 荣获“…”称号.
# Metaphors are quoted too: 当好“减压阀”, 发挥“稳定器”作用.
_TITLE_BEFORE = ("被誉为", "誉为", "称为", "号称", "荣获", "获评", "评为", "获得", "成为", "被评为", "打造成", "素有",
                 "当好", "充当", "发挥")
_TITLE_AFTER = ("时期", "期间", "之称", "称号", "美誉", "雅称", "荣誉", "的称号", "作用", "角色", "效应")
_SENTENCE = re.compile(r"[，。！？；：,!?;:]")
_CODE = re.compile(r"^[0-9A-Za-z+＋×\-—]*[0-9][0-9A-Za-z+＋×\-—]*$")  # 4+2, 1+34, 5155, 6+X
# Number-abbreviation slogans: 四个不摘, 五个确保, 三大体系, 两不愁三保障 (a counted list, or two numbers).
_NUMBER_SLOGAN = re.compile(rf"^[{_CN_NUM}](?:个|大|项|条)|^[{_CN_NUM}].*[{_CN_NUM}]")
_CN_VALUE = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")} | {"两": 2}
# Unquoted slogans of fixed shapes: 四个不摘 / 十不准 / 七不消, 六必访 / 十必须.
_SLOGAN_PATTERNS = (
    re.compile(r"[二三四五六七八九十两]个?不[\u4e00-\u9fff]"),
    re.compile(r"[二三四五六七八九十]必(?:须|[\u4e00-\u9fff])"),
)
# Enumerated slogans: 一个目标、两个重点、三大体系、四大举措 — numbered items in ascending order.
_ENUM_ITEM = rf"[{_CN_NUM}](?:个|大|项|条)[\u4e00-\u9fff]{{2}}"
_ENUMERATION = re.compile(rf"{_ENUM_ITEM}(?:[、和及]{_ENUM_ITEM})+")


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


def _leader_ends_at(text: str, i: int) -> bool:
    """True when a leader word (verb / function word) ends exactly at position i."""
    return any(i >= n and text[i - n:i] in _LEADERS for n in _LEADER_LENGTHS)


def _scan_back(text: str, end: int, cover: list[int]) -> int:
    """Start of the name that ends at `end`: back over Han, digits, whole quotes and whole scheme labels,
    to a leader word or punctuation.  A two-character leader right before the suffix belongs to the name
    (防返贫监测帮扶推进机制); a one-character function word never does (的工作机制, 报账等制度)."""
    i = end
    while i > 0 and end - i <= 3 * MAX_NAME:  # a name is never longer: the run before it is no name
        if text[i - 1] in _LEADERS or end - i >= 2 and _leader_ends_at(text, i):
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


def _parallel_start(text: str, start: int, head_end: int, cover: list[int]) -> int:
    """Extend a name back over parallel segments of equal length: 领导联县、部门帮村、干部包户机制."""
    width = head_end - start
    while start > 0 and text[start - 1] == "、":
        previous = _scan_back(text, start - 1, cover)
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


def _suffix_candidates(text: str, cover: list[int]) -> Iterable[_Candidate]:
    """Names ending in 行动/计划/工程/机制/模式/制度, starting after the verb or punctuation before them."""
    pattern = re.compile("|".join(NAME_SUFFIXES))
    for m in pattern.finditer(text):
        if m.end() < len(text) and text[m.end()] in _SUFFIX_BREAKERS:
            continue
        if m.group() == "计划" and text.startswith(_PLAN_VERBS, m.end()):
            continue
        start = _scan_back(text, m.start(), cover)
        start = _parallel_start(text, start, m.start(), cover)
        year = re.match(r"(?:19|20)\d{2}年度?", text[start:m.start()])
        if year:
            start += year.end()
        head = text[start:m.start()]
        quoted = any(c in _QUOTE_CHARS for c in head)
        if _name_length(head) < MIN_HEAD and not quoted:
            continue
        if _name_length(text[start:m.end()]) > MAX_NAME or not _HAN.search(head):
            continue
        yield _Candidate(start, m.end(), text[start:m.end()], SUFFIX)


def _code_extension(text: str, i: int) -> int:
    """End of the Han name that follows a quoted code: “4+2”农业产业振兴 → after 振兴 (≤ 12 characters)."""
    j = i
    while j < len(text) and j - i < 12 and _HAN.match(text[j]) and not (j > i and _leader_starts_at(text, j)):
        j += 1
    if j < len(text) and _HAN.match(text[j]) and not _leader_starts_at(text, j):
        return i  # ran on without a break: a clause, not a name
    return j


def _leader_starts_at(text: str, j: int) -> bool:
    return any(text[j:j + n] in _LEADERS for n in _LEADER_LENGTHS)


def _quoted_candidates(text: str) -> Iterable[_Candidate]:
    """Quoted names: “六必访”, “识别一批、清退一批、回退一批”, and “4+2”农业产业振兴 (a code plus its noun)."""
    for m in re.finditer(r"[“「『]([^“”「」『』\n]{1,30})[”」』]", text):
        content = m.group(1).strip()
        before = text[max(0, m.start() - 4):m.start()]
        after = text[m.end():m.end() + 3]
        if _name_length(content) < 2 or _SENTENCE.search(content) or "《" in content:
            continue
        if any(before.endswith(w) for w in _TITLE_BEFORE) or any(after.startswith(w) for w in _TITLE_AFTER):
            continue
        end = m.end()
        rule = QUOTED
        if _CODE.match(content):
            end = _code_extension(text, m.end())
            rule = SLOGAN
        elif _NUMBER_SLOGAN.match(content):
            rule = SLOGAN
        yield _Candidate(m.start(), end, text[m.start():end], rule)


def _slogan_candidates(text: str) -> Iterable[_Candidate]:
    """Unquoted number slogans: 四个不摘, 十必须, and enumerations 一个目标、两个重点、三大体系."""
    for pattern in _SLOGAN_PATTERNS:
        for m in pattern.finditer(text):
            yield _Candidate(m.start(), m.end(), m.group(), SLOGAN)
    for m in _ENUMERATION.finditer(text):
        items = list(re.finditer(_ENUM_ITEM, m.group()))
        order = [_CN_VALUE[item.group()[0]] for item in items]
        if order == sorted(order) and len(set(order)) == len(order):
            for item in items:
                yield _Candidate(m.start() + item.start(), m.start() + item.end(), item.group(), SLOGAN)


def _discover(text: str, scheme_spans: Iterable[tuple[int, int]]) -> list[_Candidate]:
    """All discovery candidates, without the ones inside a longer candidate or repeating a span."""
    rank = {SLOGAN: 0, QUOTED: 1, SUFFIX: 2}
    cover = _cover(len(text), scheme_spans)
    candidates = sorted({*_quoted_candidates(text), *_slogan_candidates(text), *_suffix_candidates(text, cover)},
                        key=lambda c: (c.start, -c.end, rank[c.rule]))
    kept: list[_Candidate] = []
    reach = -1  # candidates come in start order, so a later one lies inside a kept one iff it ends by `reach`
    for cand in candidates:
        if cand.end <= reach:
            continue
        kept.append(cand)
        reach = cand.end
    return kept


# ---------------------------------------------------------------- programmes


def find_programmes(text: str, scheme: ProgrammeScheme) -> list[ProgrammeMention]:
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
    for cand in _discover(text, [(a, b) for a, b, _ in scheme_spans]):
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

# Marker kinds of numbered action statements; a statement runs to the next marker of its kind or to the
# end of the paragraph.  Markers must follow a line start or punctuation, so 统一是 is no marker.
_LEAD_CHARS = frozenset("\n。；;：:！!？?，,")


class _AfterBoundary:
    """A marker that counts only at the start of a line or after punctuation or white space.

    Same matches as the pattern behind the lookbehind `(?:(?<=^)|(?<=[\n。；;：:！!？?，,\\s]))`, found
    3-6x faster: a pattern that opens with a lookbehind is tried at every position, one that opens with
    a character class is not.  No marker starts with a boundary character, so a match the lookbehind
    allows starts where the plain pattern's match starts, and checking the character before is enough."""

    def __init__(self, body: str) -> None:
        self.pattern = re.compile(body)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for m in self.pattern.finditer(text):
            start = m.start()
            if start == 0 or text[start - 1] in _LEAD_CHARS or text[start - 1].isspace():
                yield m


MARKERS: dict[str, re.Pattern[str] | _AfterBoundary] = {
    "shi": _AfterBoundary(rf"[{_CN_NUM}]+是(?=[^是])"),  # 一是…二是…
    "dun": re.compile(rf"(?m)^[ \t\u3000]*[{_CN_NUM}]+、"),  # 一、…
    "paren": _AfterBoundary(rf"[（(][{_CN_NUM}]+[）)]"),  # （一）… (一)…
    "arabic": re.compile(r"(?m)^[ \t\u3000]*\d{1,2}[.．、](?!\d)"),  # 1. / 1、
    "dash": re.compile(r"(?m)^[ \t\u3000]*——"),  # ——…
    "ordinal": _AfterBoundary(rf"第[{_CN_NUM}]+[，,、]"),  # 第一，…
}


def find_measures(text: str, programmes: list[ProgrammeMention]) -> list[Measure]:
    """Numbered action statements with the programmes mentioned inside them (region left to the caller)."""
    spans: list[tuple[int, int]] = []
    for pattern in MARKERS.values():
        starts = [m.start() + len(m.group()) - len(m.group().lstrip()) for m in pattern.finditer(text)]
        for i, start in enumerate(starts):
            paragraph_end = text.find("\n", start)
            end = len(text) if paragraph_end < 0 else paragraph_end
            if i + 1 < len(starts):
                end = min(end, starts[i + 1])
            while end > start and text[end - 1].isspace():
                end -= 1
            if end - start >= 6:
                spans.append((start, end))
    measures: list[Measure] = []
    ordered = sorted(programmes, key=lambda m: m.start)
    programme_starts = [m.start for m in ordered]
    for index, (start, end) in enumerate(sorted(set(spans))):
        lo, hi = bisect.bisect_left(programme_starts, start), bisect.bisect_left(programme_starts, end)
        labels = tuple(dict.fromkeys(m.label for m in ordered[lo:hi] if m.end <= end))
        measures.append(Measure(index, text[start:end], start, end, None, labels))
    return measures


# ---------------------------------------------------------------- policy documents

_TITLE = re.compile(r"《([^《》\n]{1,100})》")
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


def find_policy_documents(text: str,
                          region_at: Callable[[str, int], Region | None] | None = None) -> list[PolicyDocument]:
    """Documents cited in 《》: title without brackets, years in the title, issuer when `region_at` finds one.

    `region_at(title, start)` is given by the pipeline (it knows the gazetteer); without it the issuer is
    left None and the pipeline connects regions itself.
    """
    out: list[PolicyDocument] = []
    for m in _TITLE.finditer(text):
        title = m.group(1).strip()
        if not title:
            continue
        issuer = region_at(title, m.start()) if region_at is not None else None
        out.append(PolicyDocument(title, m.start(), m.end(), issuer, title_years(title)))
    return out


def discovered_labels(mentions: Iterable[ProgrammeMention]) -> list[str]:
    """Distinct labels of discovered (non-scheme) programmes, for `programme_links.link_discovered`."""
    return list(dict.fromkeys(m.label for m in mentions if m.concept is None))
