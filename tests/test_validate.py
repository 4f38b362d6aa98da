"""kg validate: SHACL shapes (pyshacl) on a real store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
