"""Time cues (今年, 去年, 截至4月底, 2023年以来, 年底 …) resolved against the document's year.

The cue words live in kg/data/period_words.tsv; `CueFinder` builds one pattern from them.  A figure's
period is decided by attribution (kg.extract.attribution): the nearest cue before it in its sentence,
else the frame a paragraph opened, else the document's frame.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from kg.extract.numbers import parse_chinese_numeral
from kg.knowledge import KnowledgeBase, WordLists
from kg.matcher import alternation
from kg.model import Blocks


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    period: str | None
    is_frame: bool  # opens a frame for what follows (今年以来 / 2023年以来 / 去年, …)
    within_frame: bool = False  # 全年 / 年内 / 当年: the year of the frame in force, if any
    as_of: bool = False  # 截至…: a cut-off date, which a later bare year in the sentence does not override
    part: bool = False  # 一季度, 1至7月: part of a year written without the year (it frames no title)


class CueFinder:
    """The time-cue pattern of a word list (see kg/data/period_words.tsv)."""

    def __init__(self, words: WordLists) -> None:
        self.relative = {w: int(v) for w, v in words.pairs("relative_year").items()}
        self.frame_opening = frozenset(words["frame_opening"])
        self.plan_periods = words.pairs("plan_period")
        self.event_since = {w: int(y) for w, y in words.pairs("event_since").items()}
        self.event_during = words.pairs("event_during")
        self.past_years = {w: int(n) for w, n in words.pairs("past_years").items()}
        self.year_parts = {w: int(n) for w, n in words.pairs("year_part_alone").items()}
        self.within = frozenset(words["within_frame"])
        self.recent = {w: int(n) for w, n in words.pairs("recent").items()}
        self.comparison_before = tuple(words["comparison_before"])
        self.continues = tuple(words["continues"])
        self.story_now = frozenset(words["story_now"])
        self.consecutive = re.compile(f"(?:{alternation(words['consecutive'])})"
                                      r"(?P<n>[0-9]{1,2}|[一二两三四五六七八九十]{1,3})个?年")
        self.change_from = tuple(words["change_from"])
        self.forward_before = re.compile(alternation(words["forward_before"]))
        self.forward_after = re.compile(alternation(words["forward_after"]))
        self.effective_before = tuple(words["effective_before"])
        self.effective_after = tuple(words["effective_after"])
        y = r"(?P<y>(?:19|20)\d{2})"
        m = r"(?P<m>1[0-2]|0?[1-9])"
        month_part = alternation(words["month_part"])
        firsts = {w[0] for kind in ("as_of", "past_year", "now", "year_end") for w in words[kind]}
        firsts |= {w[0] for w in self.past_years} | {w[0] for w in self.year_parts} | {w[0] for w in self.recent}
        firsts |= {w[0] for w in self.relative} | {w[0] for w in self.plan_periods} | set("123456789 \t“\"")
        firsts |= {w[0] for w in self.event_since} | {w[0] for w in self.event_during}
        firsts |= set("前一二两三四五六七八九十")
        # The lookahead lists every character a cue can start with: the same matches, found 5x faster,
        # because the alternation is not tried at positions where none of its branches can start.
        self.pattern = re.compile(
            f"(?=[{re.escape(''.join(sorted(firsts)))}])"
            rf"(?P<asof>{alternation(words['as_of'])})?[ \t]*"
            r"(?:"
            rf"{y}\s*年\s*(?:{m}\s*月(?:(?P<d>3[01]|[12]\d|0?[1-9])日(?![内起])|份)?(?:{month_part})?(?P<msince>以来|至今)?"
            rf"|(?P<yend>年?[底末])|(?P<ysince>以来|来|至今)"
            rf"|(?:{alternation(words['year_part'])}))?"
            rf"|(?P<eventsince>{alternation(tuple(self.event_since))})以来"
            rf"|(?P<eventduring>{alternation(tuple(self.event_during))})(?:期间|上)"
            rf"|[“\"]?(?P<plan>{alternation(tuple(self.plan_periods))})[”\"]?(?P<planpart>{alternation(words['plan_part'])})?"
            rf"|(?P<past>{alternation(words['past_year'])})"
            rf"|(?P<pastyears>{alternation(tuple(self.past_years))})"
            rf"|(?P<rel>{alternation(tuple(self.relative))})(?P<relsince>以来|来)?"
            rf"(?:(?P<rm>1[0-2]|0?[1-9])\s*月(?:份)?(?:{month_part})?|(?P<relend>底|末))?"
            rf"|(?<!\d)(?P<m2>1[0-2]|[1-9])\s*月(?:(?P<d2>3[01]|[12]\d|0?[1-9])\s*[日号](?![内起])|(?P<mfen>份)?"
            rf"(?P<mend>{month_part})?)"
            rf"|前(?P<firstm>1[0-2]|[1-9]|[一二三四五六七八九十]{{1,2}})个?月"
            rf"|(?P<ago>[1-9]|[一二两三四五六七八九十])年前"
            rf"|(?<!\d)1\s*[至到—\-–~～]\s*(?P<mto>1[0-2]|[2-9])\s*月(?:份)?"
            rf"|(?P<ypart>{alternation(tuple(self.year_parts))})"
            rf"|(?P<now>{alternation(words['now'])})"
            rf"|(?P<recent>{alternation(tuple(self.recent))})"
            rf"|(?P<yearend>{alternation(words['year_end'])})"
            r"|(?<![\d月.号])(?P<day>3[01]|[12]\d|[1-9])日(?![内起以前后])"
            r")")


@functools.lru_cache(maxsize=8)
def cue_finder(kb: KnowledgeBase) -> CueFinder:
    return CueFinder(kb.lexicon["period_words"])


def resolve_cues(text: str, doc_date: str | None, doc_year: int | None, finder: CueFinder) -> list[Cue]:
    """All time cues in `text`, resolved to YYYY / YYYY-MM / YYYY-MM-DD (None when unknown)."""
    out: list[Cue] = []
    for m in finder.pattern.finditer(text):
        g = m.groupdict()
        period: str | None = None
        frame = False
        if g["y"]:
            year = int(g["y"])
            if not g["asof"] and text[max(0, m.start("y") - 1):m.start("y")] in ("—", "-", "–", "至", "到", "~", "～"):
                first = _RANGE_START.search(text, max(0, m.start("y") - 8), m.start("y"))
                if first is not None and int(first.group(1)) < year and not g["m"]:
                    # 2021—2025年: the interval, a figure of all those years (not its last one)
                    out.append(Cue(first.start(), m.end(), f"{first.group(1)}/{year}", False))
                continue  # the end of a range of years is no cue of its own
            nxt = text[m.end():m.end() + 1]
            if not g["m"] and not g["yend"] and not g["ysince"] and nxt and (
                    nxt in "—-至到" or nxt in "和、" and text[m.end() + 1:m.end() + 2].isdigit()):
                continue  # a range or list of years (2019至2021年, 2021年和2022年): not a cue
            effective = text[max(0, m.start() - 1):m.start()] in finder.effective_before and \
                any(text.startswith(w, _day_end(text, m.end())) for w in finder.effective_after)
            if effective:
                period = f"{year:04d}"  # 自2017年7月1日起: a rule in force from then, a figure of that year
            elif g["msince"]:  # 2021年10月以来 in 2022: both years; 2024年3月以来 in 2024: the year so far
                end = _since_end(doc_year, doc_date) if doc_year is not None else year
                period = f"{year:04d}/{end:04d}" if year < end else f"{year:04d}"
            elif g["m"] and g["d"]:
                period = f"{year:04d}-{int(g['m']):02d}-{int(g['d']):02d}"  # 2018年1月6日: the day
                if _DAY_RANGE_AFTER.match(text, m.end()):
                    period = period[:7]  # 2018年1月18日至19日: days of one month, the month
            elif g["m"]:
                period = f"{year:04d}-{int(g['m']):02d}"
            elif g["yend"] and g["asof"] and (doc_year is None or year >= doc_year):
                period = f"{year:04d}-12"  # 到2026年底 in 2026: a deadline in the running year, its month
            elif g["ysince"] and doc_year is not None and year < _since_end(doc_year, doc_date):
                period = f"{year:04d}/{_since_end(doc_year, doc_date):04d}"  # 2020年以来 in 2021: both years
            else:
                period = f"{year:04d}"
            frame = bool(g["ysince"] or g["msince"])
        elif g["rel"]:
            if doc_year is None:
                continue
            year = doc_year + finder.relative[g["rel"]]
            if g["rm"]:
                period = f"{year:04d}-{int(g['rm']):02d}"
            elif g["relend"] and g["asof"] and year >= doc_year:
                period = f"{year:04d}-12"  # 到今年底; 到去年底 is a stock at a past year's end: that year's
            else:
                period = f"{year:04d}"
            frame = g["rel"] in finder.frame_opening and not g["rm"]
        elif g["past"]:
            if doc_year is None:
                continue
            period, frame = _past_year(doc_year, doc_date), True
        elif g["pastyears"]:
            if doc_year is None:
                continue
            last = _last_reviewed(doc_year, doc_date)
            period, frame = f"{last - finder.past_years[g['pastyears']] + 1:04d}/{last:04d}", True
        elif g["m2"]:
            # a month without its year: a day of it (1月6日), after a cut-off word (截止9月), written 9月份 /
            # 9月，, or naming the month of a noun (10月社会融资规模); not a number of months (3个月)
            after = text[m.end():m.end() + 1]
            if doc_year is None or not (g["d2"] or g["mend"] or g["asof"] or g["mfen"] or after in "，,"
                                        or _HAN.match(after)):
                continue
            month = int(g["m2"])
            year = _year_ending(doc_year, doc_date, month)
            day = g["d2"] and _valid(year, month, int(g["d2"])) and not _DAY_RANGE_AFTER.match(text, m.end())
            day = day and not text.startswith("以来", m.end())  # 2月5日以来: the days since, of that month
            period = f"{year:04d}-{month:02d}" + (f"-{int(g['d2']):02d}" if day else "")
        elif g["firstm"]:
            # 前九月, 前10个月: the months of the year so far, counted in that year's total
            if doc_year is None:
                continue
            period = f"{_year_ending(doc_year, doc_date, small_number(g['firstm'])):04d}"
        elif g["ago"]:
            # 五年前, 一年前: that many years before the document's
            if doc_year is None:
                continue
            period = f"{doc_year - small_number(g['ago']):04d}"
        elif g["mto"] or g["ypart"]:
            # 1至7月, 一季度, 上半年: part of a year, counted in that year's total
            if doc_year is None:
                continue
            period = f"{_year_ending(doc_year, doc_date, int(g['mto'] or finder.year_parts[g['ypart']])):04d}"
        elif g["eventsince"]:
            if doc_year is None:
                continue
            first, end = finder.event_since[g["eventsince"]], _since_end(doc_year, doc_date)
            # it dates its sentence, no frame: what follows in the paragraph is often the present's stock
            period = f"{first:04d}/{end:04d}" if first < end else f"{end:04d}"
        elif g["eventduring"]:
            period = finder.event_during[g["eventduring"]]  # the month the session met
        elif g["plan"]:
            first, last = finder.plan_periods[g["plan"]].split("/")
            part = g["planpart"] or ""
            period = last if part.endswith("末") else f"{first}/{last}"  # 十四五末 is its last year
            frame = part in ("以来", "时期", "期间", "规划期")
        elif g["recent"]:
            # 日前, 近日: the document's month, or its year early in the month (or without a day)
            if doc_year is None:
                continue
            late = doc_date is not None and len(doc_date) >= 10 and int(doc_date[8:10]) > finder.recent[g["recent"]]
            period = doc_date[:7] if late and doc_date else f"{doc_year:04d}"
        elif g["now"]:
            period = doc_date or (f"{doc_year:04d}" if doc_year else None)  # 目前, 截至目前, 今天: the date
        elif g["yearend"]:
            if doc_year is None:
                continue
            period = f"{doc_year:04d}-12"
        elif g["day"]:
            period = _day_of(int(g["day"]), doc_date)
            if period is not None and (_DAY_RANGE_AFTER.match(text, m.end())
                                       or _DAY_RANGE_BEFORE.search(text, max(0, m.start("day") - 5), m.start("day"))):
                period = period[:7]  # 21日到22日: the days of a weekend, their month
        if period is None:
            continue
        within = bool(g["rel"]) and g["rel"] in finder.within and not g["rm"]
        out.append(Cue(m.start(), m.end(), period, frame, within, bool(g["asof"]) and g["asof"] != "到",
                       bool(g["mto"] or g["ypart"])))
    return out


_HAN = re.compile(r"[\u4e00-\u9fff]")


def small_number(text: str) -> int:
    """A small number written in digits or Chinese numerals (9, 九, 十一, 两)."""
    return int(text) if text.isdigit() else int(parse_chinese_numeral(text) or 0)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _since_end(doc_year: int, doc_date: str | None) -> int:
    """The last year of a span that runs from a year up to the document (2020年以来): the document's, or the
    year before for a document of its first two months (a report early in 2026 looks back on 2025)."""
    early = doc_date is not None and len(doc_date) >= 7 and int(doc_date[5:7]) <= 2
    return doc_year - 1 if early else doc_year


ROLLING_FROM, ROLLING_TO = 2, 10  # months after which 一年来 spans two years, and after which it is this year


def _past_year(doc_year: int, doc_date: str | None) -> str:
    """过去一年 / 一年来: the year a report of its first two months reviews (the one before), the document's
    year late in it, and in between the twelve months back, which span two years (一年来 in March 2019)."""
    month = int(doc_date[5:7]) if doc_date is not None and len(doc_date) >= 7 else None
    if month is None:
        return f"{_last_reviewed(doc_year, doc_date):04d}"
    if month <= ROLLING_FROM:
        return f"{doc_year - 1:04d}"
    return f"{doc_year:04d}" if month > ROLLING_TO else f"{doc_year - 1:04d}/{doc_year:04d}"


def _last_reviewed(doc_year: int, doc_date: str | None) -> int:
    """The last year a look back (过去一年, 五年来) covers: a report of the first half-year looks back on the
    previous year; a later one on its own."""
    late = doc_date is not None and len(doc_date) >= 7 and int(doc_date[5:7]) > 6
    return doc_year if late else doc_year - 1


def _year_ending(doc_year: int, doc_date: str | None, month: int) -> int:
    """The year of a month or part of a year named without its year: the document's, or the year before
    when it ends after the document's month (12月份 in a January bulletin)."""
    if doc_date is not None and len(doc_date) >= 7 and month > int(doc_date[5:7]):
        return doc_year - 1
    return doc_year


def _day_of(day: int, doc_date: str | None) -> str | None:
    """A day written without its month (6日, 21日晚): of the document's month, or of the month before
    when it is later than the document's day (a bulletin of the 3rd reporting the 30th); unknown without
    a dated document."""
    if doc_date is None or len(doc_date) < 10:
        return None
    year, month, today = int(doc_date[:4]), int(doc_date[5:7]), int(doc_date[8:10])
    if day > today:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return datetime.date(year, month, day).isoformat() if _valid(year, month, day) else None  # no 31日 in June


_DAY_RANGE_AFTER = re.compile(r"\s*[至到—\-–~～]\s*\d{1,2}\s*[日号]")
_DAY_RANGE_BEFORE = re.compile(r"\d{1,2}\s*[日号]?\s*[至到—\-–~～]\s*$")
_RANGE_START = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—\-–至到~～]{1,2}\s*$")


def _day_end(text: str, pos: int) -> int:
    """Past a day of the month (1日, 15号) after a cue that ends with its month."""
    m = re.match(r"\s*\d{1,2}\s*[日号]", text[pos:pos + 6])
    return pos + m.end() if m else pos


def infer_year(text: str, finder: CueFinder, protected: Blocks | None = None) -> int | None:
    """For an undated document: the latest year the text reports on (years in 《titles》 and
    forward-looking phrases such as 提前启动2019年 … are not reports)."""
    titles = [b for b in protected or () if b.kind == "title"]
    pieces, pos = [], 0
    for b in titles:
        pieces.append(text[pos:b.start])
        pos = b.end
    stripped = "".join(pieces) + text[pos:]
    years: list[int] = []
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*[—\-至到])", stripped):
        if finder.forward_before.search(stripped[max(0, m.start() - 6):m.start()]):
            continue
        clause = re.match(r"[^，,。；;]{0,24}", stripped[m.end():])
        if clause and finder.forward_after.search(clause.group(0)):
            continue
        years.append(int(m.group(1)))
    return max(years) if years else None
