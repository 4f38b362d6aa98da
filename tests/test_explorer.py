"""The explorer's data (kg.explorer): compact tables read from a real store, subset filters, and the model
properties that are coming (indicator concept, status, figure kind) on a small store written here by hand.

The browser side (every view drawn, clicks, search, offline) is in test_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from kg.explorer import ExplorerError, explorer_data, render
from kg.store import KGStore
from kg.vocab import SPARQL_PREFIXES

HAND_MADE = Path(__file__).resolve().parent / "fixtures" / "explorer" / "hand_made.trig"


def write_hand_made_store(path: Path) -> Path:
    """The hand-made quads (see the comment in the file) in a real on-disk Oxigraph store, closed again."""
    with KGStore.open(path) as store:
        store.store.load(path=HAND_MADE, format=RdfFormat.TRIG)
    return path


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hand_made_store(tmp_path_factory.mktemp("hand") / "store")


def _rows(data: dict, table: str) -> list[dict]:
    """A column table as row dicts (and every column the same length)."""
    columns = data[table]
    lengths = {len(v) for v in columns.values()}
    assert len(lengths) == 1, (table, {k: len(v) for k, v in columns.items()})
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _obs(data: dict) -> list[dict]:
    """Observations decoded back to strings."""
    out = []
    for o in _rows(data, "obs"):
        out.append({
            "indicator": data["indicators"][o["indicator"]],
            "concept": data["concepts"]["label"][o["concept"]] if o["concept"] >= 0 else None,
            "region": data["regions"]["label"][o["region"]], "file": data["docs"]["file"][o["doc"]],
            "value": o["value"], "unit": data["units"][o["unit"]], "period": data["periods"][o["period"]],
            "status": data["statuses"][o["status"]] if o["status"] >= 0 else None,
            "kind": data["kinds"][o["kind"]] if o["kind"] >= 0 else None,
            "quote": data["quotes"][o["quote"]],
            "measure": data["measures"]["text"][o["measure"]] if o["measure"] >= 0 else None,
        })
    return out


def _mentions(data: dict) -> list[dict]:
    return [{"programme": data["programmes"]["label"][m["programme"]],
             "region": data["regions"]["label"][m["region"]] if m["region"] >= 0 else None,
             "file": data["docs"]["file"][m["doc"]], "quote": data["quotes"][m["quote"]],
             "measure": data["measures"]["text"][m["measure"]] if m["measure"] >= 0 else None}
            for m in _rows(data, "mentions")]


def test_concept_status_and_kind_are_read_when_present(hand_made: Path) -> None:
    with KGStore.open(hand_made, read_only=True) as store:
        data = explorer_data(store)
    obs = {o["quote"]: o for o in _obs(data)}
    assert len(obs) == 3
    income = obs["农民人均可支配收入达到1.2万元"]
    assert income["concept"] == "农村居民人均可支配收入" and income["indicator"] == "农民人均可支配收入"
    assert income["status"] == "actual" and income["kind"] == "level"
    assert income["value"] == "12000" and income["unit"] == "元" and income["period"] == "2022"
    assert income["region"] == "麦积区" and income["file"] == "maiji.txt"
    assert income["measure"] is not None and "东西部协作" in income["measure"]
    target = obs["到2025年农村居民人均可支配收入达到1.5万元"]
    assert target["concept"] == "农村居民人均可支配收入" and target["status"] == "target" and target["kind"] is None
    grain = obs["全市粮食产量3万吨"]  # no concept, no status: grouped by label, status unknown
    assert grain["concept"] is None and grain["status"] is None and grain["indicator"] == "粮食产量"
    assert grain["period"] == ""
    assert data["concepts"]["group"] == ["收入"]


def test_programme_variants_are_one_row_and_mentions_keep_their_context(hand_made: Path) -> None:
    with KGStore.open(hand_made, read_only=True) as store:
        data = explorer_data(store)
    assert data["programmes"]["label"] == ["东西部协作"]  # 东西协作 is reported under its cluster label
    mentions = {m["quote"]: m for m in _mentions(data)}
    assert mentions["东西部协作"]["region"] == "麦积区" and mentions["东西部协作"]["file"] == "maiji.txt"
    assert "东西部协作" in mentions["东西部协作"]["measure"]  # the measure around the mention
    assert mentions["东西协作"]["region"] == "武山县" and mentions["东西协作"]["measure"] is None


def test_regions_form_one_tree(hand_made: Path) -> None:
    with KGStore.open(hand_made, read_only=True) as store:
        data = explorer_data(store)
    regions = _rows(data, "regions")
    labels = [r["label"] for r in regions]
    root = data["root"]
    assert regions[root]["parent"] == -1
    assert sum(1 for r in regions if r["parent"] == -1) == 1
    parent = {r["label"]: (labels[r["parent"]] if r["parent"] >= 0 else None) for r in regions}
    assert parent["麦积区"] == "天水市" and parent["天水市"] == "甘肃省" and parent["甘肃省"] == labels[root]
    assert data["levels"][regions[labels.index("麦积区")]["level"]] == "county"


def test_filters_restrict_every_table(hand_made: Path) -> None:
    with KGStore.open(hand_made, read_only=True) as store:
        city = explorer_data(store, region="天水市")
        county = explorer_data(store, region="620503")  # by code too
        programme = explorer_data(store, program="东西协作")  # a variant's label selects its cluster
        document = explorer_data(store, document="wushan.txt")
        for bad in ({"region": "火星"}, {"program": "没有的项目"}, {"document": "nope.txt"}):
            with pytest.raises(ExplorerError, match=next(iter(bad.values()))):
                explorer_data(store, **bad)
    assert len(_obs(city)) == 3 and len(_mentions(city)) == 2
    assert {o["region"] for o in _obs(county)} == {"麦积区"}
    assert {m["region"] for m in _mentions(county)} == {"麦积区"}
    assert county["docs"]["file"] == ["maiji.txt"]
    assert [county["regions"]["label"][i] for i in county["focus"]] == ["麦积区"]
    assert {m["quote"] for m in _mentions(programme)} == {"东西部协作", "东西协作"}
    assert [o["quote"] for o in _obs(programme)] == ["农民人均可支配收入达到1.2万元"]  # stated in its measure
    assert {o["file"] for o in _obs(document)} == {"wushan.txt"} and len(_obs(document)) == 2
    assert [m["quote"] for m in _mentions(document)] == ["东西协作"]
    assert document["docs"]["file"] == ["wushan.txt"]


def test_seeds_data_matches_the_store(seeds_store_path: Path) -> None:
    """Every observation and mention of the store is in the page's data, with its quote and file."""
    with KGStore.open(seeds_store_path, read_only=True) as store:
        data = explorer_data(store)
        expected_obs = {(r["quote"], r["file"]) for r in store.rows(SPARQL_PREFIXES + """
            SELECT ?quote ?file WHERE { ?o a kgo:Observation ; kgo:quote ?quote ; prov:wasDerivedFrom ?d .
                                        ?d kgo:fileName ?file }""")}
        n_mentions = len(list(store.rows(SPARQL_PREFIXES + "SELECT ?m WHERE { ?m a kgo:ProgrammeMention }")))
    got = {(o["quote"], o["file"].split("#")[0]) for o in _obs(data)}
    assert got == expected_obs
    assert len(_mentions(data)) == n_mentions
    maiji = [o for o in _obs(data) if o["region"] == "麦积区" and o["value"] == "5800"]
    assert maiji and all("亩" in o["quote"] for o in maiji)


def test_page_inlines_everything(hand_made: Path) -> None:
    with KGStore.open(hand_made, read_only=True) as store:
        data = explorer_data(store)
    data["quotes"].append("</script><script>alert(1)</script><!--")  # a hostile quote stays data
    page = render(data)
    assert "<script src" not in page and "<link" not in page and "http://cdn" not in page
    assert "alert(1)</script>" not in page
    assert "MIT" in page and "Noto Sans CJK" in page
    payload = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(payload)["quotes"][-1] == "</script><script>alert(1)</script><!--"
