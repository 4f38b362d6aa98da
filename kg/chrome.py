"""Page chrome as spans: what a web page wraps around an article, found without touching the article.

Scraped pages put widgets, breadcrumbs, counters, credits, header fields and footers on the lines of the
article itself (the whole page may be one line).  Removing whole lines that hold a chrome word loses the
body beside it, so this module finds *spans*: each starts with a label from kg/data/chrome.tsv at a token
start (line start, a blank, an opening bracket or a sentence end) and runs only as far as its kind
allows (a breadcrumb path, a list of share targets, one to six personal names, a date …).  A line is
dropped whole only when nothing but chrome and separators is left of it.

Every scan here is linear in the line: labels are found by one Aho-Corasick pass, values are read by
bounded loops over character classes, and no regular expression can backtrack over more than a few
dozen characters.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from kg.knowledge import KnowledgeBase, WordLists
from kg.matcher import WordMatcher
from kg.model import Removal

BLANKS = " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
OPENING = "【[(（〔"
CLOSING = "】])）〕"
SEPARATORS = "|｜·•>»/›→▪●◆"
SENTENCE_END = "。！？!?；;"
COLONS = ":："
# characters that are nothing but layout: a line left with only these is chrome
LAYOUT = frozenset(BLANKS + OPENING + CLOSING + SEPARATORS + "-—–_=*~#<>,，、\u200b\ufeff")
TOKEN_BEFORE = frozenset(BLANKS + OPENING + SEPARATORS + SENTENCE_END)
# kinds whose value has a strict shape (a number and 页, names, a phone number) may follow a comma too
STRICT_KINDS = frozenset({"pagination", "counter", "credit", "contact_phone", "contact_postcode", "contact_email",
                          "field_date", "share_label", "share_target"})
VALUE_MAX = 60  # characters of a field value; longer is prose, not a field
PATH_SEGMENT_MAX = 30
TITLE_MAX = 120
DIVIDER_MAX = 200  # a divider line (===== 正文 =====) is short
PREFIX_MAX = 4  # characters of a place abbreviation before a prefixed footer label (甘ICP备)
NAME_CHARS = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:时]\s*\d{2}(?:\s*[:分]\s*(?:\d{2}\s*秒?)?)?)?")
_DIVIDER = re.compile(r"\s*([=\-*_—─~#])\1{2,}\s*[^=\-*_—─~#\s]{0,10}\s*(?:\1{3,})?\s*")
HEADER_ZONE_LINES = 15  # lines at the top of a page that may hold its header fields
_ORG_DATE = re.compile(r"(?P<org>[\u4e00-\u9fff（）()·]{2,30}?)[\s,，]*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,4}")
_URL = re.compile(r"https?://[^\s<>\"'，。]{1,500}")


# kinds whose label opens a span at a token start, in the order they are tried for a shared label
LABEL_KINDS = ("footer_prefixed", "field_title", "field_line", "fontsize", "breadcrumb_label", "breadcrumb_start", "share_label", "share_target", "scan_phrase", "counter",
               "pagination", "credit", "field_date", "field_text", "footer", "contact_phone", "contact_postcode",
               "contact_email", "contact_address", "disclaimer", "welcome", "related", "prev_next",
               "media_source")


class ChromeFinder:
    """Finds chrome spans in a text, line by line (see the module docstring)."""

    def __init__(self, words: WordLists) -> None:
        self.words = words
        labels: dict[str, list[str]] = {}
        for kind in LABEL_KINDS:
            for word in words[kind]:
                labels.setdefault(word, []).append(kind)
        self._kinds = {w: tuple(k) for w, k in labels.items()}
        self._labels = WordMatcher({w: w for w in labels})
        self._targets = sorted(words["share_target"], key=len, reverse=True)
        self._nav = frozenset(words["nav"])
        self._prefixed = frozenset(words["footer_prefixed"])
        self._nav_prefixes = words["nav_prefix"]
        self._separators = tuple(sorted(words["breadcrumb_separator"], key=len, reverse=True))
        self._welcome_objects = words["welcome_object"]
        self._field_labels = sorted(words["field_text"] + words["field_date"] + words["field_line"]
                                    + words["field_title"], key=len, reverse=True)
        self._prev_next = words["prev_next"]
        self._sizes = sorted(words["fontsize_word"], key=len, reverse=True)


    # --- the whole text ---------------------------------------------------------------------------
    def find(self, text: str) -> list[Removal]:
        """Chrome spans of `text` in text order; a line with nothing else left is one removal of the
        whole line.  Spans that carry a header field (field, value) are listed too, inside it."""
        labels_at: dict[int, list[str]] = {}
        for start, _end, word in self._labels.find(text):
            labels_at.setdefault(start, []).append(word)
        label_starts = sorted(labels_at)
        out: list[Removal] = []
        header_zone = True
        seen_lines = 0
        pending: Removal | None = None  # a field label that ended its line: its value may be the next line
        pos = 0
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            if not line.strip():
                continue
            seen_lines += 1
            if pending is not None:
                label, pending = pending, None
                value = self._value_line(label, line)
                if value is not None:
                    out += [Removal(start, start + len(line), "header"),
                            Removal(start, start + len(line), label.kind, label.field, value)]
                    continue
            lo, hi = bisect.bisect_left(label_starts, start), bisect.bisect_left(label_starts, start + len(line))
            spans = self._line_spans(line, start, label_starts[lo:hi], labels_at)
            removed = self._whole_line(line, start, spans, header_zone)
            last = spans[-1] if spans else None
            if last is not None and last.field is not None and not last.value and \
                    _skip(line, last.end - start, BLANKS) == len(line):
                pending = last  # 来源：⏎ 宁夏日报客户端
            if removed is not None:
                out.extend(removed)
                continue
            out.extend(spans)
            if header_zone and (seen_lines >= HEADER_ZONE_LINES or self._is_prose(line, spans)):
                header_zone = False
        return out

    def _value_line(self, label: Removal, line: str) -> str | None:
        """The line as the value of a field whose label ended the line before, or None."""
        value = line.strip(BLANKS)
        if label.kind == "field_date":
            return value if _DATE.fullmatch(value) else None
        if label.kind == "credit":
            names = re.fullmatch(r"[\u4e00-\u9fff·]{2,4}(?:[ 、，,]+[\u4e00-\u9fff·]{2,4}){0,5}", value)
            return value if names else None
        if label.kind in ("field_title", "field_line"):
            return value if len(value) <= TITLE_MAX else None
        read = self._field_value(value, 0, digits=False)
        return value if read is not None and read[0] == len(value) and value else None

    @staticmethod
    def _is_prose(line: str, spans: list[Removal]) -> bool:
        kept = len(line) - sum(s.end - s.start for s in spans)
        return kept >= 30 and any(c in line for c in "。，,；")

    def _whole_line(self, line: str, start: int, spans: list[Removal], header_zone: bool) -> list[Removal] | None:
        """The line as one removal (followed by the field spans inside it) when nothing of it is body,
        else None."""
        end = start + len(line)
        fields = [s for s in spans if s.field is not None]
        if len(line) <= DIVIDER_MAX and _DIVIDER.fullmatch(line):
            return [Removal(start, end, "divider")]
        rest = _remainder(line, start, spans)
        paged = any(s.kind == "pagination" for s in spans)  # 共4页 01020304: the page links go too
        if all(c in LAYOUT or (paged and c.isdigit()) for c in rest):
            kind = next((s.kind for s in spans if s.kind != "nav"), spans[0].kind if spans else "layout")
            return [Removal(start, end, kind), *fields]
        stripped = rest.strip(BLANKS + "•·▪●")
        if (header_zone or len(line) <= 40) and _DATE.fullmatch(stripped):
            return [Removal(start, end, "header"), Removal(start, end, "header", "时间", stripped), *fields]
        if spans:
            return None
        if len(line) <= 40:
            m = _ORG_DATE.fullmatch(line.strip())
            if m:  # 凉山州财政局 2023年4月20日: an issuing body and a date alone on a line
                return [Removal(start, end, "header"), Removal(start, end, "header", "发布机构", m.group("org")),
                        Removal(start, end, "header", "时间", m.group("date"))]
        return None

    # --- one line -------------------------------------------------------------------------------------
    def _line_spans(self, line: str, offset: int, starts: list[int], labels_at: dict[int, list[str]]
                    ) -> list[Removal]:
        """Spans of one line (starting at `offset` in the text); `starts` are the label positions in it."""
        spans: list[Removal] = []
        cursor = 0
        for at in starts:
            i = at - offset
            if i < cursor:
                continue
            after_comma = i > 0 and line[i - 1] in "，,"
            words = labels_at[at]
            if any(w in self._prefixed for w in words):  # 甘ICP备…, 京公网安备…: a place abbreviation before
                back = i
                while back > 0 and i - back < PREFIX_MAX and "\u4e00" <= line[back - 1] <= "\u9fff":
                    back -= 1
                if self._token_start(line, back) and back < i:
                    i = back
                    words = [w for w in words if w in self._prefixed]
                    offset_word = at - offset - i
                    readings = [r for w in words for kind in self._kinds[w]
                                if (r := self._read(kind, line, i, i + offset_word + len(w))) is not None]
                    if readings:
                        end, kind, label, value = max(readings, key=lambda r: r[0])
                        spans.append(Removal(offset + i, offset + end, kind, label, value))
                        cursor = end
                    continue
            if not (self._token_start(line, i) or after_comma):
                continue
            readings = [r for word in words for kind in self._kinds[word]
                        if not (after_comma and kind not in STRICT_KINDS)
                        and (r := self._read(kind, line, i, i + len(word))) is not None]
            if not readings:
                continue
            end, kind, label, value = max(readings, key=lambda r: r[0])  # the reading that reaches farthest
            begin = i - 1 if i > 0 and line[i - 1] in OPENING and kind == "credit" else i
            spans.append(Removal(offset + begin, offset + end, kind, label, value))
            cursor = end
        spans.extend(self._nav_tokens(line, offset, spans))
        spans.sort(key=lambda s: s.start)
        return spans

    @staticmethod
    def _token_start(line: str, i: int) -> bool:
        return i == 0 or line[i - 1] in TOKEN_BEFORE

    def _nav_tokens(self, line: str, offset: int, spans: list[Removal]) -> Iterator[Removal]:
        """Blank- or bracket-separated tokens that are navigation words (打印, 关闭窗口, 返回顶部 …)."""
        taken = [(s.start - offset, s.end - offset) for s in spans]  # sorted by start, not overlapping
        starts = [a for a, _ in taken]
        for m in _TOKENS.finditer(line):
            token = m.group()
            if len(token) > 12 or not (token in self._nav or token.startswith(self._nav_prefixes)):
                continue
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.start() < taken[i][1]:
                continue
            yield Removal(offset + m.start(), offset + m.end(), "nav")

    # --- reading one span from its label ------------------------------------------------------------
    def _read(self, kind: str, line: str, start: int, end: int) -> tuple[int, str, str | None, str | None] | None:
        """(end, kind, field label, field value) of the span a label opens, or None when it opens none."""
        reader = getattr(self, "_read_" + kind)
        result = reader(line, start, end)
        if result is None:
            return None
        if isinstance(result, tuple):
            return result[0], kind, result[1], result[2]
        return result, kind, None, None

    def _read_breadcrumb_label(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if j >= len(line) or line[j] not in COLONS:
            return None
        j = _skip(line, j + 1, BLANKS)
        if j >= len(line):
            return j  # 当前位置：⏎ 首页 ⏎ > …: the path stands on the lines below
        return self._path(line, j, need_separator=False)

    def _read_breadcrumb_start(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if not self._separator_at(line, j):
            return None
        return self._path(line, start, need_separator=True)

    def _separator_at(self, line: str, j: int) -> int:
        for sep in self._separators:
            if line.startswith(sep, j):
                return len(sep)
        return 0

    def _path(self, line: str, j: int, need_separator: bool) -> int | None:
        """End of a breadcrumb path starting at j: segments joined by separators.  The last segment
        counts only when a blank or the line end follows it (else it is the article's first words)."""
        end = None
        separators = 0
        while True:
            seg_end = j
            while (seg_end < len(line) and seg_end - j < PATH_SEGMENT_MAX and line[seg_end] not in BLANKS
                   and not self._separator_at(line, seg_end) and line[seg_end] not in SENTENCE_END + "，,、"):
                seg_end += 1
            if seg_end == j:
                break
            closed = seg_end >= len(line) or line[seg_end] in BLANKS or self._separator_at(line, seg_end)
            if closed:
                end = seg_end
            k = _skip(line, seg_end, BLANKS)
            width = self._separator_at(line, k)
            if not closed or not width:
                break
            separators += 1
            end = k + width
            j = _skip(line, k + width, BLANKS)
        if end is None or (need_separator and not separators):
            return None
        return end

    def _read_share_label(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if j < len(line) and line[j] in COLONS and _skip(line, j + 1, BLANKS) == len(line):
            return len(line)  # 分享到：⏎ (the targets, icons on the page, left no text)
        j = _skip(line, j, BLANKS + COLONS)
        targets = self._targets_from(line, j, "、，,")
        return targets[-1] if targets else None

    def _read_share_target(self, line: str, start: int, end: int) -> int | None:
        targets = self._targets_from(line, start, "")
        return targets[-1] if len(targets) >= 2 else None

    def _targets_from(self, line: str, j: int, extra_separators: str) -> list[int]:
        """Ends of the share targets written one after the other from j (blank or | between them),
        each ending at a token end."""
        ends: list[int] = []
        while True:
            target = next((t for t in self._targets if line.startswith(t, j)), None)
            if target is None or not _token_end(line, j + len(target)):
                return ends
            ends.append(j + len(target))
            j = _skip(line, j + len(target), BLANKS + "|｜" + extra_separators)

    def _read_scan_phrase(self, line: str, start: int, end: int) -> int | None:
        return end if _token_end(line, end) or line[end:end + 1] in "，," else None

    def _read_counter(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if j >= len(line) or line[j] not in COLONS:
            return None
        j = _skip(line, j + 1, BLANKS)
        digits = _skip(line, j, "0123456789", limit=12)
        j = _skip(line, digits, BLANKS)
        if line.startswith("次", j):
            j += 1
        elif digits == j and not _token_end(line, j):
            return None
        return digits if line[digits:j].strip() == "" and digits > end else j

    def _read_fontsize(self, line: str, start: int, end: int) -> int | None:
        """【字号：大 中 小】, 字号 加大 还原 减小: the label and the size words after it."""
        j = _skip(line, end, BLANKS)
        colon = j < len(line) and line[j] in COLONS
        j = k = _skip(line, j, BLANKS + COLONS)
        words = 0
        while (word := next((w for w in self._sizes if line.startswith(w, k)), None)) is not None:
            k = _skip(line, k + len(word), BLANKS)
            j, words = k, words + 1
        if not words and not (colon and _token_end(line, j)):
            return None
        return _skip(line, j, "】]", limit=1)

    def _read_pagination(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        k = _skip(line, j, "0123456789", limit=4)
        if k == j:
            return None
        k = _skip(line, k, BLANKS)
        if line.startswith("/", k):
            m = _skip(line, _skip(line, k + 1, BLANKS), "0123456789", limit=4)
            k = _skip(line, m, BLANKS)
        if not line.startswith("页", k):
            return None
        return k + 1

    def _read_credit(self, line: str, start: int, end: int) -> tuple[int, str | None, str | None] | None:
        j = _skip(line, end, BLANKS)
        opened = start > 0 and line[start - 1] in OPENING
        if j < len(line) and line[j] in COLONS + "/":
            j = _skip(line, j + 1, BLANKS)
            if j >= len(line):
                return j, line[start:end], ""  # 责任编辑：⏎ 李莎莎: the names are on the next line
        elif not (opened and j > end):  # (记者 张三): a blank instead of a colon only inside brackets
            return None
        names_end = None
        for _ in range(6):
            m = NAME_CHARS.match(line, j)
            if not m or not (_token_end(line, m.end()) or line[m.end():m.end() + 1] in "、，,"):
                break
            names_end = m.end()
            j = _skip(line, m.end(), BLANKS + "、，,")
        if names_end is None:
            return None
        if opened and line[names_end:names_end + 1] in CLOSING:
            names_end += 1
        return names_end, None, None

    def _field_value(self, line: str, j: int, digits: bool) -> tuple[int, str] | None:
        """(end, value) of a field value from j: up to a blank, the line end, or the next field label;
        None when it runs into a sentence (a comma, a full stop) or on past VALUE_MAX characters."""
        k = j
        while k < len(line) and k - j <= VALUE_MAX and line[k] not in BLANKS + SENTENCE_END + CLOSING + "，," + COLONS:
            k += 1
        if k - j > VALUE_MAX:
            return None
        if k < len(line) and line[k] in COLONS:  # 来源：某局作者：张三 -> the value stops before 作者
            label = next((w for w in self._field_labels if line.endswith(w, j, k)), None)
            if label is None:
                return None
            k -= len(label)
        elif k < len(line) and line[k] not in BLANKS + CLOSING:
            return None
        value = line[j:k]
        if not digits and _DIGIT.search(value):
            return None  # 来源：财政投入3000万元 is a sentence, not a publisher
        return k, value

    def _read_field_text(self, line: str, start: int, end: int) -> tuple[int, str, str] | None:
        j = _skip(line, end, BLANKS)
        if j >= len(line) or line[j] not in COLONS:
            return None
        j = _skip(line, j + 1, BLANKS)
        label = line[start:end]
        url = _URL.match(line, j)
        if url:
            return url.end(), label, url.group()
        read = self._field_value(line, j, digits=label in ("文号", "发文字号", "索引号", "链接", "原文链接"))
        if read is None:
            return None
        return read[0], label, read[1]

    def _read_field_line(self, line: str, start: int, end: int) -> tuple[int, str, str] | None:
        """本地目录：…, 索引号：…: a value that runs to the line end or to the next field label."""
        return self._read_field_title(line, start, end)

    def _read_field_title(self, line: str, start: int, end: int) -> tuple[int, str, str] | None:
        """标题：… runs to the line end (a title may hold ！ or blanks), or to the next field label."""
        j = _skip(line, end, BLANKS)
        if j >= len(line) or line[j] not in COLONS:
            return None
        j = _skip(line, j + 1, BLANKS)
        k = j
        while k < len(line) and k - j <= TITLE_MAX:
            if line[k] in BLANKS and any(line.startswith(w, _skip(line, k, BLANKS)) for w in self._field_labels):
                break
            k += 1
        if k - j > TITLE_MAX:
            return None
        return k, line[start:end], line[j:k].strip()

    def _read_field_date(self, line: str, start: int, end: int) -> tuple[int, str, str] | None:
        j = _skip(line, end, BLANKS)
        if j >= len(line) or line[j] not in COLONS:
            return None
        j = _skip(line, j + 1, BLANKS)
        if j >= len(line):
            return j, line[start:end], ""  # 发表时间：⏎ 2026-02-09: the value is the next line
        m = _DATE.match(line, j)
        if not m:
            return None
        return m.end(), line[start:end], m.group()

    def _read_footer(self, line: str, start: int, end: int) -> int | None:
        if len(line) - end <= 120 and "。" not in line[end:]:
            return len(line)
        return _skip_not(line, end, BLANKS + SENTENCE_END, limit=40)

    def _read_footer_prefixed(self, line: str, start: int, end: int) -> int | None:
        """甘ICP备05000001号-1, 京公网安备11010102000001号: the registration number after the label."""
        k = _skip(line, _skip(line, end, BLANKS), "0123456789", limit=20)
        if k == end or not line.startswith("号", k):
            return None
        k += 1
        if line.startswith("-", k):
            k = _skip(line, k + 1, "0123456789", limit=3)
        return k

    def _read_contact_phone(self, line: str, start: int, end: int) -> int | None:
        j = _colon_value_start(line, end)
        if j is None:
            return None
        k = _skip(line, j, "0123456789-—－()（）+ 转/、,，", limit=40)
        while k > j and line[k - 1] in " 、,，(（":
            k -= 1
        return k if len(_DIGIT.findall(line[j:k])) >= 5 else None

    def _read_contact_postcode(self, line: str, start: int, end: int) -> int | None:
        j = _colon_value_start(line, end)
        if j is None:
            return None
        k = _skip(line, j, "0123456789", limit=6)
        return k if k - j == 6 else None

    def _read_contact_email(self, line: str, start: int, end: int) -> int | None:
        j = _colon_value_start(line, end)
        m = _EMAIL.match(line, j) if j is not None else None
        return m.end() if m else None

    def _read_contact_address(self, line: str, start: int, end: int) -> int | None:
        j = _colon_value_start(line, end)
        if j is None:
            return None
        read = self._field_value(line, j, digits=True)
        return read[0] if read is not None and read[0] - j >= 2 else None

    def _read_disclaimer(self, line: str, start: int, end: int) -> int | None:
        k = end
        while k < len(line) and k - start < 300 and line[k] not in "。\n":
            k += 1
        return k + 1 if k < len(line) and line[k] == "。" else k

    def _read_welcome(self, line: str, start: int, end: int) -> int | None:
        k = _skip_not(line, end, BLANKS + SENTENCE_END + "，,!！", limit=30)
        if not any(line.endswith(o, end, k) for o in self._welcome_objects):
            return None
        return k + 1 if line[k:k + 1] in ("!", "！", "。") else k

    def _read_related(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if j < len(line) and line[j] in COLONS:
            return j + 1
        return end if _token_end(line, end) else None

    def _read_prev_next(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if j < len(line) and line[j] in COLONS:
            j += 1
        elif not _token_end(line, end):
            return None
        k = j
        while k < len(line) and k - j <= 120 and line[k] != "。":
            if k > j and line[k - 1] in BLANKS and any(line.startswith(w, k) for w in self._prev_next):
                return k  # 上一篇：… 下一篇：… on one line: each is its own span
            k += 1
        if k >= len(line):
            return k
        return j

    def _read_media_source(self, line: str, start: int, end: int) -> int | None:
        j = _skip(line, end, BLANKS)
        if j < len(line) and line[j] in COLONS:
            j = _skip(line, j + 1, BLANKS)
            url = _URL.match(line, j)
            if url:
                return url.end()
            return _skip_not(line, j, BLANKS + SENTENCE_END + "，,", limit=40)
        return end if _token_end(line, end) else None


@lru_cache(maxsize=8)
def chrome_finder(kb: KnowledgeBase) -> ChromeFinder:
    """The chrome finder of a knowledge base's word lists (kg/data/chrome.tsv), built once per base."""
    return ChromeFinder(kb.lexicon["chrome"])


_TOKENS = re.compile(r"[^\s|｜【】\[\]]+")


def _skip(text: str, j: int, chars: str, limit: int = 1 << 30) -> int:
    """Position after the run of `chars` starting at j (at most `limit` characters)."""
    k = j
    while k < len(text) and k - j < limit and text[k] in chars:
        k += 1
    return k


def _skip_not(text: str, j: int, stops: str, limit: int) -> int:
    k = j
    while k < len(text) and k - j < limit and text[k] not in stops:
        k += 1
    return k


def _token_end(line: str, k: int) -> bool:
    return k >= len(line) or line[k] in BLANKS + CLOSING + SEPARATORS + SENTENCE_END + "，,、"


def _colon_value_start(line: str, end: int) -> int | None:
    j = _skip(line, end, BLANKS)
    if j >= len(line) or line[j] not in COLONS:
        return None
    return _skip(line, j + 1, BLANKS)


def _remainder(line: str, offset: int, spans: list[Removal]) -> str:
    """What is left of the line (starting at `offset` in the text) once the spans are cut out."""
    parts, pos = [], 0
    for s in spans:
        parts.append(line[pos:max(pos, s.start - offset)])
        pos = max(pos, s.end - offset)
    parts.append(line[pos:])
    return "".join(parts)
