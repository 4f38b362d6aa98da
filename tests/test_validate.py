"""kg validate: SHACL shapes (pyshacl) on a real store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build
from kg.store import KGStore
from kg.validate import validate, violations

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_seeds_have_no_violations(seeds_store_path: Path) -> None:
    with KGStore.open(seeds_store_path, read_only=True) as store:
        _conforms, found = violations(store)
    assert found == []


def test_seeds_conform(seeds_store_path: Path) -> None:
    with KGStore.open(seeds_store_path, read_only=True) as store:
        conforms, text = validate(store)
    assert conforms, text


def test_broken_store_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with KGStore.open(path) as store:
        build([SEEDS / "000_ba2591f620f4a0fb.txt"], store, jobs=1)
        store.store.update("""
            PREFIX kgo: <https://w3id.org/kg-rural/ontology#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            INSERT { GRAPH ?g { ?o kgo:value "12"^^xsd:decimal } } WHERE {
              { SELECT ?o ?g WHERE { GRAPH ?g { ?o a kgo:Observation } } LIMIT 1 } } ;
            INSERT DATA { GRAPH <urn:kg:test> {
              <https://w3id.org/kg-rural/id/region/test> a kgo:Region ; kgo:adminCode "62-05" ;
                kgo:level "county" } }""")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "--store", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "does not conform" in out
    assert "exactly one kgo:value of type xsd:decimal" in out  # the second value
    assert "6-digit" in out and "62-05" in out  # the bad code
    assert "path:    rdfs:label" in out  # the region without a label
    assert "<https://w3id.org/kg-rural/id/region/test>" in out  # focus node


def _broken_store(path: Path) -> None:
    """One seed, with violations of many kinds of constraint (count, datatype, class, pattern, sh:or …)."""
    with KGStore.open(path) as store:
        build([SEEDS / "000_ba2591f620f4a0fb.txt"], store, jobs=1)
        store.store.update("""
            PREFIX kgo: <https://w3id.org/kg-rural/ontology#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            INSERT { GRAPH ?g { ?o kgo:value "12"^^xsd:decimal ; sdmx-dimension:refPeriod "someday" ;
                                   prov:wasDerivedFrom <urn:kg:nowhere> ; kgo:quote "" } } WHERE {
              { SELECT ?o ?g WHERE { GRAPH ?g { ?o a kgo:Observation } } LIMIT 2 } } ;
            INSERT DATA { GRAPH <urn:kg:test> {
              <https://w3id.org/kg-rural/id/region/test> a kgo:Region ; kgo:adminCode "62-05" ;
                kgo:level "hamlet" ; kgo:partOf <urn:kg:not-a-region> .
              <urn:kg:m> a kgo:Measure ; kgo:ordinal "first" .
              <urn:kg:d> a kgo:SourceDocument ; kgo:fileName "x.txt" ; kgo:script "latin" } }""")


def test_results_equal_those_of_the_shapes_as_written(tmp_path: Path) -> None:
    """kg.validate gives each property shape its node shape's targets (for speed): the same results as
    pyshacl on ontology/shapes.ttl as it is written."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph
    from rdflib.namespace import SH

    from kg.validate import _show, shapes_graph
    from kg.vocab import PREFIXES

    path = tmp_path / "store"
    _broken_store(path)
    with KGStore.open(path, read_only=True) as store:
        conforms, found = violations(store)
        data = Graph()
        for prefix, base in PREFIXES.items():
            data.bind(prefix, base)
        for q in store.store:
            data.add(tuple(_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    ok, results, _text = shacl_validate(data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True)
    reference = set()
    for result in results.subjects(SH.resultSeverity, None):
        focus, path_, message, value = (results.value(result, p) for p in (SH.focusNode, SH.resultPath,
                                                                            SH.resultMessage, SH.value))
        reference.add(tuple(_show(data, t) for t in (focus, path_, message, value)))
    assert not conforms and not ok
    assert len(reference) >= 10
    assert {(v.focus, v.path, v.message, v.value) for v in found} == reference


def _rdflib(term: object) -> object:
    from rdflib import BNode, Literal, URIRef

    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)  # type: ignore[attr-defined]
    if kind == "BlankNode":
        return BNode(term.value)  # type: ignore[attr-defined]
    if term.language:  # type: ignore[attr-defined]
        return Literal(term.value, lang=term.language)  # type: ignore[attr-defined]
    datatype = term.datatype.value  # type: ignore[attr-defined]
    return Literal(term.value, datatype=None if datatype.endswith("#string") else URIRef(datatype))  # type: ignore[attr-defined]


def test_progress_on_stderr(seeds_store_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "--store", str(seeds_store_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("kg: validate: reading") and "ObservationShape" in done.stderr
    assert lines[-1].startswith("kg: validate: done in")
    quiet = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "-q", "--store", str(seeds_store_path)],
                           capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_big_stores_are_checked_in_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above WHOLE_STORE_LIMIT quads the store is read in slices of documents: same results."""
    import kg.validate

    path = tmp_path / "store"
    _broken_store(path)
    with KGStore.open(path, read_only=True) as store:
        whole = violations(store)
        monkeypatch.setattr(kg.validate, "WHOLE_STORE_LIMIT", 10)
        sliced = violations(store)
    assert sliced == whole and not whole[0]
