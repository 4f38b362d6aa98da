"""Attribution: which region and which period every mention is about.  The one place that decides it.

Two components:

- `home_region`: the region the document is about — named in its title, else its publisher, else the
  first paragraph of body text that names a place, else the place named most; a bulletin that ranges
  over many provinces with no place in its title or publisher is about the country.
- `attribute`: figures, programme mentions, measures and cited documents get a region and a period.

Regions of figures: the clause's subject if the clause opens with a region; else the region the
sentence's subject set; else a town or village inside the current region named earlier in the
sentence; else the most specific region the paragraph's first sentence names (inside the document's
own region); else the section heading's region (a short line that is only a place name); else the
document's region; else the country.  Periods: the nearest time cue before the figure in its sentence;
else the frame a paragraph opened (今年以来 …) that holds for the rest of its section; else the year the
title names.  Measures take the most specific region they name inside the home region; programme
mentions and cited documents take their measure's region, else the home region.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from kg.extract.component import component
from kg.extract.periods import Cue, cue_finder, resolve_cues
from kg.extract.regions import find_regions, most_specific, places_in_label
from kg.knowledge import KnowledgeBase
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
)

SENTENCE_LOOKBACK = 300  # characters: no sentence or clause is longer


def _within(region: Region, scope: Region | None) -> bool:
    if scope is None:
        return True
    return any(r.key == scope.key for r in region.chain())


def _rank(region: Region) -> int:
    return LEVEL_RANK.get(region.level, 3)


# --- the document's home region --------------------------------------------------------------------


def _main_region(doc: Document, mentions: Sequence[RegionMention], structure: DocStructure,
                 kb: KnowledgeBase) -> Region | None:
    """Title, else publisher, else the first paragraph of body text (30+ characters) naming a place,
    else the place named most."""
    for label in (doc.meta.title, doc.meta.publisher):
        if label:
            region = most_specific(places_in_label(label, mentions, kb.gazetteer))
            if region is not None:
                return region
    starts = [m.start for m in mentions]
    for para in structure.paragraphs:
        if para.end - para.start < 30:
            continue
        i = bisect.bisect_left(starts, para.start)
        line_end = doc.text.find("\n", para.start)
        end = len(doc.text) if line_end < 0 else line_end + 1
        if i < len(mentions) and mentions[i].start < end:
            return mentions[i].region
    counts = Counter(m.region for m in mentions)
    return counts.most_common(1)[0][0] if counts else None


def _publisher_region(doc: Document, kb: KnowledgeBase, main: Region | None) -> Region | None:
    """A title without a place leaves the publisher to say whose document it is (凉山州财政局): its
    region wins over a place merely named in the body, unless that place lies within it."""
    if not doc.meta.publisher or (doc.meta.title and find_regions(doc.meta.title, kb.gazetteer)):
        return main
    named = find_regions(doc.meta.publisher, kb.gazetteer)
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
    if main is None or main.level == "country" or len(mentions) < 3:
        return main
    if (doc.meta.title and find_regions(doc.meta.title, kb.gazetteer)) or \
            (doc.meta.publisher and find_regions(doc.meta.publisher, kb.gazetteer)):
        return main
    provinces = Counter(m.region.chain()[-1].key for m in mentions)
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
    return replace(ex, main_region=main)



# --- scopes ------------------------------------------------------------------------------------------


class _Scoper:
    """What a position in the text is about: regions of paragraphs, headings, clause subjects, and the
    time cues and frames around it."""

    def __init__(self, doc: Document, ex: Extraction, kb: KnowledgeBase) -> None:
        assert ex.structure is not None
        self.text = doc.text
        self.structure = ex.structure
        self.main = ex.main_region
        words = kb.lexicon["attribution_words"]
        self.subject_lead = tuple(sorted(words["subject_lead"], key=len, reverse=True))
        self.partner_before = frozenset(words["partner_before"])
        self.list_join = frozenset(words["list_join"]) | {","}
        self.list_next = frozenset(words["list_next"])
        self.list_prev = frozenset(words["list_prev"])
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
        """与天津市宝坻区 / 赴常州 / 向东部: a partner or destination, not the place the paragraph is about."""
        return self.text[max(0, mention.start - 1):mention.start] in self.partner_before

    # -- regions -------------------------------------------------------------------------------------
    def heading_region(self, para: Block) -> Region | None:
        """A short line that is only a place name heads a section about it."""
        span = self.text[para.start:para.end]
        if len(span) > 16 or any(c in span for c in "。，,；;"):
            return None
        inside = self.mentions_in(para.start, para.end)
        if inside and inside[0].start - para.start <= 1 and _within(inside[0].region, self.main):
            return inside[0].region
        return None

    def first_sentence_end(self, para: Block) -> int:
        for i in range(para.start, para.end):
            if self.text[i] in "。！？!?":
                return i
        return para.end

    def paragraph_region(self, para: Block, section: Region | None) -> Region | None:
        end = self.first_sentence_end(para)
        scope = section or self.main
        best: Region | None = None
        for m in self.mentions_in(para.start, end):
            if self.in_list(m) or self.is_partner(m) or self.text[m.end:m.end + 1].isdigit():
                continue  # 昭觉县2.34亿元: a per-region breakdown, not what the paragraph is about
            if not (_within(m.region, scope) or _within(m.region, self.main)):
                continue
            if best is None or _rank(m.region) > _rank(best):
                best = m.region
        return best

    def clause_subject(self, clause_start: int, pos: int) -> RegionMention | None:
        """A clause that opens with a place (其中昭觉县2.34亿元, 湘西州花垣县十八洞村现有…) is about it: the
        most specific of the places written back to back at its start."""
        mentions = self.mentions_in(clause_start, pos)
        if not mentions:
            return None
        at = clause_start
        for lead in self.subject_lead:
            if self.text.startswith(lead, clause_start):
                at = clause_start + len(lead)
                break
        subject = None
        for m in mentions:
            if m.start != at or self.in_list(m):
                break
            subject, at = m, m.end
        return subject

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

    def _opens_with_year(self, cue: Cue, para: Block) -> bool:
        """"2023年，全县…" or a heading "三、2024年工作打算": a year that opens a paragraph frames it."""
        if cue.period is None or len(cue.period) != 4 or cue.start - para.start > 3:
            return False
        short = para.end - para.start <= 20 and "。" not in self.text[para.start:para.end]
        return short or self.text[cue.end:cue.end + 1] in ",，"

    def _title_frame(self, title: str | None, doc_date: str | None) -> Cue | None:
        """A title naming one year (紫阳县2023年…工作总结) frames the document until a paragraph says otherwise."""
        if not title:
            return None
        years = {c.period for c in resolve_cues(title, doc_date, self.doc_year, self.finder)
                 if c.period and len(c.period) == 4}
        return Cue(0, 0, years.pop(), True) if len(years) == 1 else None

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


# --- the component --------------------------------------------------------------------------------------


def _figures(ex: Extraction, scoper: _Scoper) -> tuple:
    """Region and period of every figure, paragraph by paragraph (see the module docstring)."""
    assert ex.structure is not None
    structure = ex.structure
    observations = list(ex.observations)
    starts = [o.quantity.start for o in observations]
    section_region: Region | None = None
    frame: Cue | None = scoper.title_frame
    main = scoper.main
    for para in structure.paragraphs:
        lo, hi = bisect.bisect_left(starts, para.start), bisect.bisect_left(starts, para.end)
        heading = scoper.heading_region(para)
        if heading is not None:
            section_region, frame = heading, None
            for i in range(lo, hi):
                q = observations[i].quantity
                cue = scoper.sentence_cue(q.start, structure.sentence_start(q.start, para.start))
                observations[i] = replace(observations[i], region=heading, period=cue.period if cue else None)
            continue
        para_region = scoper.paragraph_region(para, section_region)
        new_frame = scoper.frame_cue(para)
        if new_frame is not None:
            frame = new_frame
        sentence_subject: tuple[int, Region] | None = None
        for i in range(lo, hi):
            q = observations[i].quantity
            clause_start = structure.clause_start(q.start, para.start, SENTENCE_LOOKBACK)
            sentence_start = structure.sentence_start(q.start, para.start, SENTENCE_LOOKBACK)
            region = para_region or section_region or main or CHINA
            subject = scoper.clause_subject(clause_start, q.start)
            if subject is not None:
                region = subject.region
                sentence_subject = (sentence_start, subject.region)
            elif sentence_subject is not None and sentence_subject[0] == sentence_start:
                region = sentence_subject[1]  # 丹寨县实施…15个，销售农特产品2.3亿元: the subject carries on
            else:
                region = scoper.finer_in_sentence(q.start, sentence_start, region) or region
            cue = scoper.sentence_cue(q.start, sentence_start)
            if cue is not None and cue.within_frame and frame is not None and frame.period:
                period = frame.period[:4]
            else:
                period = cue.period if cue else (frame.period if frame else None)
            observations[i] = replace(observations[i], region=region, period=period)
    return tuple(observations)


def _measure_region(scoper: _Scoper, measure: Measure) -> Region | None:
    """Most specific region named inside the measure that lies within the document's region."""
    best = None
    main = scoper.main
    lo = bisect.bisect_left(scoper._all_starts, measure.start)
    hi = bisect.bisect_left(scoper._all_starts, measure.end)
    for m in scoper.all_mentions[lo:hi]:
        if main is not None and all(r.key != main.key for r in m.region.chain()):
            continue
        if best is None or len(m.region.chain()) > len(best.chain()):
            best = m.region
    return best or main


@component(requires=("doc_year", "structure", "regions", "main_region", "observations", "measures", "programmes",
                     "policy_documents"),
           assigns=("observations.region", "observations.period", "measures.region", "programmes.region",
                    "policy_documents.region"))
def attribute(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: a region and a period for every figure, programme mention, measure and cited document."""
    scoper = _Scoper(doc, ex, kb)
    observations = _figures(ex, scoper)
    measures = tuple(replace(m, region=_measure_region(scoper, m)) for m in ex.measures)
    measure_starts = [m.start for m in measures]

    def region_at(position: int) -> Region:
        """The enclosing measure's region, else the document's (else the country)."""
        i = bisect.bisect_right(measure_starts, position) - 1
        if i >= 0 and position < measures[i].end and measures[i].region is not None:
            return measures[i].region
        return ex.main_region or CHINA  # a document that names no place speaks for the country

    programmes = tuple(replace(p, region=region_at(p.start)) for p in ex.programmes)
    policies = tuple(replace(p, region=region_at(p.start)) for p in ex.policy_documents)
    return replace(ex, observations=observations, measures=measures, programmes=programmes,
                   policy_documents=policies)
