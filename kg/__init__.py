"""kg: a knowledge graph of rural-revitalisation reporting.  Notebook API: `kg.open(store).query(...)`,
`kg.extract_text(text)` for what extraction finds in one text.

`open` and `Graph` load lazily, so `import kg.build` in a worker process stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.api import Graph, extract_text, open  # noqa: A004

__all__ = ["Graph", "extract_text", "open"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
