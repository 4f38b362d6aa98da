"""The shared records: `evolve` must behave as `dataclasses.replace` does for them; an offset map's chain
maps as its maps one after another."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

import pytest

from kg.model import Evidence, Observation, OffsetMap, Quantity, Region, evolve


def _observation() -> Observation:
    q = Quantity(value=Decimal(16), unit="户", stated="16户", start=3, end=6)
    return Observation(indicator="脱贫户", quantity=q, region=None, period=None,
                       evidence=Evidence(quote="脱贫户16户", start=0, end=6))


def test_evolve_equals_replace() -> None:
    obs = _observation()
    changed = evolve(obs, indicator="监测户", period="2024")
    assert changed == dataclasses.replace(obs, indicator="监测户", period="2024")
    assert changed.indicator == "监测户" and obs.indicator == "脱贫户"
    assert evolve(obs) == obs and evolve(obs) is not obs


def test_evolve_refuses_unknown_fields() -> None:
    with pytest.raises(TypeError, match="no field"):
        evolve(_observation(), indicatr="x")


def test_evolve_drops_values_cached_on_the_record() -> None:
    province = Region(name="甘肃省", level="province", code="620000")
    city = Region(name="天水市", level="city", code="620500", parent=province)
    county = Region(name="麦积区", level="county", code="620503", parent=city)
    assert county.chain() == (county, city, province)  # cached on the record now
    moved = evolve(county, parent=province)
    assert "_chain" not in moved.__dict__
    assert moved.chain() == (moved, province)


def _through_each(offsets: OffsetMap | None, pos: int, is_end: bool) -> int:
    """The chain's map by definition: this map's step, then its parent's."""
    while offsets is not None:
        pos = offsets._local(pos, is_end)
        offsets = offsets._parent
    return pos


def test_a_chain_maps_as_its_maps_one_after_another() -> None:
    """to_source steps over one-for-one maps (Traditional -> Simplified): the same positions as every map
    applied in turn, at every position of random chains, before and past both ends too."""
    rng = random.Random(3)
    for _ in range(300):
        length = rng.randint(0, 30)
        offsets: OffsetMap | None = None
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.5:  # one character for one
                edits = [(i, i + 1, "x") for i in sorted(rng.sample(range(length), min(length, rng.randint(0, 3))))]
            else:  # cuts and insertions
                edits = sorted({(a, a + rng.randint(0, 3), "y" * rng.randint(0, 2))
                                for a in (rng.randint(0, length) for _ in range(rng.randint(0, 3)))})
            offsets = OffsetMap.from_edits(length, edits, parent=offsets)
            length = offsets._starts[-1] + offsets._lens[-1]
        assert offsets is not None
        for pos in range(-2, length + 3):
            for is_end in (False, True):
                assert offsets.to_source(pos, is_end) == _through_each(offsets, pos, is_end)
