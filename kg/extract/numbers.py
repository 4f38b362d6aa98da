"""Quantities in text: a number (Arabic or Chinese numerals), optional 万/亿/千 multiplier, optional
qualifier (余, 多, 以上, 近, 约 …) and a measure word from the unit table.

What is *not* a quantity is decided by general rules, not by sentences: time units (dates, spans),
ordinals (第…), ranges (1—2个), numbers inside 《》 titles or inside quoted slogan names (“4+2”,
“两个70%”), codes joined by + or letters, and thresholds that merely name a category
(收入5万元以上村).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from kg.extract.component import component
from kg.knowledge import KnowledgeBase, WordLists
from kg.matcher import alternation
from kg.model import Blocks, Document, Extraction, Quantity, evolve
from kg.units import UnitTable

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGITS + "十百千万亿"
# Arabic numbers and runs of numeral characters, found by two scans that each open with a character class,
# so the regex engine skips to the next digit or numeral instead of trying every position (a single
# pattern `(?=[\d…])(?:arabic|chinese)` opened with a lookahead: twice as slow).  The two never overlap
# (a digit is no numeral character), so the two scans merged by position are what one scan would find.
# _ARABIC with its first digit taken out of the alternation: the same matches.
_ARABIC_NUMBER = re.compile(r"\d(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)")
# a numeral character alone is never an amount (两个, 三保障), so a run has at least two
_CHINESE_NUMBER = re.compile(rf"[{_CN_ALL}][{_CN_ALL}]+")
_MAGNITUDE = re.compile("[十百千万亿]")
_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}
_RANGE_JOIN = re.compile(r"\s*[—\-–~～至到]{1,2}\s*$")
_RANGE_NEXT = re.compile(r"^\s*(?:[余多])?\s*[—\-–~～至到]{1,2}\s*\d")
SLOGAN_MAX = 14  # characters inside quotes: a longer quotation is running text, its numbers are figures


class _Words:
    """The number word lists (kg/data/number_words.tsv) and the unit table's counted nouns, as the
    sequences and patterns the scan uses."""

    def __init__(self, words: WordLists, units: UnitTable) -> None:
        self.before = words["qualifier_before"]
        self.after = words["qualifier_after"]
        self.infix = words["qualifier_infix"]
        links = alternation(words["threshold_link"])
        nouns = alternation(words["threshold_noun"])
        # a money amount directly followed by a noun names a category (收入5万元以上村, 低于8000元脱贫群众)
        self.threshold_after = re.compile(rf"^(?:{links})?(?:的)?(?:{nouns})")
        # a number with 万/亿 may be followed by the counted noun instead of a measure word: 带动11.5万脱贫人口
        counted = alternation(units.nouns)
        self.implied_unit = re.compile(rf"^[\u4e00-\u9fff]{{0,5}}?(?P<noun>{counted})") if counted else None


def parse_chinese_numeral(text: str) -> Decimal | None:
    """一百二十 -> 120, 三万 -> 30000, 一千零一 -> 1001, 一亿五千万 -> 150000000; None when malformed."""
    digits = {c: i for i, c in enumerate("一二三四五六七八九", start=1)} | {"两": 2}
    small = {"十": 10, "百": 100, "千": 1000}
    big = {"万": 10**4, "亿": 10**8}
    total, section, number = 0, 0, None  # total: finished 亿 part; section: below the current big unit
    wan = 0  # the 万 group inside the current 亿 group
    for char in text:
        if char in "零〇":
            if number is not None:
                return None
            continue  # a placeholder: 一千零一
        if char in digits:
            if number is not None:  # two digits in a row: not a plain numeral (e.g. 一二)
                return None
            number = digits[char]
        elif char in small:
            section += (1 if number is None else number) * small[char]
            number = None
        elif char == "万":
            group = section + (number or 0)
            if group == 0:
                return None
            wan += group * big["万"]
            section, number = 0, None
        elif char == "亿":
            group = wan + section + (number or 0)
            if group == 0:
                return None
            total = (total + group) * big["亿"]
            wan, section, number = 0, 0, None
        else:
            return None
    return Decimal(total + wan + section + (number or 0))


def parse_arabic(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@functools.lru_cache(maxsize=8)
def _words(kb: KnowledgeBase) -> _Words:
    """The compiled word lists of a knowledge base (built once per knowledge base, not per document)."""
    return _Words(kb.lexicon["number_words"], kb.units)


def _slogan(inner: str) -> bool:
    """A short quotation that names something by its numbers: “4+2”, “5155”, “两个70%”, “六必访”."""
    return "+" in inner or bool(re.fullmatch(r"[\d.\s]+", inner) or re.match(rf"[{_CN_ALL}]", inner)
                                or re.search(rf"[{_CN_ALL}][个大项必不]", inner))


def protected_spans(text: str, protected: Blocks) -> list[tuple[int, int]]:
    """Stretches whose numbers are names, not amounts: 《titles》 and short quoted slogans."""
    spans = [(b.start, b.end) for b in protected if b.kind == "title"]
    for b in protected:
        if b.kind == "quote" and text[b.start] in "“\"" and b.end - b.start - 2 <= SLOGAN_MAX \
                and _slogan(text[b.start + 1:b.end - 1]):
            spans.append((b.start, b.end))
    return spans


def find_quantities(text: str, kb: KnowledgeBase, protected: Blocks) -> list[Quantity]:
    """Every quantity in `text`, in order, with offsets of the stated form (qualifiers included);
    numbers inside the `protected` spans' titles and number slogans are names, not amounts."""
    units = kb.units
    words = _words(kb)
    shield = bytearray(len(text) + 1)
    for a, b in protected_spans(text, protected):
        shield[a:b] = b"\x01" * (b - a)
    out: list[Quantity] = []
    numbers = sorted([*_ARABIC_NUMBER.finditer(text), *_CHINESE_NUMBER.finditer(text)], key=_start)
    for m in numbers:
        start, end = m.start(), m.end()
        arabic = m.re is _ARABIC_NUMBER
        numeral = None if arabic else m.group()
        # a Chinese numeral counts only as an amount with a magnitude (三万, 一百二十), never 一二 / 两个
        if shield[start] or numeral is not None and _MAGNITUDE.search(numeral) is None:
            continue
        before = text[max(0, start - 3):start]
        if before.endswith("第") or (before and (before[-1].isascii() and before[-1].isalpha())):
            continue
        if before.endswith(("+", "＋", ".", "/")) or text[end:end + 1] in ("+", "＋"):
            continue
        if arabic:
            try:
                value = parse_arabic(m.group())
            except InvalidOperation:
                continue
            if _RANGE_JOIN.search(before) and re.search(r"\d", text[max(0, start - 4):start]):
                continue  # second half of a range 1—2个
        else:
            parsed = parse_chinese_numeral(numeral)
            if parsed is None or parsed < 10:
                continue
            value = parsed
            # a trailing 万/亿 was taken as part of the numeral; the unit must follow directly
        pos = end
        qualifier = None
        # 2.7亿余元, 3075余万元, 300余人, 160多场次
        for infix in words.infix:
            if text.startswith(infix, pos):
                qualifier, pos = infix, pos + len(infix)
                break
        multiplier = Decimal(1)
        if arabic:
            char = text[pos:pos + 1]
            if char in _MULTIPLIERS and not (char == "千" and text[pos + 1:pos + 2] in ("瓦", "米", "克")):
                multiplier, pos = _MULTIPLIERS[char], pos + 1
                if text[pos:pos + 1] == "亿" and char == "万":  # 万亿 (but 万千瓦 is 万 × 千瓦)
                    multiplier, pos = multiplier * _MULTIPLIERS["亿"], pos + 1
                for infix in words.infix:
                    if qualifier is None and text.startswith(infix, pos):
                        qualifier, pos = infix, pos + len(infix)
        while pos < len(text) and text[pos] == " " and pos - end < 2:
            pos += 1
        if text.startswith("大类", pos):
            matched = units.match(text, pos + 1)
            unit_len = matched[1] + 1 if matched else 0
        else:
            matched = units.match(text, pos)
            unit_len = matched[1] if matched else 0
        if matched is None and multiplier > 1 and words.implied_unit is not None:
            implied = words.implied_unit.match(text[pos:pos + 8])
            if implied:
                label = units.nouns[implied.group("noun")]
                matched = (units.units[label], implied.end())
                unit_len = implied.end()
        if matched is None:
            continue
        unit = matched[0]
        if not unit.countable:
            continue
        unit_end = pos + unit_len
        if unit.label == "个" and text.startswith("月", unit_end):
            continue
        if _RANGE_NEXT.match(text[end:end + 6]) or _RANGE_NEXT.match(text[unit_end:unit_end + 6]):
            continue  # first half of a range: 1—2个, 5%—10%
        after = text[unit_end:unit_end + 8]
        if unit.kind == "money" and words.threshold_after.match(after):
            continue
        for post in words.after:
            if after.startswith(post):
                qualifier = qualifier or post
                break
        q_start = start
        for pre in words.before:
            if text[max(0, start - len(pre)):start] == pre:
                qualifier = qualifier or pre
                break
        out.append(Quantity(value=value * multiplier, unit=unit.label, stated=text[q_start:unit_end],
                            qualifier=qualifier, start=q_start, end=unit_end))
    return out


def _start(m: re.Match[str]) -> int:
    return m.start()


def decimal_text(value: Decimal) -> str:
    """Plain decimal notation without exponent or trailing zeros: 29.63亿 -> 2963000000."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@component(requires=("structure",), assigns=("quantities",))
def quantities(doc: Document, ex: Extraction, kb: KnowledgeBase) -> Extraction:
    """Component: every quantity of the text (number, multiplier, qualifier, unit)."""
    assert ex.structure is not None
    return evolve(ex, quantities=tuple(find_quantities(doc.text, kb, ex.structure.protected)))

