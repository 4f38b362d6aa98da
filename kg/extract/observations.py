"""Figures: every quantity of a document with the label of what it counts and the quote it stands in.

The label is read from the words before the figure in its clause (or after it, when the figure opens
the clause: 23个国家级…), with the words that say nothing about what is counted cut off (kg/data/
indicator_words.tsv); a bare change (增长 6%) takes the label of the figure before it.  Where and when a
figure is about is attribution's to decide (kg.extract.attribution), not this component's.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import replace

from kg.extract.component import component
from kg.knowledge import KnowledgeBase, WordLists
from kg.model import Document, Evidence, Extraction, Observation, Quantity, RegionMention

CLAUSE_LOOKBACK = 300  # characters: no clause or sentence is longer
_DATE_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}年(?:度)?|\d{1,2}月(?:底|末|份)?|[上下]半年|以来|来)+")


def _alternation(words: Sequence[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


class _Words:
    """kg/data/indicator_words.tsv as the patterns the label reader uses."""

    def __init__(self, words: WordLists) -> None:
        self.lead = re.compile(f"^(?:{_alternation(words['lead'])})+")
        self.trail = re.compile(f"(?:{_alternation(words['trail'])})+$")
        self.change_to = re.compile(rf"^(?:的)?(?:{_alternation(words['change_to'])})?(?:到|至)$")
        self.bare_change = re.compile(rf"^(?:{_alternation(words['change_lead'])})*(?:{_alternation(words['change'])})$")
        self.ratio = re.compile(f"({_alternation(words['ratio'])})")
        linking = "".join(words["linking"])
        self.linked = re.compile(rf"(?:{_alternation(words['linking'])})([^{re.escape(linking)}]{{4,14}})$")


@functools.lru_cache(maxsize=8)
def _words(kb: KnowledgeBase) -> _Words:
    return _Words(kb.lexicon["indicator_words"])


def _indicator(text: str, q: Quantity, clause_start: int, sentence_start: int, previous: list[Quantity],
               labels: list[str], region_spans: Sequence[RegionMention], words: _Words) -> tuple[str, int]:
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
    if last is not None and words.change_to.match(text[last.end:q.start].strip()):
        return labels[-1], clause_start
    for m in region_spans:
        if clause_start <= m.start and m.end <= q.start:
            raw = raw.replace(text[m.start:m.end], "", 1)
    label = re.sub(r"[“”\"'‘’《》()（）\s]", "", raw)
    label = _DATE_PREFIX.sub("", label)
    label = words.lead.sub("", label)
    label = _DATE_PREFIX.sub("", label)
    label = words.trail.sub("", label)
    quote_start = clause_start
    if words.bare_change.match(label) and earlier:
        return (earlier[-1] + label.replace("分别", ""))[-16:], quote_start
    bare = not re.sub(r"[、,，;；\s]", "", text[clause_start:q.start]) or (
        bool(region_spans) and not words.lead.sub("", label))  # 其中昭觉县2.34亿元: the amount named before
    ratio = words.ratio.search(raw)
    if not label and earlier and ratio:
        return (earlier[-1] + ratio.group(1))[-16:], quote_start  # 投入…3.2亿元，占比达到61.5%
    after_label = ""
    implied = re.sub(r"^[\d.,]+[万亿千]*[余多]?", "", q.stated)
    if len(label) < 2 and len(implied) >= 3:  # 189万建档立卡贫困户: the stated noun says what is counted
        return implied, quote_start
    if len(label) < 2:  # the counted noun may follow the figure: 18个省定深度贫困县、3720个深度贫困村
        after = re.match(r"[^\d,，、。；;：:()（）“”]{2,14}", text[q.end:q.end + 24])
        after_label = words.trail.sub("", after.group(0)).lstrip("的之") if after else ""
    if len(label) < 2 and earlier and len(after_label) < 2 and (
            bare or any(clause_start <= p.start for p in previous[-1:])):
        return earlier[-1], quote_start
    if len(label) < 2:
        label = after_label
        quote_start = q.start
    if len(label) > 14:
        # keep the head noun phrase: what follows the last linking word, else the last 14 characters
        linked = words.linked.search(label)
        label = linked.group(1) if linked else label[-14:]
    return label or "未命名指标", quote_start


@component(requires=("structure", "quantities", "regions", "measures"), assigns=("observations",))
def observations(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: every quantity as a figure with its label and quote, and the measure that holds it."""
    assert ex.structure is not None
    text, structure = doc.text, ex.structure
    words = _words(kb)
    quantities = ex.quantities
    q_starts = [q.start for q in quantities]
    # places inside 《titles》 name a document, not what a figure counts
    mentions = [m for m in ex.regions if structure.protected_at(m.start, "title") is None]
    m_starts = [m.start for m in mentions]
    measure_starts = [m.start for m in ex.measures]
    out: list[Observation] = []
    for para in structure.paragraphs:
        lo, hi = bisect.bisect_left(q_starts, para.start), bisect.bisect_left(q_starts, para.end)
        in_para: list[Quantity] = []
        labels: list[str] = []
        for q in quantities[lo:hi]:
            clause_start = structure.clause_start(q.start, para.start, CLAUSE_LOOKBACK)
            sentence_start = structure.sentence_start(q.start, para.start, CLAUSE_LOOKBACK)
            spans = mentions[bisect.bisect_left(m_starts, clause_start):bisect.bisect_left(m_starts, q.start)]
            label, quote_start = _indicator(text, q, clause_start, sentence_start, in_para[-24:], labels[-24:],
                                            spans, words)
            while quote_start < q.start and text[quote_start] in " \t\u3000":
                quote_start += 1
            s, e = doc.source_span(quote_start, q.end)
            i = bisect.bisect_right(measure_starts, q.start) - 1
            inside = i >= 0 and q.start < ex.measures[i].end
            out.append(Observation(indicator=label, quantity=q, region=None, period=None,
                                   evidence=Evidence(quote=doc.source[s:e], start=s, end=e),
                                   measure_index=ex.measures[i].index if inside else None))
            in_para.append(q)
            labels.append(label)
    return replace(ex, observations=tuple(out))

