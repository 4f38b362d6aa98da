"""Observations: every quantity in a document with its indicator, region, period and evidence.

Region: the clause's subject if the clause opens with a region; else the most specific region the
paragraph's first sentence names (inside the document's own region); else the section heading's
region (a short line that is only a place name); else the document's main region.
Period: the nearest time cue before the figure in its sentence; else the frame a paragraph opened
(今年以来 …) that holds for the rest of its section.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from importlib import resources

from kg.extract.numbers import find_quantities
from kg.extract.periods import Cue, infer_year, resolve_cues
from kg.model import CHINA, LEVEL_RANK, Document, Evidence, Observation, Quantity, Region, RegionMention
from kg.units import UnitTable

_SENTENCE_END = "。！？!?；;\n"
_CLAUSE_END = _SENTENCE_END + ",，、：:"


@functools.cache
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(lead, trail): kg/data/indicator_words.tsv as patterns that cut repeated words off a label."""
    words: dict[str, list[str]] = {}
    for line in resources.files("kg").joinpath("data/indicator_words.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, listed = line.partition("\t")
            words[kind] = sorted(listed.split(","), key=len, reverse=True)
    lead = "|".join(map(re.escape, words["lead"]))
    trail = "|".join(map(re.escape, words["trail"]))
    return re.compile(f"^(?:{lead})+"), re.compile(f"(?:{trail})+$")


# "比重从17.9%提升到35.5%": the second figure is the same indicator as the first
_CHANGE_TO = re.compile(r"^(?:的)?(?:提升|提高|增加|增长|下降|降低|减少|扩大|上升|升|降|增)?(?:到|至)$")
_BARE_CHANGE = re.compile(r"^(?:同比|比上年|比去年|较上年|较去年|年均|分别)*(?:增长|下降|提高|增加|减少|上升|降低)$")
_DATE_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}年(?:度)?|\d{1,2}月(?:底|末|份)?|[上下]半年|以来|来)+")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int

    def first_sentence_end(self, text: str) -> int:
        for i in range(self.start, self.end):
            if text[i] in "。！？!?":
                return i
        return self.end


def paragraphs(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append(Paragraph(pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return out


def _within(region: Region, scope: Region | None) -> bool:
    if scope is None:
        return True
    return any(r.key == scope.key for r in region.chain())


def _rank(region: Region) -> int:
    return LEVEL_RANK.get(region.level, 3)


def list_members(text: str, mentions: list[RegionMention]) -> frozenset[int]:
    """Starts of places written as an enumeration of names (汉滨、紫阳、平利、白河4县区): such a place is
    not the subject.  A breakdown (昭觉县2.34亿元、布拖县1.98亿元) is no enumeration of names."""
    out: set[int] = set()
    for a, b in zip(mentions, mentions[1:], strict=False):
        if text[a.end:b.start] in ("、", "和", "及", "与", "，", ","):
            out.update((a.start, b.start))
    return frozenset(out)


def _in_list(text: str, mention: RegionMention, members: frozenset[int] = frozenset()) -> bool:
    """Inside an enumeration of places, or next to 、/和 without a figure of its own (领导联县、部门帮村)."""
    if mention.start in members:
        return True
    if text[mention.end:mention.end + 1].isdigit():
        return False  # a breakdown: 其中昭觉县2.34亿元、布拖县1.98亿元
    return text[mention.end:mention.end + 1] in "、和及与" or text[max(0, mention.start - 1):mention.start] in "、和及"


def _is_partner(text: str, mention: RegionMention) -> bool:
    """与天津市宝坻区 / 赴常州 / 向东部: a partner or destination, not the place the paragraph is about."""
    return text[max(0, mention.start - 1):mention.start] in ("与", "赴", "向", "同", "到", "对")


class _Scoper:
    """Walks the paragraphs once, keeping the section region and the period frame."""

    def __init__(self, doc: Document, mentions: list[RegionMention], main: Region | None) -> None:
        self.text = doc.text
        self.mentions = mentions
        self.main = main
        self.doc_year = int(doc.meta.date[:4]) if doc.meta.date else (doc.meta.inferred_year or infer_year(doc.text))
        self.cues = resolve_cues(doc.text, doc.meta.date, self.doc_year)
        titles = bytearray(len(doc.text) + 1)  # places inside 《titles》 name the document, not the subject
        for t in re.finditer(r"《[^《》\n]{0,120}》", doc.text):
            titles[t.start():t.end()] = b"\x01" * (t.end() - t.start())
        self.mentions = mentions = [m for m in mentions if not titles[m.start]]
        self._mention_starts = [m.start for m in mentions]
        self.members = list_members(doc.text, mentions)
        self._cue_starts = [c.start for c in self.cues]

    def mentions_in(self, start: int, end: int) -> list[RegionMention]:
        """Mentions starting in [start, end) (mentions are in text order; bisect keeps long texts linear)."""
        lo = bisect.bisect_left(self._mention_starts, start)
        hi = bisect.bisect_left(self._mention_starts, end)
        return self.mentions[lo:hi]

    def is_heading(self, para: Paragraph) -> Region | None:
        span = self.text[para.start:para.end]
        if len(span) > 16 or any(c in span for c in "。，,；;"):
            return None
        inside = self.mentions_in(para.start, para.end)
        if inside and inside[0].start - para.start <= 1 and _within(inside[0].region, self.main):
            return inside[0].region
        return None

    def paragraph_region(self, para: Paragraph, section: Region | None) -> Region | None:
        end = para.first_sentence_end(self.text)
        scope = section or self.main
        best: Region | None = None
        for m in self.mentions_in(para.start, end):
            if _in_list(self.text, m, self.members) or _is_partner(self.text, m) \
                    or self.text[m.end:m.end + 1].isdigit():
                continue  # 昭觉县2.34亿元: a per-region breakdown, not what the paragraph is about
            if not (_within(m.region, scope) or _within(m.region, self.main)):
                continue
            if best is None or _rank(m.region) > _rank(best):
                best = m.region
        return best

    def frame_cue(self, para: Paragraph) -> Cue | None:
        """今年以来 / 2023年以来 anywhere in the opening sentences, or 今年 / 去年 opening the paragraph."""
        end = para.first_sentence_end(self.text)
        second = Paragraph(min(end + 1, para.end), para.end).first_sentence_end(self.text)
        lo = bisect.bisect_left(self._cue_starts, para.start)
        hi = bisect.bisect_left(self._cue_starts, min(para.end, second + 1))
        for cue in self.cues[lo:hi]:
            if not cue.is_frame:
                if self._opens_with_year(cue, para):
                    return cue
                continue
            since = self.text[cue.end - 2:cue.end] == "以来" or self.text[cue.end - 1:cue.end] == "来"
            if cue.start < para.start + 20 or (since and cue.start < second):
                return cue
        return None

    def _opens_with_year(self, cue: Cue, para: Paragraph) -> bool:
        """"2023年，全县…" or a heading "三、2024年工作打算": a year that opens a paragraph frames it."""
        if cue.period is None or len(cue.period) != 4 or cue.start - para.start > 3:
            return False
        short = para.end - para.start <= 20 and "。" not in self.text[para.start:para.end]
        return short or self.text[cue.end:cue.end + 1] in ",，"

    def title_frame(self, title: str | None, doc_date: str | None) -> Cue | None:
        """A title naming one year (紫阳县2023年…工作总结) frames the document until a paragraph says otherwise."""
        if not title:
            return None
        years = {c.period for c in resolve_cues(title, doc_date, self.doc_year) if c.period and len(c.period) == 4}
        return Cue(0, 0, years.pop(), True) if len(years) == 1 else None

    def sentence_start(self, pos: int, para: Paragraph) -> int:
        return _boundary_before(self.text, pos, para.start, _SENTENCE_END)

    def sentence_cue(self, pos: int, sentence_start: int) -> Cue | None:
        best = None
        lo = bisect.bisect_left(self._cue_starts, sentence_start)
        hi = bisect.bisect_left(self._cue_starts, pos)
        for cue in self.cues[lo:hi]:
            if cue.end <= pos and not self._closed_aside(cue.end, pos):
                if best is not None and best.as_of and not (cue.as_of or cue.is_frame or cue.within_frame) \
                        and not self._opens_aside(best.end, cue.start):
                    continue  # 截至目前，2022年审计反馈的27个问题: the year names the audit, the cut-off holds
                best = cue
        return best

    def finer_in_sentence(self, pos: int, sentence_start: int, region: Region) -> Region | None:
        """A town or village inside the current region that the figure's sentence names before it:
        the figure is about it (扶持滩歌镇…3村贫困户栽植乌龙头1000亩)."""
        for m in self.mentions_in(sentence_start, pos):
            if m.region.level in ("town", "village") and _rank(m.region) > _rank(region) \
                    and _within(m.region, region) and not _in_list(self.text, m, self.members) \
                    and not _is_partner(self.text, m):
                return m.region
        return None

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


_SUBJECT_LEAD = re.compile(r"(?:其中|在|全|对|向|为)?")


def _clause_subject(text: str, mentions: list[RegionMention], clause_start: int,
                    members: frozenset[int]) -> RegionMention | None:
    """A clause that opens with a place (其中昭觉县2.34亿元, 湘西州花垣县十八洞村现有…) is about it: the
    most specific of the places written back to back at its start."""
    if not mentions:
        return None
    lead = _SUBJECT_LEAD.match(text, clause_start)
    pos = lead.end() if lead else clause_start
    subject = None
    for m in mentions:
        if m.start != pos or _in_list(text, m, members):
            break
        subject, pos = m, m.end
    return subject


LOOKBACK = 300  # characters: a clause or sentence is never longer, so no scan goes farther back


def _boundary_before(text: str, pos: int, floor: int, stops: str) -> int:
    """Start of the stretch ending at `pos`: just after the nearest stop character, not before `floor`
    (nor more than LOOKBACK characters back: a run without stops is no clause, and scanning it for
    every figure in it would cost the square of its length)."""
    floor = max(floor, pos - LOOKBACK)
    for i in range(pos - 1, floor - 1, -1):
        if text[i] in stops:
            return i + 1
    return floor


def _clause_start(text: str, pos: int, floor: int) -> int:
    return _boundary_before(text, pos, floor, _CLAUSE_END)


def _indicator(text: str, q: Quantity, clause_start: int, sentence_start: int, previous: list[Quantity],
               labels: list[str], region_spans: list[RegionMention]) -> tuple[str, int]:
    """Short label of what is counted, from the words before the figure (or after it when the figure
    opens the clause: 23个国家级…); a bare change word (增长 6%) takes the subject of the figure before
    it in the sentence (一般公共预算收入增长); returns the label and where the quote should start."""
    earlier = [lab for prev, lab in zip(previous, labels, strict=True) if prev.start >= sentence_start]
    prefix_start = clause_start
    for prev in previous:  # 16户71人: the second figure shares the words before the first
        if clause_start <= prev.start < q.start:
            prefix_start = min(prefix_start, prev.start)
    raw = text[clause_start:q.start]
    for prev in previous:
        if clause_start <= prev.start and prev.end <= q.start:
            raw = raw.replace(text[prev.start:prev.end], "")
    last = previous[-1] if previous and labels and previous[-1].start >= clause_start else None
    if last is not None and _CHANGE_TO.match(text[last.end:q.start].strip()):
        return labels[-1], clause_start
    for m in region_spans:
        if clause_start <= m.start and m.end <= q.start:
            raw = raw.replace(text[m.start:m.end], "", 1)
    label = re.sub(r"[“”\"'‘’《》()（）\s]", "", raw)
    label = _DATE_PREFIX.sub("", label)
    label = _word_patterns()[0].sub("", label)
    label = _DATE_PREFIX.sub("", label)
    label = _word_patterns()[1].sub("", label)
    quote_start = clause_start
    if _BARE_CHANGE.match(label) and earlier:
        return (earlier[-1] + label.replace("分别", ""))[-16:], quote_start
    bare = not re.sub(r"[、,，;；\s]", "", text[clause_start:q.start]) or (
        bool(region_spans) and not _word_patterns()[0].sub("", label))  # 其中昭觉县2.34亿元: the amount named before
    ratio = re.search(r"(占比|比重|比例)", raw)
    if not label and earlier and ratio:
        return (earlier[-1] + ratio.group(1))[-16:], quote_start  # 投入…3.2亿元，占比达到61.5%
    after_label = ""
    implied = re.sub(r"^[\d.,]+[万亿千]*[余多]?", "", q.stated)
    if len(label) < 2 and len(implied) >= 3:  # 189万建档立卡贫困户: the stated noun says what is counted
        return implied, quote_start
    if len(label) < 2:  # the counted noun may follow the figure: 18个省定深度贫困县、3720个深度贫困村
        after = re.match(r"[^\d,，、。；;：:()（）“”]{2,14}", text[q.end:q.end + 24])
        after_label = _word_patterns()[1].sub("", after.group(0)).lstrip("的之") if after else ""
    if len(label) < 2 and earlier and len(after_label) < 2 and (
            bare or any(clause_start <= p.start for p in previous[-1:])):
        return earlier[-1], quote_start
    if len(label) < 2:
        label = after_label
        quote_start = q.start
    if len(label) > 14:
        # keep the head noun phrase: what follows the last linking word, else the last 14 characters
        linked = re.search(r"(?:的|为|是|对|在|把|将|以|和|与|及)([^的为是对在把将以和与及]{4,14})$", label)
        label = linked.group(1) if linked else label[-14:]
    return label or "未命名指标", quote_start


def extract_observations(doc: Document, mentions: list[RegionMention], main: Region | None,
                         units: UnitTable | None = None) -> list[Observation]:
    text = doc.text
    quantities = find_quantities(text, units)
    if not quantities:
        return []
    scoper = _Scoper(doc, mentions, main)
    out: list[Observation] = []
    q_index = 0
    section_region: Region | None = None
    frame: Cue | None = scoper.title_frame(doc.meta.title, doc.meta.date)
    for para in paragraphs(text):
        heading = scoper.is_heading(para)
        if heading is not None:
            section_region, frame = heading, None
            continue
        para_region = scoper.paragraph_region(para, section_region)
        new_frame = scoper.frame_cue(para)
        if new_frame is not None:
            frame = new_frame
        in_para: list[Quantity] = []
        in_para_labels: list[str] = []
        sentence_subject: tuple[int, Region] | None = None
        while q_index < len(quantities) and quantities[q_index].start < para.end:
            q = quantities[q_index]
            q_index += 1
            if q.start < para.start:
                continue
            clause_start = _clause_start(text, q.start, para.start)
            sentence_start = scoper.sentence_start(q.start, para)
            region = para_region or section_region or main or CHINA
            subject = _clause_subject(text, scoper.mentions_in(clause_start, q.start), clause_start,
                                      scoper.members)
            if subject is not None:
                region = subject.region
                sentence_subject = (sentence_start, subject.region)
            elif sentence_subject is not None and sentence_subject[0] == sentence_start:
                region = sentence_subject[1]  # 丹寨县实施…15个，销售农特产品2.3亿元: the subject carries on
            else:
                finer = scoper.finer_in_sentence(q.start, sentence_start, region)
                region = finer or region
            cue = scoper.sentence_cue(q.start, sentence_start)
            if cue is not None and cue.within_frame and frame is not None and frame.period:
                period = frame.period[:4]
            else:
                period = cue.period if cue else (frame.period if frame else None)
            label, quote_start = _indicator(text, q, clause_start, sentence_start, in_para[-24:], in_para_labels[-24:],
                                            scoper.mentions_in(clause_start, q.start))
            while quote_start < q.start and text[quote_start] in " \t\u3000":
                quote_start += 1
            s, e = doc.source_span(quote_start, q.end)
            out.append(Observation(indicator=label, quantity=q, region=region, period=period,
                                   evidence=Evidence(quote=doc.source[s:e], start=s, end=e)))
            in_para.append(q)
            in_para_labels.append(label)
    return out
