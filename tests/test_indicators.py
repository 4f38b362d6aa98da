"""kg.indicators: the indicator scheme (ontology/indicators.ttl) and the label matcher."""

from __future__ import annotations

import collections
from pathlib import Path

import pyoxigraph
import pytest

from kg.indicators import (
    CONCEPT_BASE,
    FIGURE_KIND_BASE,
    FIGURE_KINDS,
    SCHEME_IRI,
    FigureKindWords,
    IndicatorScheme,
    normalise_label,
    scheme_path,
)
from kg.knowledge import KnowledgeBase

SKOS = "http://www.w3.org/2004/02/skos/core#"

# A small scheme of our own: two groups, income concepts that differ by a qualifier, a rate, a concept
# counted in households and people, and a generic head with a narrower concept.
SMALL = """
@prefix kgo: <https://w3id.org/kg-rural/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ic: <https://w3id.org/kg-rural/id/indicator-concept/> .
@prefix scheme: <https://w3id.org/kg-rural/id/scheme/> .
ic:g-income a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:topConceptOf scheme:indicator-concepts ; skos:prefLabel "收入"@zh .
ic:g-farm a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:topConceptOf scheme:indicator-concepts ; skos:prefLabel "农业"@zh .
ic:inc a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "居民人均可支配收入"@zh ; skos:altLabel "人均可支配收入"@zh , "居民人均可支配收入"@zh-Hant ;
    kgo:unitKind "money" ; skos:broader ic:g-income .
ic:inc-rural a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "农村居民人均可支配收入"@zh ; skos:altLabel "農村居民人均可支配收入"@zh-Hant ;
    kgo:unitKind "money" ; skos:broader ic:inc .
ic:grain a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "谷物产量"@zh ; skos:altLabel "谷物总产量"@zh ; kgo:unitKind "mass" ; skos:broader ic:g-farm .
ic:field a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "示范田"@zh ; kgo:unitKind "area" ; skos:broader ic:g-farm .
ic:cover a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "灌溉覆盖率"@zh ; kgo:unitKind "percent" ; skos:broader ic:g-farm .
ic:watched a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "监测户"@zh ; kgo:unitKind "households" , "people" ; skos:broader ic:g-income .
ic:firm a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "企业"@zh ; kgo:unitKind "count" ; skos:broader ic:g-farm .
ic:firm-lead a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "龙头企业"@zh ; kgo:unitKind "count" ; skos:broader ic:firm .
ic:other-scheme a skos:Concept ; skos:inScheme scheme:somewhere-else ; skos:prefLabel "谷物"@zh .
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> IndicatorScheme:
    path = tmp_path_factory.mktemp("scheme") / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    return IndicatorScheme.from_turtle(path, kb.lexicon)


@pytest.fixture(scope="module")
def shipped(kb: KnowledgeBase) -> IndicatorScheme:
    return kb.indicators


def slug(match: object) -> str | None:
    return None if match is None else match.concept.removeprefix(CONCEPT_BASE)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------- loading


def test_loader_reads_concepts_groups_and_labels(small: IndicatorScheme) -> None:
    assert set(c.slug for c in small.concepts.values()) == {
        "g-income", "g-farm", "inc", "inc-rural", "grain", "field", "cover", "watched", "firm", "firm-lead"}
    inc = small.by_slug("inc")
    assert inc.pref_label == "居民人均可支配收入" and inc.unit_kinds == {"money"} and inc.kind == "per-capita"
    assert small.by_slug("cover").kind == "share" and small.by_slug("grain").kind == "level"
    assert small.by_slug("g-income").top and small.group_of(small.by_slug("inc-rural").id) == small.by_slug("g-income").id
    # group labels are not matched; concepts of other schemes are not read
    assert small.lookup("收入") is None and small.lookup("谷物") is None
    assert small.lookup("農村居民人均可支配收入") == small.by_slug("inc-rural").id


def test_a_label_shared_by_two_concepts_is_refused(tmp_path: Path, kb: KnowledgeBase) -> None:
    clash = SMALL + """
ic:grain2 a skos:Concept , kgo:IndicatorConcept ; skos:inScheme scheme:indicator-concepts ;
    skos:prefLabel "谷物生产"@zh ; skos:altLabel "谷物 总产量"@zh ; kgo:unitKind "mass" ; skos:broader ic:g-farm .
"""
    path = tmp_path / "clash.ttl"
    path.write_text(clash, encoding="utf-8")
    with pytest.raises(ValueError, match="names two indicator concepts"):
        IndicatorScheme.from_turtle(path, kb.lexicon)


def test_the_knowledge_base_holds_the_scheme(shipped: IndicatorScheme, kb: KnowledgeBase) -> None:
    assert KnowledgeBase.shipped().indicators is shipped
    assert shipped.kind_words.words == FigureKindWords.from_words(kb.lexicon["figure_kinds"]).words


# ------------------------------------------------------------------------------------------- matching rules


@pytest.mark.parametrize(("label", "unit_kind", "expected", "kind"), [
    ("居民人均可支配收入", "money", "inc", "per-capita"),  # exact
    ("全县居民人均可支配收入", "money", "inc", "per-capita"),  # what precedes the head is free
    ("农村居民人均可支配收入分别增长", "percent", "inc-rural", "change"),  # longest label wins
    ("农村常住居民人均可支配收入", "money", "inc-rural", "per-capita"),  # qualifier moves it (rule 4)
    ("城镇常住居民人均可支配收入", "money", "inc", "per-capita"),  # no urban concept: the match stays
    ("谷物产量增长", "percent", "grain", "change"),
    ("谷物产量", "percent", "grain", "change"),  # % of an indicator that is no rate is its change
    ("谷物总产量占全省比重", "percent", "grain", "share"),  # a share of something after 占
    ("示范田占谷物总产量比重", "percent", "field", "share"),  # the share is of what precedes 占
    ("累计建设示范田", "area", "field", "cumulative"),
    ("灌溉覆盖率", "percent", "cover", "share"),
    ("灌溉覆盖率提高", "percent", "cover", "change"),
    ("新增监测户", "households", "watched", "level"),
    ("新增监测户", "people", "watched", "level"),
    ("省级龙头企业", "count", "firm-lead", "level"),  # the narrower head wins over the generic one
    ("外贸企业", "count", "firm", "level"),  # the generic head catches the rest
    ("“示范田”", "area", "field", "level"),  # quotes and spaces do not matter
])
def test_matching_rules(small: IndicatorScheme, label: str, unit_kind: str, expected: str, kind: str) -> None:
    match = small.match(label, unit_kind)
    assert slug(match) == expected and match is not None and match.kind == kind
    assert match.pref_label == small.by_slug(expected).pref_label
    assert match.kind_iri == FIGURE_KIND_BASE + kind


@pytest.mark.parametrize("label", [
    "示范田灌溉面积",  # the head is something else: what follows 示范田 is no kind word
    "企业家",  # a label that merely contains a concept label inside a word
    "建设",
    "",
])
def test_no_concept_when_the_head_is_not_a_scheme_label(small: IndicatorScheme, label: str) -> None:
    assert small.match(label, None) is None


def test_unit_kind_must_fit_the_concept(small: IndicatorScheme) -> None:
    assert small.match("谷物产量", "mass") is not None
    assert small.match("谷物产量", "money") is None  # a money figure is no grain output
    assert small.match("示范田", "people") is None
    assert small.match("监测户", "person-time") is not None  # 人 and 人次 count the same people
    assert small.match("谷物产量", None) is not None  # unknown unit: not constrained


def test_kind_from_the_unit(small: IndicatorScheme) -> None:
    assert small.match("灌溉覆盖率", "percent").kind == "share"  # type: ignore[union-attr]
    assert small.match("灌溉覆盖率", "percent", unit="个百分点").kind == "change"  # type: ignore[union-attr]
    assert small.match("龙头企业", "percent").kind == "change"  # type: ignore[union-attr]


def test_context_names_the_counted_noun_when_the_label_does_not(small: IndicatorScheme) -> None:
    match = small.match("建成", "area", "示范田，带动农户增收")
    assert slug(match) == "field" and match is not None and match.kind == "level"
    assert small.match("建成", "area", "道路，示范田") is None  # only the phrase that opens the context
    assert slug(small.match("谷物产量", "mass", "示范田")) == "grain"  # the label comes first


def test_figure_kind_words_come_from_the_data_file(kb: KnowledgeBase) -> None:
    words = FigureKindWords.parse("# c\nchange_around\t增\nshare_label\t比\nper-capita_label\t每\nchange_unit\t次\n")
    assert words.kinds_in("总量增") == {"change"} and words.kinds_in("每户", label_words_only=True) == {"per-capita"}
    assert words.unit_kind("次") == "change" and words.unit_kind("增") is None
    with pytest.raises(ValueError):
        FigureKindWords.parse("growth_around\t增\n")
    shipped = FigureKindWords.from_words(kb.lexicon["figure_kinds"])
    assert {kind for kind, _ in shipped.words.values()} == set(FIGURE_KINDS)
    for word in ("增长", "同比", "下降", "占比", "覆盖率", "人均", "累计"):
        assert word in shipped.words or any(word.endswith(w) for w in shipped.words), word


def test_normalise_label() -> None:
    assert normalise_label(" 農村居民（常住）人均可支配收入 ") == "农村居民常住人均可支配收入"
    assert normalise_label("ＧＤＰ") == "GDP"


# ------------------------------------------------------------------------------------------- the shipped scheme


def test_every_indicator_has_pref_label_broader_and_unit_kind(shipped: IndicatorScheme, kb: KnowledgeBase) -> None:
    kinds = {u.kind for u in kb.units.units.values() if u.countable}
    groups = [c for c in shipped.concepts.values() if c.top]
    leaves = [c for c in shipped.concepts.values() if not c.top]
    assert len(groups) >= 15 and len(leaves) >= 200
    for concept in leaves:
        assert concept.pref_label and concept.broader, concept.id
        assert concept.unit_kinds and concept.unit_kinds <= kinds, concept.id
        assert all(b in shipped.concepts for b in concept.broader), concept.id
        assert shipped.concepts[shipped.group_of(concept.id)].top, concept.id
        assert concept.slug.isascii() and concept.id.startswith(CONCEPT_BASE)
    for group in groups:
        assert group.pref_label and not group.broader


def test_every_label_names_exactly_one_concept() -> None:
    """Read the Turtle directly (not through the loader, which would refuse a clash)."""
    labels: dict[str, set[str]] = collections.defaultdict(set)
    in_scheme = set()
    quads = list(pyoxigraph.parse(path=str(scheme_path()), format=pyoxigraph.RdfFormat.TURTLE))
    for q in quads:
        if q.predicate.value == SKOS + "inScheme" and q.object.value == SCHEME_IRI:
            in_scheme.add(q.subject.value)
    for q in quads:
        if q.subject.value in in_scheme and q.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel") \
                and q.object.language.startswith("zh"):
            labels[normalise_label(q.object.value)].add(q.subject.value)
    shared = {label: ids for label, ids in labels.items() if len(ids) > 1}
    assert not shared
    assert len(labels) > 1000


@pytest.mark.parametrize(("label", "unit_kind", "expected", "kind"), [
    ("农村居民人均可支配收入增长", "percent", "农村居民人均可支配收入", "change"),
    ("农民人均可支配收入", "money", "农村居民人均可支配收入", "per-capita"),
    ("城镇常住居民人均可支配收入", "money", "城镇居民人均可支配收入", "per-capita"),
    ("新建高标准农田", "area", "高标准农田", "level"),
    ("新识别监测对象", "households", "新识别监测对象", "level"),
    ("风险消除率", "percent", "风险消除率", "share"),
    ("粮食产量增长", "percent", "粮食产量", "change"),
    ("地区生产总值", "money", "地区生产总值", "level"),
    ("脫貧人口人均純收入", "money", "脱贫人口人均纯收入", "per-capita"),
])
def test_shipped_scheme_links_common_labels(shipped: IndicatorScheme, label: str, unit_kind: str, expected: str,
                                            kind: str) -> None:
    match = shipped.match(label, unit_kind)
    assert match is not None and match.pref_label == expected and match.kind == kind


def test_figure_kind_concepts_are_declared() -> None:
    quads = list(pyoxigraph.parse(path=str(scheme_path()), format=pyoxigraph.RdfFormat.TURTLE))
    notations = {q.object.value for q in quads if q.predicate.value == SKOS + "notation"
                 and q.subject.value.startswith(FIGURE_KIND_BASE)}
    assert notations == set(FIGURE_KINDS)
