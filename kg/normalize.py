"""Normalise stage: SourceText -> Document.

Every cleaning step is a list of edits on the previous step's text, so the final Simplified text keeps
a map back to the original: a quote can always be cut from the original (Traditional stays
Traditional, ruby artefacts stay in) by character offsets.

Steps: front matter -> HTML / Markdown markup -> pinyin ruby artefacts -> full-width digits and
Traditional -> Simplified -> page chrome and header lines (which feed the metadata).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from kg.chrome import chrome_finder
from kg.fingerprint import content_hash
from kg.knowledge import KnowledgeBase, WordLists
from kg.markup import html_edits, markdown_edits
from kg.matcher import CharMap
from kg.model import Document, DocumentMeta, OffsetMap, Removal, SourceText

Edit = tuple[int, int, str]


@dataclass(frozen=True)
class _Stage:
    text: str
    map: OffsetMap | None = None

    def apply(self, edits: list[Edit]) -> _Stage:
        if not edits:
            return self
        edits = sorted(edits)
        parts: list[str] = []
        pos = 0
        kept: list[Edit] = []
        for start, end, repl in edits:
            if start < pos:
                continue
            parts.append(self.text[pos:start])
            parts.append(repl)
            kept.append((start, end, repl))
            pos = end
        parts.append(self.text[pos:])
        return _Stage("".join(parts), OffsetMap.from_edits(len(self.text), kept, parent=self.map))


# --- Traditional -> Simplified ------------------------------------------------------------------------

FULLWIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": ".", "（": "(", "）": ")", "\u3000": " ",
     "\xa0": " ", **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}})
_TO_HALFWIDTH = CharMap(FULLWIDTH)  # the whole-text version of the table


@cache
def _converter():  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


class Simplifier:
    """Traditional -> Simplified: official OpenCC, then the variant characters it leaves alone
    (kg/data/variants.tsv: 陜 -> 陕)."""

    def __init__(self, variants: dict[str, str]) -> None:
        self.variants = CharMap({ord(a): b for a, b in variants.items()})

    def __call__(self, text: str) -> str:
        return self.variants(_converter().convert(text))


@lru_cache(maxsize=8)
def simplifier(kb: KnowledgeBase) -> Simplifier:
    return Simplifier(kb.lexicon["variants"].pairs("variant"))


def to_simplified(text: str, kb: KnowledgeBase) -> str:
    """`text` in Simplified characters, as extraction reads it."""
    return simplifier(kb)(text)


def _t2s_edits(text: str, to_simplified: Simplifier) -> list[Edit]:
    """OpenCC converts phrases, which can change length; a line whose length changes falls back to
    character-by-character conversion, so offsets stay exact.  The text is converted in one call (no
    phrase spans a line break) and only lines that differ are compared character by character."""
    lines = text.split("\n")
    converted = to_simplified(_TO_HALFWIDTH(text)).split("\n")
    if len(converted) != len(lines):  # not expected: convert line by line instead
        converted = [to_simplified(line.translate(FULLWIDTH)) for line in lines]
    edits: list[Edit] = []
    pos = 0
    for line, conv in zip(lines, converted, strict=True):
        if conv != line:
            if len(conv) != len(line):
                conv = "".join(to_simplified(c.translate(FULLWIDTH)) if len(to_simplified(c)) == 1 else c
                               for c in line)
            edits.extend(_char_edits(line, conv, pos))
        pos += len(line) + 1
    return edits


_CHUNK = 32  # characters compared at once by _char_edits


def _char_edits(line: str, conv: str, pos: int) -> Iterator[Edit]:
    """One edit per changed character of two strings of one length (keeps the map one to one).  Most
    lines change in a few characters (a full-width bracket): equal chunks are skipped by one string
    comparison instead of a Python step per character."""
    if len(line) != len(conv):
        raise ValueError("a line converted character by character changed its length")
    for at in range(0, len(line), _CHUNK):
        if line[at:at + _CHUNK] != conv[at:at + _CHUNK]:
            for i in range(at, min(at + _CHUNK, len(line))):
                if line[i] != conv[i]:
                    yield pos + i, pos + i + 1, conv[i]


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")

SCRIPT_SAMPLE = 20000  # characters looked at to tell Traditional from Simplified


def detect_script(text: str, t2s_edits: list[Edit]) -> str:
    """zh-Hant when converting to Simplified changed more than 3 and more than 1 in 50 Han characters of
    the sample.  The Han characters are counted only until there are 50 per change: a Simplified page
    decides within its first lines (counting all of a 20,000-character sample was 1.3 % of extraction)."""
    changed = sum(1 for start, _, _ in t2s_edits if start < SCRIPT_SAMPLE)
    if changed <= 3:
        return "zh-Hans"
    enough = 50 * changed  # han // 50 < changed  <=>  han < 50 * changed
    han = 0
    for m in _HAN_RUN.finditer(text, 0, SCRIPT_SAMPLE):
        han += m.end() - m.start()
        if han >= enough:
            return "zh-Hans"
    return "zh-Hant"


# --- front matter, HTML, Markdown ----------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
def _yaml_without_aliases():  # noqa: ANN202 - a PyYAML loader class, built on first use
    """A safe YAML loader that refuses aliases: `&a [*b, *b …]` chains expand exponentially
    (eight levels took 11 s), and front matter never needs them."""
    import yaml  # imported on first use: a no-op build never parses front matter

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: ANN001, ANN202 - PyYAML's signature
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, "uses a YAML alias (not allowed in front matter)",
                                                  event.start_mark)
            return super().compose_node(parent, index)

    return NoAliasLoader


def _front_matter(text: str, meta: dict[str, str], notes: list[str]) -> list[Edit]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return []
    import yaml

    try:
        data = yaml.load(match.group(1), Loader=_yaml_without_aliases())  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        notes.append(f"front matter is not valid YAML ({' '.join(str(exc).split())[:160]}); ignored")
        data = None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (list, tuple)):
                value = ",".join(str(v) for v in value)
            if value is not None:
                meta.setdefault(str(key), str(value))
    return [(0, match.end(), "")]


def _markup_edits(text: str, meta: dict[str, str], headings: list[tuple[int, int, int]]) -> list[Edit]:
    """HTML markup (when the text has tags) and Markdown marks, as non-overlapping edits; the headings
    the markup marks go to `headings` (offsets in `text`)."""
    edits = html_edits(text, meta, headings) if "<" in text else []
    return _non_overlapping(edits + markdown_edits(text, meta, headings))


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    end = -1
    for edit in sorted(edits, key=lambda e: (e[0], -e[1])):
        if edit[0] >= end:
            out.append(edit)
            end = max(edit[1], edit[0] + 1) if edit[1] == edit[0] else edit[1]
    return out


# --- pinyin ruby artefacts ---------------------------------------------------------------------------

_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# a Han character followed by "(syllable)" with a tone mark: 網(wǎng) -> 網 ; real parentheses such as
# (2022—2025年) or (社区) have no toned Latin syllable and are never touched.
_RUBY = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü{_TONE}]{{0,5}}[{_TONE}][a-zü{_TONE}]{{0,5}}[)）]")
# damaged spots where the Han character and the "(" were lost: "?xùn)"
_RUBY_DAMAGED = re.compile(rf"[?？][a-zü{_TONE}]{{0,5}}[{_TONE}][a-zü{_TONE}]{{0,5}}[)）]")


_TONE_MARK = re.compile(f"[{_TONE}]")


def _ruby_edits(text: str) -> list[Edit]:
    if _TONE_MARK.search(text) is None:  # both patterns need a tone mark; most pages have none
        return []
    edits = [(m.start(), m.end(), "") for m in _RUBY.finditer(text)]
    edits += [(m.start(), m.end(), "") for m in _RUBY_DAMAGED.finditer(text)]
    return _non_overlapping(edits)


def remove_ruby(text: str) -> str:
    """Plain-string form of the ruby clean-up (used by tests and callers without offsets)."""
    return _Stage(text).apply(_ruby_edits(text)).text


# --- page chrome and header fields ------------------------------------------------------------------

_DATE = r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
_DATE_RE = re.compile(_DATE)


def iso_date(value: str | None) -> str | None:
    if not value:
        return None
    m = _DATE_RE.search(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _chrome_edits(text: str, removals: list[Removal], meta: dict[str, str]
                  ) -> tuple[list[Edit], list[Removal], list[str], int | None]:
    """Edits that cut the chrome spans out of `text`, the spans they cut, what is left of each line
    (for the title heuristic) and the index of the first line that held a header field.

    A span inside a line becomes a line break, so what stood on either side of a widget stays apart; a
    whole line becomes empty.  Spans that carry a header field feed `meta` (hdr:时间, hdr:来源 …)."""
    edits: list[Edit] = []
    cut: list[Removal] = []
    fields: list[int] = []
    reach = -1
    for r in sorted(removals, key=lambda r: (r.start, -r.end)):
        if r.field is not None:
            if r.value:
                meta.setdefault("hdr:" + r.field, r.value)
            fields.append(r.start)
        if r.end <= r.start or r.start < reach:
            continue
        reach = r.end
        whole = (r.start == 0 or text[r.start - 1] == "\n") and (r.end == len(text) or text[r.end] == "\n")
        edits.append((r.start, r.end, "" if whole else "\n"))
        cut.append(r)
    kept: list[str] = []
    header_at: int | None = None
    first_field = min(fields) if fields else None
    pos = 0
    i = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if header_at is None and first_field is not None and first_field <= end:
            header_at = len(kept)
        pieces, at = [], start
        while i < len(edits) and edits[i][0] < end:
            s, e, _ = edits[i]
            pieces.append(text[at:max(at, s)])
            at = max(at, min(e, end))
            if e > end:
                break
            i += 1
        pieces.append(text[at:end])
        kept.append("".join(pieces).strip())
    return edits, cut, kept, header_at


# --- metadata -----------------------------------------------------------------------------------------

def _pick(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): v for k, v in meta.items()}
    for key in keys:
        value = lowered.get(key.lower())
        if value and value.strip():
            return value.strip()
    return None


def _publisher(meta: dict[str, str], words: WordLists) -> str | None:
    value = _pick(meta, words["publisher"])
    if value is None:
        outlet = re.compile(rf"^(.{{2,12}}?(?:{'|'.join(map(re.escape, words['outlet_suffix']))}))新闻$")
        for tag in re.split(r"[,，\s]+", meta.get("tags", "")):
            m = outlet.match(tag)
            if m:
                return m.group(1)
        return None
    value = re.sub(r"^(?:来源|來源)[:：]\s*", "", value)
    # "各界新闻网—各界导报": a web portal carrying a paper; the outlet is the last named part
    parts = [p.strip() for p in re.split(r"\s*[—–|｜/]+\s*|\s+-\s+", value) if p.strip()]
    return parts[-1] if parts else None


_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


def _compact_date(value: str | None) -> str | None:
    """A date written as YYYYMMDD (20230213) in a title, file name or URL."""
    m = _COMPACT_DATE.search(value or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def _title(kept: list[str], header_at: int | None, meta: dict[str, str], words: WordLists) -> str | None:
    explicit = _pick(meta, words["title"]) or meta.get("html_title") or meta.get("md_heading")
    if explicit:
        noise = re.compile(rf"^\s*\[(?:{'|'.join(map(re.escape, words['title_noise']))})\]\s*")
        return noise.sub("", explicit).strip() or None
    if header_at is None:
        return None
    for line in kept[:header_at]:
        if line and len(line) <= 80 and not line.endswith(("。", "！", "？", ";", "；")):
            return line
    return None


# --- main entry ------------------------------------------------------------------------------------------


def normalise(source: SourceText, kb: KnowledgeBase) -> Document:
    """Clean one SourceText into a Document (Simplified text + map to the original + metadata)."""
    simplify = simplifier(kb)
    original = source.text
    meta: dict[str, str] = dict(source.metadata)
    notes: list[str] = []
    stage = _Stage(original)
    stage = stage.apply(_front_matter(stage.text, meta, notes))
    marked: list[tuple[int, int, int]] = []
    before_markup = stage.map
    marked_text = stage.text
    stage = stage.apply(_markup_edits(stage.text, meta, marked))
    top = next((marked_text[s:e].strip() for s, e, level in sorted(marked, key=lambda m: (m[2], m[0])) if level == 1),
               None)
    if top and "md_heading" not in meta:
        meta["md_heading"] = top  # the page's own first heading: its title when nothing else names one
    headings = tuple(sorted(_source_range(before_markup, start, end) + (level,) for start, end, level in marked))
    stage = stage.apply(_ruby_edits(stage.text))
    t2s = _t2s_edits(stage.text, simplify)
    script = detect_script(stage.text, t2s)
    stage = stage.apply(t2s)
    meta = {k: (simplify(v) if isinstance(v, str) and not v.isascii() else v) for k, v in meta.items()}
    edits, chrome, kept, header_at = _chrome_edits(stage.text, chrome_finder(kb).find(stage.text), meta)
    chrome = tuple(_in_source(stage.map, r) for r in chrome)
    stage = stage.apply(edits)
    stage = stage.apply(_blank_line_edits(stage.text))
    fields = kb.lexicon["metadata"]
    title = _title(kept, header_at, meta, fields)
    publisher = _publisher(meta, fields)
    date = iso_date(_pick(meta, fields["date"]))
    url = _pick(meta, fields["url"])
    if date is None:  # a bulletin dates itself in its heading, its file name or its URL: 《新闻联播》 (20230213)
        date = next(filter(None, (_compact_date(v) for v in (title, source.file, url))), None)
    extra = {k: v for k, v in meta.items() if isinstance(v, str) and len(v) <= 500}
    if notes:
        extra["notes"] = "; ".join(notes)
    digest = content_hash(source.key, original, source.metadata)
    return Document(
        key=source.key,
        file=source.file,
        part=source.part,
        source=original,
        text=stage.text,
        offsets=stage.map or OffsetMap.from_edits(len(original), []),
        meta=DocumentMeta(title=title, date=date, publisher=publisher, url=url, script=script, extra=extra),
        content_hash=digest,
        chrome=chrome,
        headings=headings,
    )


def _source_range(offsets: OffsetMap | None, start: int, end: int) -> tuple[int, int]:
    if offsets is None:
        return start, end
    return offsets.to_source(start), offsets.to_source(end, is_end=True)


def _in_source(offsets: OffsetMap | None, r: Removal) -> Removal:
    """A removal with its offsets in the original text."""
    if offsets is None:
        return r
    return replace(r, start=offsets.to_source(r.start), end=offsets.to_source(r.end, is_end=True))


def _blank_line_edits(text: str) -> list[Edit]:
    """Collapse runs of blank lines and strip leading indentation so paragraphs are easy to split."""
    edits: list[Edit] = []
    for m in re.finditer(r"\n[ \t]*(?:\n[ \t]*)+", text):
        edits.append((m.start(), m.end(), "\n\n"))
    for m in re.finditer(r"(?m)^[ \t]+", text):
        edits.append((m.start(), m.end(), ""))
    if text.startswith(("\n",)):
        edits.append((0, len(text) - len(text.lstrip("\n")), ""))
    return _non_overlapping(edits)
