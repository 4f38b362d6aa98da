"""SERVICE is refused: the scan of kg.guard against what Oxigraph really fetches, and `kg query` / kg.open
refusing (and with --allow-service running) a query that would fetch a URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad, Store

import kg
from kg.guard import ServiceRefused, refuse_service, service_calls, tokens

KG = [sys.executable, "-m", "kg.cli"]


def fetches(query: str, listener: tuple[str, list]) -> bool:
    """Whether Oxigraph, running `query` on a one-triple store, sends a request to the listener."""
    _url, hits = listener
    before = len(hits)
    store = Store()
    store.add(Quad(NamedNode("urn:a"), NamedNode("urn:b"), NamedNode("urn:c")))
    store.add(Quad(NamedNode("urn:a"), NamedNode("urn:b"), Literal("1")))
    try:
        result = store.query(query)
        try:
            list(result)
        except TypeError:  # ASK: a boolean
            pass
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return len(hits) > before


# Queries whose SERVICE Oxigraph really calls (checked below), written in the ways a scan could miss.
CALLING = [
    "SELECT * WHERE {{ SERVICE <{u}/plain> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{u}/lower> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcE SILENT <{u}/silent> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{SERVICE<{u}/nospace>{{?s ?p ?o}}}}",
    "SELECT * WHERE {{ ?s ?p ?o.SERVICE <{u}/afterdot> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p <urn:c>SERVICE <{u}/afteriri> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p [] SERVICE <{u}/bracket> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o \n\tSERVICE\n<{u}/lines>\n{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{u}/exists> {{ ?s ?p ?o }} }} }}",
    'SELECT * WHERE {{ ?s ?p ?o BIND("x\\u0022" AS ?a) SERVICE <{u}/escaped> {{ ?s ?p ?o }} BIND("y" AS ?b) }}',
    'SELECT * WHERE {{ ?s ?p ?o BIND("""a"b""" AS ?a) SERVICE <{u}/long> {{ ?s ?p ?o }} }}',
    "SELECT * WHERE {{ ?s ?p ?o # a comment\n SERVICE <{u}/aftercomment> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{u}/\\u0061> {{ ?s ?p ?o }} }}",
    "BASE <{u}/> SELECT * WHERE {{ SERVICE <relative> {{ ?s ?p ?o }} }}",
    "PREFIX x: <{u}/> SELECT * WHERE {{ SERVICE x:prefixed {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <{u}/ask> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}/construct> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{u}/describe> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{u}/optional> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{u}/sub> {{ ?s ?p ?o }} }} }} }}",
]
# Queries that name SERVICE only where it is no keyword: none of them fetches, none may be refused.
HARMLESS = [
    "SELECT ?service WHERE {{ ?service ?p ?o }}",
    "PREFIX service: <urn:x:> SELECT * WHERE {{ ?s service:p ?o }}",
    'SELECT * WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "SERVICE <{u}/string> {{ }}")) }}',
    "SELECT * WHERE {{ # SERVICE <{u}/comment> {{ ?s ?p ?o }}\n ?s ?p ?o }}",
    "SELECT * WHERE {{ ?s <urn:service> ?o }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o < 3 || ?o > 2) }}",
    "PREFIX ex: <urn:e:> SELECT * WHERE {{ ?s ?p ex:a.SERVICE }}",
    'SELECT * WHERE {{ ?s ?p "x"@service }}',
]


@pytest.mark.parametrize("template", CALLING)
def test_every_service_oxigraph_calls_is_found(template: str, listener: tuple[str, list]) -> None:
    query = template.format(u=listener[0])
    assert fetches(query, listener), "the test query no longer makes Oxigraph fetch: fix the test"
    assert service_calls(query)
    with pytest.raises(ServiceRefused, match="--allow-service"):
        refuse_service(query)


@pytest.mark.parametrize("template", HARMLESS)
def test_service_as_no_keyword_is_not_refused(template: str, listener: tuple[str, list]) -> None:
    query = template.format(u=listener[0])
    assert not fetches(query, listener)
    assert service_calls(query) == []


FRAGMENTS = ["SERVICE", "service", "SILENT", "<{u}/f>", "{{", "}}", "?s", "?p", "?o", ".", " ", "\n", "#",
             '"', "'", '"""', "\\u0022", "\\", "x:", "ex:a", "1", "1.5", "@en", "[]", "(", ")", "<", ">", "_:b",
             "FILTER", "EXISTS", "OPTIONAL", "a", ";", ","]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
def test_no_mix_of_fragments_fetches_unseen(listener: tuple[str, list], parts: list[str]) -> None:
    """Whatever the fragments make, a query Oxigraph runs a SERVICE for is one the scan refuses."""
    body = "".join(parts).format(u=listener[0])
    query = "SELECT * WHERE { ?s ?p ?o " + body + " }"
    if fetches(query, listener):
        assert service_calls(query), query


def test_tokens_skip_strings_comments_and_iris() -> None:
    kinds = [k for k, _t in tokens('SELECT ?x WHERE { <urn:a#b> ?p "q # not a comment" } # the end')]
    assert kinds == ["word", "var", "word", "punct", "iri", "var", "string", "punct"]


def test_kg_query_refuses_service(seeds_store_path: Path, listener: tuple[str, list]) -> None:
    url, hits = listener
    query = f"SELECT ?s WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"
    done = subprocess.run([*KG, "query", query, "--store", str(seeds_store_path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "SERVICE" in done.stderr and "--allow-service" in done.stderr and "Traceback" not in done.stderr
    assert hits == []
    allowed = subprocess.run([*KG, "query", query, "--store", str(seeds_store_path), "--allow-service",
                              "--format", "csv"], capture_output=True, text=True, timeout=60)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines() == ["s", "fetched"]
    assert [method for method, _path in hits] == ["POST"]


def test_kg_query_reports_a_failed_service_in_one_line(seeds_store_path: Path) -> None:
    query = "SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/nothing> { ?s ?p ?o } }"  # port 9: nobody
    done = subprocess.run([*KG, "query", query, "--store", str(seeds_store_path), "--allow-service"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("kg: the query failed while running:")


def test_api_refuses_service_unless_allowed(seeds_store_path: Path, listener: tuple[str, list]) -> None:
    url, hits = listener
    query = f"SELECT ?s WHERE {{ SERVICE <{url}/api> {{ ?s ?p ?o }} }}"
    with kg.open(seeds_store_path) as g, pytest.raises(ServiceRefused):
        g.query(query)
    assert hits == []
    with kg.open(seeds_store_path, allow_service=True) as g:
        assert g.query(query) == [{"s": "fetched"}]
    assert len(hits) == 1
