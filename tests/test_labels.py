"""Indicator labels, concepts and figure kinds (kg.extract.observations, kg.extract.indicators), the indicator
queries on a built store, and kg eval's indicator columns.  The texts are short ones written for these
tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.api import extract_text
from kg.build import build
from kg.evaluate import dice, evaluate, labels_agree, report
from kg.extract.observations import UNNAMED
from kg.indicators import CONCEPT_BASE
from kg.knowledge import KnowledgeBase
from kg.query import run, to_table
from kg.store import KGStore


def figures(text: str, kb: KnowledgeBase, **meta: str) -> dict[str, tuple[str, str, str | None]]:
    """stated figure -> (label, kind, concept prefLabel)."""
    ex = extract_text(text, kb=kb, **meta)
    return {o.quantity.stated: (o.indicator, o.kind, o.concept_label) for o in ex.observations}


# ------------------------------------------------------------------------------------------- labels


def test_a_verb_before_the_figure_is_no_label(kb: KnowledgeBase) -> None:
    """建成 / 打造 / 新建 say what was done; the counted noun after the figure is the label."""
    got = figures("示例县打造5条乡村旅游精品线路，新建8个村级光伏电站。事故造成3人受伤。", kb)
    assert got["5条"][0] == "乡村旅游精品线路"
    assert got["8个"][0] == "村级光伏电站"
    assert got["3人"][0] == "受伤"


def test_a_bare_counted_noun_takes_what_it_does(kb: KnowledgeBase) -> None:
    """76个|村|实行清单制管理: a one-character counted noun says too little; what it does names the figure
    (as 45人|挂任驻村第一书记 does for people), and the concept is still the counted noun's."""
    got = figures("全区现有130个村实行积分制管理，其中76个村实行清单制管理。全镇共有12个村。", kb)
    assert got["76个"][0] == "实行清单制管理村数"
    assert got["76个"][2] == "行政村"
    assert got["12个"][0] == "村"
    # an aspect particle or quote marks inside the verb phrase, and an action verb with its object
    got = figures("1925个村配备了法律顾问，78个村获评“美丽宜居示范村”，378个村实现村集体经济收入。", kb)
    assert got["1925个"][0] == "配备法律顾问村数"
    assert got["78个"][0].startswith("获评美丽宜居示范村")
    assert got["378个"][0] == "实现村集体经济收入村数"
    # households and their people, then an aside, then what they do (带动|288户386人|（…）|实现增收)
    got = figures("项目带动全村215户703人（其中脱贫户40户96人）实现增收。", kb)
    assert got["215户"][0] == "增收户数" and got["703人"][0] == "增收人数"
    assert got["40户"][0] == "脱贫户"
    # an aside in brackets between the noun and what it does; a change verb is no deed (从15个县|扩大到30个)
    got = figures("全镇43个村（社区）建立红白理事会，帮扶从15个县（市）扩大到30个县。", kb)
    assert got["43个"][0] == "建立红白理事会村数"
    assert got["15个"][0] == "县"


def test_a_money_threshold_names_the_category_counted(kb: KnowledgeBase) -> None:
    """收入5万元以上|村: the threshold is no figure and the phrase does not stop at it; villages counted by
    their collective income are the 集体经济强村 concept, not all villages."""
    got = figures("全镇集体经济年收入10万元以上村达到23个，经营性收入30万元以上的村占比达41%。全镇共有56个村。", kb)
    assert "10万元" not in got and "30万元" not in got
    assert got["23个"][0] == "集体经济年收入10万元以上村"
    assert got["23个"][2] == "集体经济强村"
    assert got["41%"][0] == "经营性收入30万元以上的村占比"
    assert got["56个"][:3:2] == ("村", "行政村")


def test_examples_before_deng_are_members_of_what_is_counted(kb: KnowledgeBase) -> None:
    """甲、乙等|14个|贫困县: the examples are members of what the count counts; an amount after 等 is still
    of the things listed (两癌筛查等|50余万人次)."""
    got = figures("示例省宣布甲县、乙县等14个贫困县正式退出，农业农村厅等6部门联合发文，开展“两癌”筛查等3万人次。", kb)
    assert got["14个"][0] == "贫困县"
    assert got["6部门"][0] == "部门"
    assert got["3万人次"][0] == "两癌筛查"


def test_an_area_of_an_event_and_an_ordinal_after_the_noun(kb: KnowledgeBase) -> None:
    """群众种植豆角|1.26万亩: an area after a verb and its object is the area of what was done (面积 once,
    not twice); 14个市州|第一批…: an ordinal starts another phrase."""
    got = figures("扶持农户种植辣椒2.3万亩，累计建设高标准农田12万亩，粮食播种面积稳定在80万亩。", kb)
    assert got["2.3万亩"][0] == "农户种植辣椒面积"
    assert got["12万亩"][0] == "高标准农田"  # the verb that opens it is cut: a noun phrase, no event
    assert got["80万亩"][0] == "粮食播种面积"
    got = figures("对9个市州第一批衔接资金项目开展督导。", kb)
    assert got["9个"][0] == "市州"


def test_a_length_after_juli_is_the_distance_to_a_place(kb: KnowledgeBase) -> None:
    """距离|示例县城|约30公里, 离|学校|不足500米: the distance to that place (the 距离 concept); a length
    without such a word is what it measures."""
    got = figures("新村距离示例县城约30公里，离学校不足500米，今年新建农村公路12公里。", kb)
    assert got["30公里"][0::2] == ("距示例县城距离", "距离")
    assert got["500米"][0] == "距学校距离"
    assert got["12公里"][0] == "农村公路"
    # a distance is a static attribute: no period, whatever day its sentence names
    ex = extract_text("7月12日，记者来到距离示例县城40余公里的示例村，当天新建农村公路3公里。", kb=kb,
                      title="示例县新闻", date="2023-07-17")
    periods = {o.quantity.stated: o.period for o in ex.observations}
    assert periods == {"40余公里": None, "3公里": "2023-07-12"}


def test_a_label_is_made_of_whole_words(kb: KnowledgeBase) -> None:
    got = figures("全县十大特色产业全产业链总产值达到85亿元，累计建设高标准农田12万亩。", kb)
    assert got["85亿元"][0] == "十大特色产业全产业链总产值"  # not 大特色产业…: no word is cut
    assert got["12万亩"][:2] == ("高标准农田", "cumulative")  # 累计 and 建设 are no part of it


def test_a_list_before_fenbie_goes_with_the_figures_by_position(kb: KnowledgeBase) -> None:
    got = figures("全县义务教育巩固率、高中阶段毛入学率分别达到97.5%、92.3%。", kb)
    assert got["97.5%"][0] == "义务教育巩固率" and got["92.3%"][0] == "高中阶段毛入学率"
    # no list in the clause: the figures before them in the sentence are the list
    got = figures("游客接待量120万人次，旅游收入9亿元，分别增长12%、15%。", kb)
    assert got["12%"][:2] == ("游客接待量", "change") and got["15%"][:2] == ("旅游收入", "change")
    # 分别占全市的 X%、Y%: shares of the figures (or items) before; the whole they are shares of is no label
    got = figures("全年发放产业奖补资金2.1亿元，建成产业基地86个，分别占全市的41%、37%。", kb)
    assert got["41%"][:2] == ("产业奖补资金", "share") and got["37%"][:2] == ("产业基地", "share")
    got = figures("小麦产量和玉米产量分别占全省的18%和26%。", kb)
    assert got["18%"][:2] == ("小麦产量", "share") and got["26%"][:2] == ("玉米产量", "share")


def test_urban_and_rural_pairs(kb: KnowledgeBase) -> None:
    got = figures("城镇、农村居民人均可支配收入分别达到3.2万元、1.4万元。", kb)
    assert got["3.2万元"][0] == "城镇居民人均可支配收入" and got["1.4万元"][0] == "农村居民人均可支配收入"
    got = figures("城乡居民人均可支配收入分别增长5.1%和7.2%。", kb)
    assert got["5.1%"][:2] == ("城镇居民人均可支配收入", "change")
    assert got["7.2%"][:2] == ("农村居民人均可支配收入", "change")
    got = figures("城镇居民人均可支配收入3.2万元，农村居民1.4万元。", kb)
    assert got["1.4万元"][0] == "农村居民人均可支配收入"


def test_male_and_female_share_the_head(kb: KnowledgeBase) -> None:
    got = figures("全县男、女劳动力分别为1.2万人、0.9万人。", kb)
    assert got["1.2万人"][0] == "男劳动力" and got["0.9万人"][0] == "女劳动力"


def test_growth_is_a_change_of_the_base_indicator(kb: KnowledgeBase) -> None:
    got = figures("全县地区生产总值增长6.5%。粮食产量12万吨，同比增长3%。", kb)
    assert got["6.5%"] == ("地区生产总值", "change", "地区生产总值")
    assert got["12万吨"][:2] == ("粮食产量", "level")
    assert got["3%"][:2] == ("粮食产量", "change")


def test_a_share_is_of_the_amount_named_before(kb: KnowledgeBase) -> None:
    got = figures("全县落实衔接资金2亿元，占比达到60%。", kb)
    assert got["60%"][1] == "share" and got["60%"][0] == got["2亿元"][0]
    got = figures("已消除风险120户，占监测对象的65.5%。", kb)
    assert got["65.5%"][1] == "share" and got["65.5%"][0] == got["120户"][0]


def test_households_then_people(kb: KnowledgeBase) -> None:
    got = figures("麦积区新识别监测对象6户21人，有脱贫户40户152人。", kb)
    assert got["6户"][0] == got["21人"][0] == "新识别监测对象"
    assert got["40户"][0] == "脱贫户" and got["152人"][0] == "脱贫人口"


def test_verbs_only_end_with_the_noun_of_their_measure(kb: KnowledgeBase) -> None:
    got = figures("示例县小额信贷工作扎实，累计发放3.6亿元。", kb)
    assert got["3.6亿元"][:2] == ("发放额", "cumulative")


def test_a_figure_nothing_names_stays_unnamed(kb: KnowledgeBase) -> None:
    assert figures("5000万元！这是全年的成绩。", kb)["5000万元"][0] == UNNAMED


# ------------------------------------------------------------------------------------------- concepts


def test_labels_link_to_concepts_of_the_scheme(kb: KnowledgeBase) -> None:
    ex = extract_text("武山县农民人均可支配收入1.5万元，增长8%；新增监测对象12户。", kb=kb)
    by_stated = {o.quantity.stated: o for o in ex.observations}
    income = by_stated["1.5万元"]
    assert income.indicator == "农民人均可支配收入"  # the label as stated stays
    assert income.concept_label == "农村居民人均可支配收入" and income.kind == "per-capita"
    assert income.concept is not None and income.concept.startswith(CONCEPT_BASE)
    assert by_stated["8%"].concept == income.concept and by_stated["8%"].kind == "change"
    assert by_stated["12户"].concept_label == "新识别监测对象"


def test_the_segmenter_keeps_scheme_labels_whole(kb: KnowledgeBase) -> None:
    words = [w for w, _ in kb.segmenter.tag("全县一般公共预算收入增长")]
    assert "一般公共预算收入" in words
    assert "建设高标准农田" not in kb.segmenter.words  # an action word opens it: 建设|高标准农田
    # rjieba's own instance, which the region and programme finders tag with, never gets the user words
    import rjieba

    assert [w for w, _ in rjieba.tag("全县一般公共预算收入增长")] != words


# ------------------------------------------------------------------------------------------- queries


REPORTS = {
    "maiji.txt": ("麦积区2023年巩固拓展脱贫攻坚成果工作总结\n\n2023年，麦积区健全防止返贫动态监测和帮扶机制，"
                  "新识别监测对象16户71人，已消除风险35户140人，风险消除率65.5%。全区农村居民人均可支配收入1.52万元，"
                  "增长8.1%。\n"),
    "wushan.txt": ("武山县2023年工作总结\n\n2023年，武山县农民人均可支配收入1.31万元，增长7.9%；新建高标准农田2.1万亩。\n"),
}


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("store") / "store"
    with KGStore.open(path) as store:
        build([folder], store, jobs=1)
    return path


def rows(path: Path, query: str, **bind: str) -> list[dict[str, str]]:
    with KGStore.open(path, read_only=True) as store:
        table = to_table(run(store, query, dict(bind)))
    return [dict(zip(table.columns, r, strict=True)) for r in table.rows]


def test_indicator_by_region_takes_any_label_of_a_concept(small_store: Path) -> None:
    for label in ("农村居民人均可支配收入", "农民人均可支配收入"):
        got = rows(small_store, "indicator-by-region", indicatorLabel=label)
        levels = {(r["region"], r["value"]) for r in got if r["kind"] == "per-capita"}
        assert levels == {("麦积区", "15200"), ("武山县", "13100")}, got
        assert {r["kind"] for r in got} == {"per-capita", "change"}
        assert {r["indicator"] for r in got} == {"农村居民人均可支配收入", "农民人均可支配收入"}
    assert rows(small_store, "indicator-by-region", indicatorLabel="不是指标") == []


def test_indicator_series_by_region_and_period(small_store: Path) -> None:
    got = rows(small_store, "indicator-series", indicatorLabel="农民人均可支配收入")
    series = {(r["region"], r["kind"], r["period"], r["values"]) for r in got}
    assert ("麦积区", "per-capita", "2023", "15200") in series and ("武山县", "change", "2023", "7.9") in series


def test_monitoring_by_county(small_store: Path) -> None:
    got = rows(small_store, "monitoring-by-county")
    maiji = [r for r in got if r["county"] == "麦积区"]
    assert maiji and all(r["countyCode"] == "620503" for r in maiji)
    figures_ = {(r["concept"], r["value"], r["unit"]) for r in maiji}
    assert {("新识别监测对象", "16", "户"), ("新识别监测对象", "71", "人"), ("风险消除率", "65.5", "%")} <= figures_
    assert not any(r["county"] == "武山县" for r in got)  # names no monitoring and reports none


# ------------------------------------------------------------------------------------------- kg eval


def test_lenient_label_agreement() -> None:
    assert labels_agree("新识别监测对象户数", "新识别监测对象")  # one contains the other
    assert labels_agree("农村居民人均可支配收入", "农村常住居民人均可支配收入")  # Dice 0.9
    assert not labels_agree("村集体经济收入", "村")  # a one-character label is too little
    assert not labels_agree("高标准农田面积", "打造")
    assert dice("abcd", "abcd") == 1.0 and dice("ab", "cd") == 0.0


def test_eval_reports_indicator_and_concept_agreement(small_store: Path, tmp_path: Path) -> None:
    gold = {"file": "wushan.txt", "facts": [
        {"region": "武山县", "indicator": "农民人均可支配收入", "value": 13100, "unit": "元", "time": "2023",
         "quote": "农民人均可支配收入1.31万元"},
        {"region": "武山县", "indicator": "农民人均可支配收入增幅", "value": 7.9, "unit": "%", "time": "2023",
         "quote": "增长7.9%"},
        {"region": "武山县", "indicator": "旅游接待人数", "value": 21000, "unit": "亩", "time": "2023",
         "quote": "新建高标准农田2.1万亩"},
    ]}
    (tmp_path / "wushan.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    with KGStore.open(small_store, read_only=True) as store:
        scores = evaluate(store, tmp_path)
    (score,) = scores
    assert (score.found, score.indicator_ok) == (3, 2)  # the third key names another indicator
    assert score.concept_n >= 2 and score.concept_ok == 2
    table = report(scores)
    assert "indicator" in table.splitlines()[0] and "concept" in table.splitlines()[0]
