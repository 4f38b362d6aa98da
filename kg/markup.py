"""HTML and Markdown markup as edits: what to cut so that only the text of a page is left.

One linear pass over the tags: elements that never hold body text (scripts, styles, forms' controls …)
go with their content; navigation, page headers, footers and asides go too, unless they sit inside an
<article> or <main> (where a <header> holds the lead paragraph).  A <form> is only a wrapper (ASP.NET
wraps whole pages in one): its content stays.  Every search for a closing tag is answered from a
precomputed list, so a page of 40,000 unclosed <nav> tags costs no more than a clean one.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

Edit = tuple[int, int, str]

# never body text, with everything inside them
DROP_WITH_CONTENT = frozenset({"script", "style", "noscript", "head", "iframe", "select", "button", "textarea",
                               "svg", "template", "object", "canvas", "map", "datalist", "option"})
# page furniture, dropped with its content unless it sits inside <article> or <main>
FURNITURE = frozenset({"nav", "header", "footer", "aside"})
CONTENT_ROOTS = frozenset({"article", "main"})
BLOCK_TAGS = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                        "section", "article", "main", "blockquote", "dd", "dt", "dl", "hr", "td", "th", "title",
                        "body", "html", "header", "footer", "nav", "aside", "form", "figure", "figcaption", "pre",
                        "address", "fieldset", "caption", "tbody", "thead", "tfoot"})
TAG_MAX = 2000  # characters inside one tag's brackets; a longer "<…>" is text with a stray '<'
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]{0,30})(?=[\s/>])[^<>]{0," + str(TAG_MAX) + r"}>|<!DOCTYPE[^<>]{0,500}>",
                  re.I)
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{1,32}\d{0,2});")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\s[-|｜—]\s|｜)\s*")
_HEADING = re.compile(r"h[1-6]")
_MD_LINK = re.compile(r"\[([^\[\]\n]{0,300})\]\(((?:https?:)?//[^()\s]{1,2000})\)")
_MD_MARK = re.compile(r"^(#{1,6}[ \t]+|>[ \t]?|[*-][ \t]+(?=\S))|\*\*|__", re.M)


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    name: str
    closing: bool


def _comments(text: str) -> list[tuple[int, int]]:
    """<!-- … --> spans; an unclosed opener is only itself (the text after it stays)."""
    out: list[tuple[int, int]] = []
    pos = 0
    close = -2  # the next "-->" at or after pos, cached: -1 once there is none
    while (i := text.find("<!--", pos)) >= 0:
        if close != -1 and close < i + 4:
            close = text.find("-->", i + 4)
        if close < 0:
            out.append((i, i + 4))
            pos = i + 4
            continue
        out.append((i, close + 3))
        pos = close + 3
    return out


BOLD_LINE_LEVEL = 7  # a paragraph that is one bold line heads what follows, below any <h1>-<h6>
_BOLD = frozenset({"strong", "b"})


def _bold_lines(text: str, tags: list[_Tag], closing_of: Callable[[int], int | None]) -> list[tuple[int, int, int]]:
    """(start, end, level) of the paragraphs whose whole content is one bold element (<p><strong>标题
    </strong></p>): the items of a news flash, the sub-heads of a page that has no <h2>."""
    out: list[tuple[int, int, int]] = []
    for index, tag in enumerate(tags[:-1]):
        bold = tags[index + 1]
        if tag.name != "p" or tag.closing or bold.name not in _BOLD or bold.closing or text[tag.end:bold.start].strip():
            continue
        close = closing_of(index + 1)
        if close is None or close + 1 >= len(tags):
            continue
        after = close + 1
        while after < len(tags) and tags[after].name == "br" and not text[tags[after - 1].end:tags[after].start].strip():
            after += 1
        end_p = tags[after] if after < len(tags) else None
        if end_p is None or end_p.name != "p" or not end_p.closing or text[tags[after - 1].end:end_p.start].strip():
            continue
        inner = _TAG.sub("", text[bold.end:tags[close].start]).strip()
        if inner and len(inner) <= BOLD_LINE_MAX:
            out.append((bold.end, tags[close].start, BOLD_LINE_LEVEL))
    return out


BOLD_LINE_MAX = 80  # characters: a longer bold paragraph is emphasised text, not a heading


def html_edits(text: str, meta: dict[str, str], headings: list[tuple[int, int, int]] | None = None) -> list[Edit]:
    """Edits that remove markup from an HTML text (entities decoded); the page's heading goes to
    meta["html_title"] (its <h1>, else its <title> without the site name), and the (start, end, level)
    of every <h1>-<h6> element's content to `headings`."""
    edits: list[Edit] = []
    comments = _comments(text)
    comment_starts = [a for a, _ in comments]
    edits += [(a, b, "") for a, b in comments]

    def in_comment(pos: int) -> bool:
        i = bisect.bisect_right(comment_starts, pos) - 1
        return i >= 0 and pos < comments[i][1]

    tags = [_Tag(m.start(), m.end(), (m.group(2) or "!doctype").lower(), m.group(1) == "/")
            for m in _TAG.finditer(text) if not in_comment(m.start())]
    closes: dict[str, list[int]] = {}
    for index, tag in enumerate(tags):
        if tag.closing:
            closes.setdefault(tag.name, []).append(index)

    def closing_of(index: int) -> int | None:
        """Index of the first closing tag of the same name after `index` (nesting of one name inside
        itself is ignored: dropped elements do not nest in practice)."""
        found = closes.get(tags[index].name, [])
        i = bisect.bisect_right(found, index)
        return found[i] if i < len(found) else None

    titles: dict[str, str] = {}
    for index, tag in enumerate(tags):
        if tag.closing or not _HEADING.fullmatch(tag.name) and tag.name != "title":
            continue
        end = closing_of(index)
        if end is None:
            continue
        if tag.name in ("h1", "title") and tag.name not in titles:
            titles[tag.name] = html.unescape(_TAG.sub("", text[tag.end:tags[end].start])).strip()
        if headings is not None and tag.name != "title":
            headings.append((tag.end, tags[end].start, int(tag.name[1])))
    if headings is not None:
        headings += _bold_lines(text, tags, closing_of)
    content_depth = 0
    index = 0
    while index < len(tags):
        tag = tags[index]
        name = tag.name
        drop = not tag.closing and (name in DROP_WITH_CONTENT or (name in FURNITURE and content_depth == 0))
        if drop and (end := closing_of(index)) is not None:
            edits.append((tag.start, tags[end].end, "\n"))
            index = end + 1
            continue
        if name in CONTENT_ROOTS:
            content_depth += -1 if tag.closing else 1
            content_depth = max(content_depth, 0)
        edits.append((tag.start, tag.end, "\n" if name in BLOCK_TAGS else ""))
        index += 1
    if "html_title" not in meta:
        if titles.get("h1"):
            meta["html_title"] = titles["h1"]
        elif titles.get("title"):
            meta["html_title"] = _TITLE_SPLIT.split(titles["title"])[0]
    covered = sorted((a, b) for a, b, _ in edits)
    starts = [a for a, _ in covered]
    for m in _ENTITY.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.start() < covered[i][1]:
            continue
        value = html.unescape(m.group(0))
        if value != m.group(0):
            edits.append((m.start(), m.end(), value.replace("\xa0", " ")))
    return edits


def markdown_edits(text: str, meta: dict[str, str], headings: list[tuple[int, int, int]] | None = None
                   ) -> list[Edit]:
    """Markdown links keep their text (a 原文 link gives its URL to the metadata); heading, quote and
    list marks and emphasis go, and the (start, end, level) of every heading's text to `headings`."""
    edits: list[Edit] = []
    for m in _MD_LINK.finditer(text):
        if "原文" in m.group(1):
            meta.setdefault("md_link", m.group(2))
        edits.append((m.start(), m.start() + 1, ""))
        edits.append((m.end(1), m.end(), ""))
    for m in _MD_MARK.finditer(text):
        edits.append((m.start(), m.end(), ""))
        if headings is not None and m.group(1) and m.group(1).startswith("#"):
            line_end = text.find("\n", m.end())
            headings.append((m.end(), len(text) if line_end < 0 else line_end, m.group(1).count("#")))
    return edits
