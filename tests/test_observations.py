"""Issue 3: observations with indicator, value, unit, region, period and an exact original quote."""

from __future__ import annotations

import json
from pathlib import Path

from kg.build import build
from kg.evaluate import evaluate
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent

FIXTURES = ROOT / "tests" / "fixtures" / "docs"


def build_fixture(tmp_path: Path, *names: str) -> tuple[list[dict], list[dict]]:
    """Build fixture documents into a fresh store; (observations rows, documents rows)."""
    with KGStore.open(tmp_path / "s") as store:
        build([FIXTURES / name for name in names], store, jobs=1)
        rows = list(store.rows((ROOT / "queries" / "observations.rq").read_text(encoding="utf-8")))
        docs = list(store.rows((ROOT / "queries" / "documents.rq").read_text(encoding="utf-8")))
    return rows, docs


def test_fixture_observations(tmp_path: Path) -> None:
    with KGStore.open(tmp_path / "s") as store:
        build([FIXTURES], store, jobs=1)
        rows = list(store.rows((ROOT / "queries" / "observations.rq").read_text(encoding="utf-8"),
                               {"region": "紫阳县"}))
    got = {(r["indicator"], r["value"], r["unit"], r["period"]) for r in rows}
    assert ("新识别监测对象", "12", "户", "2023-05") in got
    assert ("新识别监测对象", "45", "人", "2023-05") in got
    assert ("风险消除率", "68.5", "%", "2023-05") in got
    assert ("投入衔接资金", "235000000", "元", "2023") in got
    assert ("脱贫人口人均纯收入", "13560", "元", "2022") in got
    assert all(r["regionCode"] == "610924" for r in rows)
    quotes = {r["quote"] for r in rows}
    assert "累计消除风险380户1,260人" in quotes


def test_traditional_quotes_stay_traditional(tmp_path: Path) -> None:
    rows, _docs = build_fixture(tmp_path, "traditional_ruby.txt")
    money = next(r for r in rows if r["unit"] == "元")
    assert money["value"] == "360000000"
    assert money["quote"] == "發(fā)放小額信貸3.6億(yì)元"
    assert money["region"] == "平利县" and money["period"] == "2022"


def test_same_indicator_is_one_concept(seeds_store_path: Path) -> None:
    with KGStore.open(seeds_store_path, read_only=True) as store:
        rows = list(store.rows("""
            PREFIX kgo: <https://w3id.org/kg-rural/ontology#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
            SELECT DISTINCT ?ind ?region WHERE { ?o kgo:indicator ?ind ; sdmx-dimension:refArea/rdfs:label ?region .
              ?ind skos:prefLabel "风险消除率" }"""))
    assert len({r["ind"] for r in rows}) == 1
    assert {"安康市", "甘肃省"} <= {r["region"] for r in rows}


def test_eval_on_the_seeds_meets_floors(seeds_store_path: Path, shared_dir: Path) -> None:
    with KGStore.open(seeds_store_path, read_only=True) as store:
        scores = evaluate(store, shared_dir / "gold")
    gold = sum(s.gold for s in scores)
    found = sum(s.found for s in scores)
    extracted = sum(s.extracted for s in scores)
    assert gold == sum(len(json.loads(p.read_text())["facts"]) for p in (shared_dir / "gold").glob("*.json"))
    assert found / gold >= 0.9
    assert found / extracted >= 0.9
    assert sum(s.region_ok for s in scores) / found >= 0.9
    assert sum(s.period_ok for s in scores) / found >= 0.85


def test_fund_notice_breakdown_by_county(tmp_path: Path) -> None:
    """A notice lists an amount per county: each figure belongs to its county, the total to the issuer."""
    rows, (doc,) = build_fixture(tmp_path, "fund_notice.txt")
    assert (doc["date"], doc["publisher"]) == ("2023-04-20", "凉山州财政局")
    by_value = {r["value"]: r for r in rows}
    assert by_value["1568000000"]["regionCode"] == "513400"
    assert by_value["234000000"]["region"] == "昭觉县" and by_value["198000000"]["region"] == "布拖县"
    assert by_value["234000000"]["indicator"] == by_value["1568000000"]["indicator"]
    assert "0834" not in {r["value"] for r in rows}  # the phone number is no figure


def test_handbook_village_and_cutoff(tmp_path: Path) -> None:
    rows, _docs = build_fixture(tmp_path, "qa_handbook.txt")
    by_value = {r["value"]: r for r in rows}
    # 截至2022年底 in a 2023 handbook: a stock at a past year's end is that year's
    assert by_value["126000"]["period"] == "2022" and by_value["126000"]["region"] == "湖南省"
    assert by_value["70.6"]["indicator"] == "风险消除率"
    # the people of the households counted before them (3户|11人)
    assert by_value["11"]["region"] == "十八洞村" and by_value["11"]["indicator"] == "监测人口"


def test_bulletin_over_many_provinces_is_national(tmp_path: Path) -> None:
    """No place in title or publisher, four provinces in the body: figures default to the country, and a
    clause that opens with a province keeps it."""
    rows, _docs = build_fixture(tmp_path, "national_bulletin.md")
    by_value = {r["value"]: r["region"] for r in rows}
    assert by_value["33000000"] == "中国"
    assert by_value["32000"] == "云南省" and by_value["4600000000"] == "甘肃省"


def test_work_summary_periods_follow_title_and_plan_headings(tmp_path: Path) -> None:
    """A 2023 work summary published in 2024: 全年 is 2023 (the title's year); the figures under the
    heading "2024年工作打算" are 2024; a ratio without a subject takes the amount named before it."""
    rows, _docs = build_fixture(tmp_path, "work_summary.txt")
    by_value = {r["value"]: r for r in rows}
    assert by_value["14260"]["period"] == "2023" and by_value["386"]["period"] == "2023"
    assert by_value["12000"]["period"] == "2024"
    assert by_value["61.5"]["indicator"] == "投入衔接资金"  # its share (kgo:figureKind share)
    assert by_value["3200"]["region"] == "蒿坪镇" and by_value["500000"]["region"] == "金竹村"


def test_gbk_government_page(tmp_path: Path) -> None:
    """A GBK page with navigation, counters and footer: heading, date and source from the page; each
    county's figures to that county, also in the clause after the one that names it."""
    rows, (doc,) = build_fixture(tmp_path, "prefecture_gbk.html")
    assert (doc["title"], doc["date"], doc["publisher"]) == ("黔东南州东西部协作工作取得新进展", "2023-11-08", "州乡村振兴局")
    by_value = {r["value"]: r for r in rows}
    assert by_value["582000000"]["period"] == "2023-10" and by_value["582000000"]["regionCode"] == "522600"
    assert by_value["230000000"]["region"] == "丹寨县" and by_value["6"]["region"] == "雷山县"
    assert "0855" not in {r["value"] for r in rows} and "1203" not in {r["value"] for r in rows}
