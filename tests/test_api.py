"""The notebook API: kg.open(store) -> Graph with query / dataframe, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.store import StoreError


def test_named_query_with_bindings(seeds_store_path: Path) -> None:
    with kg.open(seeds_store_path) as g:
        rows = g.query("observations", region="麦积区")
        assert rows and {r["region"] for r in rows} == {"麦积区"}
        assert {"file", "indicator", "value", "unit", "period", "quote"} <= rows[0].keys()
        count = g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kg-rural/ontology#SourceDocument> }")
        assert count == [{"n": 5}]  # xsd:integer comes back as int
        assert g.query("ASK { ?s ?p ?o }") == [{"result": True}]


def test_dataframe(seeds_store_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    with kg.open(seeds_store_path) as g:
        df = g.dataframe("regions")
    assert isinstance(df, pandas.DataFrame)
    assert list(df.columns) == ["file", "region", "regionCode", "level", "parent"]
    assert "麦积区" in set(df["region"])


def test_read_only_and_close(seeds_store_path: Path, tmp_path: Path) -> None:
    g = kg.open(seeds_store_path)
    assert g.store.read_only
    g.close()
    g.close()  # twice is fine
    with pytest.raises(StoreError):
        kg.open(tmp_path / "missing")
