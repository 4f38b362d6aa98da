"""kg export: RDF dumps parse back, the networkx projection has the promised nodes, edges and filters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from pyoxigraph import Dataset, RdfFormat, parse

from kg.build import build
from kg.export import ExportError, export, project
from kg.store import KGStore

KG = [sys.executable, "-m", "kg.cli"]
MAIJI = "https://w3id.org/kg-rural/id/region/620503"


@pytest.fixture(scope="module")
def store(seeds_store_path: Path):
    with KGStore.open(seeds_store_path, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def graph(store: KGStore) -> nx.MultiDiGraph:
    return project(store)


def test_trig_and_nquads_keep_named_graphs(store: KGStore, tmp_path: Path) -> None:
    for fmt, rdf_format in (("trig", RdfFormat.TRIG), ("nquads", RdfFormat.N_QUADS)):
        out = tmp_path / f"seeds.{fmt}"
        export(store, fmt, out)
        back = Dataset(parse(path=out, format=rdf_format))
        assert len(back) == store.quad_count()
        assert len({q.graph_name for q in back}) >= 5 + 2  # five documents, vocabulary, ontology, …


def test_turtle_is_the_union_of_all_graphs(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "seeds.ttl"
    export(store, "turtle", out)
    g = rdflib.Graph().parse(out, format="turtle")
    distinct = {q.triple for q in store.store}  # a triple in two graphs (a rule two documents state) is one
    assert len(g) == len(distinct) and len(distinct) <= store.quad_count()
    assert (rdflib.URIRef(MAIJI), rdflib.RDFS.label, rdflib.Literal("麦积区")) in g
    assert out.read_text(encoding="utf-8").startswith("@prefix")


def test_jsonld_parses(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "seeds.jsonld"
    export(store, "jsonld", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data
    back = Dataset(parse(path=out, format=RdfFormat.JSON_LD))
    assert len(back) == store.quad_count()


def test_document_filter_on_rdf_exports_one_graph(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "one.nq"
    export(store, "nquads", out, document="000_ba2591f620f4a0fb.txt")
    graphs = {q.graph_name for q in parse(path=out, format=RdfFormat.N_QUADS)}
    assert len(graphs) == 1
    with pytest.raises(ExportError):
        export(store, "turtle", tmp_path / "x.ttl", region="麦积区")


def test_projection_nodes_and_edges(graph: nx.MultiDiGraph) -> None:
    types = {d["type"] for _, d in graph.nodes(data=True)}
    assert types == {"document", "region", "programme", "indicator", "measure", "policy"}
    assert all(d.get("label") for _, d in graph.nodes(data=True))
    relations = {d["type"] for *_, d in graph.edges(data=True)}
    assert {"mentionsRegion", "mentionsProgramme", "partOf", "partnerOf", "inDocument", "cites", "broader",
            "observedIn"} <= relations
    for s, o, d in graph.edges(data=True):
        kinds = graph.nodes[s]["type"], graph.nodes[o]["type"]
        expected = {"mentionsRegion": ("document", "region"), "partOf": ("region", "region"),
                    "partnerOf": ("region", "region"), "inDocument": ("measure", "document"),
                    "cites": ("document", "policy"), "broader": ("programme", "programme"),
                    "observedIn": ("indicator", "region")}.get(d["type"])
        assert expected is None or kinds == expected, (d["type"], kinds)
    assert graph.nodes[MAIJI]["label"] == "麦积区" and graph.nodes[MAIJI]["code"] == "620503"


def test_observations_fold_into_indicator_region_edges(store: KGStore, graph: nx.MultiDiGraph) -> None:
    count = int(next(iter(store.query("PREFIX kgo: <https://w3id.org/kg-rural/ontology#> "
                                      "SELECT (COUNT(*) AS ?n) WHERE { ?o a kgo:Observation }")))["n"].value)
    obs = [d for *_, d in graph.edges(data=True) if d["type"] == "observedIn"]
    assert len(obs) == count
    maiji = [d for _, o, d in graph.in_edges(MAIJI, data=True) if d["type"] == "observedIn"]
    assert maiji and all(d["quote"] and d["file"] and "value" in d and "unit" in d for d in maiji)
    assert any(d["stated"] == "5800亩" and d["value"] == "5800" and d["unit"] == "亩" for d in maiji)


def test_filters(store: KGStore, graph: nx.MultiDiGraph) -> None:
    county = project(store, region="麦积区")
    assert MAIJI in county and county.number_of_nodes() < graph.number_of_nodes()
    assert all(MAIJI in (s, o) or d["type"] in ("partOf", "broader") for s, o, d in county.edges(data=True))
    city = project(store, region="天水市")  # the city and its counties
    assert MAIJI in city and city.number_of_nodes() > county.number_of_nodes()
    programme = project(store, program="东西部协作")
    assert programme.number_of_nodes() > 1
    assert any(d["label"] == "东西部协作" for _, d in programme.nodes(data=True))
    doc = project(store, document="000_ba2591f620f4a0fb.txt")
    files = {d["file"] for *_, d in doc.edges(data=True) if "file" in d}
    assert files == {"000_ba2591f620f4a0fb.txt"}
    assert [d for _, d in doc.nodes(data=True) if d["type"] == "document"][0]["file"] == "000_ba2591f620f4a0fb.txt"
    with pytest.raises(ExportError):
        project(store, region="火星")


def test_graphml_gexf_cytoscape_via_cli(seeds_store_path: Path, tmp_path: Path) -> None:
    for fmt in ("graphml", "gexf", "cytoscape"):
        out = tmp_path / f"g.{fmt}"
        done = subprocess.run([*KG, "export", "--format", fmt, "--store", str(seeds_store_path), "-o", str(out),
                               "--region", "天水市"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        if fmt == "graphml":
            g = nx.read_graphml(out)
        elif fmt == "gexf":
            g = nx.read_gexf(out)
        else:
            elements = json.loads(out.read_text(encoding="utf-8"))["elements"]
            g = nx.MultiDiGraph()
            g.add_nodes_from((n["data"]["id"], n["data"]) for n in elements["nodes"])
            g.add_edges_from((e["data"]["source"], e["data"]["target"], e["data"]) for e in elements["edges"])
            assert all({"id", "label", "type"} <= n["data"].keys() for n in elements["nodes"])
        labels = {d.get("label") for _, d in g.nodes(data=True)}
        assert {"麦积区", "天水市"} <= labels, fmt
        assert g.number_of_edges() > 10


def test_stdout_and_unknown_region_message(seeds_store_path: Path) -> None:
    done = subprocess.run([*KG, "export", "--format", "nquads", "--store", str(seeds_store_path)],
                          capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.count(b"\n") > 10_000
    bad = subprocess.run([*KG, "export", "--format", "html", "--store", str(seeds_store_path), "--region", "火星"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "火星" in bad.stderr and "Traceback" not in bad.stderr


def test_html_is_self_contained(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "explorer.html"
    export(store, "html", out, region="天水市")
    text = out.read_text(encoding="utf-8")
    assert "MIT" in text and "Noto Sans CJK" in text and "Microsoft YaHei" in text
    assert "麦积区" in text
    assert "<script src" not in text and "http://cdn" not in text and "https://cdn" not in text
    assert "<link" not in text


# ---------------------------------------------------------------- formats other tools read, safe writes
def test_gexf_and_graphml_read_back_with_typed_values(store: KGStore, graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    """networkx reads both files back whole (every node and edge), GEXF's reserved `type` is not used for
    the edge kind, and `value` is a number (double) while the stated text stays in `stated`."""
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"all.{fmt}"
        export(store, fmt, out)
        back = read(out)
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()
        kind = "relation" if fmt == "gexf" else "type"
        observed = [d for *_, d in back.edges(data=True) if d.get(kind) == "observedIn"]
        assert observed and all(isinstance(d["value"], float) for d in observed)
        assert any(d["value"] == 5800.0 and d["stated"] == "5800亩" for d in observed)
        text = out.read_text(encoding="utf-8")
        if fmt == "gexf":
            assert 'title="value" type="double"' in text and 'type="observedIn"' not in text
            assert {d[kind] for *_, d in back.edges(data=True)} >= {"partOf", "mentionsRegion", "observedIn"}
        else:
            assert 'attr.name="value" attr.type="double"' in text


def test_a_failed_export_leaves_the_file_alone(seeds_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept.ttl"
    out.write_text("an earlier export\n", encoding="utf-8")
    for args in (["--format", "trig", "--document", "nothing.txt"], ["--format", "graphml", "--region", "火星"]):
        done = subprocess.run([*KG, "export", *args, "--store", str(seeds_store_path), "-o", str(out)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert out.read_text(encoding="utf-8") == "an earlier export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.ttl"]  # no temporary file left either
    done = subprocess.run([*KG, "export", "--format", "turtle", "--store", str(seeds_store_path), "-o", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and out.read_text(encoding="utf-8").startswith("@prefix")


def test_project_takes_what_kg_open_gives(seeds_store_path: Path) -> None:
    import kg

    with kg.open(seeds_store_path) as g:
        assert MAIJI in project(g)


def test_documents_inside_a_file_are_named_with_their_number(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    items = [{"title": f"第{n}条", "content": f"2023年，麦积区新建蔬菜大棚{n}0座，带动脱贫户{n}5户增收。"} for n in (1, 2)]
    (source / "news.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "store"
    with KGStore.open(path) as writer:
        build([source], writer, jobs=1)
    with KGStore.open(path, read_only=True) as s:
        with pytest.raises(ExportError, match=r"FILE#N"):
            export(s, "nquads", tmp_path / "x.nq", document="news.txt")
        export(s, "nquads", tmp_path / "one.nq", document="news.json#2")
        export(s, "nquads", tmp_path / "both.nq", document="news.json")  # the file: all its documents
        one = {q.graph_name for q in parse(path=tmp_path / "one.nq", format=RdfFormat.N_QUADS)}
        both = {q.graph_name for q in parse(path=tmp_path / "both.nq", format=RdfFormat.N_QUADS)}
        assert len(one) == 1 and len(both) == 2 and one < both
        assert project(s, document="news.json").number_of_nodes() > project(s, document="news.json#1").number_of_nodes()


def test_cli_formats_are_the_registry() -> None:
    from kg.cli import parser
    from kg.export import EXPORTERS

    export_parser = parser()._subparsers._group_actions[0].choices["export"]  # type: ignore[union-attr]
    choices = next(a.choices for a in export_parser._actions if a.dest == "format")
    assert list(choices) == list(EXPORTERS)
    done = subprocess.run([*KG, "export", "--format", "pdf"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and all(name in done.stderr for name in EXPORTERS)
