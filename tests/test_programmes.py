"""Programme scheme, programme / measure / policy-document extraction, cross-document links and queries."""

from __future__ import annotations

import csv
import functools
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SKOS as SKOS_NS

from kg.extract import programmes as extractor
from kg.extract.programme_links import link_discovered, narrower_discovered, regional_variants, split_region
from kg.extract.programmes import SUFFIX, programme_words, title_years
from kg.extract.structure import text_structure
from kg.knowledge import KnowledgeBase
from kg.programmes import SIMILARITY_THRESHOLD, ProgrammeScheme, near_miss, normalise_name

KB = KnowledgeBase.shipped()


def find_programmes(text: str, scheme: ProgrammeScheme) -> list:
    return extractor.find_programmes(text, scheme, programme_words(KB))


def find_measures(text: str, mentions: list) -> list:
    return extractor.find_measures(text, text_structure(text, KB).list_items, mentions)


def find_policy_documents(text: str) -> list:
    return extractor.find_policy_documents(text, text_structure(text, KB).protected, KB.gazetteer)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PROG = "https://w3id.org/kg-rural/id/program/"


@pytest.fixture(scope="module")
def scheme() -> ProgrammeScheme:
    return KB.programmes


def concept_of(scheme: ProgrammeScheme, name: str) -> str:
    concept, _ = scheme.canonical(name)
    assert concept is not None, name
    return concept


# ---------------------------------------------------------------- the scheme


def test_scheme_size_and_shape(scheme: ProgrammeScheme) -> None:
    assert 120 <= len(scheme.concepts) <= 220
    for concept in scheme.concepts.values():
        assert concept.id.startswith(PROG) and concept.slug.isascii()
        assert all(parent in scheme.concepts for parent in concept.broader)
        for child in concept.narrower:
            assert concept.id in scheme.concepts[child].broader
    assert KnowledgeBase.shipped().programmes is scheme  # parsed once


def test_scheme_hierarchy(scheme: ProgrammeScheme) -> None:
    east_west = scheme.by_slug("dongxibu-xiezuo")
    assert east_west.pref_label == "东西部协作"
    for name in ("苏陕协作", "常安协作", "浙川东西部协作", "闽宁协作"):
        assert east_west.id in scheme.ancestors(concept_of(scheme, name))
    assert scheme.by_slug("xiezuo-dingdian").id in east_west.broader


@pytest.mark.parametrize("variant", ["防返贫监测帮扶", "防止返贫动态监测和帮扶", "防返贫", "动态监测帮扶",
                                     "“防止返贫监测帮扶”", "防止返貧動態監測和幫扶", "防止返贫动态监测和帮扶机制"])
def test_alias_table(scheme: ProgrammeScheme, variant: str) -> None:
    assert scheme.canonical(variant) == (PROG + "fangfanpin-jiance", "防止返贫动态监测和帮扶")


@pytest.mark.parametrize(("a", "b"), [("两不愁、三保障", "两不愁三保障"), ("“一站式”结算", "一站式结算"),
                                      ("先诊疗、后付费", "先诊疗后付费"), ("和美乡村", "宜居宜业和美乡村"),
                                      ("帮扶车间", "扶贫车间"), ("五年过渡期", "5年过渡期")])
def test_variants_are_one_concept(scheme: ProgrammeScheme, a: str, b: str) -> None:
    assert concept_of(scheme, a) == concept_of(scheme, b)


def test_similarity_merges_unlisted_variant(scheme: ProgrammeScheme) -> None:
    # not a label of the scheme, but a close variant of 农村人居环境整治提升五年行动
    assert "农村人居环境整治提升五年行动计划" not in scheme.aliases
    assert scheme.canonical("农村人居环境整治提升五年行动计划")[1] == "农村人居环境整治提升五年行动"


@pytest.mark.parametrize(("a", "b"), [("六必访", "六必查"), ("四个不摘", "四个不准"), ("一户一策", "一县一策"),
                                      ("两个70%", "两个80%"), ("四化防止返贫监测体系", "五化防止返贫监测体系"),
                                      ("乡村振兴示范村", "乡村振兴示范县"),
                                      # false merges of issue 18: another end, a qualifier before the head
                                      ("专精特新", "专精特新贷"), ("一区两体系", "一区两园"),
                                      ("人工智能+行动", "人工智能+文化行动"), ("城市更新行动", "城市更新示范行动")])
def test_near_misses_never_merge(scheme: ProgrammeScheme, a: str, b: str) -> None:
    assert near_miss(a, b, scheme.heads)
    assert link_discovered([a, b], scheme) == []


@pytest.mark.parametrize(("a", "b"), [("稳岗扩容提质行动", "就业稳岗扩容提质行动"),
                                      ("涉企执法专项行动", "涉企行政执法专项行动")])
def test_close_variants_still_merge(scheme: ProgrammeScheme, a: str, b: str) -> None:
    assert not near_miss(normalise_name(a), normalise_name(b), scheme.heads)
    assert link_discovered([a, b], scheme) == [tuple(sorted((a, b)))]


def test_over_broad_labels_are_gone_and_abbreviations_known(scheme: ProgrammeScheme) -> None:
    """农村公路 is every rural road, not 四好农村路; 城乡低保 is not only the rural one; 百千万工程 is the short
    name of 百县千镇万村高质量发展工程."""
    assert scheme.canonical("农村公路")[0] != PROG + "sihao-nongcunlu"
    assert concept_of(scheme, "城乡低保") != concept_of(scheme, "农村低保") != concept_of(scheme, "低保")
    assert concept_of(scheme, "百千万工程") == concept_of(scheme, "百县千镇万村高质量发展工程")
    # 对口帮扶 is any pairing (京津, hospitals), 对口支援 the central one of Tibet and Xinjiang; the 2020 pairing
    # with Hubei is neither; 特色产业集群 is mostly the industry ministry's, not the agriculture ministry's
    assert len({concept_of(scheme, "对口帮扶"), concept_of(scheme, "对口支援"), concept_of(scheme, "对口支援湖北")}) == 3
    assert [m.concept for m in find_programmes("新增国家级中小企业特色产业集群3个，培育特色产业集群。", scheme)] \
        == [PROG + "zhongxiao-jiqun"]
    assert concept_of(scheme, "美丽乡村先行区") != concept_of(scheme, "美丽乡村")


def test_broader_and_narrower_are_each_others_inverse() -> None:
    """The scheme states every skos:broader link with its skos:narrower inverse, so either can be queried."""
    graph = rdflib.Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "programs.ttl")
    broader = set(graph.subject_objects(SKOS_NS.broader))
    narrower = {(b, a) for a, b in graph.subject_objects(SKOS_NS.narrower)}
    assert broader == narrower


def test_regional_variants_are_narrower() -> None:
    found = dict(regional_variants(["甘肃省乡村建设行动", "某省乡村建设行动", "特色优势产业三年倍增行动"],
                                   KB.programmes, KB.gazetteer))
    assert found == {"甘肃省乡村建设行动": PROG + "xiangcun-jianshe-xingdong"}


@pytest.mark.parametrize(("a", "b"), [("扶贫领域腐败和作风问题专项治理", "扶贫领域腐败和作风问题专项整治"),
                                      ("五年过渡期", "5年过渡期"), ("六必访", "六必访")])
def test_not_near_misses(a: str, b: str) -> None:
    assert not near_miss(a, b)


def test_distinct_discovered_slogans_stay_apart(scheme: ProgrammeScheme) -> None:
    for name in ("六必访", "六必查", "七不消"):
        assert scheme.canonical(name) == (None, name)


def test_threshold_is_the_measured_one(scheme: ProgrammeScheme) -> None:
    assert scheme.threshold == SIMILARITY_THRESHOLD
    source = (ROOT / "kg" / "programmes.py").read_text(encoding="utf-8")
    assert f"#     {int(SIMILARITY_THRESHOLD)}" in source  # the measured row sits next to the constant


# ---------------------------------------------------------------- programme mentions

TEXT = (
    "今年以来,某县聚焦守底线、抓发展、促振兴,坚持把防返贫作为头等大事,按照“六必访”“六必查”“七不消”要求,"
    "落实“一户一策”帮扶措施,严格落实“四个不摘”要求,聚焦“五个确保”目标。县乡村振兴局组织驻村工作队开展集中排查。\n"
    "一是强化易地扶贫搬迁后续扶持。扎实推进“4+2”农业产业振兴和特色优势产业三年倍增行动,建立“1433”防返贫监测帮扶推进机制,"
    "落实领导联县、部门帮村、干部包户机制。二是推进宜居宜业和美乡村建设。实施人居环境整治百日攻坚专项行动,建设高标准农田1.2万亩。\n"
    "（一）做好东西部协作和定点帮扶。深化苏陕协作,发展庭院经济。（二）健全完善的工作机制。\n"
)


def test_scheme_mentions(scheme: ProgrammeScheme) -> None:
    mentions = find_programmes(TEXT, scheme)
    for m in mentions:
        assert TEXT[m.start:m.end] == m.surface
    by_concept = {m.concept: m for m in reversed(mentions) if m.concept}  # first mention of each
    assert by_concept[PROG + "fangfanpin-jiance"].surface == "防返贫"
    # longest match: 易地扶贫搬迁后续扶持 is one programme, not 易地扶贫搬迁 + the rest
    assert PROG + "yiqian-houxu" in by_concept and PROG + "yidi-banqian" not in by_concept
    assert by_concept[PROG + "hemei-xiangcun"].label == "宜居宜业和美乡村"
    assert by_concept[PROG + "gaobiaozhun-nongtian"].label == "高标准农田建设"
    assert {PROG + "dongxibu-xiezuo", PROG + "dingdian-bangfu", PROG + "sushan"} <= set(by_concept)
    assert by_concept[PROG + "yihu-yice"].discovered_by is None
    # 乡村振兴局 is an agency (stop term), not a mention of 乡村振兴
    assert not any(m.label == "乡村振兴" for m in mentions)


def test_discovered_mentions(scheme: ProgrammeScheme) -> None:
    found = {m.label: m for m in find_programmes(TEXT, scheme) if m.concept is None}
    assert {m.discovered_by for m in found.values()} == {SUFFIX}
    assert "四个不摘" not in found  # a scheme programme, not a discovery
    assert found["特色优势产业三年倍增行动"].discovered_by == SUFFIX
    assert "1433防返贫监测帮扶推进机制" in found
    assert "领导联县、部门帮村、干部包户机制" in found
    assert "人居环境整治百日攻坚专项行动" in found  # contains the scheme label 人居环境整治, names its own programme
    assert not any("工作机制" in label for label in found)  # generic head, no programme
    assert not any(label.startswith(("扎实", "推进", "建立", "实施")) for label in found)


def test_discovery_needs_a_programme_head(scheme: ProgrammeScheme) -> None:
    """Quoted phrases and number slogans without a head are not programmes unless the scheme lists them."""
    found = {m.label for m in find_programmes(TEXT, scheme) if m.concept is None}
    assert not {"六必访", "六必查", "七不消", "五个确保", "4+2农业产业振兴"} & found
    text = ("某地获“金穗奖”，推出“智农一号”平台，打造“山水田园”，落实十必须、十不准，紧扣一个目标、两个重点。"
            "开展“三区同建”示范，推行“田间课堂”工作法，实施“强村富民”工程，开展数字乡村试点。")
    found = {m.label for m in find_programmes(text, scheme) if m.concept is None}
    assert found == {"三区同建示范", "田间课堂工作法", "强村富民工程", "数字乡村试点"}


def test_discovered_names_say_something_of_their_own(scheme: ProgrammeScheme) -> None:
    text = ("健全投诉工作机制，完善各类规划统筹落实机制，深化促进消费长效机制，开展专项行动，"
            "配合特别军事行动，推进一批生态修复工程。")
    found = {m.label for m in find_programmes(text, scheme) if m.concept is None}
    assert found == {"规划统筹落实机制", "生态修复工程"}  # 促进消费长效机制: a weak head with a short core


def test_names_are_not_cut_at_fixed_terms_or_inside_a_quote(scheme: ProgrammeScheme) -> None:
    """规模以上 and 对非 are terms, not the leader 以上 or the preposition 对; a quote whose name holds 和 is
    the whole name; a body (工程技术中心) and a bare kind of works (500千伏输变电工程) are no programmes, and
    a field with a word that names no instrument (乡村建设实施机制, 区域劳务协作机制) no mechanism."""
    text = ("实施规模以上工业企业研发活动扶持计划，推动对非贸易倍增计划落地，是“示范高水平高职学校和专业建设计划”的简称。"
            "示例杂交水稻工程技术中心开展测产。加快500千伏输变电工程建设，建成示例750千伏输变电工程。"
            "完善乡村建设实施机制，完善区域劳务协作机制，落实传染病疫情报告制度，健全企业诉求闭环处办机制。"
            "18.创新药“护苗”行动：聚焦创新药优势赛道。")
    found = {m.label for m in find_programmes(text, scheme) if m.concept is None}
    assert found == {"规模以上工业企业研发活动扶持计划", "对非贸易倍增计划", "示范高水平高职学校和专业建设计划",
                     "示例750千伏输变电工程", "企业诉求闭环处办机制", "创新药护苗行动"}


def test_generic_mechanisms_bodies_and_verbs_make_no_names(scheme: ProgrammeScheme) -> None:
    """A field and a word naming no instrument before 机制 (园区共建共赢机制, 工资合理增长机制) is no name, while a
    named instrument is (小微企业融资协调机制); generic words make none (国家重大人才工程, 人才培养计划); a scheme label inside a body's name (国家医疗保障局) is no mention;
    发起 governs what follows it (发起地面行动: a verb and its object)."""
    text = ("创新园区共建共赢机制，健全工资合理增长机制，完善企业常态化沟通交流机制，深化小微企业融资协调机制。"
            "国家医疗保障局印发通知。土耳其军方在叙利亚北部地区发起地面行动。入选国家重大人才工程，依托人才培养计划，"
            "推进第五轮示范引领工程。抓好十大类46项民生实事工程。争创国家级服务业标准化试点。")
    found = {m.label for m in find_programmes(text, scheme) if m.concept is None}
    assert found == {"小微企业融资协调机制", "国家级服务业标准化试点"}  # 争创 governs the name
    assert not any(m.surface == "医疗保障" for m in find_programmes(text, scheme))


def test_repeats_of_a_discovered_name(scheme: ProgrammeScheme) -> None:
    text = "实施“三区同建”工程。恩阳区坚持三区同建工程，落实十必须。"
    found = [(m.label, m.discovered_by) for m in find_programmes(text, scheme) if m.concept is None]
    assert found.count(("三区同建工程", SUFFIX)) == 2


def test_titles_and_sayings_are_not_programmes(scheme: ProgrammeScheme) -> None:
    text = "该村被誉为“塞上江南”,荣获“文明村”称号,在“十四五”时期发挥“稳定器”作用,群众说“日子越过越好,心里甜”。"
    assert [m for m in find_programmes(text, scheme) if m.concept is None] == []


# ---------------------------------------------------------------- measures


def test_measures(scheme: ProgrammeScheme) -> None:
    mentions = find_programmes(TEXT, scheme)
    measures = find_measures(TEXT, mentions)
    texts = [m.text for m in measures]
    assert any(t.startswith("一是强化易地扶贫搬迁后续扶持") and t.endswith("干部包户机制。") for t in texts)
    assert any(t.startswith("二是推进宜居宜业和美乡村建设") and t.endswith("1.2万亩。") for t in texts)
    assert any(t.startswith("（一）做好东西部协作") and t.endswith("庭院经济。") for t in texts)
    for m in measures:
        assert TEXT[m.start:m.end] == m.text and m.region is None
    second = next(m for m in measures if m.text.startswith("二是"))
    assert "宜居宜业和美乡村" in second.programmes and "高标准农田建设" in second.programmes
    assert [m.index for m in measures] == list(range(len(measures)))


def test_measure_markers() -> None:
    text = "1.加强监测帮扶,守牢底线。\n2、发展特色产业增加收入。\n——坚持盯村抓户不放松。\n统一是重要的。\n(一)完善政策体系建设。"
    measures = find_measures(text, [])
    assert [m.text for m in measures] == ["1.加强监测帮扶,守牢底线。", "2、发展特色产业增加收入。",
                                          "——坚持盯村抓户不放松。", "(一)完善政策体系建设。"]


# ---------------------------------------------------------------- policy documents


def test_policy_documents() -> None:
    text = ("制定出台了《关于举全县之力实现整县脱贫的意见》和《整县脱贫实施方案》,印发"
            "《甘肃省农村人居环境整治提升五年行动实施方案(2021-2025)》《某县2023年帮扶工作要点》"
            "《某市乡村振兴规划（2022—2025年）》。")
    docs = find_policy_documents(text)
    assert [d.title for d in docs] == ["关于举全县之力实现整县脱贫的意见", "整县脱贫实施方案",
                                      "甘肃省农村人居环境整治提升五年行动实施方案(2021-2025)",
                                      "某县2023年帮扶工作要点", "某市乡村振兴规划（2022—2025年）"]
    assert [d.years for d in docs] == [(), (), (2021, 2022, 2023, 2024, 2025), (2023,), (2022, 2023, 2024, 2025)]
    assert all(text[d.start:d.end] == f"《{d.title}》" for d in docs)
    # a title opening with a real place is issued by it; 某县 / 某市 name no place
    assert [d.issuer and d.issuer.code for d in docs] == [None, None, "620000", None, None]
    assert title_years("二〇二三年工作要点") == (2023,)


def test_policy_document_issuer_is_the_place_its_title_opens_with() -> None:
    docs = find_policy_documents("《甘肃省健全防止返贫动态监测和帮扶机制工作指南》《关于甘肃省乡村振兴的意见》")
    assert docs[0].issuer is not None and docs[0].issuer.code == "620000"
    assert docs[1].issuer is None


# ---------------------------------------------------------------- cross-document links


def test_link_discovered(scheme: ProgrammeScheme) -> None:
    pairs = link_discovered(["两不愁、三保障", "两不愁三保障", "六必访", "六必查", "资金项目质效双提行动",
                             "资金、项目质效双提行动", "三区同建", "三产融合"], scheme)
    assert set(pairs) == {("两不愁、三保障", "两不愁三保障"), ("资金、项目质效双提行动", "资金项目质效双提行动")}


# ---------------------------------------------------------------- queries

Q = ROOT / "queries"
KGO = "https://w3id.org/kg-rural/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _store() -> ox.Store:
    """A tiny graph in the shape the pipeline writes: scheme concept, discovered concepts merged by exactMatch."""
    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / "programs.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/kg-rural/id/graph/ontology"))
    data = """
    @prefix kgo: <https://w3id.org/kg-rural/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix prov: <http://www.w3.org/ns/prov#> .
    @prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> . @prefix ex: <http://ex/> .
    ex:d1 a kgo:SourceDocument ; kgo:fileName "a.txt" ; kgo:contentHash "h1" .
    ex:d2 a kgo:SourceDocument ; kgo:fileName "b.txt" ; kgo:contentHash "h2" .
    ex:r1 rdfs:label "麦积区" ; kgo:adminCode "620503" .  ex:r2 rdfs:label "安康市" ; kgo:adminCode "610900" .
    ex:p1 a kgo:Programme ; skos:prefLabel "两不愁、三保障"@zh ; kgo:discoveredBy "quoted" ;
        skos:inScheme <https://w3id.org/kg-rural/id/scheme/programmes> ; skos:exactMatch ex:p2 .
    ex:p2 a kgo:Programme ; skos:prefLabel "两不愁三保障"@zh ; kgo:discoveredBy "slogan" ;
        skos:inScheme <https://w3id.org/kg-rural/id/scheme/programmes> ; skos:exactMatch ex:p1 .
    ex:m1 a kgo:ProgrammeMention ; kgo:programme ex:p1 ; kgo:region ex:r1 ; prov:wasDerivedFrom ex:d1 .
    ex:m2 a kgo:ProgrammeMention ; kgo:programme ex:p2 ; kgo:region ex:r2 ; prov:wasDerivedFrom ex:d2 .
    ex:m3 a kgo:ProgrammeMention ; kgo:programme <https://w3id.org/kg-rural/id/program/dongxibu-xiezuo> ;
        kgo:region ex:r1 ; prov:wasDerivedFrom ex:d1 .
    ex:m4 a kgo:ProgrammeMention ; kgo:programme <https://w3id.org/kg-rural/id/program/dongxibu-xiezuo> ;
        kgo:region ex:r2 ; prov:wasDerivedFrom ex:d2 .
    ex:i a kgo:Indicator ; skos:prefLabel "风险消除率" .  ex:u skos:prefLabel "%" .
    ex:c a kgo:IndicatorConcept ; skos:prefLabel "风险消除率"@zh ; skos:hiddenLabel "风险消除率" .
    ex:o1 a kgo:Observation ; kgo:indicator ex:i ; kgo:value 65.5 ; kgo:unit ex:u ; sdmx-dimension:refArea ex:r1 ;
        sdmx-dimension:refPeriod "2022" ; kgo:quote "占监测对象的65.5%" ; prov:wasDerivedFrom ex:d1 ;
        kgo:concept ex:c ; kgo:figureKind <https://w3id.org/kg-rural/id/figure-kind/share> .
    ex:o2 a kgo:Observation ; kgo:indicator ex:i ; kgo:value 71.6 ; kgo:unit ex:u ; sdmx-dimension:refArea ex:r2 ;
        sdmx-dimension:refPeriod "2023" ; kgo:quote "风险消除率71.6%" ; prov:wasDerivedFrom ex:d2 ;
        kgo:concept ex:c ; kgo:figureKind <https://w3id.org/kg-rural/id/figure-kind/share> .
    """
    store.load(data.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://ex/g1"))
    return store


def _rows(store: ox.Store, name: str, **bindings: ox.Literal) -> tuple[list[str], list[list[str | None]]]:
    result = store.query((Q / name).read_text(encoding="utf-8"), use_default_graph_as_union=True,
                         substitutions={ox.Variable(k): v for k, v in bindings.items()})
    columns = [v.value for v in result.variables]
    return columns, [[None if s[c] is None else s[c].value for c in columns] for s in result]


def test_programs_query() -> None:
    columns, rows = _rows(_store(), "programs.rq")
    assert columns == ["file", "program", "region"]
    assert sorted(map(tuple, rows)) == [("a.txt", "东西部协作", "麦积区"), ("a.txt", "两不愁、三保障", "麦积区"),
                                        ("b.txt", "东西部协作", "安康市"), ("b.txt", "两不愁、三保障", "安康市")]


def test_programs_across_regions_query() -> None:
    columns, rows = _rows(_store(), "programs-across-regions.rq")
    assert columns == ["programme", "regionCount", "regions", "documents"]
    assert {r[0]: (int(r[1]), int(r[3])) for r in rows} == {"东西部协作": (2, 2), "两不愁、三保障": (2, 2)}


def test_indicator_by_region_query() -> None:
    columns, rows = _rows(_store(), "indicator-by-region.rq", indicatorLabel=ox.Literal("风险消除率"))
    assert columns == ["region", "regionCode", "period", "value", "unit", "file", "quote", "indicator", "kind",
                       "status", "indicatorLabel"]
    assert [(r[0], r[1], r[3], r[4], r[8]) for r in rows] == [("安康市", "610900", "71.6", "%", "share"),
                                                             ("麦积区", "620503", "65.5", "%", "share")]
    unbound = _rows(_store(), "indicator-by-region.rq")[1]  # nothing bound: every indicator, labelled
    assert {r[-1] for r in unbound} == {"风险消除率"} and len(unbound) == 2


# ---------------------------------------------------------------- real documents (skipped without ../shared)

_RUBY = re.compile(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")


def _simplified(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("t2s").convert(_RUBY.sub("", text))


@pytest.mark.shared
def test_seed_programmes_shared_by_documents_are_one_concept(scheme: ProgrammeScheme) -> None:
    """Each gold programme named by two or more seeds is one concept (or discovered label) found in all of them."""
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds or not (SHARED / "gold").is_dir():
        pytest.skip("../shared seeds not available")
    found: dict[str, set[str]] = {}
    where: dict[str, set[str]] = {}
    for path in seeds:
        mentions = find_programmes(_simplified(path.read_text(encoding="utf-8")), scheme)
        keys = {m.concept or normalise_name(m.label) for m in mentions}
        keys |= {a for m in mentions if m.concept for a in scheme.ancestors(m.concept)}  # 常安协作 ⊂ 东西部协作
        found[path.stem] = keys
        gold = json.loads((SHARED / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        for programme in gold["programs"]:
            key = scheme.canonical(programme["name"])[0] or normalise_name(programme["name"])
            where.setdefault(key, set()).add(path.stem)
    # issue 18: a name is discovered only with a programme head (行动, 工程 …) or from the scheme; the seeds'
    # gold lists slogans too (六必访, 回头看), which are no longer programmes unless the scheme lists them
    heads = programme_words(KB).suffixes
    shared = {key: docs for key, docs in where.items() if len(docs) >= 2
              and (key in scheme.concepts or heads.search(key[-3:]))}
    assert len(shared) >= 15
    # the keys read a bare 低保 as the rural one; kg gives the broader 低保 (a provincial report's 低保 covers
    # towns too), the one concept this test lets stand for a narrower key
    broader_reading = {scheme.canonical("农村低保")[0]: scheme.canonical("低保")[0]}
    missing = {key: sorted(doc for doc in docs if key not in found[doc] and broader_reading.get(key) not in found[doc])
               for key, docs in shared.items()}
    assert {k: v for k, v in missing.items() if v} == {}


@pytest.fixture(scope="module")
def provincial_reports(scheme: ProgrammeScheme) -> list[tuple[str, str, set[str]]]:
    """(file, text, concepts linked incl. broader ones) for the 2026 provincial work reports."""
    files = sorted((SHARED / "corpus").glob("*_gwr2026-*.csv"))
    if not files:
        pytest.skip("../shared corpus not available")
    csv.field_size_limit(1 << 24)
    reports = []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = next(csv.DictReader(handle))["full_text"]
        linked = {m.concept for m in find_programmes(text, scheme) if m.concept}
        reports.append((path.name, text, linked | {a for c in linked for a in scheme.ancestors(c)}))
    return reports


@pytest.mark.shared
@pytest.mark.parametrize("term", ["防止返贫", "东西部协作", "和美乡村", "高标准农田", "千万工程", "以工代赈"])
def test_provincial_reports_link_to_one_concept(scheme: ProgrammeScheme, term: str,
                                                provincial_reports: list[tuple[str, str, set[str]]]) -> None:
    """Every 2026 provincial work report naming a programme links to the one concept (or a narrower one)."""
    concept = concept_of(scheme, term)
    longer = [label for c in scheme.concepts.values() if c.id != concept
              for label in c.labels if term in label and label != term]  # other programmes' names

    def names_it(text: str) -> bool:
        """The report names the programme itself, not only another programme's longer name holding it
        (文明实践“百千万工程”)."""
        text = text.replace("“", "").replace("”", "")
        return term in functools.reduce(lambda t, label: t.replace(label, ""), longer, text)

    naming = [(name, linked) for name, text, linked in provincial_reports if names_it(text)]
    assert len(naming) >= 3
    assert [name for name, linked in naming if concept not in linked] == []


# ---------------------------------------------------------------- issue 18, second round: name boundaries


@pytest.mark.parametrize(("text", "expected"), [
    ("推进卡阳、松如沟等14个750千伏电网工程。", set()),  # a count and a figure open no name; a kind after 等
    ("领到了第二批康居工程住房。", set()),  # 第二批: a count; 康居 alone says too little
    ("启动建设，向家坝灌区一期一步工程建成通水。", {"向家坝灌区一期一步工程"}),  # 向 inside a word is no leader
    ("统筹推进国家和省山水工程，整合优化自然保护地。", set()),  # the cut end of a coordination
    ("全力打好“三北”工程三大标志性战役。", {"三北工程"}),  # a governing verb is no part of the name
    ("广西启动交通网、能源网等三年建设计划。", set()),  # generic words only
    ("从开展“净网”“剑网”“护苗”等专项治理行动。", set()),
    ("实现全国首批“公路保税”模式货物出口。", {"公路保税模式"}),  # scope + ordinal
    ("探索新型产业用地供应模式。", set()),  # 模式 written plainly: a way of working, no programme
    ("深入实施企业科技创新能力提升三年行动。", {"企业科技创新能力提升三年行动"}),  # 创新 inside 创新能力
    ("支持优势地区开展试点，国际社会亟须采取统一行动。", set()),  # verb + head
    ("推广“中试+投资+孵化”运营模式，实施“人工智能+”行动。", {"人工智能+行动"}),  # business model vs programme
    ("此前，巴勒斯坦方面和国际社会也对美国这一计划予以反对。", set()),  # a reference, no name
    ("实施铁路重点工程，推进生物多样性保护重大工程。", {"生物多样性保护重大工程"}),  # a kind of works vs a name
    ("开工全国重大水利工程12项，实施规模化供水工程。", set()),  # kinds of works, a verb does not open a name
    ("探索全省统一法人模式，推进农牧区集体产权制度改革。", set()),  # a scope adds nothing; 制度改革 is a reform
    # a modifier the governing verb's object opens with is the name's (有效, 创新, 助力 are leaders elsewhere)
    ("实施有效灌溉保障行动，开展电商助力乡村振兴行动。", {"有效灌溉保障行动", "电商助力乡村振兴行动"}),
    ("有效推进乡村建设行动。", set()),  # no governing verb before 有效: a leader
    ("实施优化营商环境行动，完善优化电价机制。", {"优化营商环境行动"}),  # a weak head takes no verb
    ("实施优化“百企帮扶”行动。", {"百企帮扶行动"}),  # the verb of a quoted name is no part of it
    # segments of a coordination before generic words of the head; a count of the enumeration is no name
    ("开展清河护岸、绿化造林专项行动。", {"清河护岸、绿化造林专项行动"}),
    ("建设交通、水利、能源三大保障机制。", set()),
    ("实施农田改造提升工程、码头扩能升级行动。", {"农田改造提升工程", "码头扩能升级行动"}),  # two names, no segment
    ("完善水旱灾害防御工程体系，构建“三横两纵”工程体系。", {"三横两纵工程"}),  # a system of works, unless quoted
    # a count inside opens the name; a scope pointing at the text's own region is the mention's region's
    ("新建120个村级健身提升工程，实施全省闲置厂房盘活行动。", {"村级健身提升工程", "闲置厂房盘活行动"}),
    ("推进全市域要素市场化配置综合改革试点。", {"全市域要素市场化配置综合改革试点"}),  # a region's run stays
    ("实施“1+9”产业提质行动，支持小微企业融资协调机制。", {"1+9产业提质行动", "小微企业融资协调机制"}),
    # the cut end of a coordination (外贸规模和|主体倍增工程) is no name, a quoted one is; 参与 is no 与
    ("实施外贸规模和主体倍增工程，开展自动驾驶和“车路协同”试点，深度参与长江文明探源工程。",
     {"车路协同试点", "长江文明探源工程"}),
    ("实施中试平台建在产业链上专项行动，健全各级政府定期听取汇报工作机制。", {"政府定期听取汇报工作机制"}),
    # 协同/治理 say nothing before a weak head; a strong head keeps them
    ("完善财政金融协同机制，实施算力调度协同工程。", {"算力调度协同工程"}),
])
def test_name_boundaries(scheme: ProgrammeScheme, text: str, expected: set[str]) -> None:
    found = {m.label for m in find_programmes(text, scheme) if m.concept is None}
    assert found == expected


def test_a_contrast_word_before_a_scheme_label(scheme: ProgrammeScheme) -> None:
    """城市低保 is not the rural 低保 (it is the broader one); 城乡居民低保 is 城乡低保; the bare 低保 is the broader 低保 (a provincial
    report's 低保 covers towns too), of which 农村低保 and 城乡低保 are narrower."""
    def concepts(text: str) -> list[str | None]:
        return [m.concept for m in find_programmes(text, scheme) if "低保" in m.surface]

    rural, both, bare = concept_of(scheme, "农村低保"), concept_of(scheme, "城乡低保"), concept_of(scheme, "低保")
    assert concepts("城市低保人均保障标准提高。") == [bare]  # a kind of 低保, not the rural one
    assert concepts("城乡居民低保月均标准提高。") == [both]
    assert concepts("落实低保、特困人员救助供养政策。") == [bare]
    assert concepts("纳入农村低保1.2万户。") == [rural]
    assert bare not in (rural, both)
    assert scheme.concepts[rural].broader == scheme.concepts[both].broader == (bare,)


def test_number_slogans_of_other_fields_are_not_the_scheme_programme(scheme: ProgrammeScheme) -> None:
    baiqianwan = concept_of(scheme, "百千万工程")
    for text in ("开展文明实践“百千万工程”。", "实施放心消费“百千万”工程。", "滚动实施“十百千万”工程。"):
        assert baiqianwan not in {m.concept for m in find_programmes(text, scheme)}, text
    assert baiqianwan in {m.concept for m in find_programmes("“百千万工程”有效激发县镇村发展活力。", scheme)}


# ---------------------------------------------------------------- issue 18, second round: merges


WORDS = KB.lexicon["programme_words"]


@pytest.mark.parametrize(("a", "b"), [("农村低保", "城乡低保"), ("农村人居环境整治提升行动", "城市人居环境整治提升行动"),
                                      ("省级现代农业产业园建设", "现代农业产业园建设")])
def test_names_for_others_never_merge(scheme: ProgrammeScheme, a: str, b: str) -> None:
    assert near_miss(a, b, scheme.heads, scheme.contrasts)
    assert link_discovered([a, b], scheme, KB.gazetteer, WORDS) == []


def test_regional_runs_are_narrower_not_the_same() -> None:
    labels = ["要素市场化配置综合改革试点", "国家要素市场化配置综合改革试点", "福厦泉要素市场化配置综合改革试点",
              "郑州要素市场化配置综合改革试点", "全市域要素市场化配置综合改革试点"]
    exact = link_discovered(labels, KB.programmes, KB.gazetteer, WORDS)
    assert exact == [("国家要素市场化配置综合改革试点", "要素市场化配置综合改革试点")]  # 国家: the national one
    narrower = dict(narrower_discovered(labels, KB.programmes, KB.gazetteer, WORDS))
    assert set(narrower) == {"福厦泉要素市场化配置综合改革试点", "郑州要素市场化配置综合改革试点",
                             "全市域要素市场化配置综合改革试点"}
    assert set(narrower.values()) <= {"要素市场化配置综合改革试点", "国家要素市场化配置综合改革试点"}
    assert split_region("就业稳岗扩容提质行动", KB.gazetteer, WORDS) == ("", "就业稳岗扩容提质行动")  # no place
