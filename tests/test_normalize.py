"""Normaliser: chrome, header metadata, ruby artefacts, Traditional -> Simplified with exact offsets."""

from __future__ import annotations

from pathlib import Path

from kg.knowledge import KnowledgeBase
from kg.model import SourceText
from kg.normalize import normalise, remove_ruby
from kg.read import ReadOptions, read_file

KB = KnowledgeBase.shipped()

FIXTURES = Path(__file__).parent / "fixtures" / "docs"


def _doc(name: str):
    (source,) = list(read_file(FIXTURES / name, name, ReadOptions()))
    return normalise(source, KB)


def test_header_fields_feed_metadata_and_chrome_is_dropped() -> None:
    doc = _doc("county_report.txt")
    assert doc.meta.title == "示例县扎实推进防止返贫动态监测帮扶工作"
    assert doc.meta.date == "2023-06-30"
    assert doc.meta.publisher == "示例县乡村振兴局"
    for chrome in ("欢迎访问", "您的位置", "点击", "上一篇", "下一篇", "版权所有", "0915-1234567"):
        assert chrome not in doc.text
    assert "新识别监测对象12户45人" in doc.text


def test_ruby_artefacts_go_but_real_parentheses_stay() -> None:
    assert remove_ruby("各界新聞網(wǎng)—各界導(dǎo)報(bào)") == "各界新聞網—各界導報"
    assert remove_ruby("规划(2022—2025年)和(社区)") == "规划(2022—2025年)和(社区)"


def test_traditional_is_converted_but_quotes_come_from_the_original() -> None:
    doc = _doc("traditional_ruby.txt")
    assert doc.meta.script == "zh-Hant"
    assert doc.meta.publisher == "示例导报"
    assert "发放小额信贷3.6亿元" in doc.text
    start = doc.text.index("发放小额信贷3.6亿元")
    quote = doc.quote(start, start + len("发放小额信贷3.6亿元"))
    assert quote == "發(fā)放小額信貸3.6億(yì)元"
    s, e = doc.source_span(start, start + 2)
    assert doc.source[s:e] == "發(fā)放"


def test_front_matter_and_html_paragraphs() -> None:
    doc = _doc("front_matter.md")
    assert doc.meta.title == "示例省推进高标准农田建设"
    assert doc.meta.date == "2022-09-01"
    assert doc.meta.publisher == "示例日报"
    assert "var x" not in doc.text and "<p>" not in doc.text
    assert "黔东南州完成高标准农田建设18万亩。" in doc.text


def test_html_main_text_only() -> None:
    html = ("<html><head><title>某县新闻</title><style>p{color:red}</style></head><body><nav>首页 | 新闻</nav>"
            "<p>全县&nbsp;投入资金500万元。</p><footer>版权所有 某县</footer><script>alert(1)</script></body></html>")
    doc = normalise(SourceText(file="a.html", text=html, media_type="text/html"), KB)
    assert doc.meta.title == "某县新闻"
    assert "首页" not in doc.text and "alert" not in doc.text and "版权所有" not in doc.text
    start = doc.text.index("500万元")
    assert doc.quote(start, start + 5) == "500万元"
