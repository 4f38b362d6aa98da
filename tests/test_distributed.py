"""Performance issue: the build maps over a Dask cluster and gives the same store as a local build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build, local_mapper
from kg.store import KGStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def all_quads(path: Path) -> set[tuple[str, str, str, str]]:
    with KGStore.open(path, read_only=True) as store:
        return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.store}


def test_dask_build_equals_local_build(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    from kg.distributed import dask_mapper

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with KGStore.open(tmp_path / "dask") as store:
            # inflight=1 and small tasks: the bounded window is exercised, not just one big batch
            summary = build([SEEDS], store, mapper=dask_mapper(cluster.scheduler_address, inflight=1,
                                                                chunk_chars=10_000))
    assert (summary.changed, summary.failed) == (5, 0)
    with KGStore.open(tmp_path / "local") as store:
        build([SEEDS], store, mapper=local_mapper(1))
    assert all_quads(tmp_path / "dask") == all_quads(tmp_path / "local")


def test_bulk_loaded_build_equals_transactional_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk path (hash quads written after the batch) stores exactly what one transaction per
    document stores; and a rebuild after a crash mid-batch (graphs present, hashes missing) repairs it."""
    with KGStore.open(tmp_path / "tx") as store:
        build([SEEDS], store, jobs=1, batch_bytes=1 << 40)  # one small batch: a single transaction
    expected = all_quads(tmp_path / "tx")
    # the seeds are far below the size at which a batch goes to the bulk loader: lower it, or every
    # "batch" below would be an ordinary transaction too
    monkeypatch.setattr("kg.build.BULK_MIN_BYTES", 0)
    with KGStore.open(tmp_path / "bulk") as store:
        build([SEEDS], store, jobs=2, batch_bytes=1)  # every document is its own bulk batch
    assert all_quads(tmp_path / "bulk") == expected

    with KGStore.open(tmp_path / "bulk") as store:  # simulate the crash: drop every content hash
        store.store.update("DELETE WHERE { GRAPH ?g { ?d <https://w3id.org/kg-rural/ontology#contentHash> ?h } }")
        assert store.documents() == {}
        summary = build([SEEDS], store, jobs=1)
    assert summary.changed == 5
    assert all_quads(tmp_path / "bulk") == expected


def test_unchanged_files_are_not_read_again(tmp_path: Path) -> None:
    """The stat shortcut: a no-op rebuild skips everything; touching a file's content rebuilds it."""
    import os
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    old = 1_600_000_000_000_000_000  # mtimes well in the past, so the state may trust them
    for f in corpus.iterdir():
        os.utime(f, ns=(old, old))
    with KGStore.open(tmp_path / "s") as store:
        build([corpus], store, jobs=1)
        again = build([corpus], store, jobs=1)
        assert (again.read, again.skipped, again.changed) == (5, 5, 0)
        assert len(store.read_state()["files"]) == 5
        first = sorted(corpus.iterdir())[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
        os.utime(first, ns=(old + 10**9, old + 10**9))
        edited = build([corpus], store, jobs=1)
    assert (edited.read, edited.skipped, edited.changed) == (5, 4, 1)


def test_rejected_documents_are_reported_again_without_extraction(tmp_path: Path) -> None:
    """A document the extractors rejected is remembered with its content hash: an unchanged rebuild
    reports the same failure without sending it to a worker; an edited one is extracted again."""
    import os
    import shutil

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "bad" / "chrome_only.html", corpus / "chrome_only.html")
    shutil.copy(sorted(SEEDS.iterdir())[0], corpus / "report.txt")
    old = 1_600_000_000_000_000_000
    for f in corpus.iterdir():
        os.utime(f, ns=(old, old))
    sent: list[str] = []

    def counting_mapper(fn, items):  # noqa: ANN001, ANN202 - the real local mapper, recording its input
        def record(items):  # noqa: ANN001, ANN202
            for item in items:
                sent.append(item.key)
                yield item
        return local_mapper(1)(fn, record(items))

    with KGStore.open(tmp_path / "s") as store:
        first = build([corpus], store, mapper=counting_mapper)
        assert (first.changed, first.failed) == (1, 1) and sorted(sent) == ["chrome_only.html", "report.txt"]
        sent.clear()
        again = build([corpus], store, mapper=counting_mapper)
        assert (again.read, again.skipped, again.failed, again.changed) == (2, 1, 1, 0)
        assert again.failures == first.failures and sent == []
        page = corpus / "chrome_only.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>二〇二三年新建大棚320座。</p></body>"),
                        encoding="utf-8")
        os.utime(page, ns=(old + 10**9, old + 10**9))
        edited = build([corpus], store, mapper=counting_mapper)
    assert sent == ["chrome_only.html"] and edited.read == 2


def test_noop_rebuild_never_opens_the_store_for_writing(tmp_path: Path) -> None:
    """Opening RocksDB for writing resumes compactions a bulk load left behind (seconds on a big store),
    so a rebuild that changes nothing only reads; the first write opens it for writing."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first = sorted(SEEDS.iterdir())[0]
    (corpus / first.name).write_bytes(first.read_bytes())
    with KGStore.open(tmp_path / "s") as store:
        assert store.writing  # a new store
        build([corpus], store, jobs=1)
    with KGStore.open(tmp_path / "s") as store:
        assert not store.writing
        summary = build([corpus], store, jobs=1)
        assert (summary.changed, summary.skipped) == (0, 1) and not store.writing
        (corpus / "new.txt").write_text("甘肃省天水市麦积区2023年新建蔬菜大棚320座。\n", encoding="utf-8")
        summary = build([corpus], store, jobs=1)
        assert summary.changed == 1 and store.writing
    with KGStore.open(tmp_path / "s", read_only=True) as store:
        assert len(store.documents()) == 2
