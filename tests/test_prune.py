"""A store that lost documents (--prune) or changed them equals a fresh build of what it holds now: the
shared vocabulary and the programme links keep nothing that only the gone versions used."""

from __future__ import annotations

import shutil
from pathlib import Path

from pyoxigraph import Store

from kg.build import build
from kg.prune import unused_vocabulary
from kg.store import KGStore
from kg.vocab import VOCABULARY_GRAPH

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "docs"


def nquads(path: Path) -> list[str]:
    store = Store.read_only(str(path))
    lines = sorted(str(q) for q in store)
    del store
    return lines


def test_pruned_store_equals_a_fresh_build(tmp_path: Path) -> None:
    both = tmp_path / "corpus"
    shutil.copytree(FIXTURES, both / "fixtures")
    shutil.copytree(SEEDS, both / "seeds")
    path = tmp_path / "store"
    with KGStore.open(path) as store:
        build([both], store, jobs=1)
        before = store.quad_count()
        shutil.rmtree(both / "fixtures")
        summary = build([both], store, jobs=1, prune=True)
    assert summary.removed == len(list(FIXTURES.iterdir())) and summary.changed == 0
    fresh = tmp_path / "fresh"
    with KGStore.open(fresh) as store:
        build([both], store, jobs=1)
    pruned = nquads(path)
    assert len(pruned) < before
    assert pruned == nquads(fresh)  # vocabulary and programme links included
    with KGStore.open(path, read_only=True) as store:
        assert unused_vocabulary(store) == []


def test_changed_document_leaves_nothing_behind(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "report.txt"
    doc.write_text("秦州区2022年巩固脱贫成果\n\n2022年，秦州区新识别监测对象16户71人，实施“雨露计划”培训。\n",
                   encoding="utf-8")
    path = tmp_path / "store"
    with KGStore.open(path) as store:
        build([corpus], store, jobs=1)
        regions = {q.subject.value for q in store.store.quads_for_pattern(None, None, None, VOCABULARY_GRAPH)}
        doc.write_text("昭觉县2023年巩固脱贫成果\n\n2023年，昭觉县新建蔬菜大棚120座，发放小额信贷3.6亿元。\n",
                       encoding="utf-8")
        summary = build([corpus], store, jobs=1)
    assert summary.changed == 1
    fresh = tmp_path / "fresh"
    with KGStore.open(fresh) as store:
        build([corpus], store, jobs=1)
    after = nquads(path)
    assert after == nquads(fresh)
    assert not any("620502" in line for line in after)  # 秦州区 and its indicators are gone …
    assert any(r.endswith("620502") for r in regions)  # … which the first version had written
