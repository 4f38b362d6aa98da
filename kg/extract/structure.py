"""The document-structure component: paragraphs, sentences, clauses, headings, sections, list items,
protected spans and stories, computed once for every later component.

Everything is found in one pass per kind, linear in the text: sentence and clause ends are positions
looked up by bisection (a scan back to "the start of this sentence" for every figure would cost the
square of a long run without punctuation); list markers are found by their first character; a heading
is a line the page itself marked as one (Markdown #, HTML <h1>-<h6>, a paragraph that is one bold line),
a numbered line (一、…) or a short line without sentence punctuation.  Sections run from a heading to the
next heading of the same or a higher level; stories are the sections of the levels a bulletin repeats
(新闻联播's ### items and the bold-headed items of its 快讯; in a page titled as a flash, its short-line
items), or the whole document.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from kg.knowledge import KnowledgeBase, WordLists
from kg.model import Block, Blocks, DocStructure, Document, DocumentMeta, OffsetMap

SENTENCE_END = "。！？!?；;\n"
CLAUSE_END = SENTENCE_END + ",，、：:"
TITLE_MAX = 120  # characters inside 《…》: longer is no title but a stray bracket
QUOTE_MAX = 30  # characters inside “…”
HEADING_MAX = 30  # characters of a short, unpunctuated line that is taken as a heading
STORY_HEADINGS_MIN = 3  # a level with this many headings cuts a bulletin into stories
_LEAD_CHARS = frozenset("\n。；;：:！!？?，,")  # a list marker counts after these (or a line start / blank)
_URL = re.compile(r"https?://[^\s<>\"'，。）)]{1,500}")


class _Markers:
    """List markers (一是…, 一、…, （一）…, 1. …, ——…, 第一，…), by kind, from the numerals of the lexicon.

    A marker opening with a character class is found by that character (a leading lookbehind would be
    tried at every position, 3-6x slower); the boundary before it is checked in Python.  For the same
    reason every pattern opens with a character or a class, not a repeat or a lookbehind (`[一二]+` is
    written `[一二][一二]*`), and a marker at a line start is found by the line break before it."""

    def __init__(self, words: WordLists) -> None:
        num = re.escape(words.chars("numerals"))
        self.after_boundary = {
            "shi": re.compile(rf"[{num}][{num}]*是(?=[^是])"),  # 一是…二是…
            "paren": re.compile(rf"[（(][{num}]+[）)]"),  # （一）… (一)…
            "ordinal": re.compile(rf"第[{num}]+[，,、]"),  # 第一，…
        }
        line_start = {
            "dun": rf"[ \t\u3000]*[{num}]+、",  # 一、…
            "arabic": r"[ \t\u3000]*\d{1,2}[.．、](?!\d)",  # 1. / 1、
            "dash": r"[ \t\u3000]*——",  # ——…
        }
        # each as (the first line's pattern, the pattern of a later line with the line break before it)
        self.line_start = {kind: (re.compile(p), re.compile("\n" + p)) for kind, p in line_start.items()}
        # heading levels of numbered lines: 一、 opens a part, （一） a section of it, 1. a sub-section
        self.heading_level = {"dun": 1, "paren": 2, "arabic": 3}
        self.numerals = frozenset(words.chars("numerals"))
        self.flash_titles = tuple(words["flash_title"])
        # markers of headings inside a paragraph (a page whose line breaks were lost)
        self.inline = {"dun_inline": re.compile(rf"[{num}][{num}]{{0,2}}、"),
                       "paren": re.compile(rf"[（(][{num}]{{1,3}}[）)]"),
                       "arabic_inline": re.compile(r"\d(?<!\d\d)\d?、")}  # a digit not after a digit

    def starts(self, text: str) -> Iterator[tuple[str, int]]:
        """(kind, position of the marker's first non-blank character), kind by kind, in text order."""
        for kind, (first, later) in self.line_start.items():
            found = first.match(text)
            for m in ([found] if found else []) + list(later.finditer(text)):
                yield kind, m.end() - len(m.group().lstrip())  # lstrip: the blanks and line break before it
        for kind, pattern in self.after_boundary.items():
            for m in pattern.finditer(text):
                s = m.start()
                if s == 0 or text[s - 1] in _LEAD_CHARS or text[s - 1].isspace():
                    yield kind, s


def _stops(text: str, chars: str) -> list[int]:
    pattern = re.compile("[" + re.escape(chars) + "]")
    return [m.start() for m in pattern.finditer(text)]


def _paragraphs(text: str) -> list[Block]:
    out: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append(Block(pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return out


def protected_blocks(text: str) -> Blocks:
    """The protected spans of a text alone (for callers that have no Document)."""
    return Blocks(_protected(text))


def _protected(text: str) -> list[Block]:
    """《titles》, “quotations” and URLs: names, not running text (numbers in them are not figures)."""
    out = [Block(m.start(), m.end(), "title") for m in re.finditer(rf"《[^《》\n]{{1,{TITLE_MAX}}}》", text)]
    out += [Block(m.start(), m.end(), "quote")
            for m in re.finditer(rf"[“「『\"]([^“”「」『』\"\n]{{1,{QUOTE_MAX}}})[”」』\"]", text)]
    out += [Block(m.start(), m.end(), "url") for m in _URL.finditer(text)]
    return out


def _list_items(text: str, paragraphs: Blocks, markers: _Markers) -> list[Block]:
    """A list item runs from its marker to the next marker of its kind or to the end of its paragraph."""
    by_kind: dict[str, list[int]] = {}
    for kind, start in markers.starts(text):
        by_kind.setdefault(kind, []).append(start)
    out: list[Block] = []
    for kind, starts in by_kind.items():
        starts.sort()
        for i, start in enumerate(starts):
            para = paragraphs.at(start)
            end = para.end if para is not None else len(text)
            if i + 1 < len(starts):
                end = min(end, starts[i + 1])
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append(Block(start, end, kind))
    return out


def _headings(doc: Document, paragraphs: Blocks, list_items: Blocks, markers: _Markers) -> list[Block]:
    """Paragraphs that head what follows: marked by the page (level from the markup), numbered (level of
    the numbering), or short lines without sentence punctuation (level 4)."""
    text = doc.text
    marked = sorted(doc.headings)
    marked_starts = [m[0] for m in marked]
    out: list[Block] = []
    for para in paragraphs:
        line = text[para.start:para.end]
        if marked:  # only a page with marked headings needs each paragraph's place in the original
            source = doc.offsets.to_source(para.start)
            i = bisect.bisect_right(marked_starts, source) - 1
            if i >= 0 and marked[i][0] <= source < marked[i][1]:
                out.append(Block(para.start, para.end, "marked", marked[i][2], line))
                continue
        item = list_items.at(para.start)
        short = len(line) <= HEADING_MAX and not any(c in line for c in "。！？；;，,")
        if item is not None and item.start == para.start and item.kind in markers.heading_level and short:
            out.append(Block(para.start, para.end, "numbered", markers.heading_level[item.kind], line))
        elif short and len(line) >= 2:
            out.append(Block(para.start, para.end, "short", 4, line))
    return out


INLINE_HEADING_MAX = 40  # characters of a heading written inside a paragraph (一、2022年主要工作开展情况（一）…)


def _inline_headings(text: str, paragraphs: Blocks, markers: _Markers) -> list[Block]:
    """Headings written inside a paragraph, as pages that lost their line breaks have them: 一、 after a
    sentence end (level 1), （一） after a sentence end or right after such a heading (level 2).  The
    heading runs to its sentence end, the next marker or INLINE_HEADING_MAX characters."""
    out: list[Block] = []
    ends: set[int] = set()  # where the headings found so far end: a （一） right after one is a heading too
    for kind, level in (("dun_inline", 1), ("paren", 2), ("arabic_inline", 3)):
        pattern = markers.inline[kind]
        for m in pattern.finditer(text):
            s = m.start()
            para = paragraphs.at(s)
            if para is None or s == para.start:
                continue  # a marker opening its line is a heading of its own (see _headings)
            before = text[s - 1]
            after_heading = s in ends
            if before not in "。！？!?；;" and not before.isspace() and not after_heading:
                continue
            end = m.end()
            limit = min(para.end, end + INLINE_HEADING_MAX)
            while end < limit and text[end] not in "。！？!?；;" and not markers.inline["paren"].match(text, end):
                end += 1
            title = text[s:end]
            first = text[m.end()]  # 一、二、三等奖 and 1、2、3 are lists of numbers, not headings
            if end - m.end() < 4 or first in markers.numerals or (kind == "arabic_inline" and first.isdigit()):
                continue
            out.append(Block(s, end, "inline", level, title))
            ends.add(end)
    return sorted(out, key=lambda b: b.start)


def _sections(headings: Blocks, end: int) -> list[Block]:
    """A section runs from its heading to the next heading of the same or a higher level (smaller
    number): one pass with a stack of the sections still open."""
    out: list[Block] = []
    open_: list[Block] = []
    for h in headings:
        while open_ and open_[-1].level >= h.level:
            top = open_.pop()
            out.append(Block(top.start, h.start, top.kind, top.level, top.title))
        open_.append(h)
    out += [Block(h.start, end, h.kind, h.level, h.title) for h in open_]
    return out


def _stories(sections: Blocks, end: int, flash: bool = False) -> list[Block]:
    """A bulletin's items: the sections of every heading level the page itself marks at least
    STORY_HEADINGS_MIN times, each cut where a deeper such section starts (国内联播快讯 holds items
    headed by bold lines: each is a story, and the lead before them stays the outer story's); in a news
    flash (`flash`: its title says so) short unpunctuated lines head items too; the whole text when there
    is none."""
    marked: dict[int, list[Block]] = {}
    for section in sections:
        if section.kind == "marked" or (flash and section.kind == "short"):
            marked.setdefault(section.level, []).append(section)
    levels = sorted(level for level, items in marked.items() if len(items) >= STORY_HEADINGS_MIN)
    if not levels:
        return [Block(0, end, "document")]
    owners = Blocks([s for level in levels for s in marked[level]])  # they nest: the innermost holds
    cuts = sorted({0, end} | {b.start for b in owners} | {b.end for b in owners})
    stories: list[Block] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        owner = owners.at(a)
        if owner is None:
            stories.append(Block(a, b, "preamble"))
            continue
        last = stories[-1] if stories else None
        if last is not None and last.kind == "story" and last.title == owner.title and last.level == owner.level \
                and last.end == a:
            stories[-1] = Block(last.start, b, "story", owner.level, owner.title)  # the owner goes on
        else:
            stories.append(Block(a, b, "story", owner.level, owner.title))
    return stories


@functools.lru_cache(maxsize=8)
def _markers(kb: KnowledgeBase) -> _Markers:
    """The compiled markers of a knowledge base (built once per base, not per document)."""
    return _Markers(kb.lexicon["structure_words"])


def _is_flash(title: str | None, markers: _Markers) -> bool:
    return title is not None and any(w in title for w in markers.flash_titles)


def text_structure(text: str, kb: KnowledgeBase) -> DocStructure:
    """The structure of a bare text (no markup marks, no original to map back to)."""
    doc = Document(key="text", file="text", part=None, source=text, text=text,
                   offsets=OffsetMap.from_edits(len(text), []), meta=DocumentMeta(), content_hash="")
    return document_structure(doc, kb)


def document_structure(doc: Document, kb: KnowledgeBase) -> DocStructure:
    text = doc.text
    markers = _markers(kb)
    sentence_stops = _stops(text, SENTENCE_END)
    clause_stops = _stops(text, CLAUSE_END)
    paragraphs = Blocks(_paragraphs(text))
    list_items = Blocks(_list_items(text, paragraphs, markers))
    headings = Blocks(_headings(doc, paragraphs, list_items, markers) + _inline_headings(text, paragraphs, markers))
    sections = Blocks(_sections(headings, len(text)))
    return DocStructure(
        paragraphs=paragraphs,
        headings=headings,
        sections=sections,
        list_items=list_items,
        protected=Blocks(_protected(text)),
        stories=Blocks(_stories(sections, len(text), flash=_is_flash(doc.meta.title, markers))),
        sentence_stops=tuple(sentence_stops),
        clause_stops=tuple(clause_stops),
        text=text,
    )
