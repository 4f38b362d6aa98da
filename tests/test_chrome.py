"""Page chrome goes by spans, never by lines: the body beside a widget stays, every removal is recorded
with its offsets and kind, and on real pages no sentence of the body is lost."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from kg.knowledge import KnowledgeBase
from kg.model import SourceText
from kg.normalize import FULLWIDTH, normalise, remove_ruby, to_simplified
from kg.read import read_paths

KB = KnowledgeBase.shipped()

# (line as a page gives it, what must stay, what must go)
PROBES: list[tuple[str, list[str], list[str]]] = [
    ("让更多国家分享到中国的减贫经验，网上点击量达1.2亿次。", ["让更多国家分享到中国的减贫经验，网上点击量达1.2亿次。"], []),
    ("分享到： 微信 微博 QQ空间", [], ["分享到", "QQ空间"]),
    ("今年全县新建大棚320座。分享到：微信 微博", ["今年全县新建大棚320座。"], ["分享到", "微博"]),
    ("通过微信公众号推送政策解读56期，群众满意。", ["通过微信公众号推送政策解读56期，群众满意。"], []),
    ("扫一扫在手机打开当前页", [], ["扫一扫"]),
    ("群众扫一扫二维码即可申报，已办理业务3200件。", ["群众扫一扫二维码即可申报，已办理业务3200件。"], []),
    ("版权所有：示例县人民政府 技术支持：示例网络公司", [], ["版权所有", "技术支持"]),
    ("建成电商服务站42个。 主办单位：示例县人民政府办公室", ["建成电商服务站42个。"], ["主办单位"]),
    ("免责声明：本网转载的文章仅供参考。全县落实资金800万元。", ["全县落实资金800万元。"], ["免责声明"]),
    ("设立监督举报电话：0931-8123456，受理群众反映问题17件。", ["设立监督举报电话：0931-8123456，受理群众反映问题17件。"], []),
    ("联系电话：0931-8123456 地址：示例县人民路18号", [], ["0931-8123456", "人民路18号"]),
    ("资金来源：中央财政衔接资金1000万元，省级配套500万元。", ["资金来源：中央财政衔接资金1000万元，省级配套500万元。"], []),
    ("编辑：王小明", [], ["王小明"]),
    ("编辑部组织记者深入12个村开展调研。", ["编辑部组织记者深入12个村开展调研。"], []),
    ("（记者 张三 李四）今年以来，全县新增就业1200人。", ["今年以来，全县新增就业1200人。"], ["张三", "李四"]),
    ("记者了解到，全县发放小额信贷3.6亿元。", ["记者了解到，全县发放小额信贷3.6亿元。"], []),
    ("作者：示例县融媒体中心", [], ["融媒体中心"]),
    ("作者简介显示，他扎根基层工作30年。", ["作者简介显示，他扎根基层工作30年。"], []),
    ("图：示例县新建的蔬菜大棚", [], []),  # a caption stays: it is the page's own text
    ("图为示例县新建的320座蔬菜大棚。", ["图为示例县新建的320座蔬菜大棚。"], []),
    ("欢迎访问示例县人民政府网！", [], ["欢迎访问"]),
    ("欢迎来到示例村，这里有果园1200亩。", ["欢迎来到示例村，这里有果园1200亩。"], []),
    ("首页 > 政务公开 > 工作动态", [], ["政务公开"]),
    ("当前位置：首页 > 政务公开 > 工作动态 今年以来，全县投入衔接资金5.2亿元，实施项目236个。",
     ["今年以来，全县投入衔接资金5.2亿元，实施项目236个。"], ["当前位置", "工作动态"]),
    ("当前位置：首页>政务公开>今年以来，全县投入资金500万元。", ["今年以来，全县投入资金500万元。"], ["当前位置"]),
    ("返回顶部 | 返回首页", [], ["返回顶部", "返回首页"]),
    ("返回家乡创业的青年达到460人。", ["返回家乡创业的青年达到460人。"], []),
    ("上一篇：示例县召开会议 下一篇：示例村新貌", [], ["上一篇", "示例村新貌"]),
    ("时间：2023-06-30 09:12 来源：示例县乡村振兴局 浏览次数：1203", [], ["2023-06-30", "1203"]),
    ("本新闻共 4页,当前在第 01页 01020304 |", [], ["本新闻共", "01020304"]),
    ("【字号：大 中 小】【打印本页】【关闭窗口】", [], ["字号", "打印本页", "关闭窗口"]),
    ("陇ICP备05000001号-1 甘公网安备62010002000001号", [], ["ICP备", "公网安备"]),
    ("==================== 正文 ====================", [], ["正文"]),
]


@pytest.mark.parametrize(("line", "keep", "drop"), PROBES, ids=[p[0][:12] for p in PROBES])
def test_chrome_goes_and_the_body_beside_it_stays(line: str, keep: list[str], drop: list[str]) -> None:
    doc = normalise(SourceText(file="probe.txt", text=f"示例县新闻\n{line}\n示例县全年新增就业300人。\n"), KB)
    text = doc.text.replace("\n", "")
    for body in keep:
        assert body in text, f"lost {body!r}: {doc.text!r}"
    for chrome in drop:
        assert chrome not in text, f"kept {chrome!r}: {doc.text!r}"
    assert "示例县全年新增就业300人。" in text


def test_every_removal_is_recorded_with_its_offsets_and_kind() -> None:
    page = ("当前位置：首页 > 新闻中心 > 正文\n示例县扎实推进防返贫监测\n时间：2023-06-30 来源：示例县乡村振兴局\n"
            "今年以来，示例县新识别监测对象12户45人。分享到：微信 微博\n编辑：王小明\n")
    doc = normalise(SourceText(file="page.txt", text=page), KB)
    kinds = {r.kind for r in doc.chrome}
    assert {"breadcrumb_label", "share_label", "credit"} <= kinds
    for r in doc.chrome:
        removed = page[r.start:r.end]
        assert removed.strip() and "监测对象" not in removed
    assert doc.chrome_chars == sum(r.end - r.start for r in doc.chrome) > 0
    assert doc.meta.date == "2023-06-30" and doc.meta.publisher == "示例县乡村振兴局"
    assert "今年以来，示例县新识别监测对象12户45人。" in doc.text


def test_a_field_whose_value_is_on_the_next_line_feeds_the_metadata() -> None:
    page = "示例省政府工作报告\n发表时间：\n2026-02-09 09:45:30\n来源：\n示例日报客户端\n各位代表：\n现在，我代表省人民政府报告工作。\n"
    doc = normalise(SourceText(file="p.txt", text=page), KB)
    assert doc.meta.date == "2026-02-09" and doc.meta.publisher == "示例日报客户端"
    assert "各位代表：" in doc.text and "现在，我代表省人民政府报告工作。" in doc.text


def test_html_wrappers_and_article_headers_keep_their_text() -> None:
    aspnet = ("<html><body><form id='form1' action='x.aspx'><input type='hidden' value='abc'/>"
              "<div class='nav'>首页</div><p>全县培训致富带头人560人。</p><select><option>2023</option></select>"
              "</form></body></html>")
    doc = normalise(SourceText(file="a.html", text=aspnet, media_type="text/html"), KB)
    assert "全县培训致富带头人560人。" in doc.text and "2023" not in doc.text
    article = ("<html><body><header><nav>首页 | 新闻</nav></header><article><header><h1>示例县新闻</h1>"
               "<p>导语：全县完成高标准农田建设3.2万亩。</p></header><p>正文第一段。</p></article>"
               "<footer>版权所有 示例县</footer></body></html>")
    doc = normalise(SourceText(file="b.html", text=article, media_type="text/html"), KB)
    assert "全县完成高标准农田建设3.2万亩。" in doc.text and "正文第一段。" in doc.text
    assert "版权所有" not in doc.text and "首页" not in doc.text
    assert doc.meta.title == "示例县新闻"


def _plain(text: str) -> str:
    return to_simplified(remove_ruby(text), KB).translate(FULLWIDTH).replace(" ", "")


def _sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。\n]{4,}。", text)]


def test_no_sentence_of_a_real_page_is_lost(shared_dir: Path) -> None:
    """On the seeds and the development set's pages: every sentence (its words after the last blank,
    where a page may have put chrome before it) survives, unless it is a boilerplate disclaimer; no
    removal but a disclaimer holds a full stop; every answer-key quote lies in kept text."""
    checked = 0
    for folder, keys in ((shared_dir / "seeds", shared_dir / "gold"), (shared_dir / "dev" / "corpus",
                                                                         shared_dir / "dev" / "gold")):
        quotes: dict[str, list[str]] = {}
        for path in keys.glob("*.json"):
            gold = json.loads(path.read_text(encoding="utf-8"))
            quotes[gold["file"]] = [f["quote"] for f in gold["facts"]]
        for source in read_paths([folder]):
            assert isinstance(source, SourceText)
            doc = normalise(source, KB)
            kept = _plain(doc.text.replace("\n", ""))
            body = source.text.split("==================== 正文 ====================")[-1]
            body = html.unescape(re.sub(r"<[^<>]*>", "", body))  # the seeds hold HTML paragraphs too
            disclaimers = "".join(_plain(source.text[r.start:r.end]) for r in doc.chrome if r.kind == "disclaimer")
            for sentence in _sentences(body):
                checked += 1
                words = _plain(sentence.split()[-1])
                assert words in kept or words in disclaimers, f"{source.key}: lost {sentence[-60:]!r}"
            for r in doc.chrome:
                assert r.kind == "disclaimer" or "。" not in source.text[r.start:r.end], (r, source.key)
            for quote in quotes.get(source.key, []):
                start = source.text.find(quote)
                assert start >= 0
                assert not any(r.start < start + len(quote) and start < r.end for r in doc.chrome), \
                    f"{source.key}: chrome removal covers the quote {quote!r}"
    assert checked > 150
