"""The structure extraction lives in: a pipeline of components with declared contracts, one knowledge
base passed explicitly, a document-structure component, a mapping table, and a fingerprint that covers
exactly what extraction depends on."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.api import extract_text
from kg.extract.pipeline import DEFAULT_COMPONENTS, Pipeline, PipelineError, default_pipeline
from kg.extract.structure import text_structure
from kg.fingerprint import EXTRACTION_MODULES
from kg.knowledge import KnowledgeBase, Lexicon
from kg.rdf import MAPPING

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kg"


def test_every_component_declares_what_it_reads_and_writes() -> None:
    for c in DEFAULT_COMPONENTS:
        assert isinstance(c.requires, tuple) and isinstance(c.assigns, tuple) and c.assigns, c.__name__


def test_the_pipeline_refuses_an_order_that_cannot_work(kb: KnowledgeBase) -> None:
    names = [c.__name__ for c in DEFAULT_COMPONENTS]
    swapped = list(DEFAULT_COMPONENTS)
    i, j = names.index("structure"), names.index("observations")
    swapped[i], swapped[j] = swapped[j], swapped[i]
    with pytest.raises(PipelineError, match="component observations needs structure"):
        Pipeline(swapped, kb)
    assert default_pipeline(kb).names == tuple(names)


def _imports(path: Path) -> set[str]:
    """kg modules a file imports (at any depth of the file: lazy imports count too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("kg"))
    return out


def _module_file(module: str) -> Path | None:
    parts = module.split(".")[1:]
    for candidate in (PACKAGE.joinpath(*parts).with_suffix(".py"), PACKAGE.joinpath(*parts, "__init__.py")):
        if parts and candidate.is_file():
            return candidate
    return None


def test_the_fingerprint_covers_every_module_extraction_imports() -> None:
    """The closure of the imports of what a build runs per document (normalise, the pipeline, the
    mapping) and at its end (the programme links) lies inside EXTRACTION_MODULES."""
    todo = [PACKAGE / "normalize.py", PACKAGE / "extract" / "pipeline.py", PACKAGE / "rdf.py", PACKAGE / "links.py"]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _imports(path):
            found = _module_file(module)
            if found is not None:
                todo.append(found)
    needed = {p.relative_to(PACKAGE).as_posix() for p in seen} - {"fingerprint.py", "store.py"}
    assert needed <= set(EXTRACTION_MODULES), sorted(needed - set(EXTRACTION_MODULES))


def test_the_fingerprint_moves_with_extraction_inputs_only(tmp_path: Path) -> None:
    copy = tmp_path / "kg"
    shutil.copytree(PACKAGE, copy)
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")

    def fingerprint() -> str:
        return subprocess.run([sys.executable, "-c", "from kg.fingerprint import EXTRACTOR_VERSION as v; print(v)"],
                              capture_output=True, text=True, cwd=tmp_path, check=True).stdout.strip()

    before = fingerprint()
    (copy / "serve.py").write_text((copy / "serve.py").read_text(encoding="utf-8") + "\n# a comment\n")
    (tmp_path / "ontology" / "shapes.ttl").write_text("# nothing\n", encoding="utf-8")
    assert fingerprint() == before
    with (copy / "data" / "programme_words.tsv").open("a", encoding="utf-8") as fh:
        fh.write("leaders_extra\t推动\n")
    assert fingerprint() != before


def test_no_extraction_module_loads_knowledge_of_its_own() -> None:
    """Components get the KnowledgeBase they are given; only composition roots read the shipped one."""
    for path in (PACKAGE / "extract").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "KnowledgeBase.shipped" not in source and ".default()" not in source, path.name


def test_a_small_knowledge_base_changes_what_is_found(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A word list is data: a lexicon without the 行动 head finds no 行动 programme."""
    text = "全县实施特色优势产业三年倍增行动，新建大棚320座。"
    found = {p.label for p in extract_text(text, kb=kb).programmes}
    assert "特色优势产业三年倍增行动" in found
    data = tmp_path / "data"
    shutil.copytree(PACKAGE / "data", data)
    words = (data / "programme_words.tsv").read_text(encoding="utf-8")
    (data / "programme_words.tsv").write_text(words.replace("suffixes\t行动,", "suffixes\t"), encoding="utf-8")
    small = KnowledgeBase.load(data)
    assert "特色优势产业三年倍增行动" not in {p.label for p in extract_text(text, kb=small).programmes}
    assert Lexicon.load(data)["programme_words"]["suffixes"][0] == "计划"


def test_every_mention_carries_its_region_and_period(kb: KnowledgeBase) -> None:
    text = ("示例县2023年巩固脱贫成果工作总结\n今年以来，麦积区新识别监测对象16户71人。\n"
            "一是落实防返贫动态监测，依据《甘肃省防止返贫监测工作指南》开展排查。\n")
    ex = extract_text(text, title="麦积区2023年巩固脱贫成果工作总结", date="2023-06-30", kb=kb)
    assert ex.main_region is not None and ex.main_region.code == "620503"
    assert {(o.region.name, o.period) for o in ex.observations if o.region} == {("麦积区", "2023")}
    assert ex.programmes and all(p.region is not None for p in ex.programmes)
    assert ex.measures and all(m.region is not None for m in ex.measures)
    assert ex.policy_documents and all(p.region is not None for p in ex.policy_documents)


def test_document_structure(kb: KnowledgeBase) -> None:
    text = ("一、2023年工作回顾\n全县投入资金500万元，建成大棚320座。群众增收！\n"
            "一是抓产业。二是抓就业，转移就业1200人。\n（一）《示例县乡村振兴规划（2021—2025年）》\n"
            "详见https://example.org/a。\n")
    s = text_structure(text, kb)
    assert [text[p.start:p.end] for p in s.paragraphs][0] == "一、2023年工作回顾"
    assert "全县投入资金500万元，建成大棚320座。" in [text[b.start:b.end] for b in s.sentences]
    assert {text[b.start:b.end] for b in s.list_items} >= {"一是抓产业。", "二是抓就业，转移就业1200人。"}
    kinds = {b.kind: text[b.start:b.end] for b in s.protected}
    assert kinds["title"] == "《示例县乡村振兴规划（2021—2025年）》" and kinds["url"].startswith("https://example.org/a")
    assert s.headings[0].kind == "numbered" and s.headings[0].level == 1
    pos = text.index("320")
    assert s.clause_start(pos) == text.index("建成") and s.sentence_start(pos) == text.index("全县")


def test_a_bulletin_is_cut_into_its_stories(kb: KnowledgeBase) -> None:
    from kg.model import SourceText
    from kg.normalize import normalise

    page = "# 联播 (20240101)\n\n## 详细新闻\n\n### 甲地新闻\n\n甲地建成大棚20座。\n\n### 乙地新闻\n\n乙地新增就业30人。\n\n" \
           "### 国际快讯\n\n某国通胀率5%。\n"
    doc = normalise(SourceText(file="b.md", text=page, media_type="text/markdown"), kb)
    ex = default_pipeline(kb)(doc)
    assert ex.structure is not None
    stories = [s for s in ex.structure.stories if s.kind == "story"]
    assert [s.title for s in stories] == ["甲地新闻", "乙地新闻", "国际快讯"]
    assert all(doc.text[s.start:s.end].startswith(s.title) for s in stories)


def test_the_mapping_table_writes_classes_the_ontology_declares() -> None:
    ontology = (ROOT / "ontology" / "kg.ttl").read_text(encoding="utf-8")
    for entity in MAPPING:
        name = entity.rdf_class.split("#")[-1].rstrip(">")
        assert f"kgo:{name} a owl:Class" in ontology, name
