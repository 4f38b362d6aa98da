"""kg.matcher: the many-word scan the place and programme recognisers stand on."""

from __future__ import annotations

import random

import pytest

import kg.matcher
from kg.knowledge import KnowledgeBase
from kg.matcher import CharMap, WordMatcher
from kg.normalize import FULLWIDTH

VARIANTS = {ord(a): b for a, b in KnowledgeBase.shipped().lexicon["variants"].pairs("variant").items()}


def test_offsets_are_characters_even_after_astral_characters() -> None:
    """Offsets index the Python string (not UTF-8 bytes or UTF-16 units): emoji and CJK Extension B
    characters before a name must not shift it."""
    matcher = WordMatcher({"麦积区": "county", "积区": "tail"})
    text = "😀𠀀é麦积区。"
    found = list(matcher.find(text))
    assert [(text[s:e], v) for s, e, v in found] == [("麦积区", "county"), ("积区", "tail")]


def test_every_overlapping_occurrence_in_order_of_end() -> None:
    matcher = WordMatcher({"脱贫": 1, "脱贫攻坚": 2, "攻坚": 3, "": 4})
    text = "脱贫攻坚，攻坚"
    assert list(matcher.find(text)) == [(0, 2, 1), (0, 4, 2), (2, 4, 3), (5, 7, 3)]
    assert len(matcher) == 3 and list(WordMatcher({}).find(text)) == []


def test_few_words_are_found_in_the_automatons_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few words are found with str.find, not an automaton: the same occurrences in the same order
    (by end, the longer of two ending together first), on random texts thick with overlaps."""
    rng = random.Random(5)
    cases = []
    for _ in range(3000):
        alphabet = "ab村镇"[:rng.randint(2, 4)]
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 6))}
        cases.append(({w: n for n, w in enumerate(sorted(words))},
                      "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))))
    few = [list(WordMatcher(words).find(text)) for words, text in cases]
    assert WordMatcher({"a": 1})._automaton is None
    monkeypatch.setattr(kg.matcher, "FEW_WORDS", 0)
    assert WordMatcher({"a": 1})._automaton is not None
    assert few == [list(WordMatcher(words).find(text)) for words, text in cases]


# every character a regex character class could misread: ] \\ ^ - and the quote characters
_REGEX_SPECIAL = str.maketrans({"]": "】", "\\": "/", "^": "", "-": "—", "[": None, '"': None, "“": None})


@pytest.mark.parametrize("table", [FULLWIDTH, VARIANTS, _REGEX_SPECIAL, {}], ids=["fullwidth", "variants", "special", "empty"])
def test_charmap_is_str_translate(table: dict[int, int | str | None]) -> None:
    """Same result as str.translate on every character of the Basic Multilingual Plane, and beyond it."""
    text = "".join(chr(c) for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000) + "😀𠀀"
    assert CharMap(table)(text) == text.translate(table)
    assert CharMap(table)("") == ""
