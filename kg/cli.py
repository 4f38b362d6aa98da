"""Command line: kg build | query | eval | export | serve | validate.

Expected failures (unreadable files, a locked store, a bad query) are one line on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from kg.store import DEFAULT_STORE, KGStore, StoreError


def _version() -> str:
    from importlib import metadata  # only for --version: importing it costs a no-op build 12 ms

    try:
        return metadata.version("kg")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class _VersionAction(argparse.Action):
    """`--version`, with the version looked up only when asked for (see _version)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=kwargs.get("help"))

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(f"kg {_version()}")
        parser.exit()


class _QuietBar:
    """What `kg build -q` uses instead of a tqdm bar: no import, no monitor thread, failures still shown."""

    def update(self, _n: int = 1) -> None:
        pass

    def write(self, text: str, file: object = None) -> None:
        print(text, file=file or sys.stderr)

    def close(self) -> None:
        pass


def _err(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import DocResult, build
    from kg.pool import DocBudget
    from kg.read import ReadOptions, not_documents

    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        _err(f"{p}: no such file or folder")
    paths = [p for p in args.paths if p.exists()]
    if not paths:
        _err("nothing to build")
        return 1
    mapper = None
    if args.executor == "dask":
        from kg.distributed import dask_mapper

        mapper = dask_mapper(args.scheduler)
    if args.quiet:
        bar = _QuietBar()
    else:
        from tqdm import tqdm

        bar = tqdm(desc="building", unit="doc", file=sys.stderr, dynamic_ncols=True)

    def on_failure(key: str, reason: str) -> None:
        bar.write(f"failed: {key}: {reason}", file=sys.stderr)

    def on_document(result: DocResult) -> None:
        bar.write(f"built: {result.key}: {result.observations} figures, {result.quads} quads, "
                  f"{result.chrome_chars} characters of page chrome removed, {result.seconds:.2f} s", file=sys.stderr)

    budget = DocBudget() if args.doc_timeout is None else DocBudget(per_100k=args.doc_timeout)
    with KGStore.open(args.store) as store:
        summary = build(paths, store, prune=args.prune, jobs=args.jobs, options=ReadOptions(args.text_field),
                        mapper=mapper, progress=lambda _key: bar.update(1), on_failure=on_failure,
                        on_document=on_document if args.verbose else None, budget=budget)
    bar.close()
    skipped = not_documents(paths)
    if skipped:
        shown = ", ".join(skipped[:8]) + (f" … ({len(skipped)} in all)" if len(skipped) > 8 else "")
        print(f"not documents, skipped: {shown}", file=sys.stderr)
    print(summary.line())
    if args.verbose:
        print(f"page chrome removed: {summary.chrome_chars} characters from {summary.changed} documents "
              "(per document above; stored as kgo:chromeChars)", file=sys.stderr)
    if summary.read == 0:
        _err("nothing could be read")
        return 1
    if missing:
        return 1  # a path that is not there is a mistake in the command, whatever else was built
    if args.strict and summary.failed:
        return 1
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import parse_bindings, run, write_result

    with KGStore.open(args.store, read_only=True) as store:
        result = run(store, args.query, parse_bindings(args.bind), allow_service=args.allow_service)
        data = write_result(result, args.format)
    sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
    sys.stdout.buffer.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate, report

    if not args.gold.is_dir():
        _err(f"{args.gold}: not a folder of answer keys (tests/fixtures/gold has some for tests/fixtures/docs)")
        return 2
    with KGStore.open(args.store, read_only=True) as store:
        scores = evaluate(store, args.gold)
    if not scores:
        _err(f"{args.gold}: no answer keys (*.json) in it")
        return 2
    print(report(scores))
    if all(s.missing for s in scores):
        _err(f"none of the {len(scores)} documents of {args.gold} is in the store {args.store}; build them first")
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import export

    with KGStore.open(args.store, read_only=True) as store:
        export(store, args.format, args.output, region=args.region, program=args.program, document=args.document)
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import serve

    timeout = None if args.no_timeout else args.timeout
    return serve(args.store, host=args.host, port=args.port, timeout=timeout, cors=args.cors,
                 allow_service=args.allow_service, workers=args.workers)


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate

    with KGStore.open(args.store, read_only=True) as store:
        conforms, text = validate(store, progress=None if args.quiet else _err)
    print(text)
    return 0 if conforms else 1


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be above 0 (for no limit at all, pass --no-timeout)")
    return value


def _choices(names: Iterable[str]) -> str:
    return ", ".join(names)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Knowledge graph of rural-revitalisation reporting.")
    p.add_argument("--version", action=_VersionAction, help="show the version and exit")
    sub = p.add_subparsers(dest="command", required=True)

    def store_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--store", type=Path, default=DEFAULT_STORE, help="store folder (default ./kg-store)")

    b = sub.add_parser("build", help="build documents into the store")
    b.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    store_arg(b)
    b.add_argument("--prune", action="store_true", help="remove documents no longer in the input")
    b.add_argument("--strict", action="store_true", help="exit non-zero when any file fails")
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    b.add_argument("--text-field", default=None, help="CSV/JSON field holding the text")
    b.add_argument("--executor", choices=("local", "dask"), default="local")
    b.add_argument("--scheduler", default=None, help="Dask scheduler address (with --executor dask)")
    b.add_argument("--doc-timeout", type=float, default=None, metavar="SECONDS",
                   help="time budget of one document, in seconds per 100,000 characters (at least 5 s each; "
                        "default 5; 0 turns it off): a document past it is reported as failed")
    b.add_argument("-v", "--verbose", action="store_true",
                   help="one line per document built, with the characters removed as page chrome")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)

    from kg.export import EXPORTERS
    from kg.query import OUTPUT_FORMATS

    q = sub.add_parser("query", help="run a named query, a .rq file or literal SPARQL")
    q.add_argument("query")
    store_arg(q)
    rows = [n for n, f in OUTPUT_FORMATS.items() if not f.triples]
    triples = [n for n, f in OUTPUT_FORMATS.items() if f.triples]
    q.add_argument("--format", choices=tuple(OUTPUT_FORMATS), default=None,
                   help=f"SELECT/ASK: {_choices(rows)} (default table); CONSTRUCT/DESCRIBE: {_choices(triples)} "
                        "(default turtle)")
    q.add_argument("--bind", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a query variable to a value (typed, never spliced into the text)")
    q.add_argument("--allow-service", action="store_true",
                   help="let the query call SERVICE, i.e. make kg fetch other URLs (refused otherwise)")
    q.set_defaults(func=cmd_query)

    e = sub.add_parser("eval", help="score the store against answer keys")
    e.add_argument("gold", type=Path, metavar="GOLD_DIR")
    store_arg(e)
    e.set_defaults(func=cmd_eval)

    x = sub.add_parser("export", help="export the graph")
    x.add_argument("--format", required=True, choices=tuple(EXPORTERS),
                   help="; ".join(f"{n}: {f.help}" for n, f in EXPORTERS.items()))
    x.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    store_arg(x)
    x.add_argument("--region", default=None)
    x.add_argument("--program", default=None)
    x.add_argument("--document", default=None, help="a document (FILE, or FILE#N inside a CSV/JSON file)")
    x.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="serve the store read-only over SPARQL HTTP (oxigraph server)")
    store_arg(s)
    s.add_argument("--port", type=int, default=7878)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--timeout", type=_positive_seconds, default=30.0,
                   help="stop a query after this many seconds (default 30); the client gets 503")
    s.add_argument("--no-timeout", action="store_true", help="let queries run without a time limit")
    s.add_argument("--workers", type=int, default=2,
                   help="oxigraph processes, each running one query at a time (default 2)")
    s.add_argument("--allow-service", action="store_true",
                   help="let queries call SERVICE, i.e. make the server fetch other URLs (refused otherwise)")
    s.add_argument("--cors", action="store_true", help="send CORS headers (for browser clients such as YASGUI)")
    s.set_defaults(func=cmd_serve)

    v = sub.add_parser("validate", help="validate the store against the SHACL shapes")
    store_arg(v)
    v.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    v.set_defaults(func=cmd_validate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except StoreError as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
