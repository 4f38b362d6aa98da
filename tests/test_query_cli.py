"""kg query: every kind of query answers in a format that fits it, the formats come from one registry,
and the API gives numbers as numbers."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib

import kg
from kg.query import OUTPUT_FORMATS

KG = [sys.executable, "-m", "kg.cli"]
MAIJI = "https://w3id.org/kg-rural/id/region/620503"


def query(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, "query", *args, "--store", str(store)], capture_output=True, text=True, timeout=60)


def test_construct_and_describe_give_rdf(seeds_store_path: Path) -> None:
    construct = f"CONSTRUCT {{ <{MAIJI}> ?p ?o }} WHERE {{ <{MAIJI}> ?p ?o }}"
    for text, fmt, parse_as in ((construct, None, "turtle"), (construct, "ntriples", "nt"),
                                (f"DESCRIBE <{MAIJI}>", "turtle", "turtle"), (construct, "rdfxml", "xml"),
                                (construct, "jsonld", "json-ld")):
        done = query(seeds_store_path, text, *(["--format", fmt] if fmt else []))
        assert done.returncode == 0, done.stderr
        g = rdflib.Graph().parse(data=done.stdout, format=parse_as)
        assert (rdflib.URIRef(MAIJI), rdflib.RDFS.label, rdflib.Literal("麦积区")) in g, fmt


def test_a_format_that_does_not_fit_is_one_line(seeds_store_path: Path) -> None:
    rows = query(seeds_store_path, "documents", "--format", "turtle")
    assert rows.returncode == 2 and "SELECT and ASK give rows" in rows.stderr and "Traceback" not in rows.stderr
    triples = query(seeds_store_path, f"DESCRIBE <{MAIJI}>", "--format", "csv")
    assert triples.returncode == 2 and "turtle" in triples.stderr and "Traceback" not in triples.stderr


def test_ask_and_select_formats(seeds_store_path: Path) -> None:
    assert query(seeds_store_path, "ASK { ?s ?p ?o }").stdout.strip() == "true"
    assert '"boolean":true' in query(seeds_store_path, "ASK { ?s ?p ?o }", "--format", "json").stdout
    done = query(seeds_store_path, "documents", "--format", "xml")
    assert done.returncode == 0 and "<sparql" in done.stdout
    done = query(seeds_store_path, "observations", "--format", "csv", "--bind", "region=麦积区")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and all(Decimal(r["value"]) >= 0 for r in rows)


def test_format_choices_are_the_registry() -> None:
    done = subprocess.run([*KG, "query", "documents", "--format", "yaml"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert all(name in done.stderr for name in OUTPUT_FORMATS)
    assert {"table", "csv", "tsv", "json", "turtle"} <= set(OUTPUT_FORMATS)


def test_api_values_are_numbers(seeds_store_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    with kg.open(seeds_store_path) as g:
        rows = g.query("observations", region="麦积区")
        frame = g.dataframe("observations", region="麦积区")
    assert rows and all(isinstance(r["value"], Decimal) for r in rows)
    assert pandas.api.types.is_float_dtype(frame["value"])
    assert frame["value"].sum() == pytest.approx(float(sum(r["value"] for r in rows)))
    assert Decimal(5800) in {r["value"] for r in rows}
