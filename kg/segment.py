"""Word segmentation with part-of-speech tags (rjieba, the Rust port of jieba), with a user dictionary.

Only short stretches are segmented: the clause before a figure and the words after it, never a whole
document (kg.extract.observations).  rjieba gives jieba's cuts and tags 3–5 M chars/s here, ~85× faster
than `jieba.posseg` (shared/notes/libraries.md).  Its dictionary splits domain terms
(一般公共预算收入 -> 一般|公共|预算|收入, tagged a|b|v|v), so the knowledge base adds its own words as
nouns: every label of the indicator scheme and of the programme scheme, and the nouns of
kg/data/indicator_words.tsv, when the first text is tagged; tags are cached per text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rjieba import Jieba

Token = tuple[str, str]  # (word, part-of-speech tag: jieba's ICTCLAS-style tags, n, v, vn, m, x …)

USER_TAG = "n"  # the tag given to the knowledge base's words
USER_FREQ = 200_000  # high enough that a listed term wins over the dictionary's pieces (jieba's own scale)
CACHE_SIZE = 1 << 15
# A tagger with jieba's dictionary built ahead (0.15 s, 60 MB) by `preload()`, which kg.extract.observations
# calls when it is imported: a build's forkserver imports the extractors before it forks the workers, so
# each worker starts with one and only adds its user words, and the build's parent, which loads a knowledge
# base only for the programme links, never builds one.  Never rjieba's own instance: kg.extract.regions and
# kg.extract.programmes tag with it, and words added to it would change what they find.  The first
# Segmenter of a process takes the one built ahead; any other builds its own, so two knowledge bases never
# share a dictionary.
_PREBUILT: Jieba | None = None
_TAKEN = False


def preload() -> None:
    """Build the tagger the first Segmenter of this process will take (once; no-op afterwards)."""
    global _PREBUILT
    if _PREBUILT is None and not _TAKEN:
        from rjieba import Jieba

        _PREBUILT = Jieba()


# jieba's HMM joins characters the dictionary does not know into words with guessed tags (资助率均达到 ->
# 资助|率均|达到, 率均 an adverb); without it every word and tag comes from the dictionaries
HMM = False


class Segmenter:
    """Tags short texts; words of the knowledge base (scheme labels) are kept whole and tagged as nouns."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        # longest first does not matter to jieba; sorted for a deterministic dictionary
        self.words = tuple(sorted({w for w in words if len(w) >= 2}))

    @functools.cached_property
    def _jieba(self):  # noqa: ANN202 - rjieba.Jieba has no type stubs for its methods
        global _PREBUILT, _TAKEN
        from rjieba import Jieba

        jieba, _PREBUILT, _TAKEN = (_PREBUILT or Jieba()), None, True
        for word in self.words:
            jieba.add_word(word, USER_FREQ, USER_TAG)
        return jieba

    @functools.cached_property
    def _cached(self):  # noqa: ANN202 - a functools.lru_cache wrapper
        jieba = self._jieba

        @functools.lru_cache(maxsize=CACHE_SIZE)
        def tag(text: str) -> tuple[Token, ...]:
            return tuple(jieba.tag(text, HMM))

        return tag

    def tag(self, text: str) -> tuple[Token, ...]:
        """(word, tag) pairs of `text`, in order; their words join to `text`."""
        if not text:
            return ()
        return self._cached(text)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the tagger (rjieba's is not picklable): it is rebuilt on first use."""
        return {"words": self.words}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.words = state["words"]  # type: ignore[assignment]
