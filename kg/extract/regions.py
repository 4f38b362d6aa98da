"""Find places in text, decide what a document is about, and read the partnerships it states.

Divisions are matched with one Aho-Corasick pass over every name form in the gazetteer, then each hit is
scored from its surroundings instead of being trusted: a short form (安康, 合作) must start after a
boundary (punctuation, a preposition, another place), gains from a plausible right neighbour, from its
province / city being mentioned elsewhere in the document, and loses when it is an ordinary word.
Towns and villages (镇, 乡, 街道, 村, 社区 …) are found by their suffix and accepted when the national register
(kg/register.py) holds the name under a region in scope — the town or division named before it in the
sentence, the last county named, the title's or publisher's place, any county or city the document names
— which then gives the parent (the town of a village, the county of a town).  A name the register does not
hold needs strong evidence: a county or town written directly before it, or a counted list of names
(北山、黄山、郭地3村), and never a stem that ends in a verb or an adjective (rjieba's part-of-speech tags:
部门帮村, 垃圾围村).  A name the register holds in one county only is that county's even when no place in
scope has it, if the document names its province.  Countries abroad (kg/data/countries.tsv) are regions
of level "foreign".  Names inside 《titles》 are no places (话剧《右玉》), but for the issuer a title opens
with (《甘肃省…办法》).  All character classes and keyword
lists live in kg/data/region_context.tsv.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import rjieba

from kg.extract.component import component
from kg.gazetteer import LEVEL_RANK, Gazetteer, NameForm
from kg.knowledge import KnowledgeBase
from kg.matcher import alternation
from kg.model import Blocks, Document, Evidence, Extraction, Partnership, Region, RegionMention, evolve
from kg.programmes import ProgrammeScheme
from kg.register import Entry, Register, code_prefix

ACCEPT = 5  # minimum score of a short form
LEVEL_BONUS = {"province": 3, "foreign": 3, "city": 2, "county": 0}
LOCAL_LOOKBACK = 40  # characters: a town named this far back (in the same sentence) may hold a village
SENTENCE_ENDS = "。！？!?；;\n"
NUMERAL = "0123456789０１２３４５６７８９一二三四五六七八九十两百千万"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass
class _Hit:
    start: int
    end: int
    surface: str
    forms: tuple[NameForm, ...]
    score: int = 0
    region: Region | None = None


class _Context:
    """The word lists of kg/data/region_context.tsv as the sets and patterns the recogniser uses, built
    once per gazetteer (`context_of`)."""

    def __init__(self, gaz: Gazetteer) -> None:
        ctx = gaz.context
        self.left = frozenset(ctx.get("left", ()))
        self.right = frozenset(ctx.get("right", ()))
        # a date or a relative year right before a position (2024年|西藏, 今年|甘肃, 21日|四川)
        times = alternation(ctx.get("left_time", ()))
        self.time_before = re.compile(rf"(?:\d年|\d[日号]|{times})$" if times else r"(?:\d年|\d[日号])$")
        self.bad_after = tuple(ctx.get("bad_after", ()))
        self.not_after = tuple(ctx.get("not_after", ()))
        self.not_after_ok = tuple(ctx.get("not_after_ok", ()))
        self.no_stem_tags = frozenset(ctx.get("local_no_stem_tags", ()))
        self.zone_suffixes = tuple(ctx.get("zone_local_suffix", ()))
        self.not_local = frozenset(ctx.get("not_local", ()))
        self.words = gaz.common_words
        self.plain = gaz.plain_words
        self.forms = gaz.forms
        self.local_left = frozenset(ctx.get("local_left", ()))
        self.local_level = dict(w.split("=", 1) for w in ctx.get("local_suffix", ()))
        suffixes = "|".join(sorted(self.local_level, key=len, reverse=True))
        self.local_re = re.compile(suffixes)
        # a count of at most six numerals before the suffix (bounded: a long run of digits cannot backtrack);
        # the pattern opens with a character class, not the lookbehind, so the regex engine skips to the
        # next numeral instead of trying every position (same matches, 3x faster)
        self.enum_re = re.compile(rf"[{NUMERAL}](?<![{NUMERAL}][{NUMERAL}])[{NUMERAL}]{{0,5}}个?(?:{suffixes})")
        self.division_chars = frozenset("".join(ctx.get("division_chars", ())))
        self.self_level = dict(w.split("=", 1) for w in ctx.get("self_level", ()))
        self.no_abbreviation = frozenset("".join(ctx.get("no_abbreviation", ())))


@functools.lru_cache(maxsize=8)
def context_of(gaz: Gazetteer) -> _Context:
    return _Context(gaz)


WORD_EDGE_LEVELS = frozenset({"province", "foreign"})  # levels whose short names a word before may edge


def _left_ok(text: str, pos: int, ctx: _Context, ends: set[int]) -> bool:
    return pos == 0 or not _is_han(text[pos - 1]) or text[pos - 1] in ctx.left or pos in ends \
        or (text[pos - 1] in "年日号" and ctx.time_before.search(text, max(0, pos - 3), pos) is not None)


def _right_ok(text: str, pos: int, ctx: _Context, starts: set[int]) -> bool:
    return pos >= len(text) or not _is_han(text[pos]) or text[pos] in ctx.right or pos in starts


def _support(region: Region, seen: Counter[str]) -> int:
    """How strongly the rest of the document points at this region (itself, its city, its province)."""
    chain = region.chain()
    if region.code in seen or (len(chain) > 1 and chain[1].level == "city" and chain[1].code in seen):
        return 2
    province = chain[-1]
    return 1 if province is not region and province.code in seen else 0


def _score(text: str, hit: _Hit, form: NameForm, ctx: _Context, ends: set[int], starts: set[int],
           support: int, inside_left: bool, outside_left: bool = False) -> int:
    """Score one reading of a hit; below ACCEPT it is not taken as a place.  `support`: see _support;
    `inside_left`: the reading lies within a place named right before it (北京市朝阳区, 天津宝坻);
    `outside_left`: a place of another level is named right before it and does not hold it (临沂大田庄乡
    is no 大田县, which lies in Fujian)."""
    after = text[hit.end:hit.end + 2]
    if form.kind != "short" and any(after.startswith(b[1:]) and hit.surface.endswith(b[0]) for b in ctx.bad_after):
        return -10  # 合作市场
    if form.kind == "short" and text.startswith(ctx.not_after, hit.end) and hit.end not in starts \
            and not text.startswith(ctx.not_after_ok, hit.end):
        return -10  # 北京大学, 南京西路, 嘉陵江, 长白山, 北京时间: part of another name (陕西山阳县 is two places)
    if form.kind == "short" and hit.end < len(text) and ctx.local_re.match(text, hit.end) \
            and form.region.level != "province":
        return -10  # 柳林镇 is a town, not 柳林县
    left_ok = _left_ok(text, hit.start, ctx, ends) or (
        form.region.level in WORD_EDGE_LEVELS and text[max(0, hit.start - 2):hit.start] in ctx.words)
    # 离开|北京, 访问|韩国: a word ending right before a province or a country is an edge (not before a county:
    # 河西走廊, 清河, 中山 are words and landmarks as often as places)
    if form.kind != "short" and form.stem_len >= 2 and (
            not form.common or (left_ok and (hit.start not in ends or inside_left))):
        # 海口市以…, 合肥市新建…: a full name whose stem is also a word (海口, 合肥) is a place where a name may
        # start, unless a place right before does not hold it (浦口|老城区); its right edge is judged by
        # bad_after (大同市场) alone
        return 10

    if not left_ok and (len(hit.surface) < 3 or form.common):
        return -10  # 幸福安康, 提高平台: a two-character name inside a run of text
    right_ok = _right_ok(text, hit.end, ctx, starts)
    if form.common and not right_ok:
        return -10  # 甘肃合作发展: an ordinary word needs a clear right edge too
    score = (2 if left_ok else 0) + LEVEL_BONUS.get(form.region.level, 0)
    score += 1 if right_ok else 0
    score += -3 if form.common and not inside_left else 1  # 湖北当阳: an ordinary word right after its province
    # an ordinary word across either edge: 以上城市 is not 上城区, 提高平台 not 高平市
    score -= 2 if hit.start > 0 and text[hit.start - 1:hit.start + 1] in ctx.words else 0
    crossing = text[hit.end - 1:hit.end + 1]
    # (a province is not undone by another place's name across its edge: 河南|通过 is not 河|南通)
    province_over_name = form.region.level == "province" and bool(ctx.forms(crossing))
    score -= 2 if crossing in ctx.words and len(text) > hit.end and not province_over_name else 0
    score += 1 if len(hit.surface) >= 3 else 0
    score += -2 if form.kind != "short" and form.stem_len < 2 else 0  # 城区, 成县: need context
    score += support
    if inside_left:
        score += 3  # 北京市朝阳区, 天津宝坻
    elif outside_left and form.kind == "short":
        score -= 3
    return score


_KIND_RANK = {"full": 2, "former": 1, "short": 0}  # ties between readings: the official name first


def _choose(hit: _Hit, text: str, ctx: _Context, ends: set[int], starts: set[int], seen: Counter[str],
            left_regions: list[Region]) -> None:
    best: tuple[int, int, int, int, str] | None = None
    for form in hit.forms:
        support = _support(form.region, seen)
        within = [r for r in left_regions if Gazetteer.is_within(form.region, r)] if left_regions else []
        # places written one after another run from larger to smaller (山东临沂): a place of another level
        # right before that does not hold this reading speaks against it (贺兰|山东麓, 临沂|大田庄乡)
        other_level = left_regions and not within and \
            any(LEVEL_RANK[r.level] != LEVEL_RANK[form.region.level] for r in left_regions)
        s = _score(text, hit, form, ctx, ends, starts, support, any(r != form.region for r in within),
                   bool(other_level))
        if len(hit.forms) == 1:
            hit.score, hit.region = s, form.region
            return
        key = (s + 3 * len(within) + support, seen[form.region.chain()[-1].code or ""],
               _KIND_RANK[form.kind], -LEVEL_RANK[form.region.level], form.region.code or "")
        # lower code wins ties: compare on the negated ordering below
        if best is None or key[:4] > best[:4] or (key[:4] == best[:4] and key[4] < best[4]):
            best = key
            hit.score, hit.region = s, form.region


def _select(hits: list[_Hit], accept: int = ACCEPT) -> list[_Hit]:
    """Leftmost-longest among accepted hits."""
    out: list[_Hit] = []
    last_end = -1
    for hit in sorted((h for h in hits if h.score >= accept), key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= last_end:
            out.append(hit)
            last_end = hit.end
    return out


def _division_hits(text: str, gaz: Gazetteer) -> list[_Hit]:
    norm = gaz.normalise_variants(text)
    hits = []
    for start, end, surface in gaz.matcher.find(norm):
        hits.append(_Hit(start, end, surface, gaz.forms(surface)))
    return hits


def _strong(hit: _Hit) -> bool:
    """A full official name with a real stem (麦积区, not 城区): a place wherever it stands."""
    return any(f.kind != "short" and f.stem_len >= 2 and not f.common for f in hit.forms)


def _match_divisions(text: str, hits: list[_Hit], ctx: _Context) -> list[_Hit]:
    """Score every hit twice: first from its own context, then with the places pass 1 found."""
    starts = {h.start for h in hits}
    by_end: dict[int, list[_Hit]] = {}
    for h in hits:
        by_end.setdefault(h.end, []).append(h)
    ends = {h.end for h in hits if _strong(h)}
    seen: Counter[str] = Counter()
    for _ in range(2):
        for hit in hits:
            left = [h.region for h in by_end.get(hit.start, []) if h.region is not None and h.score >= ACCEPT] \
                or [f.region for h in by_end.get(hit.start, []) if _strong(h) for f in h.forms]
            _choose(hit, text, ctx, ends, starts, seen, left)
            if hit.score >= ACCEPT:
                ends.add(hit.end)  # a place read here opens the way for the next: 广西百色田阳
        chosen = _select(hits)
        ends = {h.end for h in chosen}
        seen = Counter()
        for h in chosen:
            if h.region is not None and (len({f.region for f in h.forms}) == 1 or h.score >= 10):
                seen.update(r.code for r in h.region.chain() if r.code)
    return _select(hits)


# --- towns and villages -------------------------------------------------------------------------------


def _name_before(text: str, pos: int, ctx: _Context, ends: set[int], limit: int = 4) -> int | None:
    """Start of a local name ending at `pos`: the nearest boundary within `limit` characters.

    A boundary is a non-Han character, an anchor character (在, 、, 的 ...) or the end of a division
    mention.  A leading ordinary word is dropped (扶持滩歌镇 -> 滩歌镇)."""
    for length in range(0, limit + 1):
        start = pos - length
        if start < 0:
            return None
        before = text[start - 1] if start > 0 else ""
        if before and before.isdigit():
            return None  # 45人挂任驻村: a count, not a name, stands before
        if start == 0 or start in ends or not _is_han(before) or before in ctx.local_left:
            if length < 2:
                if start == 0 or start in ends or not _is_han(before):
                    return None
                continue  # 到和平村: 和 may open a name as well as join two
            if length >= 3 and before + text[start] in ctx.plain:
                return start + 1  # 原名太平社区 -> 太平社区
            for cut in (2, 3):  # 扶持滩歌 -> 滩歌, 开展文明 -> 文明
                if length - cut >= 2 and text[start:start + cut] in ctx.words:
                    return start + cut
            return start
    return None


def _plain_name(name: str, ctx: _Context) -> bool:
    """A local name is not an ordinary word and does not end in one (贫困, 重点, 深度贫困)."""
    if any(c in ctx.division_chars for c in name) or name[-1] in NUMERAL or name in ctx.plain:
        return False
    return not any(name[i:] in ctx.plain for i in range(len(name) - 1))


def _local_spans(text: str, ctx: _Context, ends: set[int], taken: list[tuple[int, int]]
                 ) -> list[tuple[int, int, str, str]]:
    """(start, end, name, level) of towns and villages: 杨柏镇, and 北山、黄山、郭地3村."""
    out: list[tuple[int, int, str, str]] = []

    busy = {p for a, b in taken for p in range(a, b)}

    def free(s: int, e: int) -> bool:
        return not any(p in busy for p in range(s, e))

    for m in ctx.enum_re.finditer(text):  # enumerations: 北山、黄山、郭地3村
        suffix = m.group(0).lstrip(NUMERAL).lstrip("个")
        items: list[tuple[int, int]] = []
        pos = m.start()
        while True:
            start = _name_before(text, pos, ctx, ends)
            if start is None or not _plain_name(text[start:pos], ctx):
                break
            items.append((start, pos))
            if start > 0 and text[start - 1] == "、":
                pos = start - 1
                continue
            break
        if len(items) >= 2 and free(items[-1][0], m.end()):
            for s, e in reversed(items):
                out.append((s, e, text[s:e] + suffix, ctx.local_level[suffix]))
    enum_taken = [(s, e) for s, e, _, _ in out]
    for m in ctx.local_re.finditer(text):
        p, q = m.start(), m.end()
        if not free(p, q) or any(s <= p < e + 2 for s, e in enum_taken):
            continue
        if text[p:q + 1] in ctx.plain or text[p:q + 2] in ctx.plain or text[p - 1:q] in ctx.words:
            continue  # 乡村, 村民, 农村, 全村
        start = _name_before(text, p, ctx, ends)
        if start is None or not free(start, p):
            continue
        name = text[start:p]
        if not _plain_name(name, ctx) or (name + m.group(0)) in ctx.plain:
            continue
        out.append((start, q, name + m.group(0), ctx.local_level[m.group(0)]))
    return sorted(out)


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _issuer(hit: _Hit, titles: Sequence[tuple[int, int]]) -> bool:
    """A division written in full at the start of a longer 《title》 issued the document (《甘肃省…办法》);
    any other name inside a title names a work (话剧《右玉》), not a place."""
    return any(hit.start == a + 1 and hit.end < b - 1 for a, b in titles) and \
        any(f.kind != "short" or f.region.level == "province" for f in hit.forms)


def _register_region(entry: Entry, gaz: Gazetteer) -> Region | None:
    """The region of a register entry, with its parents: village < town < county (a development zone the
    register files under its prefecture is a county-level region of its own there)."""
    county = gaz.by_code(entry.county)
    if county is None:
        return None
    if entry.zone:
        county = Region(name=entry.zone, level="county", code=None, parent=county)
    if entry.level == "town":
        return Region(name=entry.name, level="town", code=None, parent=county)
    town = Region(name=entry.town or "", level="town", code=None, parent=county)
    return Region(name=entry.name, level="village", code=None, parent=town)


def _scope_code(region: Region) -> str | None:
    """The code whose divisions a region covers (a zone without a code covers part of its parent)."""
    for node in region.chain():
        if node.code:
            return node.code
    return None


class _Locals:
    """Decides which suffix candidates are towns and villages, and their parents (see the module docstring)."""

    def __init__(self, text: str, gaz: Gazetteer, ctx: _Context, register: Register | None,
                 divisions: list[_Hit], scope: Sequence[Region]) -> None:
        self.text, self.gaz, self.ctx, self.register = text, gaz, ctx, register
        self.divisions = [h for h in divisions if h.region is not None and h.region.level != "foreign"]
        self.division_starts = [h.start for h in self.divisions]
        by_end: dict[int, Region] = {}
        for h in self.divisions:
            assert h.region is not None
            by_end[h.end] = h.region
        self.by_end = by_end
        counted = Counter(h.region for h in self.divisions if h.region and h.region.level in ("county", "city"))
        self.document_scope = [r for r, _ in counted.most_common()]
        self.label_scope = [r for r in scope if r.level != "foreign"]
        self.provinces = {r.chain()[-1].code for r in [*self.document_scope, *self.label_scope,
                                                       *(h.region for h in self.divisions if h.region)]}
        self.accepted: list[tuple[int, int, Region]] = []  # towns and villages accepted so far, in order
        self.memo: dict[str, Region] = {}

    def sentence_start(self, pos: int) -> int:
        lo = max(0, pos - 300)
        cut = max(self.text.rfind(c, lo, pos) for c in SENTENCE_ENDS)
        return max(lo, cut + 1)

    def scopes(self, start: int, level: str) -> list[tuple[Region, bool]]:
        """Regions in scope at `start`: the town and divisions named before it in its sentence (nearest
        first), then the last county named in its paragraph; each with whether it was written directly before."""
        out: list[tuple[Region, bool]] = []
        sentence = self.sentence_start(start)
        if level == "village":
            for s, e, region in reversed(self.accepted):
                if region.level == "town" and s >= sentence and start - e <= LOCAL_LOOKBACK:
                    out.append((region, e == start))
                    break
        i = bisect.bisect_left(self.division_starts, start)
        before = [h for h in self.divisions[:i] if h.end <= start]
        for h in reversed(before):
            if h.start < sentence:
                break
            assert h.region is not None
            if h.region.level != "province" or h.end == start:
                out.append((h.region, h.end == start))
        paragraph = self.text.rfind("\n", 0, start) + 1
        last_county = next((h.region for h in reversed(before) if h.start >= paragraph and h.region
                            and h.region.level == "county"), None)
        if last_county is not None:
            out.append((last_county, False))
        return out

    def wide_scopes(self) -> list[Region]:
        """The regions the document as a whole is about: its title's and publisher's, then every county
        and city it names, most often named first."""
        return [r for r in self.label_scope if r.level != "province"] + self.document_scope

    def from_register(self, name: str, start: int, level: str) -> Region | None:
        """The register's place of this name inside the nearest region in scope, else the one place of
        that name in the whole register when the document names its province."""
        assert self.register is not None
        entries = [e for e in self.register.entries(name) if e.level == level]
        if not entries:
            return None
        near = [region for region, _ in self.scopes(start, level)]
        ordinary = self.ordinary(name)
        wide = [] if ordinary else self.wide_scopes()  # 开源社区 is a village somewhere in a province named
        for region in [*near, *wide]:
            if region.level == "town":
                county = region.parent
                inside = [e for e in entries if e.town == region.name and county is not None
                          and e.county == _scope_code(county)]
            else:
                code = _scope_code(region)
                if code is None:
                    continue
                prefix = code_prefix(code)
                inside = [e for e in entries if e.county.startswith(prefix)]
            if inside:
                return _register_region(inside[0], self.gaz)
        counties = {(e.county, e.zone) for e in entries}
        if len(counties) == 1 and not ordinary and len(self.register.stem(name)) >= 3 \
                and entries[0].county[:2] + "0000" in self.provinces:
            return _register_region(entries[0], self.gaz)
        return None

    def ordinary(self, name: str) -> bool:
        """The name's stem is an ordinary word, or ends in a verb or adjective (开源社区, 大河村, 扎根社区):
        only a place named in the same sentence can make it a place's name."""
        stem = self.register.stem(name) if self.register is not None else name
        return stem in self.ctx.words or not self.plain_stem(stem)

    def plain_stem(self, stem: str) -> bool:
        """The stem does not end in a verb, an adjective or another word that names no place (POS tags)."""
        tags = rjieba.tag(stem)
        return bool(tags) and tags[-1][1] not in self.ctx.no_stem_tags

    def strong_parent(self, name: str, start: int, enumerated: bool) -> Region | None:
        """A parent for a name the register does not hold: the county, zone or town written directly
        before it; for a zone's part (片区, 管理区) the zone in scope; for a counted list of names the nearest
        town or county of the sentence."""
        direct = self.by_end.get(start)
        if direct is not None and direct.level in ("county", "town"):
            return direct
        for _s, e, region in reversed(self.accepted):
            if e == start and region.level == "town":
                return region
        if name.endswith(self.ctx.zone_suffixes):  # 君山片区 in a report of 平潭综合实验区: a part of the zone
            for region in [r for r, _ in self.scopes(start, "town")] + self.wide_scopes():
                if region in self.gaz.zones:
                    return region
        if enumerated:
            sentence = self.sentence_start(start)
            for _s, e, region in reversed(self.accepted):
                if region.level == "town" and e >= sentence:
                    return region
            i = bisect.bisect_left(self.division_starts, start)
            for h in reversed(self.divisions[:i]):
                if h.start < sentence:
                    break
                if h.region is not None and h.region.level in ("county", "town"):
                    return h.region
        return None

    def resolve(self, start: int, end: int, name: str, level: str, enumerated: bool) -> tuple[int, Region] | None:
        """(start, region) of an accepted town or village, or None."""
        if name in self.memo:
            return start, self.memo[name]
        if name in self.ctx.not_local:
            return None
        if self.register is not None and not enumerated:
            for cut in range(0, len(name) - 2):  # 扶持滩歌镇 -> 滩歌镇: drop an ordinary word before the name
                shorter = name[cut:]
                if len(self.register.stem(shorter)) < 2 or (cut and name[:cut] not in self.ctx.words):
                    continue
                found = self.from_register(shorter, start + cut, level)
                if found is not None:
                    self.memo[name] = found
                    return start + cut, found
        elif self.register is not None and enumerated:
            found = self.from_register(name, start, level)
            if found is not None:
                return start, found
        stem = name
        for suffix in sorted(self.ctx.local_level, key=len, reverse=True):
            if name.endswith(suffix):
                stem = name[: -len(suffix)]
                break
        parent = self.strong_parent(name, start, enumerated)
        zone_part = name.endswith(self.ctx.zone_suffixes) and not enumerated and stem not in self.ctx.words
        if (parent is None and not zone_part) or not self.plain_stem(stem):
            return None
        if parent is None:  # a zone's part: 沈阳片区 lies in 沈阳市; 君山片区 with no zone named stays unplaced
            parent = next((f.region for f in self.gaz.forms(stem) if f.region.level in ("city", "county")
                           and f.region.chain()[-1].code in self.provinces), None)
        if level == "town" and parent is not None and parent.level == "town":
            return None
        region = Region(name=name, level=level, code=None, parent=parent)
        if not enumerated:
            self.memo[name] = region
        return start, region


def find_regions(text: str, gazetteer: Gazetteer, *, register: Register | None = None,
                 protected: Sequence[tuple[int, int]] = (), scope: Sequence[Region] = ()) -> list[RegionMention]:
    """All place mentions in order: divisions with codes, countries abroad, towns and villages with their
    parents (see the module docstring).

    `register`: the register of towns and villages (without it, a town needs strong evidence);
    `protected`: spans whose names are no places (《titles》); `scope`: the regions the document's title
    or publisher names, for towns and villages the text names without their county.
    """
    ctx = context_of(gazetteer)
    hits = [h for h in _division_hits(text, gazetteer) if not _inside(h.start, h.end, protected)
            or _issuer(h, protected)]
    # town and village names the register knows take precedence over short forms inside them (黄山 in
    # 北山、黄山、郭地3村, 镇海 in 柳林镇海山村)
    strong = [h for h in hits if _strong(h)]
    pre = _local_spans(text, ctx, {h.end for h in strong}, [(h.start, h.end) for h in strong])
    if register is not None:
        pre = [p for p in pre if p[2] in register or text[p[1] - 1:p[1]].isdigit()
               or ctx.enum_re.match(text, p[1]) is not None]
    owner: dict[int, tuple[int, int]] = {p: (s, e) for s, e, _, _ in pre for p in range(s, e)}

    def yields(h: _Hit) -> bool:
        """True when a short form lies inside a town / village name (but 景德镇 as a whole stays a city)."""
        spans = {owner[p] for p in range(h.start, h.end) if p in owner}
        return any(not (h.start <= s and h.end >= e and ctx.local_re.search(text, e - 2, e)) for s, e in spans)

    hits = [h for h in hits if _strong(h) or not yields(h)]
    divisions = _match_divisions(text, hits, ctx)
    ends = {h.end for h in divisions}
    taken = [(h.start, h.end) for h in divisions]
    candidates = [c for c in _local_spans(text, ctx, ends, taken) if not _inside(c[0], c[1], protected)]
    locals_ = _Locals(text, gazetteer, ctx, register, divisions, scope)
    enum_spans = _enumerated(text, candidates)
    found: list[tuple[int, int, str, Region]] = []
    for start, end, name, level in candidates:
        got = locals_.resolve(start, end, name, level, (start, end) in enum_spans)
        if got is None:
            continue
        s, region = got
        locals_.accepted.append((s, end, region))
        found.append((s, end, text[s:end], region))
    out = [RegionMention(h.region, h.start, h.end, h.surface) for h in divisions if h.region is not None
           and not any(s < h.end and h.start < e and not _strong(h) for s, e, _, _ in found)]
    out += [RegionMention(region, s, e, surface) for s, e, surface, region in found]
    return sorted(out, key=lambda m: (m.start, m.end))


def _enumerated(text: str, candidates: list[tuple[int, int, str, str]]) -> set[tuple[int, int]]:
    """Spans of names written as a counted list (北山、黄山、郭地3村): the name's suffix is not in the span."""
    return {(s, e) for s, e, name, _ in candidates if text[s:e] != name}


# --- what a document is about ------------------------------------------------------------------------


def places_in_label(label: str, mentions: Sequence[RegionMention], gaz: Gazetteer) -> list[Region]:
    """Regions named in a title or publisher: full names, or short forms the body also mentions."""
    body = {m.region for m in mentions}
    found: list[tuple[int, Region]] = []
    for hit in _select(_division_hits(label, gaz), accept=0):  # every hit eligible; longest wins
        regions = [f.region for f in hit.forms]
        in_body = [r for r in regions if r in body]
        if in_body:
            found.append((hit.start, in_body[0]))
        elif any(f.kind != "short" and f.stem_len >= 2 for f in hit.forms) or \
                any(f.region.level == "province" for f in hit.forms):
            found.append((hit.start, sorted(regions, key=lambda r: (LEVEL_RANK[r.level], r.code or ""))[0]))
    for m in mentions:  # towns and villages written in the title as in the body
        if m.region.code is None and m.region.name in label:
            found.append((label.index(m.region.name), m.region))
    return [r for _, r in sorted(found, key=lambda x: x[0])]


def most_specific(regions: list[Region]) -> Region | None:
    """The first region, refined by later ones inside it (甘肃省天水市麦积区 -> 麦积区)."""
    if not regions:
        return None
    best = regions[0]
    for r in regions[1:]:
        if Gazetteer.is_within(r, best):
            best = r
    return best


# --- partnerships ----------------------------------------------------------------------------------


def _evidence(doc: Document, s: int, e: int) -> Evidence:
    src_s, src_e = doc.source_span(s, e)
    return Evidence(quote=doc.quote(s, e), start=src_s, end=src_e)


def _province(region: Region) -> Region:
    return region.chain()[-1]


def _resolve_abbr(char: str, gaz: Gazetteer, mentioned: list[Region]) -> Region | None:
    """A one-character abbreviation: a mentioned city or county starting with it (常 -> 常州), else a province."""
    char = char.translate(gaz.char_map)
    local = [r for r in mentioned if r.level in ("city", "county") and r.name.startswith(char)]
    if char in context_of(gaz).no_abbreviation:  # 东西部协作 names no region
        return None
    if local:
        return local[0]
    provinces = gaz.abbreviation(char)
    mentioned_prov = [p for p in provinces if p in mentioned]
    return (mentioned_prov or list(provinces) or [None])[0]


def find_partnerships(doc: Document, mentions: Sequence[RegionMention], main: Region | None,
                      gazetteer: Gazetteer, sentences: Blocks) -> list[Partnership]:
    """East-west cooperation and paired assistance stated in the text, one per donor/recipient pair."""
    gaz = gazetteer
    ctx = gaz.context
    levels = context_of(gaz).self_level
    text = doc.text
    mentioned = [m.region for m in mentions if m.region.code]
    coop = sorted(ctx.get("coop", ()), key=len, reverse=True)
    give = sorted(ctx.get("give", ()), key=len, reverse=True)
    withs = ctx.get("with", ())
    relation = ctx.get("relation", ())
    selves = ctx.get("self", ())
    donors_east = frozenset(ctx.get("east", ()))
    found: dict[tuple[str, str], Partnership] = {}

    def add(donor: Region | None, recipient: Region | None, programme: str | None, s: int, e: int) -> None:
        if donor is None or recipient is None or donor == recipient:
            return
        if Gazetteer.is_within(recipient, donor) or Gazetteer.is_within(donor, recipient):
            return
        found.setdefault((donor.key, recipient.key), Partnership(donor, recipient, programme, _evidence(doc, s, e)))

    def self_region(word: str) -> Region | None:
        if main is None:
            return None
        level = levels.get(word[-1])
        for node in main.chain():
            if node.level == level:
                return node
        return main

    # R1: abbreviation pairs: 苏陕协作, 常安协作, 浙川东西部协作
    abbr_re = re.compile(rf"([\u4e00-\u9fff])([\u4e00-\u9fff])(?:{'|'.join(_ABBR_INFIX)})?(?:{'|'.join(coop)})")
    give_re = re.compile("|".join(give))
    # Only sentences holding one of the trigger words can state a partnership (most hold none): find
    # the triggers in one pass over the text, not three per sentence.  They are runs of Han characters,
    # so no occurrence straddles a sentence end.
    triggers = sorted([*_abbreviation_starts(text, abbr_re, coop),
                       *(m.start() for rx in (give_re, re.compile("|".join(map(re.escape, relation))))
                         if rx.pattern for m in rx.finditer(text))])
    if not triggers:
        return []
    mention_starts = [m.start for m in mentions]
    for s, e in ((b.start, b.end) for b in sentences):
        if bisect.bisect_left(triggers, s) == bisect.bisect_left(triggers, e):
            continue
        sentence = text[s:e]
        abbr_found = False
        for m in abbr_re.finditer(sentence):
            a, b = m.group(1), m.group(2)
            donor, recipient = _resolve_abbr(a, gaz, mentioned), _resolve_abbr(b, gaz, mentioned)
            if donor and recipient and _province(donor) != _province(recipient):
                add(donor, recipient, m.group(0), s, e)
                abbr_found = True
        lo, hi = bisect.bisect_left(mention_starts, s), bisect.bisect_left(mention_starts, e)
        in_sentence = [m for m in mentions[lo:hi] if m.region.code]
        # R2: "A、B(计划)援助 C / 我省 / 援甘"
        for m in give_re.finditer(sentence) if give_re.pattern else ():
            verb_at = s + m.start()
            donors = _list_before(text, verb_at, in_sentence)
            if not donors:
                continue
            after = text[s + m.end(): e]
            recipient = None
            nxt = [x for x in in_sentence if x.start >= s + m.end()]
            if nxt and nxt[0].start - (s + m.end()) <= 2:
                recipient = nxt[0].region
            else:
                for word in selves:
                    if after.startswith(word):
                        recipient = self_region(word)
                if recipient is None and after[:1] and gaz.abbreviation(after[0].translate(gaz.char_map)):
                    recipient = _resolve_abbr(after[0], gaz, mentioned)
            for d in donors:
                add(d, recipient, m.group(0), s, e)
        # R3: "A 与/携手 B、C … 帮扶 / 协作": the eastern partner gives, the other receives
        if main is not None and any(w in sentence for w in relation) and not abbr_found:
            for m in re.finditer("|".join(withs), sentence):
                at = s + m.start()
                clause = re.search(r"[,，。；;]|$", sentence[m.end():])
                clause_end = s + m.end() + (clause.start() if clause else 0)
                before = [x.region for x in in_sentence if x.end == at]
                home = before[0] if before else _coded(main)
                partners = [x.region for x in in_sentence if s + m.end() <= x.start < clause_end]
                programme = next((w for w in coop if w in sentence), None)
                for p in _outermost(partners):
                    if home is None or _province(p) == _province(home):
                        continue
                    if _province(p).code in donors_east and _province(home).code not in donors_east:
                        add(p, home, programme, s, e)
                    elif _province(home).code in donors_east and _province(p).code not in donors_east:
                        add(home, p, programme, s, e)
    return list(found.values())


_ABBR_INFIX = ("东西部", "扶贫")  # may stand between an abbreviation pair and its word: 浙川东西部协作


def _abbreviation_starts(text: str, abbr_re: re.Pattern[str], coop: Sequence[str]) -> list[int]:
    """Where `abbr_re.finditer(text)` finds abbreviation pairs, trying only the positions from which a
    cooperation word lies 2 characters on (or 2 plus an infix): the pattern opens with two Han characters,
    so a scan would try it at nearly every position of the text (1.8 % of extraction)."""
    if not coop or not all(coop):  # an empty word matches anywhere: no positions to narrow down to
        return [m.start() for m in abbr_re.finditer(text)]
    candidates: set[int] = set()
    for word in coop:
        at = text.find(word)
        while at >= 0:
            candidates.update(at - 2 - len(infix) for infix in ("", *_ABBR_INFIX))
            at = text.find(word, at + 1)
    out: list[int] = []
    reach = 0  # as finditer: the next match starts where the last one ended (never before the text)
    for pos in sorted(candidates):
        if pos >= reach:
            m = abbr_re.match(text, pos)
            if m is not None:
                out.append(pos)
                reach = m.end()
    return out


def _list_before(text: str, pos: int, mentions: list[RegionMention]) -> list[Region]:
    """Regions listed right before `pos` (天津市、山东省计划援助): separators 、和及与, gap of up to 3 chars."""
    out: list[Region] = []
    cursor = pos
    for m in sorted((m for m in mentions if m.end <= pos), key=lambda m: -m.end):
        gap = text[m.end:cursor]
        if len(gap) > (3 if not out else 1) or (out and gap not in ("、", "和", "及", "与", "")):
            break
        if out and gap == "" and Gazetteer.is_within(out[-1], m.region):
            cursor = m.start  # 天津市宝坻区: keep the most specific
            continue
        out.append(m.region)
        cursor = m.start
    return out


def _coded(region: Region) -> Region | None:
    """The nearest division with a code (a town's county)."""
    return next((r for r in region.chain() if r.code), None)


def _outermost(regions: list[Region]) -> list[Region]:
    """Drop regions that are ancestors of another listed region (天津市 in 天津市宝坻区)."""
    out = []
    for r in regions:
        if any(o != r and Gazetteer.is_within(o, r) for o in regions):
            continue
        if r not in out:
            out.append(r)
    return out


LABEL_MAX = 200  # characters of a title, publisher or cited title: what `label_regions` caches


@functools.lru_cache(maxsize=8192)
def _label_regions(label: str, gazetteer: Gazetteer) -> tuple[RegionMention, ...]:
    return tuple(find_regions(label, gazetteer))


def label_regions(label: str, gazetteer: Gazetteer) -> tuple[RegionMention, ...]:
    """`find_regions` on a short label (a title, a publisher, a cited title), remembered: the same labels
    recur in every document of a site or a bulletin."""
    if len(label) > LABEL_MAX:
        return tuple(find_regions(label, gazetteer))
    return _label_regions(label, gazetteer)


# --- components ----------------------------------------------------------------------------------


@component(requires=("structure",), assigns=("regions",))
def places(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: every place mention (divisions with their codes, countries abroad, towns and villages
    with their parents); names inside 《titles》 are no places."""
    assert ex.structure is not None
    titles = [(b.start, b.end) for b in ex.structure.protected if b.kind == "title"]
    scope = [m.region for label in (doc.meta.title, doc.meta.publisher) if label
             for m in label_regions(label, kb.gazetteer)]
    return evolve(ex, regions=tuple(find_regions(doc.text, kb.gazetteer, register=kb.register, protected=titles,
                                                  scope=scope)))



@component(requires=("structure", "regions", "main_region"), assigns=("partnerships",))
def partnerships(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: east-west cooperation and paired assistance, each named by the scheme's label."""
    assert ex.structure is not None
    found = find_partnerships(doc, ex.regions, ex.main_region, kb.gazetteer, ex.structure.sentences)
    return evolve(ex, partnerships=tuple(_canonical_partnership(p, kb.programmes) for p in found))



def _canonical_partnership(link: Partnership, scheme: ProgrammeScheme) -> Partnership:
    """Name a partnership's programme by the scheme's label; a bare generic word names none."""
    if not link.programme:
        return link
    concept, label = scheme.canonical(link.programme)
    if concept is None and len(label) <= 2:
        return replace(link, programme=None)
    return replace(link, programme=label)
