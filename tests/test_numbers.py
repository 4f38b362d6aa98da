"""Quantities: values in base units, qualifiers, and what is not a figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.numbers import decimal_text, parse_chinese_numeral
from kg.extract.numbers import find_quantities as _find_quantities
from kg.extract.structure import protected_blocks
from kg.knowledge import KnowledgeBase

KB = KnowledgeBase.shipped()


def values(text: str) -> list[tuple[str, str]]:
    return [(decimal_text(q.value), q.unit) for q in find_quantities(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("减贫1.8394万人", [("18394", "人")]),
    ("谋划项目8大类347个29.63亿元", [("8", "类"), ("347", "个"), ("2963000000", "元")]),
    ("新识别16户71人", [("16", "户"), ("71", "人")]),
    ("累计1,260人、风险消除率68.5%", [("1260", "人"), ("68.5", "%")]),
    ("全角数字１２３亩", [("123", "亩")]),
    ("输转劳动力三万人", [("30000", "人")]),
    ("共一百二十户", [("120", "户")]),
    ("2.7亿余元", [("270000000", "元")]),
    ("带动11.5万脱贫人口", [("115000", "人")]),
    ("902户3892 人", [("902", "户"), ("3892", "人")]),
    ("光伏装机12.5万千瓦", [("125000", "千瓦")]),
    ("两千余户", [("2000", "户")]),
    ("GDP达到1.2万亿元", [("1200000000000", "元")]),
])
def test_values(text: str, expected: list[tuple[str, str]]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize("text", [
    "2022年5月24日", "截至4月底", "第四届第三批第5620期", "〔2017〕139号", "联系电话:0931-8123456",
    "落实“4+2”农业产业振兴", "“5155”工程", "帮扶1—2个深度贫困村、2—3户贫困户", "增幅5%—10%", "每户补助3000元至5000元", "识别程序不超过15天",
    "特色优势产业三年倍增", "抓住两个关键", "“两个70%”的要求", "《关于推进2个示范区建设的意见》",
    "村集体经济年收入5万元以上村达到197个",
])
def test_not_figures(text: str) -> None:
    found = values(text)
    assert found in ([], [("197", "个")]), found


def test_qualifiers_are_kept() -> None:
    (q,) = find_quantities("输转省外务工980余人")
    assert (q.value, q.qualifier) == (Decimal(980), "余")
    (q,) = find_quantities("脱贫人口160人以上")
    assert q.qualifier == "以上"


def test_chinese_numerals() -> None:
    assert parse_chinese_numeral("两千五百") == 2500
    assert parse_chinese_numeral("十二") == 12
    assert parse_chinese_numeral("一二") is None


def find_quantities(text: str) -> list:
    return _find_quantities(text, KB, protected_blocks(text))
