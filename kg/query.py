"""Query stage: named queries in `queries/`, typed bindings, and result formats.

A QUERY is the name of a file in `queries/` (without .rq), a path to a .rq file, or literal SPARQL.
Bindings are pyoxigraph substitutions (typed RDF terms), never text spliced into the query.
"""

from __future__ import annotations

import io
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Variable,
)

from kg.guard import refuse_service
from kg.store import KGStore, StoreError, to_term
from kg.vocab import KGO, ONTOLOGY_GRAPH, VOCABULARY_GRAPH, mint

LINKS_GRAPH = NamedNode(mint("graph", "programme-links"))  # as kg.links names it (not imported: it is heavy)

Result = QuerySolutions | QueryBoolean | QueryTriples


class QueryError(StoreError):
    pass


# ------------------------------------------------------------------------------------ output formats
@dataclass(frozen=True)
class OutputFormat:
    """How `kg query --format NAME` writes a result.  `triples`: for CONSTRUCT and DESCRIBE (an RDF
    format), else for SELECT and ASK (rows or a boolean)."""

    name: str
    triples: bool
    write: Callable[[Result], bytes]
    help: str


OUTPUT_FORMATS: dict[str, OutputFormat] = {}


def output_format(name: str, *, triples: bool, help: str) -> Callable[[Callable[[Result], bytes]], Callable]:
    """Register a query output format under `name` (the CLI's --format choices come from here)."""

    def register(write: Callable[[Result], bytes]) -> Callable[[Result], bytes]:
        OUTPUT_FORMATS[name] = OutputFormat(name, triples, write, help)
        return write

    return register


def _results_writer(fmt: QueryResultsFormat) -> Callable[[Result], bytes]:
    def write(result: Result) -> bytes:
        buffer = io.BytesIO()
        result.serialize(buffer, format=fmt)  # type: ignore[union-attr]
        return buffer.getvalue()

    return write


def _rdf_writer(fmt: RdfFormat) -> Callable[[Result], bytes]:
    def write(result: Result) -> bytes:
        from pyoxigraph import serialize

        from kg.vocab import PREFIXES

        prefixes = PREFIXES if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        return serialize(result, format=fmt, prefixes=prefixes) or b""  # type: ignore[arg-type]

    return write


@output_format("table", triples=False, help="aligned columns for reading (the default for SELECT and ASK)")
def _table(result: Result) -> bytes:
    if isinstance(result, QueryBoolean):
        return b"true" if bool(result) else b"false"
    return render_table(to_table(result)).encode("utf-8")  # type: ignore[arg-type]


for _name, _fmt, _help in (("csv", QueryResultsFormat.CSV, "SPARQL 1.1 CSV results"),
                           ("tsv", QueryResultsFormat.TSV, "SPARQL 1.1 TSV results (typed terms)"),
                           ("json", QueryResultsFormat.JSON, "SPARQL 1.1 JSON results"),
                           ("xml", QueryResultsFormat.XML, "SPARQL 1.1 XML results")):
    output_format(_name, triples=False, help=_help)(_results_writer(_fmt))
for _name, _rdf, _help in (("turtle", RdfFormat.TURTLE, "Turtle (the default for CONSTRUCT and DESCRIBE)"),
                           ("ntriples", RdfFormat.N_TRIPLES, "N-Triples"),
                           ("jsonld", RdfFormat.JSON_LD, "JSON-LD"),
                           ("rdfxml", RdfFormat.RDF_XML, "RDF/XML")):
    output_format(_name, triples=True, help=_help)(_rdf_writer(_rdf))

FORMATS = tuple(OUTPUT_FORMATS)


def named_queries() -> dict[str, Path]:
    from kg.rdf import resource_dir  # kg.rdf loads the extraction model: only when a query is run

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


def run(store: KGStore, query: str, bindings: dict[str, object] | None = None, *,
        allow_service: bool = False) -> Result:
    """Run a named query, .rq file or SPARQL text.  A query that calls SERVICE (and so would make kg
    fetch a URL) is refused unless `allow_service` (kg.guard)."""
    sparql = resolve(query)
    if not allow_service:
        refuse_service(sparql)
    try:
        return execute(store, sparql, bindings)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (RuntimeError, ValueError) as exc:
        names = ", ".join(sorted(bindings or {})) or "none"
        raise QueryError(f"cannot run the query with bindings ({names}): {exc}; "
                         "only variables in the SELECT clause can be bound") from exc


def incomplete_graphs(store: KGStore) -> set[NamedNode]:
    """Document graphs without their kgo:contentHash quad: what a build killed half-way leaves behind
    (the build writes that quad last and treats such a document as absent, see kg.build._Writer)."""
    rows = store.store.query(f"""SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{mint("graph", "")}"))
        FILTER NOT EXISTS {{ GRAPH ?g {{ ?d <{KGO.contentHash.value}> ?hash }} }} }}""")
    return {row["g"] for row in rows} - {VOCABULARY_GRAPH, ONTOLOGY_GRAPH, LINKS_GRAPH}


_VIEWS: weakref.WeakKeyDictionary[KGStore, list[NamedNode] | None] = weakref.WeakKeyDictionary()


def complete_view(store: KGStore) -> list[NamedNode] | None:
    """The graphs a query should see when some document graphs are incomplete, else None (the union of
    all graphs: the fast path, and the only cost is finding out, ~5 ms on 550 documents).  Only for
    read-only stores, which see the store as it was when opened (so the answer is kept); a writer is the
    build itself."""
    if not store.read_only:
        return None
    if store in _VIEWS:
        return _VIEWS[store]
    hidden = incomplete_graphs(store)
    view = None if not hidden else [g for g in store.store.named_graphs()
                                    if isinstance(g, NamedNode) and g not in hidden]
    _VIEWS[store] = view
    return view


def execute(store: KGStore, sparql: str, bindings: dict[str, object] | None = None) -> Result:
    """SPARQL text over the union of the complete graphs (kg's own queries, which call no SERVICE)."""
    view = complete_view(store)
    if view is None:
        return store.query(sparql, bindings)
    substitutions = {Variable(k): to_term(v) for k, v in (bindings or {}).items()}
    return store.store.query(sparql, default_graph=view, named_graphs=view, substitutions=substitutions or None)


def to_table(result: QuerySolutions) -> Table:
    columns = [v.value for v in result.variables]
    rows = [[None if s[c] is None else s[c].value for c in columns] for s in result]
    return Table(columns, rows)


def default_format(result: Result) -> str:
    return "turtle" if isinstance(result, QueryTriples) else "table"


def write_result(result: Result, fmt: str | None = None) -> bytes:
    """The result in an output format (None: table for rows, Turtle for triples).  Rows are read here,
    so errors raised while the query runs (a failed SERVICE call, a cancelled query) surface here."""
    fmt = fmt or default_format(result)
    chosen = OUTPUT_FORMATS.get(fmt)
    if chosen is None:
        raise QueryError(f"unknown output format '{fmt}'; choose from {', '.join(OUTPUT_FORMATS)}")
    triples = isinstance(result, QueryTriples)
    if chosen.triples != triples:
        fitting = ", ".join(name for name, f in OUTPUT_FORMATS.items() if f.triples == triples)
        what = "CONSTRUCT and DESCRIBE give triples" if triples else "SELECT and ASK give rows or a boolean"
        raise QueryError(f"--format {fmt} does not fit this query: {what}; use one of {fitting}")
    try:
        return chosen.write(result)
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"the query failed while running: {str(exc).strip().splitlines()[0][:300]}") from exc


def format_result(result: Result, fmt: str | None = None) -> str:
    """`write_result` as text."""
    return write_result(result, fmt).decode("utf-8")


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
