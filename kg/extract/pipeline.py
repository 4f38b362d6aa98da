"""Extract stage: Document -> Extraction, by a fixed sequence of components (spaCy-style).

Each component reads the document (and what earlier components found) and adds its own results;
none reaches back into reading or normalising.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache

from kg.extract.observations import extract_observations
from kg.extract.periods import infer_year
from kg.extract.programmes import find_measures, find_policy_documents, find_programmes
from kg.extract.regions import find_partnerships, find_regions, main_region
from kg.gazetteer import Gazetteer
from kg.model import CHINA, Document, Extraction, Measure, Partnership, Region, RegionMention
from kg.programmes import ProgrammeScheme
from kg.units import UnitTable


@dataclass(frozen=True)
class Resources:
    """The knowledge the extractors read: gazetteer, programme scheme and unit table."""

    gazetteer: Gazetteer
    programmes: ProgrammeScheme
    units: UnitTable

    @staticmethod
    @cache
    def default() -> Resources:
        return Resources(Gazetteer.default(), ProgrammeScheme.default(), UnitTable.default())


def _region_at(mentions: list[RegionMention], starts: list[int], main: Region | None, start: int,
               end: int) -> Region | None:
    """Most specific region named inside [start, end) that lies within the document's region."""
    best = None
    for m in mentions[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]:
        if main is not None and all(r.key != main.key for r in m.region.chain()):
            continue
        if best is None or len(m.region.chain()) > len(best.chain()):
            best = m.region
    return best or main


def _publisher_region(doc: Document, gazetteer: Gazetteer, main: Region | None) -> Region | None:
    """A title without a place leaves the publisher to say whose document it is (凉山州财政局): its
    region wins over a place merely named in the body, unless that place lies within it."""
    if not doc.meta.publisher or (doc.meta.title and find_regions(doc.meta.title, gazetteer)):
        return main
    named = find_regions(doc.meta.publisher, gazetteer)
    if not named or named[0].start != 0:
        return main
    publisher = named[0].region
    if main is not None and any(r.key == publisher.key for r in main.chain()):
        return main
    return publisher


def _national_scope(doc: Document, gazetteer: Gazetteer, mentions: list[RegionMention],
                    main: Region | None) -> Region | None:
    """A bulletin that ranges over many provinces, with no place in its title or publisher, is about
    the country: its first-named place must not claim every figure."""
    if main is None or main.level == "country" or len(mentions) < 3:
        return main
    if (doc.meta.title and find_regions(doc.meta.title, gazetteer)) or \
            (doc.meta.publisher and find_regions(doc.meta.publisher, gazetteer)):
        return main
    provinces = Counter(m.region.chain()[-1].key for m in mentions)
    home = main.chain()[-1].key
    if len(provinces) >= 3 and provinces[home] * 2 < sum(provinces.values()):
        return CHINA
    return main


def extract(doc: Document, resources: Resources | None = None) -> Extraction:
    res = resources or Resources.default()
    if doc.meta.date is None and doc.meta.inferred_year is None:
        year = infer_year(doc.text)
        if year is not None:
            doc = replace(doc, meta=replace(doc.meta, inferred_year=year))
    mentions = find_regions(doc.text, res.gazetteer)
    main = main_region(doc.text, mentions, title=doc.meta.title, publisher=doc.meta.publisher)
    main = _publisher_region(doc, res.gazetteer, main)
    main = _national_scope(doc, res.gazetteer, mentions, main)
    programmes = find_programmes(doc.text, res.programmes)
    mention_starts = [m.start for m in mentions]
    measures: list[Measure] = [
        replace(m, region=_region_at(mentions, mention_starts, main, m.start, m.end))
        for m in find_measures(doc.text, programmes)
    ]
    observations = extract_observations(doc, mentions, main, res.units)
    measure_starts = [m.start for m in measures]
    located = []
    for obs in observations:
        i = bisect.bisect_right(measure_starts, obs.quantity.start) - 1
        inside = i >= 0 and obs.quantity.start < measures[i].end
        located.append(replace(obs, measure_index=measures[i].index) if inside else obs)

    def issuer(title: str, _start: int) -> Region | None:
        """The region a cited title opens with (《甘肃省…工作指南》 is issued by 甘肃省)."""
        named = find_regions(title, res.gazetteer)
        return named[0].region if named and named[0].start == 0 else None

    policies = find_policy_documents(doc.text, issuer)
    return Extraction(
        document=doc,
        main_region=main,
        regions=mentions,
        observations=located,
        programmes=programmes,
        measures=measures,
        policy_documents=policies,
        partnerships=[_canonical_partnership(p, res.programmes) for p in find_partnerships(doc, mentions, main)],
    )


def _canonical_partnership(link: Partnership, scheme: ProgrammeScheme) -> Partnership:
    """Name a partnership's programme by the scheme's label; a bare generic word names none."""
    if not link.programme:
        return link
    concept, label = scheme.canonical(link.programme)
    if concept is None and len(label) <= 2:
        return replace(link, programme=None)
    return replace(link, programme=label)
