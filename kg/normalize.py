"""Normalise stage: SourceText -> Document.

Every cleaning step is a list of edits on the previous step's text, so the final Simplified text keeps
a map back to the original: a quote can always be cut from the original (Traditional stays
Traditional, ruby artefacts stay in) by character offsets.

Steps: front matter -> HTML / Markdown markup -> pinyin ruby artefacts -> full-width digits and
Traditional -> Simplified -> page chrome and header lines (which feed the metadata).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

from kg.fingerprint import content_hash
from kg.matcher import CharMap
from kg.model import Document, DocumentMeta, OffsetMap, SourceText

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

# Variants that OpenCC leaves alone (measured: both OpenCC builds keep 陜 U+965C, so 陜西 != 陕西).
VARIANTS = str.maketrans({"陜": "陕", "峯": "峰", "綫": "线", "着": "着", "裏": "里", "衆": "众", "爲": "为"})
FULLWIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": ".", "（": "(", "）": ")", "\u3000": " ",
     "\xa0": " ", **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}})
_TO_VARIANTS, _TO_HALFWIDTH = CharMap(VARIANTS), CharMap(FULLWIDTH)  # whole-text versions of the tables


@cache
def _converter():  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _TO_VARIANTS(_converter().convert(text))


def _t2s_edits(text: str) -> list[Edit]:
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
            # one edit per changed character keeps the map one to one
            edits.extend((pos + i, pos + i + 1, b) for i, (a, b) in enumerate(zip(line, conv, strict=True))
                         if a != b)
        pos += len(line) + 1
    return edits


_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")


def han_count(text: str) -> int:
    return len(_NOT_HAN.sub("", text))


SCRIPT_SAMPLE = 20000  # characters looked at to tell Traditional from Simplified


def detect_script(text: str, t2s_edits: list[Edit]) -> str:
    """zh-Hant when converting to Simplified changed more than 1 in 50 Han characters of the sample."""
    changed = sum(1 for start, _, _ in t2s_edits if start < SCRIPT_SAMPLE)
    return "zh-Hant" if changed > max(3, han_count(text[:SCRIPT_SAMPLE]) // 50) else "zh-Hans"


# --- front matter, HTML, Markdown ----------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_DROP_ELEMENTS = re.compile(
    r"<(script|style|noscript|nav|header|footer|aside|head|iframe|form|select|button|svg)\b.*?</\1\s*>|<!--.*?-->",
    re.S | re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<!DOCTYPE[^>]*>", re.S)
_BLOCK_TAGS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
               "article", "main", "blockquote", "dd", "dt", "hr", "td", "th", "title", "body", "html"}
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_HTML_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(((?:https?:)?//[^)\s]+)\)")
_MD_MARK = re.compile(r"^(#{1,6}[ \t]+|>[ \t]?|[*-][ \t]+(?=\S))|\*\*|__", re.M)


def _front_matter(text: str, meta: dict[str, str], notes: list[str]) -> list[Edit]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return []
    import yaml  # imported on first use: a no-op build never parses front matter

    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        notes.append(f"front matter is not valid YAML ({str(exc).splitlines()[0]}); ignored")
        data = None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (list, tuple)):
                value = ",".join(str(v) for v in value)
            if value is not None:
                meta.setdefault(str(key), str(value))
    return [(0, match.end(), "")]


def _markup_edits(text: str, meta: dict[str, str]) -> list[Edit]:
    """Remove HTML elements that are never body text, tags (block tags become line breaks) and
    entities; Markdown links keep their text and give their URL to the metadata."""
    edits: list[Edit] = []
    if "<" in text:
        # the page's own heading first: <title> usually carries the site name too (标题_某某政府网)
        heading = _HTML_H1.search(text)
        title = heading or _HTML_TITLE.search(text)
        if title and "html_title" not in meta:
            value = html.unescape(_TAG.sub("", title.group(1))).strip()
            if heading is None:
                value = re.split(r"\s*(?:_|\s[-|｜—]\s|｜)\s*", value)[0]
            meta["html_title"] = value
        dropped = bytearray(len(text) + 1)  # inside a removed element (linear, however many there are)
        for m in _DROP_ELEMENTS.finditer(text):
            edits.append((m.start(), m.end(), "\n"))
            dropped[m.start():m.end()] = b"\x01" * (m.end() - m.start())

        def inside(pos: int) -> bool:
            return bool(dropped[pos])

        for m in _TAG.finditer(text):
            if inside(m.start()):
                continue
            name = (m.group(2) or "").lower()
            edits.append((m.start(), m.end(), "\n" if name in _BLOCK_TAGS else ""))
        for m in _ENTITY.finditer(text):
            if inside(m.start()):
                continue
            value = html.unescape(m.group(0))
            if value != m.group(0):
                edits.append((m.start(), m.end(), value.replace("\xa0", " ")))
    for m in _MD_LINK.finditer(text):
        if "原文" in m.group(1):
            meta.setdefault("md_link", m.group(2))
        edits.append((m.start(), m.start() + 1, ""))
        edits.append((m.end(1), m.end(), ""))
    for m in _MD_MARK.finditer(text):
        edits.append((m.start(), m.end(), ""))
    return _non_overlapping(edits)


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


def _ruby_edits(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), "") for m in _RUBY.finditer(text)]
    edits += [(m.start(), m.end(), "") for m in _RUBY_DAMAGED.finditer(text)]
    return _non_overlapping(edits)


def remove_ruby(text: str) -> str:
    """Plain-string form of the ruby clean-up (used by tests and callers without offsets)."""
    return _Stage(text).apply(_ruby_edits(text)).text


# --- page chrome and header fields ------------------------------------------------------------------

_CHROME_LINE = re.compile(
    r"^\s*(?:[•·▪●\-*]\s*)?(?:"
    r"欢迎(?:访问|光临|来到).{0,40}|您(?:的|现在的|当前)?(?:位置|所在位置)[:：].*|当前位置[:：].*|首页\s*[>»/].*"
    r"|.*(?:[>»]\s*){2,}.*(?:首页|正文|详情|栏目).*|.*首页\s*>.*"
    r"|(?:点击|浏览|阅读|访问)(?:次数|量|数)?[:：]?\s*\d*\s*(?:次)?"
    r"|上一篇[:：]?.*|下一篇[:：]?.*|相关(?:新闻|阅读|链接|文章)[:：]?"
    r"|.*扫一扫.*|.*分享到[:：]?.*|.*(?:微信|微博)(?:扫一扫|分享|公众号).*|(?:【\s*)?字号[:：]?.*|加大|还原|减小|[】】]"
    r"|打印(?:本页|此页)?|关闭(?:窗口|本页)?|收藏(?:本页)?|下载|全屏|返回(?:顶部|首页)?|分享"
    r"|本(?:新闻|文|页)共\s*\d+\s*页.*|.*当前在第\s*\d+\s*页.*|第?\s*\d+\s*/\s*\d+\s*页"
    r"|[(（]?\s*(?:责任编辑|编辑|责编|审核|校对|审校|作者|记者|通讯员|供稿|来稿|摄影|图)\s*[:：].{0,40}"
    r"|(?:\[?返回[^\]]{0,20}\]?\s*[|｜]?\s*)+"
    r"|.*(?:版权所有|Copyright|©|ICP备|公网安备|免责声明|技术支持[:：]|主办单位[:：]|承办单位[:：]|网站标识码).*"
    r"|.*(?:联系电话|咨询电话|电话|传真|邮编|电子邮箱|E-?mail)[:：]\s*[\d\-—()（）\s,，、]{5,}.*"
    r"|(?:地址)[:：].{0,60}"
    r"|查看原文|原文链接[:：]?\s*(?:https?://\S+)?|(?:图片|视频)来源[:：].{0,30}"
    r")\s*$", re.I)
_DATE = r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
_DATE_RE = re.compile(_DATE)
_FIELD = re.compile(
    r"(?P<key>标题|题目|文章来源|稿件来源|发布时间|发布日期|发文日期|成文日期|时间|日期|来源|来源单位|发布机构|发布单位|发文机关|信息来源|原文链接|链接)"
    r"\s*[:：]\s*(?P<value>.*?)\s*(?=(?:标题|发布时间|发布日期|时间|日期|来源|发布机构|发布单位|信息来源|作者|编辑|点击|浏览|字号"
    r"|浏览次数|点击数|点击量|阅读数|阅读量|访问量|访问次数"
    r"|原文链接)\s*[:：]|$)")
_COUNTER = re.compile(r"(?:浏览次数|点击数|点击量|阅读数|阅读量|访问量|访问次数|浏览|点击|阅读)\s*[:：]?\s*\d*\s*次?")
_LEADING_DATETIME = re.compile(rf"^\s*(?:[•·]\s*)?{_DATE}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?")
_HEADER_ZONE_LINES = 15
# "凉山州财政局 2023年4月20日": an issuing body and a date alone on a line (notices, letters)
_ORG_DATE = re.compile(rf"^(?P<org>[\u4e00-\u9fff（）()·]{{2,30}}?)[\s,，]*(?P<date>{_DATE})\s*$")


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


def _header_fields(line: str) -> dict[str, str] | None:
    """Header fields of a short line near the top (时间/来源/发布机构 …), or None if it is body text."""
    if len(line) > 160:
        return None
    fields: dict[str, str] = {}
    org = _ORG_DATE.match(line)
    if org and not _FIELD.search(line):
        return {"发布机构": org.group("org"), "时间": org.group("date")}
    m = _LEADING_DATETIME.match(line)
    rest = line
    if m:
        fields["时间"] = m.group(0).strip(" •·")
        rest = line[m.end():]
    found = False
    for f in _FIELD.finditer(rest):
        found = True
        value = f.group("value").strip(" |｜·•()（）[]【】")
        if value:
            fields.setdefault(f.group("key"), value)
    stripped = _COUNTER.sub("", _FIELD.sub("", rest)).strip(" |｜·•\t()（）")
    if (found or m) and len(stripped) <= 8:
        return fields
    return None


def _chrome_and_header(text: str, meta: dict[str, str]) -> tuple[list[Edit], list[str], int | None]:
    """Edits that drop chrome lines and header lines; returns the kept lines' first non-empty index of
    the header (for the title heuristic)."""
    edits: list[Edit] = []
    lines = text.split("\n")
    header_at: int | None = None
    pos = 0
    kept: list[str] = []
    nonempty_seen = 0
    for line in lines:
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        nonempty_seen += 1
        fields = _header_fields(stripped) if nonempty_seen <= _HEADER_ZONE_LINES or len(stripped) <= 40 else None
        if fields is not None:
            for key, value in fields.items():
                meta.setdefault("hdr:" + key, value)
            if header_at is None:
                header_at = len(kept)
            edits.append((start, end, ""))
            kept.append("")
            continue
        if _CHROME_LINE.match(stripped):
            edits.append((start, end, ""))
            kept.append("")
            continue
        kept.append(stripped)
    return edits, kept, header_at


# --- metadata -----------------------------------------------------------------------------------------

_META_KEYS = {
    "title": ("title", "标题", "题目", "hdr:标题", "hdr:题目", "video_title", "headline"),
    "date": ("date", "publish_date", "pub_date", "pubtime", "published", "publish_time", "发布时间", "hdr:发布时间",
             "hdr:发布日期", "hdr:发文日期", "hdr:成文日期", "hdr:时间", "hdr:日期", "时间", "日期"),
    "publisher": ("publisher", "source", "来源", "发布机构", "hdr:发布机构", "hdr:发布单位", "hdr:发文机关",
                  "hdr:来源", "hdr:文章来源", "hdr:稿件来源", "hdr:来源单位", "hdr:信息来源", "media", "author_org"),
    "url": ("url", "source_url", "link", "原文链接", "hdr:原文链接", "hdr:链接", "video_url", "permalink", "md_link"),
}
_OUTLET_TAG = re.compile(r"^(.{2,12}?(?:网|报|台|社|电视台))新闻$")
_TITLE_NOISE = re.compile(r"^\s*\[(?:视频|图文|组图)\]\s*")


def _pick(meta: dict[str, str], field: str) -> str | None:
    lowered = {k.lower(): v for k, v in meta.items()}
    for key in _META_KEYS[field]:
        value = lowered.get(key.lower())
        if value and value.strip():
            return value.strip()
    return None


def _publisher(meta: dict[str, str]) -> str | None:
    value = _pick(meta, "publisher")
    if value is None:
        for tag in re.split(r"[,，\s]+", meta.get("tags", "")):
            m = _OUTLET_TAG.match(tag)
            if m:
                return m.group(1)
        return None
    value = re.sub(r"^(?:来源|來源)[:：]\s*", "", value)
    # "各界新闻网—各界导报": a web portal carrying a paper; the outlet is the last named part
    parts = [p.strip() for p in re.split(r"\s*[—–|｜/]+\s*|\s+-\s+", value) if p.strip()]
    return parts[-1] if parts else None


def _title(kept: list[str], header_at: int | None, meta: dict[str, str]) -> str | None:
    explicit = _pick(meta, "title") or meta.get("html_title")
    if explicit:
        return _TITLE_NOISE.sub("", explicit).strip() or None
    if header_at is None:
        return None
    for line in kept[:header_at]:
        if line and len(line) <= 80 and not line.endswith(("。", "！", "？", ";", "；")):
            return line
    return None


# --- main entry ------------------------------------------------------------------------------------------


def normalise(source: SourceText) -> Document:
    """Clean one SourceText into a Document (Simplified text + map to the original + metadata)."""
    original = source.text
    meta: dict[str, str] = dict(source.metadata)
    notes: list[str] = []
    stage = _Stage(original)
    stage = stage.apply(_front_matter(stage.text, meta, notes))
    stage = stage.apply(_markup_edits(stage.text, meta))
    stage = stage.apply(_ruby_edits(stage.text))
    t2s = _t2s_edits(stage.text)
    script = detect_script(stage.text, t2s)
    stage = stage.apply(t2s)
    meta = {k: (to_simplified(v) if isinstance(v, str) else v) for k, v in meta.items()}
    chrome, kept, header_at = _chrome_and_header(stage.text, meta)
    stage = stage.apply(chrome)
    stage = stage.apply(_blank_line_edits(stage.text))
    title = _title(kept, header_at, meta)
    publisher = _publisher(meta)
    date = iso_date(_pick(meta, "date"))
    url = _pick(meta, "url")
    extra = {k: v for k, v in meta.items() if isinstance(v, str) and len(v) <= 500}
    if notes:
        extra["notes"] = "; ".join(notes)
    digest = content_hash(source.key, original)
    return Document(
        key=source.key,
        file=source.file,
        part=source.part,
        source=original,
        text=stage.text,
        offsets=stage.map or OffsetMap.from_edits(len(original), []),
        meta=DocumentMeta(title=title, date=date, publisher=publisher, url=url, script=script, extra=extra),
        content_hash=digest,
    )


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
