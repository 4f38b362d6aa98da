"""Query stage: named queries in `queries/`, typed bindings, and result formats.

A QUERY is the name of a file in `queries/` (without .rq), a path to a .rq file, or literal SPARQL.
Bindings are pyoxigraph substitutions (typed RDF terms), never text spliced into the query.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions

from kg.rdf import resource_dir
from kg.store import KGStore, StoreError

FORMATS = ("table", "csv", "tsv", "json")


class QueryError(StoreError):
    pass


def named_queries() -> dict[str, Path]:
    return {p.stem: p for p in sorted(resource_dir("queries").glob("*.rq"))}


def resolve(query: str) -> str:
    """SPARQL text for a query name, a .rq path or literal SPARQL."""
    names = named_queries()
    if query in names:
        return names[query].read_text(encoding="utf-8")
    path = Path(query)
    if query.endswith(".rq"):
        if not path.is_file():
            raise QueryError(f"no such query file: {query}")
        return path.read_text(encoding="utf-8")
    if any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return query
    raise QueryError(f"unknown query '{query}'; named queries: {', '.join(names)}")


def parse_bindings(items: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise QueryError(f"--bind takes NAME=VALUE, got '{item}'")
        out[name.strip().lstrip("?$")] = value
    return out


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str | None]]


def run(store: KGStore, query: str, bindings: dict[str, object] | None = None) -> QuerySolutions | QueryBoolean:
    sparql = resolve(query)
    try:
        return store.query(sparql, bindings)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (RuntimeError, ValueError) as exc:
        names = ", ".join(sorted(bindings or {})) or "none"
        raise QueryError(f"cannot run the query with bindings ({names}): {exc}; "
                         "only variables in the SELECT clause can be bound") from exc


def to_table(result: QuerySolutions) -> Table:
    columns = [v.value for v in result.variables]
    rows = [[None if s[c] is None else s[c].value for c in columns] for s in result]
    return Table(columns, rows)


def format_result(result: QuerySolutions | QueryBoolean, fmt: str) -> str:
    if isinstance(result, QueryBoolean):
        return "true" if bool(result) else "false"
    if fmt == "table":
        return render_table(to_table(result))
    results_format = {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV,
                      "json": QueryResultsFormat.JSON}[fmt]
    buffer = io.BytesIO()
    result.serialize(buffer, format=results_format)
    return buffer.getvalue().decode("utf-8")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_table(table: Table, max_width: int = 60) -> str:
    def cell(value: str | None) -> str:
        text = "" if value is None else value.replace("\n", " ")
        if _width(text) > max_width:
            while _width(text) > max_width - 1:
                text = text[:-1]
            text += "…"
        return text

    cells = [[cell(v) for v in row] for row in table.rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(table.columns)]

    def line(values: list[str]) -> str:
        return " │ ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(table.columns), "─┼─".join("─" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)
