"""Attribution: which region, which period and which status every mention has.  The one place that
decides it; the words it weighs are data (kg/data/attribution_words.tsv, period_words.tsv).

Two components:

- `home_region`: the region the document is about — the place its title names, else its publisher's,
  else a title naming national bodies (全国人大, 国务院) makes it the country's, else the first paragraph
  of body text (30+ characters) naming a place that is no partner or venue, else the place named most.
  A place abroad is the home only when most of the places named are there; a bulletin that ranges over
  three provinces or more with no place in its title or publisher is about the country.
- `attribute`: figures, programme mentions, measures and cited documents get a region and a period,
  figures a status.

Scopes, outermost first: the document is cut into stories (a bulletin's items, kg.extract.structure: the
sections of every heading level it marks three times or more, so the items a bold line heads inside
国内联播快讯 are stories too, as are those short lines head in a page titled as a flash); each story has a
home (the place its title names, else the region holding two thirds of the places its lead paragraph
names, else the place its enclosing story's title and lead name, else the country) and, in a one-story
document, a scope its places must lie in.  Inside a story, a short line that is only a place name heads a
section about it; a paragraph is about the most specific place its first sentence names within the scope
(places in lists, partners, venues and breakdowns do not count).

Region of a figure: the place opening its clause, after a lead word or a time cue (其中昭觉县2.34亿元,
2024年西藏…); else 全省 / 全县 / 全国 / 我国 opening the clause or sentence (the region at that level around
the place the sentence opens with, else the current one), or a region spanning provinces opening the clause
(粤港澳大湾区: the country); else the place opening its sentence, which carries on to the sentence's later
clauses; else a town or village inside the current region named earlier in the sentence; else the
paragraph's, the section heading's, the story's home, the country.  Then: a national body opening the
clause or sentence (中央财政, 海关总署) in a sentence that names no place makes it the country's; a figure
right after an enumeration of places counts them (the smallest region holding them all); after 甲、乙…分别
the n-th number is the n-th place's; a place written right before the figure (百色|100多个) is its place.
Partners, destinations and recipients (与, 赴, 援助 …) are never the subject.  A programme mention in a
sentence opened by an enumeration of places (通江县、南江县、平昌县建立…) holds for each of them.  Measures
take the most specific place they name inside their region; cited documents take the region of where they
are cited.

Period: the nearest time cue before the figure in its sentence (a year, a month, a day, 今年, 十四五 and
过渡期 as 2021/2025, 2021—2025年, 五年来 and 2020年以来 as intervals; 自2017年7月1日起 marks when a rule takes
effect), skipping the base of a comparison or a share (比/较/占 + time) and where a change starts (由2019年…
增加到 + figure); 全年 / 年内 / 当年 inside a frame take the frame's year.  A sentence opening with 其中 / 至此
takes the cue of the one before; in a broadcast, a sentence without a cue takes the last cue of its
paragraph.  Else the frame in force: a paragraph's opening cue (今年以来, 五年来, a year or a cut-off date
opening it, 刚刚过去的2025年，…; a 以来 cue inside a clause, 经济增速2022年以来连续…, dates only its clause; it holds to the end of its numbered or marked section), or the period of the innermost
section heading that names one (一、2022年主要工作: its first period; a heading frames only as a section,
never as a paragraph), whichever opened later; else the year the title reviews (紫阳县2023年…工作总结) or
plans; else, for a standard, rate or rule in force (补助标准, 每户, 元/月/人, 按…比例), the document's year;
else, for a story of a daily broadcast (its publisher is a broadcaster, 央视网 …; its title names one,
《新闻联播》; or its site is one's), the day it is aired, or the earlier day its lead's first sentence dates
the event to (17日，…: a story told a day later; its title's figures too).  目前 in a broadcast paragraph
after such a day is that day; a cumulative figure (累计), a count of a list's items (13项措施) or a figure
in a future clause (将) that a broadcast dates only by its day is the year's.  A figure in a story's title
that the body states again takes the body's period and region; so does a figure of a bulletin's summary
(本期节目主要内容) that exactly one story states.  Any other figure that says no time keeps no
period: a page's date is not when its figures were counted.  Inside a span of years, a level reached
(达到, 增至 …) is the span's last year and the figure after 从 in 从X提高到Y the year before it (sums and
yearly averages stay the span's).  连续N年 in a figure's clause makes it the run of N years ending in the
year it otherwise stands in.  A static attribute (a distance) has no period.

Status: `forecast` after a forecast word in the sentence (预计); `target` after a target word (力争, 到2025年
…达到) with no word saying the figure is done after it (已, 累计), or right before 目标, inside a section
that plans (2023年工作计划), or for a period after the document's year; else `actual`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.extract.component import component
from kg.extract.periods import Cue, cue_finder, resolve_cues, small_number
from kg.extract.regions import label_regions, most_specific, places_in_label
from kg.knowledge import KnowledgeBase
from kg.matcher import alternation
from kg.model import (
    CHINA,
    LEVEL_RANK,
    Block,
    DocStructure,
    Document,
    Extraction,
    Measure,
    Region,
    RegionMention,
    evolve,
)

SENTENCE_LOOKBACK = 300  # characters: no sentence or clause is longer
PARTNER_REACH = 3  # characters before a place read for a partner word (与, 援助 …)
ENUMERATION_GAP = 4  # characters between an enumeration of places and the figure that counts them (两座)
RESPECTIVE_GAP = 12  # … and between an enumeration and its 分别 (荷兰、英国|对华投资|分别增长)
_NUMBER_RUN = re.compile(r"\d+(?:\.\d+)?")
_FULL_STOP = re.compile("[。！？!?]")
_FIGURE_END = re.compile(r"\d[^\d、，,。；;]{0,4}$")  # a figure (7.83张) ending a stretch of text
_FIGURES_BEFORE = re.compile(r"(?:\d+(?:\.\d+)?[^\d、，,。；;]{0,4}[、和])+$")  # 7.83张、 before a figure
VENUE_REACH = 4  # characters after a place where a venue verb (举行, 召开 …) makes it a venue


def _within(region: Region, scope: Region | None) -> bool:
    """Whether `region` lies in `scope` (the country holds every province and what lies in them)."""
    if scope is None:
        return True
    chain = region.chain()
    if scope.key == CHINA.key:
        return chain[-1].level == "province" or chain[-1].key == CHINA.key
    return any(r.key == scope.key for r in chain)


def _any_of(words: Sequence[str]) -> re.Pattern[str]:
    """One pattern finding any of the words (a scan in C instead of a loop over them)."""
    return re.compile(alternation(words) or "(?!)")


def _partner_or_venue(text: str, mention: RegionMention, partner_before: tuple[str, ...],
                      venue_verbs: tuple[str, ...], attribute_after: tuple[str, ...] = ()) -> bool:
    """与天津市宝坻区 / 赴常州: a partner or destination; 在北京举行: a venue; 巴拿马籍油船: an attribute.  None
    is what a passage is about."""
    if text[max(0, mention.start - PARTNER_REACH):mention.start].endswith(partner_before):
        return True
    after = text[mention.end:mention.end + VENUE_REACH]
    if attribute_after and after.startswith(attribute_after):
        return True
    return any(after.startswith(v) or after[1:].startswith(v) for v in venue_verbs)


def change_to_pattern(kb: KnowledgeBase, also: Sequence[str] = (), at_end: bool = False) -> re.Pattern[str]:
    """A change to a new level: a change verb of indicator_words.tsv (增加, 提高 …) with 到/至, or one of
    `also` (达到); at the end of the text with `at_end`."""
    verbs = alternation(kb.lexicon["indicator_words"]["change_to"])
    others = alternation(also)
    return re.compile(rf"(?:(?:{verbs})(?:到|至){'|' + others if others else ''}){'$' if at_end else ''}")


def _common_region(regions: Sequence[Region]) -> Region | None:
    """The smallest region holding all of `regions`: their common division, else the country (None when one
    of them lies abroad)."""
    if any(r.level == "foreign" for r in regions):
        return None
    keys = [{r.key for r in region.chain()} for region in regions[1:]]
    for r in regions[0].chain():
        if all(r.key in k for k in keys):
            return r
    return CHINA


def _rank(region: Region) -> int:
    return LEVEL_RANK.get(region.level, 3)


# --- the document's home region --------------------------------------------------------------------


def _main_region(doc: Document, mentions: Sequence[RegionMention], structure: DocStructure,
                 kb: KnowledgeBase) -> Region | None:
    """Title, else publisher, else the first paragraph of body text (30+ characters) naming a place,
    else the place named most."""
    words = kb.lexicon["attribution_words"]
    for label in (doc.meta.title, doc.meta.publisher):
        if label:
            region = most_specific(_label_places(label, mentions, kb))
            if region is not None:
                return region
    if doc.meta.title and any(w in doc.meta.title for w in words["national"]):
        return CHINA  # 全国人大常委会会议举行, 国务院常务会议: national business, wherever it is held
    partner, venue = tuple(words["partner_before"]), tuple(words["venue_after"])
    mentions = [m for m in mentions if not _partner_or_venue(doc.text, m, partner, venue)]
    starts = [m.start for m in mentions]
    found: Region | None = None
    for para in structure.paragraphs:
        if para.end - para.start < 30:
            continue
        i = bisect.bisect_left(starts, para.start)
        line_end = doc.text.find("\n", para.start)
        end = len(doc.text) if line_end < 0 else line_end + 1
        if i < len(mentions) and mentions[i].start < end:
            found = mentions[i].region
            break
    if found is None:
        counts = Counter(m.region for m in mentions)
        found = counts.most_common(1)[0][0] if counts else None
    if found is not None and found.chain()[-1].level == "foreign":
        # a place abroad is what a report is about only when most of its places are there
        dominant = _dominant(mentions)
        return dominant if dominant is not None and dominant.chain()[-1] == found.chain()[-1] else CHINA
    return found


def _label_places(label: str, mentions: Sequence[RegionMention], kb: KnowledgeBase) -> list[Region]:
    """Places a title or publisher names, in order: divisions (and short forms the body uses too), then
    the towns and zones it names itself (平潭综合实验区君山片区管理局 -> 平潭综合实验区, 君山片区)."""
    found = places_in_label(label, mentions, kb.gazetteer)
    own = [m.region for m in label_regions(label, kb.gazetteer) if m.region.code is None]
    return found + [r for r in own if r not in found]


def _publisher_region(doc: Document, kb: KnowledgeBase, main: Region | None) -> Region | None:
    """A title without a place leaves the publisher to say whose document it is (凉山州财政局): its
    region wins over a place merely named in the body, unless that place lies within it."""
    if not doc.meta.publisher or (doc.meta.title and label_regions(doc.meta.title, kb.gazetteer)):
        return main
    named = label_regions(doc.meta.publisher, kb.gazetteer)
    if not named or named[0].start != 0:
        return main
    publisher = named[0].region
    if main is not None and any(r.key == publisher.key for r in main.chain()):
        return main
    return publisher


def _national_scope(doc: Document, kb: KnowledgeBase, mentions: Sequence[RegionMention],
                    main: Region | None) -> Region | None:
    """A bulletin that ranges over many provinces, with no place in its title or publisher, is about
    the country: its first-named place must not claim every figure."""
    if main is None or main.level in ("country", "foreign") or len(mentions) < 3:
        return main
    if (doc.meta.title and label_regions(doc.meta.title, kb.gazetteer)) or \
            (doc.meta.publisher and label_regions(doc.meta.publisher, kb.gazetteer)):
        return main
    provinces = Counter(m.region.chain()[-1].key for m in mentions if m.region.chain()[-1].level == "province")
    if not provinces:
        return main
    home = main.chain()[-1].key
    if len(provinces) >= 3 and provinces[home] * 2 < sum(provinces.values()):
        return CHINA
    return main


@component(requires=("structure", "regions"), assigns=("main_region",))
def home_region(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: the region the document is about (see the module docstring)."""
    assert ex.structure is not None
    main = _main_region(doc, ex.regions, ex.structure, kb)
    main = _publisher_region(doc, kb, main)
    main = _national_scope(doc, kb, ex.regions, main)
    return evolve(ex, main_region=main)



# --- scopes ------------------------------------------------------------------------------------------


class _Scoper:
    """What a position in the text is about: regions of paragraphs, headings, clause subjects, and the
    time cues and frames around it."""

    def __init__(self, doc: Document, ex: Extraction, kb: KnowledgeBase) -> None:
        assert ex.structure is not None
        self.text = doc.text
        self.structure = ex.structure
        self.main = ex.main_region
        self.doc_date = doc.meta.date
        self.words = words = kb.lexicon["attribution_words"]
        self.subject_lead = tuple(sorted(words["subject_lead"], key=len, reverse=True))
        self.partner_before = tuple(words["partner_before"])
        self.venue_verbs = tuple(words["venue_after"])
        self.attribute_after = tuple(words["attribute_after"])
        self.list_join = frozenset(words["list_join"]) | {","}
        # 甲、乙分别增长5%、7%: the places of a list get one figure each (the labels' word list)
        self.respectively = tuple(kb.lexicon["indicator_words"]["respectively"])
        # a change to a new level: a change verb with 到/至 (增加到, 增至), or 达到
        self.change_to = change_to_pattern(kb, ("达到",))
        self.figure_lead = frozenset(kb.lexicon["number_words"]["qualifier_before"])
        self.list_next = frozenset(words["list_next"])
        self.list_prev = frozenset(words["list_prev"])
        self.broadcasters = frozenset(words["broadcaster"])
        self.broadcast_titles = tuple(words["broadcast_title"])
        self.broadcast_hosts = tuple(words["broadcast_host"])
        self.doc_year = ex.doc_year
        self.finder = cue_finder(kb)
        self.cues = resolve_cues(doc.text, doc.meta.date, self.doc_year, self.finder)
        self._cue_starts = [c.start for c in self.cues]
        self.all_mentions = list(ex.regions)
        self._all_starts = [m.start for m in self.all_mentions]
        # places inside 《titles》 name the document, not the subject
        self.mentions = [m for m in ex.regions if self.structure.protected_at(m.start, "title") is None]
        self._mention_starts = [m.start for m in self.mentions]
        self.members = self._list_members()
        self.title_frame = self._title_frame(doc.meta.title, doc.meta.date)

    def mentions_in(self, start: int, end: int) -> list[RegionMention]:
        lo = bisect.bisect_left(self._mention_starts, start)
        hi = bisect.bisect_left(self._mention_starts, end)
        return self.mentions[lo:hi]

    # -- lists and partners --------------------------------------------------------------------------
    def _list_members(self) -> frozenset[int]:
        """Starts of places written as an enumeration of names (汉滨、紫阳、平利、白河4县区): such a place is
        not the subject.  A breakdown (昭觉县2.34亿元、布拖县1.98亿元) is no enumeration of names."""
        out: set[int] = set()
        for a, b in zip(self.mentions, self.mentions[1:], strict=False):
            if self.text[a.end:b.start] in self.list_join:
                out.update((a.start, b.start))
        return frozenset(out)

    def in_list(self, mention: RegionMention) -> bool:
        """Inside an enumeration of places, or next to 、/和 without a figure of its own (领导联县、部门帮村)."""
        if mention.start in self.members:
            return True
        after = self.text[mention.end:mention.end + 1]
        if after.isdigit():
            return False  # a breakdown: 其中昭觉县2.34亿元、布拖县1.98亿元
        before = self.text[max(0, mention.start - 1):mention.start]
        return (after in self.list_next or after == "") or (before in self.list_prev or before == "")

    def is_partner(self, mention: RegionMention) -> bool:
        """与天津市宝坻区 / 赴常州 / 向东部: a partner or destination, not the place the paragraph is about;
        在北京举行: the venue of a meeting is not its subject either."""
        return _partner_or_venue(self.text, mention, self.partner_before, self.venue_verbs, self.attribute_after)

    # -- regions -------------------------------------------------------------------------------------
    def heading_region(self, para: Block, home: Region | None) -> Region | None:
        """A short line that is only a place name heads a section about it."""
        span = self.text[para.start:para.end]
        if len(span) > 16 or any(c in span for c in "。，,；;"):
            return None
        inside = self.mentions_in(para.start, para.end)
        if inside and inside[0].start - para.start <= 1 and _within(inside[0].region, home):
            return inside[0].region
        return None

    def cues_between(self, start: int, end: int) -> list[Cue]:
        """The time cues that start in text[start:end], in order."""
        return self.cues[bisect.bisect_left(self._cue_starts, start):bisect.bisect_left(self._cue_starts, end)]

    def dateline(self, para: Block, aired: str | None) -> str | None:
        """The day a broadcast story's lead dates its event to, in its first sentence (17日，美国…; 卫生部门21日
        发布声明), when that is before the day it is aired: the story's present, not the broadcast's."""
        if aired is None:
            return None
        cues = self.cues_between(para.start, self.first_sentence_end(para))
        opening = self.past_address(para.start)
        for c in cues:
            if self._earlier_day(c, aired):
                return c.period
            if c.start - opening <= 2 and self.text[c.start:c.end] in self.finder.recent:
                return c.period  # 近日，海关破获…: a recent event, of the month (or the year early in a month)
        return None

    @staticmethod
    def _earlier_day(cue: Cue, aired: str) -> bool:
        """A day before the broadcast's that an event happened on (not a cut-off date: 截至11月27日)."""
        return cue.period is not None and len(cue.period) == 10 and not cue.as_of and cue.period < aired

    def day_before(self, para: Block, pos: int, aired: str | None) -> str | None:
        """The last day of an event before `pos` in its paragraph, when it is before the broadcast's day."""
        if aired is None:
            return None
        return next((c.period for c in reversed(self.cues_between(para.start, pos)) if self._earlier_day(c, aired)),
                    None)

    def first_sentence_end(self, para: Block) -> int:
        m = _FULL_STOP.search(self.text, self.past_address(para.start), para.end)
        return m.start() if m else para.end

    def past_address(self, start: int) -> int:
        """Past a form of address opening a paragraph (各位代表！2025年是…): it is no sentence of its own."""
        for address in self.words["address"]:
            if self.text.startswith(address, start):
                end = start + len(address)
                return end + 1 if self.text[end:end + 1] in "，,！!：:" else end
        return start

    def paragraph_region(self, para: Block, scope: Region | None, home: Region | None) -> Region | None:
        """The most specific place the paragraph's first sentence names inside its scope (or inside the
        story's home region); places in lists, partners and breakdowns do not count."""
        end = self.first_sentence_end(para)
        best: Region | None = None
        for m in self.mentions_in(para.start, end):
            if self.in_list(m) or self.is_partner(m) or self.text[m.end:m.end + 1].isdigit():
                continue  # 昭觉县2.34亿元: a per-region breakdown, not what the paragraph is about
            if not (_within(m.region, scope) or _within(m.region, home)):
                continue
            if best is None or _rank(m.region) > _rank(best):
                best = m.region
        return best

    def is_broadcast(self, doc: Document) -> bool:
        """A daily broadcast or one of its items (its stories report what stands on the day it is aired): by
        its publisher, its title (《新闻联播》) or the host of its address."""
        meta = doc.meta
        if meta.publisher is not None and meta.publisher.strip() in self.broadcasters:
            return True
        if meta.title is not None and any(w in meta.title for w in self.broadcast_titles):
            return True
        host = (urlsplit(meta.url).hostname or "") if meta.url else ""
        return any(host == h or host.endswith("." + h) for h in self.broadcast_hosts)

    def subject_start(self, start: int, leads: bool = True) -> int:
        """Where a clause's subject may stand: after a lead word (其中, 在; unless `leads` is False) and a
        time cue opening the clause (2024年西藏…, 其中2023年全县…)."""
        at = start
        for lead in self.subject_lead if leads else ():
            if self.text.startswith(lead, at):
                at += len(lead)
                break
        i = bisect.bisect_left(self._cue_starts, at)
        if i < len(self.cues) and self.cues[i].start == at:
            at = self.cues[i].end
        return at

    def clause_subject(self, clause_start: int, pos: int) -> RegionMention | None:
        """A clause that opens with a place (其中昭觉县2.34亿元, 湘西州花垣县十八洞村现有…) is about it: the
        most specific of the places written back to back at its start."""
        mentions = self.mentions_in(clause_start, pos)
        if not mentions:
            return None
        at = self.subject_start(clause_start)
        subject = None
        for m in mentions:
            if m.start != at or self.in_list(m):
                break
            subject, at = m, m.end
        return subject

    def listed_subjects(self, sentence_start: int, pos: int, scope: Region) -> tuple[Region, ...]:
        """The places of an enumeration that opens the sentence before `pos` (通江县、南江县、平昌县建立…):
        what the sentence says holds for each of them."""
        mentions = self.mentions_in(sentence_start, pos)
        at = self.subject_start(sentence_start)
        listed: list[Region] = []
        for m in mentions:
            if m.start != at or m.start not in self.members:
                break
            listed.append(m.region)
            at = m.end
            while at < pos and self.text[at] in self.list_join:
                at += 1
        inside = [r for r in listed if _within(r, scope) or _within(scope, r)]
        return tuple(dict.fromkeys(inside)) if len(inside) >= 2 else ()

    def _joined_run(self, mentions: Sequence[RegionMention], from_end: bool) -> list[RegionMention]:
        """The mentions joined by 、/和 … to the last of `mentions` (`from_end`) or to the first, in text order."""
        order = list(reversed(mentions)) if from_end else list(mentions)
        run = [order[0]]
        for m in order[1:]:
            a, b = (m, run[-1]) if from_end else (run[-1], m)
            if self.text[a.end:b.start] not in self.list_join:
                break
            run.append(m)
        return run[::-1] if from_end else run

    def _enumeration_ending(self, mentions: Sequence[RegionMention]) -> list[Region]:
        """The places of the enumeration that ends with the last of `mentions` (joined by 、/和 …), in order."""
        return [m.region for m in self._joined_run(mentions, from_end=True)]

    def adjacent_place(self, sentence_start: int, pos: int) -> Region | None:
        """革命老区百色|100多个深度贫困村, 北京|1200万人次: a place written right before a figure (maybe with
        约/近/超 between) is what the figure is about."""
        mentions = self.mentions_in(sentence_start, pos)
        if not mentions:
            return None
        last = mentions[-1]
        gap = self.text[last.end:pos]
        if gap and gap not in self.figure_lead or self.is_partner(last) or last.start in self.members:
            return None  # 土耳其和叙利亚超3.5万人: a list of places, not one of them
        return last.region

    def enumeration_counted(self, sentence_start: int, pos: int) -> Region | None:
        """汉滨、紫阳、平利、白河|4县区, 河北、山西…贵州|22个省区市: a figure right after an enumeration of
        places counts them, so it is about the smallest region holding them all."""
        mentions = self.mentions_in(sentence_start, pos)
        if len(mentions) < 2 or mentions[-1].start not in self.members:
            return None
        gap = self.text[mentions[-1].end:pos]
        if len(gap) > ENUMERATION_GAP or any(c.isdigit() for c in gap) or any(w in gap for w in self.respectively):
            return None
        listed = self._enumeration_ending(mentions)
        return _common_region(listed) if len(listed) >= 2 else None

    def respective_region(self, sentence_start: int, pos: int) -> Region | None:
        """甘肃、宁夏|两省区|分别增长|5%、7%: after an enumeration of places and 分别, the n-th figure is the
        n-th place's (None when the figures outnumber the places, or there is no such list)."""
        text = self.text
        at = max(text.rfind(w, sentence_start, pos) for w in self.respectively)
        if at < 0:
            return None
        mentions = self.mentions_in(sentence_start, at)
        if len(mentions) < 2 or mentions[-1].start not in self.members:
            return self._respective_after(at, pos)
        gap = text[mentions[-1].end:at]
        if len(gap) > RESPECTIVE_GAP or any(c.isdigit() for c in gap):
            return None
        listed = self._enumeration_ending(mentions)
        n = len(_NUMBER_RUN.findall(text, at, pos))  # numbers before it, figures or not (1409万、1305万人次)
        return listed[n] if len(listed) >= 2 and n < len(listed) else None

    def _respective_after(self, at: int, pos: int) -> Region | None:
        """分别有92万、175万和135万人次离开北京、上海、广州: the places enumerated after the figures, in their
        order, when there are as many as the figures."""
        stop = _FULL_STOP.search(self.text, pos)
        after = self.mentions_in(pos, stop.start() if stop else len(self.text))
        if len(after) < 2:
            return None
        listed = self._joined_run(after, from_end=False)
        numbers = len(_NUMBER_RUN.findall(self.text, at, listed[0].start))
        n = len(_NUMBER_RUN.findall(self.text, at, pos))
        if len(listed) < 2 or numbers != len(listed) or n >= len(listed):
            return None
        return listed[n].region

    def finer_in_sentence(self, pos: int, sentence_start: int, region: Region) -> Region | None:
        """A town or village inside the current region that the figure's sentence names before it:
        the figure is about it (扶持滩歌镇…3村贫困户栽植乌龙头1000亩)."""
        for m in self.mentions_in(sentence_start, pos):
            if m.region.level in ("town", "village") and _rank(m.region) > _rank(region) \
                    and _within(m.region, region) and not self.in_list(m) and not self.is_partner(m):
                return m.region
        return None

    # -- periods -------------------------------------------------------------------------------------
    def frame_cue(self, para: Block) -> Cue | None:
        """今年以来 / 2023年以来 anywhere in the opening sentences, or 今年 / 去年 opening the paragraph."""
        end = self.first_sentence_end(para)
        second = self.first_sentence_end(Block(min(end + 1, para.end), para.end))
        for cue in self.cues_between(para.start, min(para.end, second + 1)):
            if not cue.is_frame:
                if self._opens_with_year(cue, para):
                    return cue
                continue
            since = self.text[cue.end - 2:cue.end] in ("以来", "至今") or self.text[cue.end - 1:cue.end] == "来"
            if cue.start < self.past_address(para.start) + 20 or (since and cue.start < second and self._heads_clause(cue)):
                return cue
        return None

    def _heads_clause(self, cue: Cue) -> bool:
        """A cue set off by a comma (…，2022年以来，全省…) or opening its clause frames what follows; one inside
        a clause (经济增速2022年以来连续16个季度高于…) dates only that clause."""
        if self.text[cue.end:cue.end + 1] in "，,：:":
            return True
        return cue.start - self.structure.clause_start(cue.start, 0) <= 2

    def _opens_with_year(self, cue: Cue, para: Block) -> bool:
        """"2023年，全县…" or a heading "三、2024年工作打算": a year that opens a paragraph frames it; so does a
        cut-off date (截至2月29日，共有定点医院48家…。方舱医院16家…)."""
        if cue.period is None or (len(cue.period) != 4 and not cue.as_of):
            return False
        if cue.start - self.past_address(para.start) > 3:
            return self._past_before(para.start, cue.start)  # 刚刚过去的2025年很不平凡。…
        short = para.end - para.start <= 20 and "。" not in self.text[para.start:para.end]
        return short or self.text[cue.end:cue.end + 1] in ",，"

    def _past_before(self, start: int, year_at: int) -> bool:
        """Only a word of `year_opening_before` stands between a paragraph's start and its year, after a form
        of address if any (各位代表，刚刚过去的2025年，…)."""
        return self.text[self.past_address(start):year_at].strip() in self.words["year_opening_before"]

    def _title_frame(self, title: str | None, doc_date: str | None) -> Cue | None:
        """A title naming one year (紫阳县2023年…工作总结) frames the document until a paragraph says otherwise."""
        if not title:
            return None
        years = {c.period for c in resolve_cues(title, doc_date, self.doc_year, self.finder)
                 if c.period and len(c.period) == 4 and not c.part}
        return Cue(0, 0, years.pop(), True) if len(years) == 1 else None

    def sentence_cue(self, pos: int, sentence_start: int) -> Cue | None:
        best = None
        for cue in self.cues_between(sentence_start, pos):
            before = self.text[max(0, cue.start - 3):cue.start].rstrip("“\"")
            if before.endswith(self.finder.comparison_before):
                continue  # 比“十二五”时期增加: the base of a comparison
            if before.endswith(self.finder.change_from) and self.change_to.search(self.text, cue.end, pos):
                continue  # 由2019年6亿增加到|9.3亿元: where the change started
            if cue.end <= pos and not self._closed_aside(cue.end, pos):
                if best is not None and best.as_of and not (cue.as_of or cue.is_frame or cue.within_frame) \
                        and not self._opens_aside(best.end, cue.start):
                    continue  # 截至目前，2022年审计反馈的27个问题: the year names the audit, the cut-off holds
                best = cue
        return best

    def _opens_aside(self, start: int, pos: int) -> bool:
        """A parenthesis opened between two cues and still open: the later cue rules inside it."""
        depth = 0
        for c in self.text[start:pos]:
            if c in "(（":
                depth += 1
            elif c in ")）" and depth:
                depth -= 1
        return depth > 0

    def _closed_aside(self, start: int, pos: int) -> bool:
        """A cue inside a parenthesis that closes before the figure applies only inside it."""
        depth = 0
        for c in self.text[start:pos]:
            if c in "(（":
                depth += 1
            elif c in ")）":
                if depth == 0:
                    return True
                depth -= 1
        return False


# --- scopes of sections and stories --------------------------------------------------------------


class _Sections:
    """What each section's heading says of the time of what it holds: the year it names (一、2022年主要
    工作开展情况), a five-year plan (“十四五”发展回顾), or that it plans (二、2023年工作计划: its figures are
    targets, for the year it names, else the document's plan year)."""

    def __init__(self, scoper: _Scoper, sections: Sequence[Block], plan_year: str | None) -> None:
        words = scoper.words
        plan_words, review_words = words["plan_heading"], words["review_heading"]
        self.items: list[tuple[Block, str | None, bool]] = []  # (section, period, plans)
        for section in sections:
            title = section.title
            cues = [c for c in resolve_cues(title, scoper.doc_date, scoper.doc_year, scoper.finder) if c.period]
            plans = any(w in title for w in plan_words) and not any(w in title for w in review_words)
            period = cues[0].period if cues else None
            if period is None and plans and plan_year is not None:
                period = plan_year
            if period is not None and len(period) > 4 and "/" not in period:
                period = period[:4]  # a heading's month or day is no frame for its figures
            if period is not None or plans:
                self.items.append((section, period, plans))
        self._starts = [s.start for s, _, _ in self.items]

    def frames(self, pos: int) -> bool:
        """Whether a section whose heading says when starts at `pos` (its heading frames it as a section,
        not as a paragraph: 一、2025年工作回顾和“十四五”时期发展成就 is no frame of 十四五 over the year)."""
        i = bisect.bisect_left(self._starts, pos)
        return i < len(self._starts) and self._starts[i] == pos

    def at(self, pos: int) -> tuple[str | None, int, bool]:
        """(period, where the section giving it starts, plans) of the innermost section holding `pos`
        that names a period; plans when any section holding it plans."""
        period, start, plans = None, -1, False
        i = bisect.bisect_right(self._starts, pos) - 1
        # sections nest: look at the earlier sections that still hold pos, innermost (latest) first (a
        # section holds at most a few dozen headed sections before pos inside it)
        for j in range(i, max(-1, i - 64), -1):
            section, p, pl = self.items[j]
            if section.start <= pos < section.end:
                if period is None and p is not None:
                    period, start = p, section.start
                plans = plans or pl
        return period, start, plans


def _title_years(title: str | None, scoper: _Scoper) -> tuple[str | None, str | None]:
    """(review year, plan year) a title names: 2022年工作总结及2023年工作计划 -> (2022, 2023); one year
    with no plan word reviews it (紫阳县2023年…工作总结), unless the title is a report delivered at the start
    of that year (2026年政府工作报告 -> (2025, 2026))."""
    if not title:
        return None, None
    words = scoper.words
    cues = [c for c in resolve_cues(title, scoper.doc_date, scoper.doc_year, scoper.finder)
            if c.period and len(c.period) == 4 and not c.part]
    review = plan = None
    for n, cue in enumerate(cues):
        after = title[cue.end:cues[n + 1].start if n + 1 < len(cues) else len(title)]
        if any(w in after for w in words["plan_heading"]) and not any(w in after for w in words["review_heading"]):
            plan = plan or cue.period
        else:
            review = review or cue.period
    if review is None and plan is None:
        return None, None
    if plan is None and review is not None and len({c.period for c in cues}) > 1:
        return None, None  # several years, none of them planned: the title frames nothing
    if plan is None and review is not None:
        if any(w in title for w in words["session_report"]):
            return str(int(review) - 1), review  # 2026年政府工作报告: delivered early in 2026, on 2025
        plan = str(int(review) + 1)
    return review, plan


@dataclass(frozen=True)
class _Story:
    """A story of a bulletin (or the whole document): its span, the region it is about, and the region
    its paragraphs may name places inside (a bulletin's story may move anywhere in the country)."""

    start: int
    end: int
    home: Region | None
    scope: Region | None = None
    date: str | None = None  # a bulletin's story reports what stands on the day it is broadcast
    day: str | None = None  # the earlier day its lead dates the event to (17日，…): its present


def _stories(doc: Document, ex: Extraction, scoper: _Scoper, kb: KnowledgeBase) -> list[_Story]:
    """The document's stories with their home regions: for a bulletin, each story is about the place its
    title names, else the place its opening paragraph names (the country when it ranges over three
    provinces or more), else the country; a document of one story is about its home region."""
    assert ex.structure is not None
    stories = [b for b in ex.structure.stories if b.kind == "story"]
    aired = doc.meta.date if scoper.is_broadcast(doc) else None  # the day a broadcast's stories report
    if not stories:
        home = ex.main_region
        # one story: places in it lie within its home, unless that is the country or abroad (then anywhere)
        scope = home if home is not None and home.level not in ("country", "foreign") else None
        # an item of a daily broadcast (one story of 新闻联播 as its own page) reports the day, as a
        # bulletin's story does; other pages (reports, features, newspapers) do not say when by their date
        lead = next(iter(ex.structure.paragraphs.within(0, len(doc.text))), None)
        day = scoper.dateline(lead, aired) if lead is not None else None
        return [_Story(0, len(doc.text), home, scope, aired, day)]
    # the running order before the first story (（1）…致15人死亡；) sums up that day's stories
    out = [_Story(0, stories[0].start, ex.main_region, None, aired)]
    homes: dict[tuple[int, int], Region | None] = {}  # of the story sections, computed once each

    def home_of(block: Block) -> Region | None:
        key = (block.start, block.end)
        if key not in homes:
            home = most_specific(_label_places(block.title, (), kb)) if block.title else None
            if home is None:
                lead = _opening_paragraph(ex.structure, block)
                mentions = [m for m in scoper.mentions_in(lead.start, lead.end) if not scoper.is_partner(m)]
                home = _dominant(mentions) or lead_subject(lead)
            homes[key] = home
        return homes[key]

    def lead_subject(lead: Block) -> Region | None:
        """The place a lead's first sentence opens with (美国亚拉巴马州伯明翰市21日晚发生枪击…), when no place
        dominates the lead."""
        subject = scoper.clause_subject(lead.start, scoper.first_sentence_end(lead))
        return subject.region if subject is not None and not scoper.is_partner(subject) else None

    def lead_home(lead: Block, first_item: int) -> Region | None:
        """The place a story that holds items names in its title and lead (before its first item)."""
        home = most_specific(_label_places(lead.title, (), kb)) if lead.title else None
        if home is None:
            home = _dominant([m for m in scoper.mentions_in(lead.start, first_item) if not scoper.is_partner(m)])
        return home

    leads: list[tuple[Block, int]] = []  # each story that holds items, and where its first item starts
    for block in stories:
        while leads and leads[-1][0].level >= block.level:
            leads.pop()
        home = home_of(block)
        if home is None:
            # an item of a news flash that names no place of its own: the place of the story it sits in,
            # as its title and lead name it (not its other items), else the country
            home = next((h for lead, first in reversed(leads) if (h := lead_home(lead, first)) is not None), None)
        nxt = next((b for b in stories if b.start > block.start), None)
        leads.append((block, nxt.start if nxt is not None and nxt.start < block.end else block.end))
        # a bulletin's story may name any place, at home or abroad (国际联播快讯): no scope
        day = scoper.dateline(_opening_paragraph(ex.structure, block), aired)
        out.append(_Story(block.start, block.end, home or CHINA, None, aired, day))
    return out


def _opening_paragraph(structure: DocStructure, block: Block) -> Block:
    """The first paragraph of a story after its title line (the lead that says what the story is about)."""
    for para in structure.paragraphs.within(block.start, block.end):
        if para.start > block.start or not block.title:
            return para
    return block


DOMINANT = 2 / 3  # share of a story's place mentions a region must hold to be what the story is about


def _dominant(mentions: Sequence[RegionMention]) -> Region | None:
    """The most specific region that holds at least two thirds of the mentions (a story about 厦门 names
    厦门 and its districts); None when the story ranges wider (then it is the country's)."""
    chains = [m.region.chain()[::-1] for m in mentions]
    best: Region | None = None
    depth = 0
    while chains:
        counts = Counter(chain[depth].key for chain in chains if len(chain) > depth)
        if not counts:
            break
        key, n = counts.most_common(1)[0]
        if n < DOMINANT * len(chains):
            break
        best = next(chain[depth] for chain in chains if len(chain) > depth and chain[depth].key == key)
        depth += 1
    return best


# --- the component --------------------------------------------------------------------------------------


@dataclass
class _Point:
    """A position to attribute: a figure, a programme mention, a measure or a cited document."""

    pos: int
    kind: str  # figure | programme | measure | policy
    index: int
    region: Region | None = None
    period: str | None = None
    status: str = "actual"
    regions: tuple[Region, ...] = ()  # a programme run by every place of an enumeration
    cumulative: bool = False  # a figure that sums up to its time (累计)
    listing: bool = False  # a count of items of a list (13项措施, 11条举措)


class _Walk:
    """Walks the document's stories and paragraphs once, attributing every point in them."""

    def __init__(self, doc: Document, ex: Extraction, scoper: _Scoper, kb: KnowledgeBase) -> None:
        assert ex.structure is not None
        self.doc, self.ex, self.scoper, self.structure = doc, ex, scoper, ex.structure
        review, plan = _title_years(doc.meta.title, scoper)
        self.title_frame = Cue(0, 0, review, True) if review else scoper.title_frame
        # the year a title itself plans (2026年政府工作报告, 2023年工作计划), not one inferred after a reviewed
        # year, when the document comes before that year or early in it (a plan published in December is
        # past: its figures of the year may be results)
        date = doc.meta.date or ""
        early = len(date) >= 7 and (date[:4] < (plan or "") or date[:4] == plan and date[5:7] <= "03")
        self.plan_year = plan if plan is not None and plan in (doc.meta.title or "") and early else None
        self.sections = _Sections(scoper, list(ex.structure.sections), plan)
        self.stories = _stories(doc, ex, scoper, kb)
        words = scoper.words
        self.whole = {w: level for w, level in words.pairs("whole_region").items()}
        self.spanning = tuple(words["spanning_region"])
        self.national_body = tuple(words["national_body"])
        self.carried_whole = tuple(words["carried_whole"])
        self._whole_first = frozenset(w[0] for w in self.whole)
        self.target = _any_of(words["target"])
        self.forecast = _any_of(words["forecast"])
        self.future = _any_of(words["future"])
        self.standard = _any_of(words["standard"])
        self.done = _any_of(words["done"])
        self.reached = change_to_pattern(kb, words["level_reached"], at_end=True)
        self.span_whole = tuple(words["span_whole"])
        self.level_qualifier = tuple(words["level_qualifier"])
        self.span_year_change = tuple(words["span_year_change"])
        self.span_from = tuple(words["span_from"])

    def run(self, points: list[_Point]) -> None:
        points.sort(key=lambda p: p.pos)
        starts = [p.pos for p in points]
        scoper, structure = self.scoper, self.structure
        for story in self.stories:
            section_region: Region | None = None
            frame: Cue | None = None
            frame_end = len(self.doc.text)
            for para in structure.paragraphs.within(story.start, story.end):
                lo, hi = bisect.bisect_left(starts, para.start), bisect.bisect_left(starts, para.end)
                if para.start >= frame_end:
                    frame, frame_end = None, len(self.doc.text)  # a paragraph's frame ends with its section
                heading = scoper.heading_region(para, story.home)
                if heading is not None:
                    section_region, frame = heading, None
                    for p in points[lo:hi]:
                        self._time(p, para, None, story=story)
                        p.region = heading
                    continue
                para_region = scoper.paragraph_region(para, section_region or story.scope, story.scope)
                new_frame = scoper.frame_cue(para) if not self.sections.frames(para.start) else None
                if new_frame is not None:
                    frame = new_frame
                    frame_end = self._frame_end(para, story)
                sentence_subject: tuple[int, Region] | None = None
                home = story.home or CHINA
                for p in points[lo:hi]:
                    clause_start = structure.clause_start(p.pos, para.start, SENTENCE_LOOKBACK)
                    sentence_start = structure.sentence_start(p.pos, para.start, SENTENCE_LOOKBACK)
                    region = para_region or section_region or home
                    subject = scoper.clause_subject(clause_start, p.pos)
                    opening = scoper.clause_subject(sentence_start, p.pos) if clause_start != sentence_start else None
                    # 全省 is the province of the place the sentence opens with (河南通过…，全省贷款增加…)
                    whole, carries = self._whole_region(clause_start, sentence_start,
                                                        opening.region if opening else region)
                    if subject is not None:
                        region = subject.region
                        sentence_subject = (sentence_start, subject.region)
                    elif whole is not None:
                        region = whole
                        if carries:
                            sentence_subject = (sentence_start, whole)  # 去年我国…3976亿元，到2020年…: goes on
                    elif opening is not None:  # 在河北省石家庄市，农资储备达到18万吨: the sentence's opening place
                        region = opening.region
                    elif sentence_subject is not None and sentence_subject[0] == sentence_start:
                        region = sentence_subject[1]  # 丹寨县实施…15个，销售农特产品2.3亿元: the subject carries on
                    else:
                        region = scoper.finer_in_sentence(p.pos, sentence_start, region) or region
                    if self._national_subject(clause_start, sentence_start, p.pos):
                        region = CHINA  # 中央财政安排79亿元…: a national body, and no place, says it
                    if p.kind == "figure":
                        region = scoper.enumeration_counted(sentence_start, p.pos) \
                            or scoper.respective_region(sentence_start, p.pos) \
                            or scoper.adjacent_place(sentence_start, p.pos) or region
                    p.region = region
                    if p.kind == "programme":
                        p.regions = scoper.listed_subjects(sentence_start, p.pos, region)
                    self._time(p, para, frame, sentence_start, story)

    def _frame_end(self, para: Block, story: _Story) -> int:
        """Where a frame opened in `para` ends: with the innermost numbered or marked section holding it
        (a short unpunctuated line heads too little to end a frame), else with the story."""
        end = story.end
        for section in self.structure.sections.within(story.start, para.start + 1):
            if section.kind != "short" and section.start <= para.start < section.end:
                end = min(end, section.end)
        return end

    def _the_years(self, p: _Point, cue: Cue | None, sentence_start: int) -> bool:
        """Whether a figure a broadcast dates only by its day is the year's: a sum over the year so far
        (目前，累计开行专车511辆), or, with no cue at all, a count of a list's items (13项措施) or what is to
        come (全国将再选取30条国道)."""
        if p.cumulative:
            return cue is None or not cue.as_of
        return cue is None and (p.listing or self._future_clause(p.pos, sentence_start))

    def _future_clause(self, pos: int, sentence_start: int) -> bool:
        """A future word after the clause's subject (全国将再选取…; a clause opening with 将 is 把: 将…珍品汇聚)."""
        clause = self.structure.clause_start(pos, sentence_start)
        found = self.future.search(self.doc.text, clause, pos)
        return found is not None and found.start() > clause

    def _target_before(self, start: int, pos: int) -> bool:
        """A target word before the figure in its sentence, with no word saying it is done after it
        (今年计划改造的老旧小区已开工3.7万个: 计划 names the plan, 已 the result)."""
        ends = [m.end() for m in self.target.finditer(self.doc.text, start, pos)]
        return bool(ends) and self.done.search(self.doc.text, ends[-1], pos) is None

    def _national_subject(self, clause_start: int, sentence_start: int, pos: int) -> bool:
        """The clause or sentence opens with a national body (中央财政, 海关总署 …) and its sentence names no
        place after it (not before the figure, nor the recipient after it)."""
        scoper = self.scoper
        stops = self.structure.sentence_stops
        i = bisect.bisect_left(stops, pos)
        end = stops[i] if i < len(stops) else len(self.doc.text)
        for start in (clause_start, sentence_start):
            at = scoper.subject_start(start, leads=False)
            if self.doc.text.startswith(self.national_body, at):
                return not scoper.mentions_in(at, end)  # 国家发展改革委安排5000万元，支持河北…: for 河北
        return False

    def _whole_region(self, clause_start: int, sentence_start: int,
                      region: Region) -> tuple[Region | None, bool]:
        """全省 / 全县 … opening the clause or sentence: the region at that level around `region`; a region
        spanning provinces (粤港澳大湾区, 长三角) opening the clause: the country.  The flag: the word opens
        the clause and carries on to the sentence's later clauses (`carried_whole`: 我国, 全省; not 全国)."""
        text = self.doc.text
        scoper = self.scoper
        clause_at = scoper.subject_start(clause_start, leads=False)
        if text.startswith(self.spanning, clause_at):
            return CHINA, False  # 大湾区经济总量…: a clause about a region spanning provinces is the country's
        for start in (clause_at, scoper.subject_start(sentence_start, leads=False)):
            if self._whole_first.isdisjoint(text[start:start + 2]):
                continue
            for word, level in self.whole.items():
                if text.startswith(word, start) or text.startswith(word, start + 1) and text[start] in "在对":
                    carries = start == clause_at and text.startswith(self.carried_whole, start)
                    if level == "country":
                        return CHINA, carries
                    return next((r for r in region.chain() if r.level == level), None), carries
        return None, False

    def _time(self, p: _Point, para: Block, frame: Cue | None, sentence_start: int | None = None,
              story: _Story | None = None) -> None:
        """Period and status of a point: the nearest cue before it in its sentence, else the paragraph's
        frame, else its section's, else the title's; a target word before it in its sentence (or right
        after it), a plan section or a year after the document's makes it a target."""
        scoper = self.scoper
        start = sentence_start if sentence_start is not None else para.start
        cue = scoper.sentence_cue(p.pos, start)
        if cue is None and story is not None and story.date is not None and sentence_start is not None:
            # a broadcast's paragraph tells one event: 29日晚，客机与直升机相撞。…直升机上载有3人 (its time)
            cue = scoper.sentence_cue(p.pos, para.start)
        if cue is None and sentence_start is not None and sentence_start > para.start \
                and self.doc.text.startswith(scoper.finder.continues, sentence_start):
            # 其中，11个自贸试验区…: the sentence goes on with the one before it, and with its time
            cue = scoper.sentence_cue(sentence_start - 1, self.structure.sentence_start(sentence_start - 1, para.start))
        section_period, section_start, plans = self.sections.at(p.pos)
        title_period = self.title_frame.period if self.title_frame is not None else None
        # the frame in force: the later-opened of a paragraph's (今年以来 …) and its section's heading
        # (一、2022年主要工作…), else the title's
        if frame is not None and frame.period and (section_period is None or frame.start > section_start):
            framed: str | None = frame.period
        else:
            framed = section_period or title_period
        if cue is not None and cue.within_frame and framed:
            period = framed[:4]
        elif cue is not None:
            period = cue.period
        else:
            period = framed
        if period is not None and "/" in period:
            period = self._within_span(period, p.pos, para)
        period = self._consecutive(period, p.pos, para)
        if period is None and scoper.doc_year and self.standard.search(self.doc.text, start, p.pos + 12):
            period = str(scoper.doc_year)  # a standard in force (补助标准, 每户1万元): the document's year
        if story is not None and cue is not None and self.doc.text[cue.start:cue.end] in scoper.finder.story_now:
            # 4日，加州宣布…。目前，…已有21人: the present of a paragraph told a day later is its day
            period = scoper.day_before(para, cue.start, story.date) or period
        if period is None and story is not None:
            # a news story that says no time reports the day it is broadcast, or the earlier day its lead
            # dates it to (its title's figures too)
            period = story.day or story.date
        if story is not None and period is not None and period == story.date and self._the_years(p, cue, start):
            period = period[:4]
        p.period = period
        text = self.doc.text
        if self.forecast.search(text, start, p.pos):
            p.status = "forecast"
        elif self._target_before(start, p.pos) or "目标" in text[p.pos:p.pos + 8] or plans:
            p.status = "target"
        elif period and scoper.doc_year and period[:4].isdigit() and int(period[:4]) > scoper.doc_year:
            p.status = "target"
        elif period and period[:4] == self.plan_year and len(period) != 10:
            p.status = "target"  # 2026年政府工作报告: a figure of the year its title plans is planned


    def _consecutive(self, period: str | None, pos: int, para: Block) -> str | None:
        """连续7年保持98%以上: the run of years that ends in the year the figure otherwise stands in."""
        clause = self.structure.clause_start(pos, para.start)
        runs = list(self.scoper.finder.consecutive.finditer(self.doc.text, clause, pos))
        end = int(period[-4:]) if period and period[-4:].isdigit() else self.scoper.doc_year
        if not runs or end is None:
            return period
        years = small_number(runs[-1].group("n"))
        return f"{end - years + 1}/{end}" if 1 < years < 50 else period

    def _within_span(self, span: str, pos: int, para: Block) -> str:
        """A figure inside a span of years: the level reached at its end, a 同比 change of its last year,
        the level it started from (从X提高到Y) the year before it; else (a sum, a yearly average, a
        change over the span) the whole span."""
        first, _, last = span.partition("/")
        text = self.doc.text
        start = self.structure.clause_start(pos, para.start)
        while start > para.start and text[start - 1] == "、" and not text[start:pos].strip() \
                and _FIGURE_END.search(text, max(para.start, start - 12), start - 1):
            start = self.structure.clause_start(start - 1, para.start)  # 增至7.83张、|3.57个: one clause
        clause = text[start:pos].rstrip()
        if any(w in clause for w in self.span_whole):
            return span
        for word in self.level_qualifier:
            if clause.endswith(word):
                clause = clause[:-len(word)]
                break
        clause = _FIGURES_BEFORE.sub("", clause)  # 增至7.83张、|3.57个: an enumerated figure shares the verb
        if self.reached.search(clause) or any(w in clause for w in self.span_year_change):
            return last
        if clause.endswith(self.span_from) and first.isdigit():
            return str(int(first) - 1)
        return span


def _measure_region(scoper: _Scoper, measure: Measure, scope: Region | None) -> Region | None:
    """The most specific region named inside the measure that lies within its scope, else the scope's."""
    best = None
    lo = bisect.bisect_left(scoper._all_starts, measure.start)
    hi = bisect.bisect_left(scoper._all_starts, measure.end)
    for m in scoper.all_mentions[lo:hi]:
        if scope is not None and all(r.key != scope.key for r in m.region.chain()):
            continue
        if best is None or len(m.region.chain()) > len(best.chain()):
            best = m.region
    return best or scope


def _headlines_restate(ex: Extraction, stories: Sequence[_Story], figures: Sequence[_Point]) -> None:
    """A figure in a story's title that its body states again (两部委已下达377亿元… / …已累计安排377亿元) is
    that fact: unless the title says its own time, it takes the body's region and period, which the body's
    sentence decides with more words."""
    assert ex.structure is not None
    dated = {story.start: (story.date, story.day) for story in stories}
    for block in ex.structure.stories:
        if block.kind != "story" or not block.title or block.start not in dated:
            continue
        lead = _opening_paragraph(ex.structure, block)
        inside = [p for p in figures if block.start <= p.pos < block.end]
        body = [p for p in inside if p.pos >= lead.start]
        for p in inside:
            if p.pos >= lead.start:
                break
            if p.period not in dated[block.start]:
                continue  # the title says its own time (全国海关2018年扣留…309万件)
            said = ex.observations[p.index].quantity
            same = next((b for b in body if (q := ex.observations[b.index].quantity).value == said.value
                         and q.unit == said.unit), None)
            if same is not None:
                p.region, p.period, p.status = same.region, same.period, same.status
    _summary_restates(ex, stories, figures)


def _summary_restates(ex: Extraction, stories: Sequence[_Story], figures: Sequence[_Point]) -> None:
    """A figure in a bulletin's summary (本期节目主要内容：…缅甸中部强震遇难人数升至3354人) restates one of its
    stories: when exactly one story states that value and unit, the summary's figure takes its attribution,
    unless the summary says its own time."""
    assert ex.structure is not None
    dates = {d for story in stories for d in (story.date, story.day) if d}
    blocks = list(ex.structure.stories)
    told = [b for b in blocks if b.kind == "story"]
    if not told or not dates:
        return
    for summary in (b for b in blocks if b.kind == "preamble"):
        for p in figures:
            if not summary.start <= p.pos < summary.end or p.period not in dates:
                continue
            said = ex.observations[p.index].quantity
            same = [b for b in figures if b.pos >= summary.end
                    and (q := ex.observations[b.index].quantity).value == said.value and q.unit == said.unit]
            holders = {next((s.start for s in told if s.start <= b.pos < s.end), None) for b in same}
            if same and len(holders) == 1 and None not in holders:
                p.region, p.period, p.status = same[-1].region, same[-1].period, same[-1].status


@component(requires=("doc_year", "structure", "regions", "main_region", "observations", "measures", "programmes",
                     "policy_documents"),
           assigns=("observations.region", "observations.period", "observations.status", "measures.region",
                    "measures.period", "programmes.region", "programmes.period", "policy_documents.region"))
def attribute(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: a region and a period for every figure, programme mention, measure and cited
    document, and a status for every figure (see the module docstring)."""
    scoper = _Scoper(doc, ex, kb)
    listing = frozenset(kb.lexicon["attribution_words"]["listing_units"])
    points = [_Point(o.quantity.start, "figure", i, cumulative=o.kind == "cumulative",
                     listing=o.quantity.unit in listing) for i, o in enumerate(ex.observations)]
    points += [_Point(m.start, "programme", i) for i, m in enumerate(ex.programmes)]
    points += [_Point(m.start, "measure", i) for i, m in enumerate(ex.measures)]
    points += [_Point(p.start, "policy", i) for i, p in enumerate(ex.policy_documents)]
    walk = _Walk(doc, ex, scoper, kb)
    walk.run(points)
    _headlines_restate(ex, walk.stories, [p for p in points if p.kind == "figure"])
    by = {(p.kind, p.index): p for p in points}
    home = ex.main_region or CHINA  # a document that names no place speaks for the country

    def at(kind: str, i: int) -> _Point:
        return by.get((kind, i)) or _Point(0, kind, i, home)

    static = tuple(kb.lexicon["attribution_words"]["static_label"])
    observations = tuple(evolve(o, region=at("figure", i).region or home,
                                period=None if o.indicator.endswith(static) else at("figure", i).period,
                                status=at("figure", i).status) for i, o in enumerate(ex.observations))
    measures = tuple(evolve(m, region=_measure_region(scoper, m, at("measure", i).region),
                             period=at("measure", i).period) for i, m in enumerate(ex.measures))
    programmes = []
    for i, m in enumerate(ex.programmes):
        point = at("programme", i)
        for region in point.regions or (point.region or home,):
            programmes.append(evolve(m, region=region, period=point.period))
    policies = tuple(evolve(p, region=at("policy", i).region or home) for i, p in enumerate(ex.policy_documents))
    return evolve(ex, observations=observations, measures=measures, programmes=tuple(programmes),
                   policy_documents=policies)
