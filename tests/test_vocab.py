"""Minted IRIs read back in every RDF tool: rdflib refuses a Turtle/TriG prefixed name ending in an
escaped dot (`kgid:indicator\\/同比增长8\\.`), which Oxigraph writes for an IRI ending in '.'."""

from __future__ import annotations

import pytest
import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from kg.vocab import KGID, mint

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own

LABELS = ["同比增长8.", "品综合税率由21.降至15.", "x..", ".", "..", "a.b", "1+20", "50%", "a/b", "a b", "〇.",
          "€", "\u00a0", "~x.", "x#", "x?", "_.", "-"]


@pytest.mark.parametrize("label", LABELS)
def test_minted_iris_parse_in_rdflib_turtle_and_trig(label: str) -> None:
    iri = mint("indicator", label)
    node = NamedNode(iri)
    p = NamedNode("urn:kg:p")
    turtle = serialize([Triple(node, p, node)], format=RdfFormat.TURTLE, prefixes={"kgid": KGID})
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert {str(s) for s in graph.subjects()} == {iri}
    trig = serialize([Quad(node, p, node, NamedNode("urn:kg:g"))], format=RdfFormat.TRIG, prefixes={"kgid": KGID})
    dataset = rdflib.Dataset().parse(data=trig, format="trig")
    assert {str(q[0]) for q in dataset.quads((None, None, None, None))} == {iri}


def test_distinct_labels_stay_distinct() -> None:
    assert len({mint("indicator", label) for label in LABELS}) == len(LABELS)
    assert mint("indicator", "同比增长8.") == KGID + "indicator/同比增长8%2E"
    assert mint("indicator", "同比增长8") == KGID + "indicator/同比增长8"  # the usual case is unchanged
