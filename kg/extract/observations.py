"""Figures: every quantity of a document with the label of what it counts and the quote it stands in.

The label is the noun phrase that names what is counted, read from words, not characters: the clause
before the figure (at most `BEFORE_CHARS` of it) and the few words after it are segmented and tagged
(kb.segmenter: rjieba with the scheme labels as a user dictionary), and the roles of words and tags come
from kg/data/indicator_words.tsv:

- the words that end the clause before the figure and say nothing about what is counted are cut off
  (达到, 为, 超过 …), and so are the figure-kind words (增长, 同比, 累计 … kg/data/figure_kinds.tsv), whose
  kind the observation keeps (`kind`: 地区生产总值增长 6% is a change of 地区生产总值);
- the phrase is the run of words before that, back to the first word whose tag ends a phrase (numbers,
  prepositions, conjunctions, particles, pronouns, adverbs, punctuation) or that is a lead word (其中,
  全县 …); verbs and action words at its start are cut (建设|高标准农田), so a label never opens with one;
- when no noun is left before the figure, or the figure counts things with a measure word and a noun
  follows it (选派 191名|挂职干部, 建成 100个|美丽乡村示范村), the noun phrase after the figure is the label;
- figures after 分别 / 依次 take the items of the list before it by position (巩固率、入学率分别达到 a、b);
  a list of qualifiers shares its head (城镇、农村居民人均可支配收入), a pair word is split (城乡居民 … 分别
  a、b -> 城镇居民 …, 农村居民 …); with no list in the clause, the figures before them in the sentence
  are the list (游客 2530万人次，收入 268亿元，分别增长 14%、22%);
- a figure with nothing before it in its clause but a change word (同比增长 6%), a share word (占比
  61.5%) or the figure before it (16户|71人) is the indicator of the figure before it; a pair qualifier
  alone (…，农村居民 2万元) takes the rest of the label it pairs with.
Where and when a figure is about is attribution's to decide (kg.extract.attribution), not this
component's; which concept of the indicator scheme a label names is kg.extract.indicators'.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.extract.component import component
from kg.knowledge import KnowledgeBase
from kg.matcher import alternation
from kg.model import (
    DocStructure,
    Document,
    Evidence,
    Extraction,
    Observation,
    Quantity,
    RegionMention,
    evolve,
)
from kg.segment import Token, preload

preload()  # jieba's dictionary, before a build's forkserver forks its workers (kg.segment)

CLAUSE_LOOKBACK = 300  # characters: no clause or sentence is longer
BEFORE_CHARS = 40  # characters of the clause before a figure that are segmented (a label is far shorter)
AFTER_CHARS = 24  # … and after it, for the counted noun that follows a figure
LIST_CHARS = 80  # … and of a list before 分别
CACHE_SIZE = 1 << 14  # texts whose tokens and phrase are remembered
UNNAMED = "未命名指标"  # the label of a figure whose indicator cannot be named
_PEOPLE = frozenset({"people", "households", "person-time"})
COUNTED_KINDS = frozenset({"count", "households", "people", "person-time"})  # measure words of counted things
_DIGIT = re.compile(r"\d")
_LAST_AMOUNT = re.compile(r"[\d.,]+[^\d，,。；;、]*$")  # an amount that ends a clause, with its unit
_STATED_NUMBER = re.compile(r"^[\d.,一二三四五六七八九十百千万亿两零〇]+[余多]?")
_NUMERAL = re.compile(r"[一二三四五六七八九十百千万亿两多几]")  # numerals written in characters
_NUMBER = re.compile(r"[\d.,%]+")  # a number alone (PM2.5浓度 is a word)
_SPACE = re.compile(r"[\s\u3000]+")
_DATE_END = re.compile(r"(?:(?:19|20)\d{2}年(?:底|末|初|度)?|\d{1,2}月(?:底|末|份|初)?|\d{1,2}日|[上下]半年|年底|年末|年初"
                       r"|(?:连续|近|过去)?[\d一二三四五六七八九十两]+(?:个)?(?:年|月|季度)(?:来|以来|间|前|以前)?)$")
_ASIDE = re.compile(r"[（(][^（()）]{0,30}[)）]")  # 监测户4户（突发严重困难户）13人: an aside in brackets
_QUOTED = re.compile(r"[“\"‘「]([^“”\"‘’「」]{1,16})[”\"’」]")


@dataclass(frozen=True)
class Phrase:
    """A label read from the words around a figure, with the figure kinds its cut words say."""

    text: str
    kinds: frozenset[str] = frozenset()
    noun: bool = True  # a noun phrase (not only verbs, 带动; not one that ends with an action, 产业路硬化)
    nouns: bool = True  # holds a noun at all (产业路硬化 does, 带动 does not)


NOTHING = Phrase("", noun=False, nouns=False)


class _Reader:
    """The word roles of kg/data/indicator_words.tsv, figure_kinds.tsv and indicator_qualifiers.tsv."""

    def __init__(self, kb: KnowledgeBase) -> None:
        words = kb.lexicon["indicator_words"]
        self.segmenter = kb.segmenter
        self.noun_tags = frozenset(words["noun_tags"])
        self.verb_tags = frozenset(words["verb_tags"])
        self.head_tags = frozenset(words["head_tags"])
        self.nominal_tags = frozenset(words["nominal_tags"])
        self.lead = frozenset(words["lead"])
        self.break_words = frozenset(words["break_words"])
        self.skip_tags = frozenset(words["skip_tags"])
        self.qualifier_tags = frozenset(words["qualifier_tags"])
        self.numeral_tags = frozenset(words["numeral_tags"])
        self.vp_breaks = frozenset(words["vp_break_tags"])
        self.vp_skip = frozenset(words["vp_skip"])
        self.action = frozenset(words["action_verbs"])
        self.after_skip = frozenset(words["after_skip"])
        self.respectively = tuple(words["respectively"])
        self.list_sep = frozenset(words["list_sep"])
        self.ratio = frozenset(words["ratio"])
        self.restate = frozenset(words["restate"])
        self.from_words = frozenset(words["from_words"])
        self.examples = tuple(words["examples"])
        self.distance_from = frozenset(words["distance_from"])
        self.distance_stop = frozenset(words["distance_stop"])
        self.nouns = frozenset(words["nouns"])
        self.max_length = int(words["max_length"][0]) if words["max_length"] else 16
        self.suffix = words.pairs("counted_suffix")  # unit kind -> the noun that counts it (people -> 人数)
        self.measure_nouns = words.pairs("measure_noun")  # unit kind -> the noun of its measure (area -> 面积)
        self.event_measures = frozenset(words["event_measures"])
        self.people_of = words.pairs("people_of")  # 户 -> 人口: the people of the households counted before
        kind_words = kb.indicators.kind_words.words
        self.share_of = frozenset(w for w, (_, where) in kind_words.items() if where == "object")
        self.cumulative = frozenset(w for w, (kind, _) in kind_words.items() if kind == "cumulative")
        # what is cut off the end of the clause before a figure, and the kind it says (None: nothing)
        self.cut: dict[str, str | None] = {w: None for w in words["trail"]}
        for word, (kind, where) in kind_words.items():
            if where in ("around",):
                self.cut[word] = kind if kind != "level" else self.cut.get(word)
        self.longest_cut = max(map(len, self.cut), default=1)
        change = alternation(words["change_to"])
        # a money threshold that names a category of what a figure counts (收入5万元以上|村 197个)
        links = alternation(kb.lexicon["number_words"]["threshold_link"])
        self.threshold_end = re.compile(rf"\d[\d.]*[万亿千]?元(?:{links})的?$")
        self.change_to = re.compile(rf"^(?:的)?(?:{change})?(?:到|至)$")
        qualifiers = kb.lexicon["indicator_qualifiers"]
        self.split = {k: tuple(v.split("|")) for k, v in qualifiers.pairs("split").items()}
        self.pair_set: dict[str, int] = {}
        for n, groups in enumerate(qualifiers["pair_sets"]):
            for group in groups.split("+"):
                for word in qualifiers[group]:
                    self.pair_set[word] = n
        self.pair_words = tuple(sorted(self.pair_set, key=len, reverse=True))
        self.longest_pair = max(map(len, self.pair_set), default=0)

    # -- token roles --------------------------------------------------------------------------------

    def breaks(self, token: Token) -> bool:
        word, tag = token
        return (tag not in self.noun_tags and tag not in self.verb_tags) or word in self.lead \
            or word in self.break_words or bool(_NUMBER.fullmatch(word))

    def is_verb(self, token: Token) -> bool:
        return token[1] in self.verb_tags or token[0] in self.action

    def is_noun(self, token: Token) -> bool:
        return token[1] in self.noun_tags and token[0] not in self.action

    def tag(self, text: str) -> list[Token]:
        """Tokens of `text` without spaces; a “quoted” name is one noun (“一户一策”贫困户); the listed
        nouns are nouns whatever the dictionary says (资助|率: 率 is tagged a verb).  A new list each time
        (callers cut it); the tokens are cached per text."""
        return list(self._tag(text))

    @functools.lru_cache(maxsize=CACHE_SIZE)  # noqa: B019 - one reader per knowledge base, kept for the process
    def _tag(self, text: str) -> tuple[Token, ...]:
        out: list[Token] = []
        for n, part in enumerate(_QUOTED.split(_SPACE.sub("", text))):
            if n % 2:
                out.append((part, "nz"))
            elif part:
                out.extend((w, "n") if w in self.nouns else (w, t) for w, t in self.segmenter.tag(part))
        return tuple(out)

    @functools.lru_cache(maxsize=CACHE_SIZE)  # noqa: B019
    def phrase_of(self, window: str) -> Phrase:
        """The phrase that ends the words before a figure (phrase_before of their tokens), cached per text:
        the same words stand before many figures (地区生产总值增长, 同比增长)."""
        return self.phrase_before(self.tag(_ASIDE.sub("", window)))

    # -- phrases ------------------------------------------------------------------------------------

    def cut_tail(self, tokens: list[Token]) -> tuple[list[Token], set[str]]:
        """Cut link and figure-kind words (and punctuation) off the end: (what is left, kinds they say).
        A word is cut only where a token ends before it, so 增长率 keeps its 增长."""
        kinds: set[str] = set()
        while tokens:
            if tokens[-1][1] in ("x", "w") or not tokens[-1][0].strip():
                tokens.pop()
                continue
            joined, hit = "", 0
            for k in range(1, min(4, len(tokens)) + 1):
                joined = tokens[-k][0] + joined
                if len(joined) > self.longest_cut:
                    break
                if joined in self.cut:
                    hit, word = k, joined
            if not hit:
                break
            kind = self.cut[word]
            if kind:
                kinds.add(kind)
            del tokens[-hit:]
        return tokens, kinds

    def phrase_before(self, tokens: list[Token]) -> Phrase:
        """The noun phrase that ends `tokens` (the clause before a figure); for a share (数字经济占全省
        经济总量比重, 分别占全市的), the phrase before the share word, with the kind share."""
        at = next((k for k in range(len(tokens) - 1, -1, -1) if tokens[k][0] in self.share_of), -1)
        if at >= 0:
            before = self.phrase_before(tokens[:at])
            return Phrase(before.text, before.kinds | {"share"}, before.noun, before.nouns)
        at = next((k for k in range(len(tokens) - 1, -1, -1) if tokens[k][0] in self.from_words), -1)
        if at > 0 and not any(t[1] in self.head_tags for t in tokens[at + 1:]):
            # 澳门失业率从回归之初的|6.3%, 补贴资金由2019年6亿增加到|9.3亿元: the phrase before 从 / 由
            return self.phrase_before(tokens[:at])
        # 累计 anywhere before the figure makes it cumulative (全县累计建设高标准农田 12万亩)
        kinds = {"cumulative"} if any(w in self.cumulative for w, _ in tokens) else set()
        tokens, cut = self.cut_tail(tokens)
        kinds |= cut
        while tokens:
            # a lead word (带动|全村 288户), a date (农民人均纯收入|2016年|为) or an opening bracket
            # (标准线|（2016年为 2952元）) between the phrase and the figure
            if tokens[-1][0] in self.lead or tokens[-1][0] in "（(" or tokens[-1][1] in self.skip_tags:
                tokens.pop()
            elif (date := _DATE_END.search("".join(w for w, _ in tokens[-4:]))) is not None:
                length = len(date.group())
                while tokens and length >= len(tokens[-1][0]):
                    length -= len(tokens.pop()[0])
                if length:
                    break
            else:
                break
            tokens, more = self.cut_tail(tokens)
            kinds |= more
        run: list[Token] = []
        for token in reversed(tokens):
            if self.breaks(token):
                break
            run.insert(0, token)
        run = self._trim_start(run)
        if run and run[-1][0] in self.action:
            # 区财政给予|每户 0.5万元, 进出川大通道新增|16条: an action ends it; what precedes it is a noun
            # phrase, weaker than the one after the figure (0.5万元|加固修缮补助资金)
            whole = self._phrase(run, kinds)
            while run and run[-1][0] in self.action:
                run = run[:-1]
            phrase = self._phrase(self._trim_start(run), kinds)
            if not phrase.nouns:  # 已开工|1676户: only the action (开工户数 once its measure is added)
                return Phrase(whole.text, whole.kinds, False, False)
            return Phrase(phrase.text, phrase.kinds, False, phrase.nouns)
        return self._phrase(run, kinds)

    def phrase_after(self, tokens: list[Token], verb_start: bool = False) -> Phrase:
        """The noun phrase that opens `tokens` (the words after a figure: 个|国家级园区); it must start
        with a noun (a verb after a figure says what happened to it), or, with `verb_start`, end with one
        (0.5万元|加固修缮补助资金: verbs that qualify the noun)."""
        i = 0
        while i < len(tokens) and (tokens[i][0] in self.after_skip or tokens[i][0] == "的"):
            i += 1
        run: list[Token] = []
        rest = tokens[i:]
        for n, token in enumerate(rest):
            if token[1] in self.qualifier_tags and n + 1 < len(rest) and self.is_noun(rest[n + 1]):
                run.append(token)  # 10个|未来|产业先导区, 25家|东部|企业: a time or direction word qualifies it
                continue
            numeral = _NUMERAL.search(token[0]) or (run and run[-1][1] in self.numeral_tags and run[-1][1] != "q")
            if token[1] in self.numeral_tags and numeral and not _DIGIT.search(token[0]) and \
                    not token[0].startswith("第") and any(self.is_noun(t) for t in rest[n + 1:n + 4]):
                run.append(token)  # 5条|多式联运示范线路, 2家|千亿|级|园区: a numeral inside a name (an ordinal,
                continue  # 14个市州|第一批…, starts another phrase)
            if self.breaks(token) or (self.is_verb(token) and any(t[1] in self.head_tags for t in run)):
                break  # 78个村|获评, 156个贫困村|增加…: a verb after the counted noun says what became of it
            run.append(token)
        while run and run[-1][1] not in self.head_tags and any(t[1] in self.head_tags for t in run[:-1]):
            run.pop()  # 3615户贫困户|稳定: the phrase ends with its head
        if not run or run[-1][1] not in self.head_tags or not (self.is_noun(run[0]) or verb_start):
            return NOTHING
        if run[0][0] in self.action:  # 下达377亿元|推动|国家综合货运枢纽…: what the amount is for, not what it is
            return NOTHING
        return self._phrase(self._trim_start(run) if not self.is_noun(run[0]) else run, set())

    def only_cut(self, tokens: list[Token]) -> bool:
        """Whether the words before a figure are only words that are cut (达, 增长, 同比, 其中, 2023年 …)."""
        if not any(w.strip() for w, _ in tokens):
            return False
        while tokens:
            before = len(tokens)
            tokens, _ = self.cut_tail(tokens)
            while tokens and (tokens[-1][0] in self.lead or tokens[-1][1] in self.skip_tags):
                tokens.pop()
            date = _DATE_END.search("".join(w for w, _ in tokens[-4:])) if tokens else None
            if date is not None:
                length = len(date.group())
                while tokens and length >= len(tokens[-1][0]):
                    length -= len(tokens.pop()[0])
            if len(tokens) == before:
                break
        return not tokens

    def tells_event(self, label: str) -> bool:
        """A label that holds a verb followed by its object (贫困群众|种植|豆角), not a noun phrase."""
        tokens = self.tag(label)
        return any(self.is_verb(t) and any(self.is_noun(u) for u in tokens[k + 1:]) for k, t in enumerate(tokens))

    def distance_to(self, tokens: list[Token]) -> str:
        """The place a length before which 距离 / 距 / 离 stands is the distance to (距离|平昌县城|40余公里 ->
        平昌县城), or "" when no such word opens the nouns right before the figure."""
        while tokens and (tokens[-1][0] in self.distance_stop or tokens[-1][1] in ("x", "w")):
            tokens = tokens[:-1]
        for k in range(len(tokens) - 1, max(-1, len(tokens) - 5), -1):
            if tokens[k][0] in self.distance_from:
                place = tokens[k + 1:]
                if place and all(self.is_noun(t) or t[1] in self.head_tags for t in place):
                    return "".join(w for w, _ in place)
                return ""
        return ""

    def verbs_after(self, tokens: list[Token]) -> str:
        """The verb phrase after a figure of people or households (45人|挂任驻村第一书记), without the
        action and lead words that open it."""
        run: list[Token] = []
        if tokens and tokens[0][0] == "被":  # 30多人|被|严重烧伤
            tokens = tokens[1:]
        for token in tokens:
            if token[0] in self.vp_skip and run:
                continue  # 配备|了|法律顾问, 获评|“|…示范村|”: an aspect particle or a quote mark inside it
            if token[1] in self.vp_breaks or _DIGIT.search(token[0]) or \
                    sum(len(w) for w, _ in run) + len(token[0]) > self.max_length:
                break
            run.append(token)
        # an action or lead word opening it goes when a verb follows (带动|务工增收); else it is the verb
        # (378个村|实现|村集体经济收入)
        while run and (run[0][0] in self.lead or run[0][0] in self.action) and len(run) > 1 \
                and (run[0][0] in self.lead or self.is_verb(run[1])):
            run = run[1:]
        return "".join(w for w, _ in run) if run and self.is_verb(run[0]) else ""

    def _trim_start(self, run: list[Token]) -> list[Token]:
        """Cut verbs, action words and lead words off the start while a noun is left (建设|高标准农田),
        and everything up to the last action word followed by a noun (不折不扣完成|粮食播种面积)."""
        for k in range(len(run) - 2, 0, -1):
            if run[k][0] in self.action and any(self.is_noun(t) for t in run[k + 1:]) \
                    and sum(len(w) for w, _ in run[k + 1:]) >= 2:
                run = run[k + 1:]
                break
        while run and (self.is_verb(run[0]) or run[0][0] in self.lead) and any(self.is_noun(t) for t in run[1:]) \
                and sum(len(w) for w, _ in run[1:]) >= 2:  # 漏评|率 stays whole
            run = run[1:]
        while run and run[0][0] in self.lead:
            run = run[1:]
        return run

    def _phrase(self, run: list[Token], kinds: set[str]) -> Phrase:
        while len(run) > 1 and sum(len(w) for w, _ in run) > self.max_length:
            run = self._trim_start(run[1:])  # keep the head: whole words from the end
        text = "".join(w for w, _ in run)
        has_noun = any(t[1] in self.head_tags or t[1] in self.nominal_tags or t[0] in self.nouns for t in run)
        return Phrase(text, frozenset(kinds), has_noun, has_noun) if text else Phrase("", frozenset(kinds), False, False)

    def measure_noun(self, unit: str, kind: str) -> str:
        """The noun that says what a measure counts (户 -> 户数, 元 -> 金额, 亩 -> 面积, 套 -> 套数)."""
        noun = self.measure_nouns.get(kind, "")
        return noun.replace("UNIT", unit)

    def pair_word(self, label: str) -> str | None:
        """The pair qualifier a label opens with (城镇, 农村, 男 …), if any."""
        for n in range(min(self.longest_pair, len(label)), 0, -1):
            if label[:n] in self.pair_set:
                return label[:n]
        return None

    def paired(self, label: str, earlier: str) -> str:
        """A pair qualifier alone (农村居民) takes the rest of the label it pairs with (城镇居民人均可支配收入)."""
        mine, theirs = self.pair_word(label), self.pair_word(earlier)
        if mine is None or theirs is None or mine == theirs or self.pair_set[mine] != self.pair_set[theirs]:
            return label
        rest, other = label[len(mine):], earlier[len(theirs):]
        return mine + other if len(other) > len(rest) and other.startswith(rest) else label

    def shared_head(self, items: list[str]) -> list[str]:
        """Qualifiers listed before a labelled item share its head: [城镇, 农村居民收入] -> [城镇居民收入, …]."""
        last = items[-1]
        head_q = self.pair_word(last)
        if head_q is None:
            return items
        return [item + last[len(head_q):] if item in self.pair_set else item for item in items]


@functools.lru_cache(maxsize=8)
def _reader(kb: KnowledgeBase) -> _Reader:
    return _Reader(kb)


@dataclass
class _Found:
    """The label read for one figure, its kinds, and where its quote should end (after a counted noun)."""

    label: str
    kinds: frozenset[str] = frozenset()
    quote_end: int = 0


class _Labeller:
    """Labels the figures of one paragraph in order (a label may be the one of a figure before it)."""

    def __init__(self, text: str, structure: DocStructure, reader: _Reader, regions: Sequence[RegionMention],
                 kb: KnowledgeBase) -> None:
        self.text, self.structure, self.r, self.kb = text, structure, reader, kb
        self.regions = regions
        self.region_starts = [m.start for m in regions]
        self.lists: dict[int, _Found] = {}  # figure start -> label given by a 分别 list

    def _regions_in(self, start: int, end: int) -> list[RegionMention]:
        lo, hi = bisect.bisect_left(self.region_starts, start), bisect.bisect_left(self.region_starts, end)
        return [m for m in self.regions[lo:hi] if m.end <= end]

    def _after_regions(self, start: int, end: int) -> tuple[int, bool]:
        """Where the words before a figure start once place names are passed (a place ends a phrase)."""
        found = self._regions_in(start, end)
        return (found[-1].end, True) if found else (start, False)

    def before(self, start: int, end: int) -> Phrase:
        if start >= end:
            return NOTHING
        return self.r.phrase_of(self.text[max(start, end - BEFORE_CHARS):end])

    def _over_threshold(self, mine: Phrase, start: int, end: int) -> Phrase:
        """A phrase cut at a money threshold takes the threshold and the phrase before it: the category
        is what is counted (村集体经济年收入5万元以上|村 达到197个 -> 村集体经济年收入5万元以上村)."""
        if not mine.text or not mine.noun:
            return mine
        at = self.text.rfind(mine.text, start, end)
        found = self.r.threshold_end.search(self.text, max(start, at - 16), at) if at > start else None
        if found is None:
            return mine
        head = self.before(start, found.start())
        if not head.text or not head.noun:
            return mine
        return Phrase(head.text + self.text[found.start():at] + mine.text, mine.kinds | head.kinds)

    def after(self, q: Quantity, stop: int, verb_start: bool) -> tuple[Phrase, int]:
        """The noun phrase after a figure, and where it ends (the figure's end when there is none)."""
        end = min(stop, q.end + AFTER_CHARS)
        phrase = self.r.phrase_after(self.r.tag(self.text[q.end:end]), verb_start)
        at = self.text.find(phrase.text, q.end, end) if phrase.text else -1
        return phrase, (at + len(phrase.text) if at >= 0 else q.end)

    def clause_stop(self, pos: int) -> int:
        """The end of the clause `pos` is in."""
        stops = self.structure.clause_stops
        i = bisect.bisect_left(stops, pos)
        return stops[i] if i < len(stops) else len(self.text)

    def _past_pair(self, q: Quantity, nxt: Quantity | None) -> int:
        """Where the words after a figure of households start when the figure of their people follows it,
        and an aside after them (带动288户|386人|（其中脱贫户62户84人）|实现增收): what they do comes after."""
        pos = q.end
        units = self.kb.units.units
        if nxt is not None and nxt.start == q.end and q.unit in units and nxt.unit in units \
                and {units[q.unit].kind, units[nxt.unit].kind} <= _PEOPLE:
            pos = nxt.end
            aside = _ASIDE.match(self.text, pos)
            pos = aside.end() if aside else pos
        return pos

    def clause_end(self, q: Quantity, nxt: Quantity | None) -> int:
        """Where the words after a figure stop: the clause's end or the next figure."""
        end = self.clause_stop(q.end)
        return min(end, nxt.start) if nxt is not None else end

    # -- 分别 lists ----------------------------------------------------------------------------------

    def read_list(self, figures: Sequence[Quantity], i: int, labels: Sequence[str], sentence_start: int) -> None:
        """When 分别 / 依次 stands before figure i with only cut words between, label the figures of its
        list (this one and those after it, with only separators between) by position."""
        text, q = self.text, figures[i]
        window_start = max(sentence_start, q.start - LIST_CHARS)
        found = [(text.rfind(w, window_start, q.start), w) for w in self.r.respectively]
        at, word = max(found)
        if at < 0 or (i and figures[i - 1].end > at):
            return
        between = text[at + len(word):q.start]
        if not self._gap(between):
            return
        run = [q]
        for f in figures[i + 1:]:
            if f.start - run[-1].end > 12 or not self._gap(text[run[-1].end:f.start]):
                break
            run.append(f)
        if len(run) < 2:
            return
        tokens, share = self._before_share(self.r.tag(between))
        kinds = frozenset(self.r.cut_tail(tokens)[1]) | ({"share"} if share else set())
        items = self._items(at, sentence_start, figures[:i])
        earlier = [lab for f, lab in zip(figures[:i], labels, strict=True) if f.start >= sentence_start]
        aligned = self._align(items, len(run), earlier)
        for f, label in zip(run, aligned or (), strict=False):
            self.lists[f.start] = _Found(label, kinds)

    def _before_share(self, tokens: list[Token]) -> tuple[list[Token], bool]:
        """The tokens before a share word, and whether there is one: 分别|占|全市的|72%、68% lists shares
        of the figures before, and the whole they are shares of names none of them."""
        share = next((k for k, (w, _) in enumerate(tokens) if w in self.r.share_of), None)
        return (tokens, False) if share is None else (tokens[:share], True)

    def _gap(self, between: str) -> bool:
        """Only separators and cut words between two figures of a list (、和, 增长, 达到 …)."""
        tokens, _ = self._before_share(self.r.tag(between))
        rest, _ = self.r.cut_tail(tokens)
        rest = [t for t in rest if t[0] not in self.r.list_sep and t[0] not in self.r.respectively
                and t[1] not in ("x", "w") and t[0].strip()]
        return not rest

    def _items(self, end: int, sentence_start: int, before: Sequence[Quantity]) -> list[str]:
        """The phrases listed before 分别 (back to the clause stop that is no list comma, or a figure)."""
        start = max(sentence_start, end - LIST_CHARS)
        for f in before:
            if start <= f.end <= end:
                start = f.end
        stops = self.structure.clause_stops
        k = bisect.bisect_left(stops, end) - 1
        while k >= 0 and stops[k] >= start:
            if self.text[stops[k]] != "、":
                start = stops[k] + 1
                break
            k -= 1
        places = {self.text[m.start:m.end] for m in self._regions_in(start, end)}
        items: list[list[Token]] = [[]]
        for token in self.r.tag(self.text[start:end]):
            if token[0] in self.r.list_sep:
                items.append([])
            else:
                items[-1].append(token)
        texts = ["".join(w for w, _ in t) for t in items]
        if places and all(t in places for t in texts if t):
            return []  # 甘肃、宁夏分别增长…: a list of places, not of indicators
        out = []
        for t, joined in zip(items, texts, strict=True):
            # a place that opens an item is no part of its label (全省城镇…); an item that is only a word the
            # gazetteer also knows stays a label (黄金、白银、精炼铜…产量: 白银 is a city too)
            place = next((p for p in places if joined.startswith(p) and len(joined) > len(p)), None)
            out.append(self.r.phrase_before(self.r.tag(joined[len(place):]) if place else t).text)
        return out

    def _align(self, items: list[str], n: int, earlier: list[str]) -> list[str] | None:
        """n labels for the n figures of a list, or None when the list does not say them."""
        if len(items) == n and all(items):
            return self.r.shared_head(items)
        if len(items) == 1 and items[0]:
            for word, parts in self.r.split.items():
                if items[0].startswith(word) and len(parts) == n:
                    return [p + items[0][len(word):] for p in parts]
        if not any(items) and len(earlier) >= n and UNNAMED not in earlier[-n:]:
            return earlier[-n:]  # 游客…，收入…，分别增长14%、22%
        return None

    # -- one figure ---------------------------------------------------------------------------------

    def label(self, q: Quantity, nxt: Quantity | None, previous: Sequence[Quantity], labels: Sequence[str],
              para_start: int) -> _Found:
        """The label of `q` (see the module docstring for the rules)."""
        if q.start in self.lists:
            return self.lists[q.start]
        text, r = self.text, self.r
        units = self.kb.units.units
        if previous and labels and previous[-1].start >= para_start and not text[previous[-1].end:q.start].strip() \
                and q.unit in units and previous[-1].unit in units and (
                    q.unit == previous[-1].unit or {units[q.unit].kind, units[previous[-1].unit].kind} <= _PEOPLE):
            # 16户|71人: right after a figure of the same measure or of people, the same indicator (its people
            # for its households)
            return _Found(self._recount(labels[-1], r.suffix.get(units[q.unit].kind, "")))
        clause_start = self.structure.clause_start(q.start, para_start, CLAUSE_LOOKBACK)
        sentence_start = self.structure.sentence_start(q.start, para_start, CLAUSE_LOOKBACK)
        earlier = [lab for prev, lab in zip(previous, labels, strict=True) if prev.start >= sentence_start]
        last = previous[-1] if previous and previous[-1].start >= clause_start else None
        start = max(clause_start, last.end) if last is not None else clause_start
        if last is not None and r.change_to.match(text[last.end:q.start].strip()):
            return _Found(labels[-1])  # 比重从17.9%提升到35.5%: the same indicator
        unit = self.kb.units.units.get(q.unit)
        if unit is not None and unit.kind == "length":
            to = r.distance_to(r.tag(text[max(start, q.start - BEFORE_CHARS):q.start]))
            if to:
                return _Found(f"距{to}距离")  # 距离平昌县城|40余公里: the distance to a place
        start, after_place = self._after_regions(start, q.start)
        mine = self._over_threshold(self.before(start, q.start), start, q.start)
        # nothing but words that are cut before the figure (、达 3.6万亿元, 高于全国平均水平 4.9个百分点)
        cut_only = not mine.text and bool(text[start:q.start].strip()) and \
            r.only_cut(r.tag(text[max(start, q.start - BEFORE_CHARS):q.start]))
        window = r.tag(text[start:q.start]) if not mine.text else []
        restates = (cut_only and (bool(mine.kinds) or any(w in r.restate for w, _ in window))) or \
            any(w in r.from_words for w, _ in window)  # 较“十三五”末的|9323.1亿元: the amount of the clause before
        counted = q.unit in self.kb.units.units and self.kb.units.units[q.unit].kind in COUNTED_KINDS
        suffix = r.suffix.get(unit.kind, "") if unit else ""
        implied = _STATED_NUMBER.sub("", q.stated).strip()
        examples = mine.text and unit is not None and unit.kind == "count" \
            and text[start:q.start].rstrip().endswith(r.examples)
        if examples:  # members listed as examples of what is counted (an amount after 等 is of the things
            # listed: 两癌筛查等|50余万人次)
            if len(implied) >= 2:
                return _Found(implied, mine.kinds)  # 省工商联等|6部门: the measure word is the noun
            follows, quote_end = self.after(q, self.clause_end(q, nxt), verb_start=True)
            if follows.text and follows.noun:
                return _Found(follows.text, mine.kinds, quote_end)  # 国家发展改革委等|28个|部门
        if not mine.text and "share" in mine.kinds and earlier:
            return _Found(earlier[-1], mine.kinds)  # 已消除风险1955户，占监测对象的65.5%
        if mine.text and mine.noun:
            if mine.text in r.ratio and earlier:
                return _Found(earlier[-1], mine.kinds | {"share"})  # 投入…3.2亿元，占比61.5%
            if counted and mine.kinds <= {"cumulative"}:
                follows, quote_end = self.after(q, self.clause_end(q, nxt), verb_start=True)
                if follows.text and follows.noun and len(follows.text) >= 2:
                    return _Found(follows.text, mine.kinds, quote_end)  # 中省市县共计1279个|单位
            label = r.paired(mine.text, earlier[-1]) if earlier else mine.text
            if unit is not None and unit.kind in r.event_measures and r.tells_event(label):
                noun = r.measure_noun(q.unit, unit.kind)
                label += "" if label.endswith(noun) else noun  # 种植豆角|1.26万亩 -> 种植豆角面积
            return _Found(label, mine.kinds)
        follows, quote_end = self.after(q, self.clause_end(q, nxt), verb_start=True)
        if len(implied) >= 2 and implied != q.unit:
            return _Found(implied, mine.kinds)  # 189万建档立卡贫困户: the stated noun says what is counted
        if follows.text and not mine.kinds:
            if len(follows.text) == 1 and unit is not None:
                # a bare counted noun (76个|村|实行清单制管理): what it does names the figure, as for people
                end = min(self.clause_end(q, nxt), quote_end + AFTER_CHARS)
                aside = _ASIDE.match(text, quote_end, end)  # 1925个村|（社区）|配备法律顾问
                rest = aside.end() if aside else quote_end
                verbs = r.verbs_after(r.tag(text[rest:end]))
                if verbs and not r.change_to.match(verbs):  # 从15个县|扩大到 30个: a change, not what they do
                    return _Found(verbs + follows.text + r.measure_noun(q.unit, unit.kind), mine.kinds,
                                  text.find(verbs[-1], rest, end) + 1 or quote_end)
            return _Found(follows.text, mine.kinds, quote_end)  # 选派191名|挂职干部, 23个国家级和16个|省级…县
        if suffix:
            at = self._past_pair(q, nxt)
            end = min(self.clause_end(q, nxt) if at == q.end else self.clause_stop(at), at + AFTER_CHARS)
            verbs = r.verbs_after(r.tag(text[at:end]))
            if verbs:  # 45人|挂任驻村第一书记 -> 挂任驻村第一书记人数
                return _Found(verbs + suffix, mine.kinds, text.find(verbs[-1], at, end) + 1 or q.end)
        if not mine.text and earlier and (last is not None or after_place or mine.kinds or cut_only or restates):
            return _Found(self._recount(earlier[-1], suffix), mine.kinds)  # 16户|71人, 同比增长6%, 昭觉县2.34亿元
        if follows.text:
            return _Found(follows.text, mine.kinds, quote_end)
        if mine.text and mine.nouns:
            return _Found(mine.text, mine.kinds)  # 村组巷道及产业路硬化 270公里: an event names the measure
        if mine.text:  # only verbs before the figure: 带动 288户 -> 带动户数, 累计发放 758亿元 -> 发放额
            return _Found(mine.text + r.measure_noun(q.unit, unit.kind if unit else ""), mine.kinds)
        if not earlier and start == clause_start > sentence_start and (restates or not text[start:q.start].strip()):
            # 肉类产量方面，9941.41吨; 实际使用外资33.8亿美元，增长10%: the clause before names it (up to an
            # amount of its own that is no figure of ours)
            before = text[max(sentence_start, clause_start - BEFORE_CHARS):clause_start - 1]
            amount = _LAST_AMOUNT.search(before)
            topic = self.r.phrase_before(self.r.tag(before[:amount.start()] if amount else before))
            if topic.noun:
                return _Found(topic.text, mine.kinds | topic.kinds)
        if earlier and not text[start:q.start].strip(" ，,、"):
            return _Found(self._recount(earlier[-1], suffix), mine.kinds)
        return _Found(suffix or UNNAMED, mine.kinds)  # 该村共有902户: the households (户数)

    def _recount(self, label: str, suffix: str) -> str:
        """The label of the figure before, for a figure of another measure (带动户数 288户|386人 -> 带动人数,
        脱贫户 167户|601人 -> 脱贫人口)."""
        for other in self.r.suffix.values():
            if suffix and other != suffix and label.endswith(other):
                return label[:-len(other)] + suffix
        if suffix == self.r.suffix.get("people"):
            for ending, people in self.r.people_of.items():
                if label.endswith(ending):
                    return label[:-len(ending)] + people
        return label


@component(requires=("structure", "quantities", "regions", "measures"), assigns=("observations",))
def observations(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: every quantity as a figure with its label and quote, and the measure that holds it."""
    assert ex.structure is not None
    text, structure = doc.text, ex.structure
    reader = _reader(kb)
    quantities = ex.quantities
    q_starts = [q.start for q in quantities]
    # places inside 《titles》 name a document, not what a figure counts
    mentions = [m for m in ex.regions if structure.protected_at(m.start, "title") is None]
    labeller = _Labeller(text, structure, reader, mentions, kb)
    measure_starts = [m.start for m in ex.measures]
    out: list[Observation] = []
    starts_in_source: dict[int, int] = {}
    for para in structure.paragraphs:
        lo, hi = bisect.bisect_left(q_starts, para.start), bisect.bisect_left(q_starts, para.end)
        figures = quantities[lo:hi]
        if not figures:
            continue  # most paragraphs hold no figure: nothing to read in them
        sentence_of = [structure.sentence_start(q.start, para.start, CLAUSE_LOOKBACK) for q in figures]
        in_para: list[Quantity] = []
        labels: list[str] = []
        listing = any(w in text[para.start:para.end] for w in reader.respectively)  # no 分别: no list to read
        for n, q in enumerate(figures):
            if listing and q.start not in labeller.lists:
                labeller.read_list(figures, n, labels, sentence_of[n])
            found = labeller.label(q, figures[n + 1] if n + 1 < len(figures) else None, in_para[-24:],
                                   labels[-24:], para.start)
            clause_start = structure.clause_start(q.start, para.start, CLAUSE_LOOKBACK)
            quote_start = clause_start
            while quote_start < q.start and text[quote_start] in " \t\u3000":
                quote_start += 1
            s = starts_in_source.get(quote_start)
            if s is None:  # figures of one clause share its start: map it back once
                s = starts_in_source[quote_start] = doc.offsets.to_source(quote_start)
            e = doc.offsets.to_source(max(q.end, found.quote_end), is_end=True)
            i = bisect.bisect_right(measure_starts, q.start) - 1
            inside = i >= 0 and q.start < ex.measures[i].end
            kind = next((k for k in ("change", "share", "cumulative") if k in found.kinds), "level")
            out.append(Observation(indicator=found.label, quantity=q, region=None, period=None,
                                   evidence=Evidence(quote=doc.source[s:e], start=s, end=e),
                                   measure_index=ex.measures[i].index if inside else None, kind=kind))
            in_para.append(q)
            labels.append(found.label)
    return evolve(ex, observations=tuple(out))
