"""Time cues (今年, 去年, 截至4月底, 2023年以来, 年底 …) resolved against the document date.

A figure's period is the nearest cue before it in its sentence; failing that, the frame opened by a
paragraph ("今年以来，…", "去年，…") that stays in force for the section; failing that, nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_Y = r"(?P<y>(?:19|20)\d{2})"
_M = r"(?P<m>1[0-2]|0?[1-9])"
# The lookahead lists every character a cue can start with (截/到, blank, digit, 过一, 今本去上前明年全当,
# 目现): the same matches, found 5x faster, because the alternation below is no longer tried at
# positions where none of its branches can start.
_CUES = re.compile(
    r"(?=[截到 \t1-9过一今本去上前明年全当目现])"
    rf"(?P<asof>截至|截止|截止到|截至到|到)?[ \t]*"
    r"(?:"
    rf"{_Y}\s*年\s*(?:{_M}\s*月(?:份)?(?:底|末|中旬|下旬|上旬|初)?|(?P<yend>底|末)|(?P<ysince>以来|来)|(?:度|全年|上半年|下半年|前三季度|一季度|二季度|三季度|四季度))?"
    rf"|(?P<past>过去一年|过去的一年|一年来)"
    rf"|(?P<rel>今年|本年|去年|上年|前年|明年|年内|全年|当年)(?P<relsince>以来|来)?(?:(?P<rm>1[0-2]|0?[1-9])\s*月(?:份)?(?:底|末|中旬|下旬|上旬|初)?|(?P<relend>底|末))?"
    rf"|(?<!\d)(?P<m2>1[0-2]|[1-9])\s*月(?:份)?(?P<mend>底|末|中旬|下旬|上旬|初)"
    r"|(?P<now>目前|现在|当前)"
    r"|(?P<yearend>年底|年末)"
    r")")
_REL = {"今年": 0, "本年": 0, "年内": 0, "全年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    period: str | None
    is_frame: bool  # opens a frame for what follows (今年以来 / 2023年以来 / 去年, …)
    within_frame: bool = False  # 全年 / 年内 / 当年: the year of the frame in force, if any
    as_of: bool = False  # 截至…: a cut-off date, which a later bare year in the sentence does not override


def resolve_cues(text: str, doc_date: str | None, doc_year: int | None) -> list[Cue]:
    """All time cues in `text`, resolved to YYYY / YYYY-MM / YYYY-MM-DD (None when unknown)."""
    out: list[Cue] = []
    for m in _CUES.finditer(text):
        g = m.groupdict()
        period: str | None = None
        frame = False
        if g["y"]:
            year = int(g["y"])
            if not g["asof"] and text[max(0, m.start("y") - 1):m.start("y")] in ("—", "-", "–", "至", "到", "~", "～"):
                continue  # end of a range of years (2022—2025年)
            nxt = text[m.end():m.end() + 1]
            if not g["m"] and not g["yend"] and not g["ysince"] and nxt in "—-至到和、" and nxt:
                continue  # a range or list of years (2019至2021年, 2021年和2022年): not a cue
            if g["m"]:
                period = f"{year:04d}-{int(g['m']):02d}"
            elif g["yend"] and g["asof"]:
                period = f"{year:04d}-12"
            else:
                period = f"{year:04d}"
            frame = bool(g["ysince"])
        elif g["rel"]:
            if doc_year is None:
                continue
            year = doc_year + _REL[g["rel"]]
            if g["rm"]:
                period = f"{year:04d}-{int(g['rm']):02d}"
            elif g["relend"] and g["asof"]:
                period = f"{year:04d}-12"
            else:
                period = f"{year:04d}"
            frame = g["rel"] in ("今年", "本年", "去年", "上年", "前年") and not g["rm"]
        elif g["past"]:
            if doc_year is None:
                continue
            # a report of the first half-year looks back on the previous year; later, on this one
            late = doc_date is not None and int(doc_date[5:7]) > 6
            period, frame = f"{doc_year if late else doc_year - 1:04d}", True
        elif g["m2"]:
            if doc_year is None:
                continue
            period = f"{doc_year:04d}-{int(g['m2']):02d}"
        elif g["now"]:
            if not g["asof"]:
                continue  # 目前 alone is not a cut-off; 截至目前 is the publication date
            period = doc_date or (f"{doc_year:04d}" if doc_year else None)
        elif g["yearend"]:
            if doc_year is None:
                continue
            period = f"{doc_year:04d}-12"
        if period is None:
            continue
        within = bool(g["rel"]) and g["rel"] in ("年内", "全年", "当年") and not g["rm"]
        out.append(Cue(m.start(), m.end(), period, frame, within, bool(g["asof"]) and g["asof"] != "到"))
    return out


_FORWARD = re.compile(r"提前|计划|预计|力争|明年|将于|将在|启动|谋划|争取")


def infer_year(text: str) -> int | None:
    """For an undated document: the latest year the text reports on (years in 《titles》 and
    forward-looking phrases such as 提前启动2019年 … are not reports)."""
    stripped = re.sub(r"《[^》]{0,80}》", "", text)
    years: list[int] = []
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*[—\-至到])", stripped):
        if _FORWARD.search(stripped[max(0, m.start() - 6):m.start()]):
            continue
        clause = re.match(r"[^，,。；;]{0,24}", stripped[m.end():])
        if clause and re.search(r"提前|预计|计划|力争|将", clause.group(0)):
            continue
        years.append(int(m.group(1)))
    return max(years) if years else None
