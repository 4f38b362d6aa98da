"""The register of towns and villages (issue 18): the generating script on a small file of our own in
jionlp's format, the file format through a round trip, and the shipped register on well-known places."""

from __future__ import annotations

import importlib.util
import pickle
import sys
import zipfile
from pathlib import Path

import pytest

from kg.knowledge import KnowledgeBase
from kg.register import (
    Entry,
    Register,
    SourceTown,
    SuffixRules,
    code_prefix,
    write_register,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "register"


def load_script():
    spec = importlib.util.spec_from_file_location("make_register", ROOT / "scripts" / "make_register.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def rules() -> SuffixRules:
    return SuffixRules.from_file()


@pytest.fixture
def installed_source(tmp_path: Path) -> Path:
    """The fixture laid out like an installed jionlp: zipped with CRLF line ends, beside its dist-info."""
    site = tmp_path / "site"
    dictionary = site / "jionlp" / "dictionary"
    dictionary.mkdir(parents=True)
    text = (FIXTURES / "china_location.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    with zipfile.ZipFile(dictionary / "china_location.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("china_location.txt", (2025, 11, 27, 20, 22, 0)), text.encode("utf-8"))
    (dictionary / "china_location_change.txt").write_text(
        (FIXTURES / "china_location_change.txt").read_text(encoding="utf-8"), encoding="utf-8")
    dist = site / "jionlp-9.9.9.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: jionlp\nVersion: 9.9.9\n"
                                   "License: Apache License 2.0\n", encoding="utf-8")
    return dictionary / "china_location.zip"


# --- the script on our fixture ----------------------------------------------------------------------------

def test_parse_reads_the_outline_by_depth(script) -> None:
    counties = script.parse(script.read_lines(FIXTURES / "china_location.txt"))
    by_name = {c.name: c for c in counties}
    assert [c.name for c in counties] == ["花垣县", "湘西测试经济开发区", "澄江县", "湾里区", "科尔沁右翼前旗",
                                          "市直辖行政区划", "中正区"]
    huayuan = by_name["花垣县"]
    assert (huayuan.code, huayuan.city, huayuan.province) == ("433124", ("湘西土家族苗族自治州", "433100"),
                                                              ("湖南省", "430000"))
    assert [t for t, _ in huayuan.towns] == ["青石镇", "龙潭乡"]
    assert huayuan.towns[0][1] == ["白岩村", "白岩村", "溪口社区", "新村"]  # as written, duplicates too
    assert by_name["中正区"].code == "" and by_name["中正区"].towns == []


def test_parse_rejects_a_village_without_a_town(script) -> None:
    with pytest.raises(ValueError, match="line 2: village before any town"):
        script.parse(["\t\t某县\t433124\t某", "\t\t\t\t某村"])


def test_zip_and_crlf_read_like_the_text(script, installed_source: Path) -> None:
    assert script.read_lines(installed_source) == script.read_lines(FIXTURES / "china_location.txt")
    assert script.member_date(installed_source) == "2025-11-27"


def test_counties_resolve_to_current_codes(script) -> None:
    counties = script.parse(script.read_lines(FIXTURES / "china_location.txt"))
    resolver = script.Resolver(script.read_gazetteer(), script.read_changes(FIXTURES / "china_location_change.txt"))
    got = {c.name: resolver.resolve(c) for c in counties if c.towns}
    assert got == {
        "花垣县": ("433124", "same"),
        "湘西测试经济开发区": ("433100", "zone"),  # no GB/T 2260 county: filed under its prefecture
        "澄江县": ("530481", "name"),  # now 澄江市 530481, former name 澄江县 in the gazetteer
        "湾里区": ("360112", "renamed"),  # merged into 新建区 (change file)
        "科尔沁右翼前旗": ("152221", "same"),
        "市直辖行政区划": ("441900", "same"),  # 东莞市 has towns and no counties
    }


def test_script_writes_a_register_with_its_provenance(script, installed_source: Path, tmp_path: Path) -> None:
    out = tmp_path / "register.bin"
    script.main([str(installed_source), "-o", str(out)])
    reg = Register(out)
    assert reg.meta["source"].startswith("PyPI jionlp 9.9.9, jionlp/dictionary/china_location.zip")
    assert reg.meta["licence"] == "Apache-2.0 (jionlp metadata: Apache License 2.0)"
    assert "archive member dated 2025-11-27" in reg.meta["source_date"]
    assert reg.meta["generated"][:2] == "20" and len(reg.meta["generated"]) == 10
    assert "same 3" in reg.meta["county_codes"] and "zone 1" in reg.meta["county_codes"]
    # 7 towns; villages: 白岩村 once, the 虚拟社区 placeholder dropped
    assert (reg.meta["towns"], reg.meta["villages"]) == ("7", "10")
    assert "1 placeholder villages" in reg.meta["source_counts"]
    assert len(reg) == 17
    assert reg.entries("白岩村") == (Entry("白岩村", "village", "433124", "青石镇"),)
    assert reg.entries("上寨村") == (Entry("上寨村", "village", "433124", "龙潭乡"),)  # 村民委员会 -> 村
    assert reg.entries("巴音嘎查") == (Entry("巴音嘎查", "village", "152221", "索伦镇"),)  # 嘎查委会 -> 嘎查
    assert reg.entries("园区街道") == (Entry("园区街道", "town", "433100", zone="湘西测试经济开发区"),)
    assert reg.entries("园区虚拟社区") == ()
    assert reg.entries("凤麓社区")[0].county == "530481"
    assert reg.entries("招贤镇")[0].county == "360112"
    assert [(e.county, e.town) for e in reg.entries("新村")] == [
        ("360112", "招贤镇"), ("433124", "青石镇"), ("433124", "龙潭乡"), ("441900", "石龙镇")]
    assert reg.counties("新村") == {"360112", "433124", "441900"}


# --- names ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "stored"), [
    ("十八洞村民委员会", "十八洞村"), ("十八洞村委会", "十八洞村"), ("十八洞村", "十八洞村"),
    ("华旺社区居委会", "华旺社区"), ("华旺居委会", "华旺社区"), ("华旺社区居民委员会", "华旺社区"),
    ("应昌街道办事处", "应昌街道"), ("两家子嘎查委会", "两家子嘎查"), ("两家子嘎查村", "两家子嘎查"),
    (" 磨憨镇 ", "磨憨镇"), ("居委会", "居委会"),
])
def test_normalise_to_the_form_used_in_text(rules: SuffixRules, written: str, stored: str) -> None:
    assert rules.normalise(written) == stored


@pytest.mark.parametrize(("name", "stem"), [
    ("滩歌镇", "滩歌"), ("南海乡", "南海"), ("东城街道", "东城"), ("十八洞村", "十八洞"), ("华旺社区", "华旺"),
    ("索伦苏木", "索伦"), ("新村", "新"), ("十八洞村民委员会", "十八洞"), ("嘉定工业区", "嘉定工业区"), ("村", "村"),
])
def test_stem_drops_one_suffix(rules: SuffixRules, name: str, stem: str) -> None:
    assert rules.stem(name) == stem


def test_code_prefix() -> None:
    assert [code_prefix(c) for c in ("430000", "433100", "433124", "441900")] == ["43", "4331", "433124", "4419"]


# --- the file format --------------------------------------------------------------------------------------

def test_round_trip_of_a_small_register(rules: SuffixRules, tmp_path: Path) -> None:
    counties = [("620524", ""), ("433124", ""), ("433100", "某开发区")]
    towns = [SourceTown("滩歌镇", 0, ("新村", "新村", "滩歌村")), SourceTown("双龙镇", 1, ("十八洞村", "新村")),
             SourceTown("滩歌镇", 1, ()), SourceTown("园区街道", 2, ("新村",))]
    counts = write_register(tmp_path / "r.bin", counties, towns, rules, [("source", "test")], ["a comment"])
    assert counts == {"towns": 4, "villages": 5, "names": 6, "counties": 3}
    reg = Register(tmp_path / "r.bin")
    assert reg.meta["source"] == "test"
    assert sorted(reg.names()) == sorted(["滩歌镇", "新村", "滩歌村", "双龙镇", "十八洞村", "园区街道"])
    assert reg.entries("滩歌镇") == (Entry("滩歌镇", "town", "433124"), Entry("滩歌镇", "town", "620524"))
    assert reg.entries("新村") == (Entry("新村", "village", "433100", "园区街道", zone="某开发区"),
                                   Entry("新村", "village", "433124", "双龙镇"),
                                   Entry("新村", "village", "620524", "滩歌镇"))
    assert reg.under("新村", "433124") == Entry("新村", "village", "433124", "双龙镇")
    assert reg.within("新村", "433100") == (Entry("新村", "village", "433100", "园区街道", zone="某开发区"),
                                           Entry("新村", "village", "433124", "双龙镇"))
    assert reg.within("新村", "430000", town="双龙镇") == (Entry("新村", "village", "433124", "双龙镇"),)
    assert reg.under("新村", "433124", town="滩歌镇") is None
    assert reg.under("滩歌镇", "433124", town="双龙镇") is None  # a town is under no town
    assert reg.under("新村", "110000") is None
    assert reg.stem_entries("滩歌") == (Entry("滩歌镇", "town", "433124"), Entry("滩歌镇", "town", "620524"),
                                        Entry("滩歌村", "village", "620524", "滩歌镇"))
    assert [e.name for e in reg.alike("滩歌乡")] == ["滩歌镇", "滩歌镇", "滩歌村"]
    assert "十八洞村委会" in reg and "十九洞村" not in reg and "" not in reg
    assert reg.divisions() == (("620524", None), ("433124", None), ("433100", "某开发区"))


def test_register_is_immutable_and_pickles_by_path(tmp_path: Path, rules: SuffixRules) -> None:
    write_register(tmp_path / "r.bin", [("433124", "")], [SourceTown("双龙镇", 0, ("十八洞村",))], rules, [])
    reg = Register(tmp_path / "r.bin")
    with pytest.raises(AttributeError):
        reg.meta = {}  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(reg))
    assert again.path == reg.path and again.entries("十八洞村") == reg.entries("十八洞村")


def test_not_a_register(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"something else\n\n")
    with pytest.raises(ValueError, match="not a register file"):
        Register(tmp_path / "x.bin")


# --- the shipped register ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reg() -> Register:
    register = KnowledgeBase.shipped().register
    assert register is not None  # the shipped knowledge base has its register
    return register


def test_shipped_header_states_source_and_counts(reg: Register) -> None:
    assert reg.meta["source"].startswith("PyPI jionlp 1.5.31")
    assert reg.meta["licence"].startswith("Apache-2.0")
    assert int(reg.meta["towns"]) == 43104  # every town of the source (libraries.md: 43,104)
    assert 650_000 < int(reg.meta["villages"]) <= 657_807
    assert len(reg) == int(reg.meta["towns"]) + int(reg.meta["villages"])


def test_well_known_places(reg: Register) -> None:
    assert reg.entries("十八洞村") == (Entry("十八洞村", "village", "433124", "双龙镇"),)  # 花垣县
    assert reg.entries("十八洞村民委员会") == reg.entries("十八洞村")
    assert reg.entries("磨憨镇") == (Entry("磨憨镇", "town", "532823"),)  # 勐腊县
    assert reg.entries("滩歌镇") == (Entry("滩歌镇", "town", "620524"),)  # 武山县
    assert reg.under("十八洞村", "433124") == reg.entries("十八洞村")[0]
    assert reg.under("十八洞村", "433100") is not None and reg.under("十八洞村", "430000") is not None
    assert reg.under("十八洞村", "433124", town="双龙镇") is not None
    assert reg.under("十八洞村", "620524") is None
    assert Entry("滩歌镇", "town", "620524") in reg.stem_entries("滩歌")


def test_ambiguous_names(reg: Register) -> None:
    assert len(reg.counties("和平村")) > 300 and len(reg.counties("新村")) > 300
    assert len(reg.entries("东城街道")) > 20 and all(e.level == "town" for e in reg.entries("东城街道"))
    huayuan = reg.within("新村", "433124")
    assert all(e.county == "433124" for e in huayuan)


def test_every_county_code_is_in_the_gazetteer(reg: Register) -> None:
    gaz = KnowledgeBase.shipped().gazetteer
    divisions = reg.divisions()
    assert all(gaz.by_code(code) is not None for code, _ in divisions)
    counties = [code for code, zone in divisions if zone is None]
    assert all(gaz.by_code(code).level in ("county", "city") for code in counties)
    assert len(counties) > 2800


def test_corrected_gazetteer_counties_hold_their_places(reg: Register) -> None:
    """江北区 / 渝北区 (重庆) and 三沙's 西沙区 / 南沙区 are counties of the gazetteer (corrections table of
    scripts/make_gazetteer.py), so the register files their towns under them, not under a zone."""
    gaz = KnowledgeBase.shipped().gazetteer
    for code, name in (("500105", "江北区"), ("500112", "渝北区"), ("460301", "西沙区"), ("460302", "南沙区")):
        region = gaz.by_code(code)
        assert region is not None and region.name == name and region.level == "county"
        assert (code, None) in reg.divisions()
    assert gaz.by_code("500157") is None  # 两江新区 is a zone (kg/data/zones.tsv), not a GB/T 2260 county
    (liangjiang,) = gaz.lookup("两江新区")
    assert liangjiang.code is None and liangjiang.parent == gaz.by_code("500000")
