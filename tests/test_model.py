"""The shared records: `evolve` must behave as `dataclasses.replace` does for them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from kg.model import Evidence, Observation, Quantity, Region, evolve


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
