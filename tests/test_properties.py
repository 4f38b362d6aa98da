"""Property-based tests of the number parser and the normaliser: no crash on any text, values round-trip
exactly, and every quantity's offsets point back at the quoted original text."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.numbers import decimal_text, parse_chinese_numeral
from kg.extract.numbers import find_quantities as _find_quantities
from kg.extract.structure import protected_blocks
from kg.knowledge import KnowledgeBase
from kg.model import SourceText
from kg.normalize import FULLWIDTH, normalise, remove_ruby, to_simplified

KB = KnowledgeBase.shipped()


def find_quantities(text: str) -> list:
    return _find_quantities(text, KB, protected_blocks(text))


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Standard Chinese numeral for 0 < n < 10**12 (一千零五, 三万零二十, 十二 -> 十二)."""

    def below_10k(v: int) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = v // size % 10
            if d:
                if zero and out:
                    out += "零"
                out += DIGITS[d] + unit
                zero = False
            else:
                zero = True
        return out

    parts, out, zero = [(n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")], "", False
    for value, unit in parts:
        if value:
            if out and (zero or value < 1000):
                out += "零"
            out += below_10k(value) + unit
            zero = False
        elif out:
            zero = True
    return out


# --- never crash -----------------------------------------------------------------------------------

NOISY = st.lists(st.sampled_from(
    list("0123456789０１２３４５６７８９.,，。万亿千百十零一二两三余多近约以上户人元亿万元%％亩个座名")
    + list("网絡經濟發展麦积区县乡村<>/p()（）〔〕《》“”\"'+-—~ \n\t\r\x00\ufffd")
    + ["wǎng", "<p>", "</div>", "&nbsp;", "---\n", "首页 > 新闻 > 正文"]), max_size=120).map("".join)


@SETTINGS
@given(st.text(max_size=200))
def test_number_parser_never_crashes_on_any_text(text: str) -> None:
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text) and text[q.start:q.end] == q.stated
        assert q.value >= 0


@SETTINGS
@given(NOISY)
def test_number_parser_never_crashes_on_noisy_text(text: str) -> None:
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.stated


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("零〇一二两三四五六七八九十百千万亿")), max_size=30))
def test_chinese_numeral_parser_never_crashes(text: str) -> None:
    value = parse_chinese_numeral(text)
    assert value is None or value >= 0


@SETTINGS
@given(st.one_of(st.text(max_size=300), NOISY), st.sampled_from(["text/plain", "text/html", "text/markdown"]))
def test_normaliser_never_crashes_and_maps_inside_the_source(text: str, media: str) -> None:
    doc = normalise(SourceText(file="x.txt", text=text, media_type=media), KB)
    for start in range(0, len(doc.text), max(1, len(doc.text) // 20)):  # non-empty spans
        s, e = doc.source_span(start, len(doc.text))
        assert 0 <= s <= e <= len(doc.source)


# --- values round-trip -----------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


def grouped(value: Decimal) -> str:
    """1234.5 -> 1,234.5 (thousands separators as in the reports)."""
    text = decimal_text(value)
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


@SETTINGS
@given(AMOUNTS, st.sampled_from([("", 1), ("万", 10**4), ("亿", 10**8)]), st.sampled_from(["元", "户", "人", "亩"]),
       st.booleans())
def test_arabic_amounts_round_trip(value: Decimal, multiplier: tuple[str, int], unit: str, commas: bool) -> None:
    stated = (grouped(value) if commas else decimal_text(value)) + multiplier[0] + unit
    text = f"全县落实{stated}，"
    found = find_quantities(text)
    assert len(found) == 1, (text, found)
    q = found[0]
    assert q.value == value * multiplier[1]
    assert q.unit == unit and q.stated == stated and text[q.start:q.end] == stated


def no_inner_zero(n: int) -> bool:
    return "零" not in chinese_numeral(n)


@SETTINGS
@given(st.one_of(st.integers(min_value=10, max_value=10**8 - 1),
                 st.integers(min_value=1, max_value=9999).map(lambda n: n * 10**8)).filter(no_inner_zero))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_chinese_numeral(chinese_numeral(n)) == Decimal(n)


def test_chinese_numerals_with_yi_and_wan() -> None:
    for n in (150000000, 159868100, 1200003456):
        assert parse_chinese_numeral(chinese_numeral(n)) == Decimal(n), chinese_numeral(n)


def test_chinese_numerals_with_placeholder_zero() -> None:
    for n in (101, 1001, 1701, 30020, 100005, 20030000, 100000001):
        assert parse_chinese_numeral(chinese_numeral(n)) == Decimal(n), chinese_numeral(n)


@SETTINGS
@given(st.integers(min_value=11, max_value=99999999).filter(no_inner_zero), st.sampled_from("户人"))
def test_chinese_numeral_quantities_round_trip(n: int, unit: str) -> None:
    stated = chinese_numeral(n) + unit
    found = find_quantities(f"共帮扶{stated}。")
    assert [(q.value, q.unit, q.stated) for q in found] == [(Decimal(n), unit, stated)]


@SETTINGS
@given(AMOUNTS)
def test_decimal_text_round_trips(value: Decimal) -> None:
    text = decimal_text(value)
    assert "E" not in text and Decimal(text) == value


# --- offsets point at the quoted text ----------------------------------------------------------------

HAN = list("全县新识别监测对象落实帮扶资金万元户人亩乡村振兴发展经济网络麦积区")
TRADITIONAL = list("經濟發展網絡縣鄉村幫扶資金萬戶實監測對象識別")
RUBY = ["網(wǎng)", "絡(luò)", "经(jīng)", "济(jì)", "?xùn)"]
TAGS = ["<p>", "</p>", "<br/>", "<b>", "</b>", '<a href="/x">', "</a>", "<script>var a=1;</script>", "&nbsp;"]
CHROME = ["\n当前位置：首页 > 新闻 > 正文\n", "\n打印本页\n", "\n上一篇：通知\n", "\n版权所有：某县人民政府\n"]
NUMBERS = st.builds(lambda d, u: d + u,
                    st.sampled_from(["16", "71", "3,185.8", "３１８５.８", "2.5万", "１２", "一百二十", "三万", "980.5"]),
                    st.sampled_from(["户", "人", "万元", "元", "亩", "戶", "萬元"]))
PIECES = st.lists(st.one_of(st.sampled_from(HAN), st.sampled_from(TRADITIONAL), st.sampled_from(RUBY),
                            st.sampled_from(TAGS), st.sampled_from(CHROME), NUMBERS, st.just("，"), st.just("\n")),
                  max_size=40)


def plain(text: str) -> str:
    """Ruby-stripped, Simplified, half-width digits, no thousands commas: what a quote must contain."""
    return to_simplified(remove_ruby(text), KB).translate(FULLWIDTH).replace(",", "")


@SETTINGS
@given(PIECES, st.sampled_from(["text/plain", "text/html"]))
def test_every_quantity_maps_back_to_its_quoted_source(pieces: list[str], media: str) -> None:
    source = "".join(pieces)
    doc = normalise(SourceText(file="x.txt", text=source, media_type=media), KB)
    for q in find_quantities(doc.text):
        quote = doc.quote(q.start, q.end)
        s, e = doc.source_span(q.start, q.end)
        assert quote == doc.source[s:e]
        digits = re.match(r"[\d,.]+|[零〇一二两三四五六七八九十百千万亿]+", q.stated[len(q.qualifier or ""):]
                          if q.stated.startswith(q.qualifier or "\0") else q.stated)
        assert digits, q.stated
        assert digits.group().replace(",", "") in plain(quote), (q.stated, quote, source)


# any text a document can hold: every code point except surrogates, which no decoder produces
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


@SETTINGS
@given(value=TEXT, kind=st.sampled_from(["", "@zh", "^^<http://www.w3.org/2001/XMLSchema#string>"]))
def test_nquads_literals_parse_back_to_the_same_text(value: str, kind: str) -> None:
    """The map stage writes N-Quads text itself (kg.rdf.literal): quotes, backslashes, line breaks and
    control characters must come back from a real N-Quads parser unchanged."""
    from pyoxigraph import RdfFormat, parse

    from kg.rdf import literal

    line = f"<urn:s> <urn:p> {literal(value, kind)} <urn:g> .\n"
    (quad,) = parse(line.encode("utf-8"), format=RdfFormat.N_QUADS)
    assert quad.object.value == value
    assert quad.object.language == ("zh" if kind == "@zh" else None)


@SETTINGS
@given(body=st.text(alphabet="麦积区新识别监测对象户人万元2023年，。\n\"\\“”《》", min_size=1, max_size=120))
def test_document_graph_is_valid_nquads_with_counted_quads(body: str) -> None:
    """Whatever the text, the mapped graph parses, its quad count is right, and the content hash comes
    last in its own part (the writer stores it after the rest)."""
    from pyoxigraph import RdfFormat, parse

    from kg.build import DocResult, process_source

    graph = process_source(SourceText(file="p.txt", text="甘肃省天水市麦积区\n" + body))  # as the build maps it
    assert isinstance(graph, DocResult)
    quads = list(parse(graph.nquads, format=RdfFormat.N_QUADS))
    assert len(set(quads)) == len(quads) == graph.quads
    hashes = list(parse(graph.hashes, format=RdfFormat.N_QUADS))
    assert [q.predicate.value.rsplit("#", 1)[-1] for q in hashes] == ["contentHash"]


@SETTINGS
@given(text=st.text(alphabet="截至止到 \t\u3000192023年月底末以来度全上下半季今本去前明内当过的一目现在前份初旬中0７８", max_size=40))
def test_scanning_lookaheads_drop_no_match(text: str) -> None:
    """The cue pattern opens with a lookahead of the characters a match can start with (a speed-up); the
    pattern without it must find exactly the same matches, so a new alternative cannot be missed."""
    from kg.extract.periods import cue_finder

    fast = cue_finder(KB).pattern
    lookahead = re.match(r"\(\?=\[[^\]]*\]\)", fast.pattern)
    assert lookahead, "the pattern no longer opens with its lookahead"
    plain = re.compile(fast.pattern[lookahead.end():], fast.flags)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@SETTINGS
@given(text=st.text(alphabet="0123456789０,.．一二两三十百千万亿零〇个元 ", max_size=40))
def test_two_number_scans_find_what_one_scan_did(text: str) -> None:
    """find_quantities finds Arabic numbers and runs of numeral characters by two patterns that open with a
    character class (a speed-up); merged by position they are the matches of the one alternation of
    both, less the lone numeral characters (never an amount), so no number can be missed."""
    from kg.extract.numbers import _ARABIC, _ARABIC_NUMBER, _CHINESE_NUMBER, _CN_ALL, _start

    one = re.compile(rf"(?P<arabic>{_ARABIC})|(?P<chinese>[{_CN_ALL}]+)")
    expected = [(m.span(), m.lastgroup) for m in one.finditer(text) if m.lastgroup == "arabic" or len(m.group()) > 1]
    merged = sorted([*_ARABIC_NUMBER.finditer(text), *_CHINESE_NUMBER.finditer(text)], key=_start)
    assert [(m.span(), "arabic" if m.re is _ARABIC_NUMBER else "chinese") for m in merged] == expected
