"""Shared fixtures: a real on-disk store built from the seeds, once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store built from seeds/ (closed again, so tests may open it read-only)."""
    path = tmp_path_factory.mktemp("seeds") / "store"
    with KGStore.open(path) as store:
        summary = build([SEEDS], store, jobs=1)
    assert summary.changed == 5 and summary.failed == 0
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared is not here (a user's clone): skipping tests that read it")
    return SHARED


@pytest.fixture(scope="session")
def kb():  # noqa: ANN201 - a KnowledgeBase
    """The shipped knowledge base, read once for the session."""
    from kg.knowledge import KnowledgeBase

    return KnowledgeBase.shipped()
