"""Read stage: files on disk -> SourceText records (or one-line ReadFailures).

Readers are chosen by file suffix from one registry (`READERS`); folders are walked in sorted order so
that a build is deterministic.  Nothing here interprets the text: that is the normaliser's job.  A
reader never raises: whatever goes wrong with one file (or one record of it) is a ReadFailure with a
one-line reason, and the build goes on with the others.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.model import ReadFailure, SourceText

# fields that hold a document's text, by name; among several, the longest value wins
TEXT_FIELDS = ("full_text", "fulltext", "text", "content", "body", "article", "正文", "内容", "全文", "文本")
# a string field of any name this long, mostly Chinese, with sentence punctuation, is a document's text too
PROSE_MIN_CHARS = 200
MAX_FILE_BYTES = 512 * 1024 * 1024
# One document (a file, a CSV row, a JSON object) above this is a dump, not a report: the largest real
# report is ~100 KB.  It is refused with a reason instead (containers may be larger).
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
JSON_MAX_DEPTH = 200  # objects nested deeper than this hold no documents we could read

_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (docx/xlsx?)",
    b"\x1f\x8b": "gzip archive",
    b"\xd0\xcf\x11\xe0": "OLE document (doc/xls?)",
}


class ReadError(Exception):
    """An expected failure: the message is shown to the user as the one-line reason."""


@dataclass(frozen=True)
class ReadOptions:
    text_field: str | None = None


Records = Iterator[SourceText | ReadFailure]
Reader = Callable[[str, str, ReadOptions], Records]  # (decoded text, name shown, options) -> records


def _plain(media_type: str) -> Reader:
    def read(text: str, name: str, _options: ReadOptions) -> Records:
        yield SourceText(file=name, text=text, media_type=media_type)

    return read


def _csv_reader(text: str, name: str, options: ReadOptions) -> Records:
    return _csv_records(text, name, options)


def _json_reader(text: str, name: str, options: ReadOptions) -> Records:
    return _json_records(text, name, False, options)


def _jsonl_reader(text: str, name: str, options: ReadOptions) -> Records:
    return _json_records(text, name, True, options)


# suffix -> reader; a container (CSV, JSON) may hold many documents, so only its documents are capped
READERS: dict[str, Reader] = {
    ".txt": _plain("text/plain"), ".text": _plain("text/plain"),
    ".md": _plain("text/markdown"), ".markdown": _plain("text/markdown"),
    ".html": _plain("text/html"), ".htm": _plain("text/html"),
    ".csv": _csv_reader, ".json": _json_reader, ".jsonl": _jsonl_reader,
}
CONTAINERS = frozenset({".csv", ".json", ".jsonl"})
READABLE_SUFFIXES = frozenset(READERS)


# Files in a walked folder that describe the folder rather than report anything (a corpus's README.md,
# its SOURCES.tsv, a licence): skipped, and listed by `kg build`, so that --strict can pass on a real
# folder.  A file named on the command line is always read.
NOT_DOCUMENTS = ("readme*", "license*", "licence*", "copying*", "notice*", "changelog*", "sources*", "*.tsv")


def is_document_name(name: str) -> bool:
    """False for file names NOT_DOCUMENTS matches (case-insensitive)."""
    lower = name.lower()
    return not any(fnmatch.fnmatchcase(lower, pattern) for pattern in NOT_DOCUMENTS)


def not_documents(paths: Iterable[Path]) -> list[str]:
    """The files of walked folders that `iter_files` leaves out as no documents (NOT_DOCUMENTS)."""
    out: list[str] = []
    for root in paths:
        if root.is_dir():
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out += sorted(Path(folder, n).relative_to(root).as_posix() for n in names
                              if not n.startswith(".") and not is_document_name(n))
    return out


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str] | ReadFailure]:
    """Yield (path, name as shown) for every file under the given paths, folders recursed in sorted
    order (hidden files and folders skipped); a folder that cannot be listed is a ReadFailure."""
    for root in paths:
        if not root.is_dir():
            yield root, root.name
            continue
        found: list[tuple[Path, str]] = []
        errors: list[ReadFailure] = []

        def unreadable(exc: OSError, root: Path = root, errors: list[ReadFailure] = errors) -> None:
            folder = Path(exc.filename or root)
            shown = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
            errors.append(ReadFailure(shown.rstrip("/") + "/", f"cannot read folder: {exc.strerror or exc}"))

        for folder, dirs, names in os.walk(root, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                path = Path(folder, name)
                if not name.startswith(".") and is_document_name(name) and path.is_file():
                    found.append((path, path.relative_to(root).as_posix()))
        yield from errors
        yield from sorted(found, key=lambda item: item[0])


def read_paths(paths: Iterable[Path], options: ReadOptions | None = None) -> Records:
    """Read every document under `paths`; unreadable files become ReadFailure records, never exceptions."""
    options = options or ReadOptions()
    for item in iter_files(paths):
        if isinstance(item, ReadFailure):
            yield item
        else:
            yield from read_one(*item, options)


def read_one(path: Path, name: str, options: ReadOptions) -> Records:
    """The documents of one listed file, or one-line failures (never an exception)."""
    if not path.exists():
        yield ReadFailure(name, "no such file")
        return
    if path.suffix.lower() not in READERS:
        yield ReadFailure(name, f"unsupported file type '{path.suffix or '(none)'}'")
        return
    try:
        yield from read_file(path, name, options)
    except ReadError as exc:
        yield ReadFailure(name, str(exc))
    except OSError as exc:
        yield ReadFailure(name, f"cannot open: {exc.strerror or exc}")
    except RecursionError:
        yield ReadFailure(name, "nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a build
        yield ReadFailure(name, f"reader error {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")


def read_file(path: Path, name: str, options: ReadOptions) -> Records:
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file")
    if size > MAX_FILE_BYTES:
        raise ReadError(f"file too large ({size // 2**20} MiB > {MAX_FILE_BYTES // 2**20} MiB)")
    suffix = path.suffix.lower()
    if size > MAX_DOCUMENT_BYTES and suffix not in CONTAINERS:
        raise ReadError(_too_large(size))
    yield from READERS[suffix](decode(path.read_bytes()), name, options)


def _too_large(size: int) -> str:
    return (f"document too large ({size / 2**20:.1f} MiB; one document may hold at most "
            f"{MAX_DOCUMENT_BYTES // 2**20} MiB): split it into several files")


def _oversized(body: str) -> bool:
    return len(body) * 3 > MAX_DOCUMENT_BYTES and len(body.encode("utf-8")) > MAX_DOCUMENT_BYTES


# --- decoding ----------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with or without BOM), GB18030/GBK or Big5.

    Strict UTF-8 first (most files); then byte-order marks; binary files are refused by their magic
    number; UTF-16 without a BOM is recognised by what it decodes to; the rest goes to
    charset-normalizer restricted to the Chinese encodings.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _clean(data[3:].decode("utf-8", errors="replace"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _clean(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise ReadError("damaged UTF-16 text") from exc
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise ReadError(f"binary file ({kind}), not text")
    try:
        return _clean(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _clean(utf16)
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 8:
        raise ReadError("binary file (NUL bytes), not text")
    from charset_normalizer import from_bytes  # imported on first use: a no-op build never decodes

    best = from_bytes(data, cp_isolation=["utf_8", "gb18030", "big5", "utf_16"]).best()
    if best is not None and best.encoding != "utf_8":
        return _clean(str(best))
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad > max(16, len(text) // 50):
        raise ReadError(f"undecodable text: {bad} invalid byte sequences in UTF-8, not GBK/Big5 either")
    return _clean(text)


def _plausible_text_share(text: str) -> float:
    """Share of characters that real Chinese text is made of: CJK ideographs, CJK and full-width
    punctuation, printable ASCII and line breaks.  Legacy-encoded bytes read as UTF-16 give Hangul,
    private-use and other scattered code points instead."""
    good = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
               or " " <= c <= "~" or c in "\n\r\t")
    return good / max(1, len(text))


def _utf16_without_bom(data: bytes) -> str | None:
    """The text, if the bytes are UTF-16 (LE or BE) without a byte-order mark, else None."""
    if len(data) % 2 or len(data) < 4:
        return None
    sample = data[:8192]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            if _plausible_text_share(sample.decode(encoding)) < 0.9:
                continue
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _clean(text: str) -> str:
    """NUL bytes and other C0 controls (except tab/newline) never carry meaning in these documents."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


# --- choosing the text of a record ---------------------------------------------------------------------

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _is_prose(value: str) -> bool:
    """A long, mostly Chinese string with sentence punctuation: an article, whatever its field is called."""
    if len(value) < PROSE_MIN_CHARS:
        return False
    sample = value[:2000]
    return len(_HAN.findall(sample)) * 2 >= len(sample) and any(c in sample for c in "。，；！？")


def _key(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower()


def choose_text_field(record: dict[str, Any], wanted: str | None, leaf: bool = True) -> str | None:
    """The field of `record` that holds its text: the one named with --text-field; else the longest of
    the fields named like a text (TEXT_FIELDS) or, in a record with nothing nested in it (`leaf`),
    holding long prose (an object with nested parts keeps its summary beside the article it holds:
    `brief` beside `video_detail.content`); None when there is none."""
    strings = {k: v for k, v in record.items() if isinstance(k, str) and isinstance(v, str) and v.strip()}
    if wanted:
        return next((k for k in strings if _key(k) == wanted.lower()), None)
    known = {t.lower() for t in TEXT_FIELDS}
    candidates = [k for k, v in strings.items() if _key(k) in known or (leaf and _is_prose(v))]
    return max(candidates, key=lambda k: len(strings[k].strip()), default=None)


# --- CSV ---------------------------------------------------------------------------------------------


def _csv_records(text: str, name: str, options: ReadOptions) -> Records:
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.DictReader(io.StringIO(text))
    try:
        fields = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise ReadError(f"not a readable CSV: {exc}") from exc
    named = options.text_field
    if named and not any(_key(f) == named.lower() for f in fields):
        raise ReadError(f"CSV has no column '{named}' (columns: {', '.join(fields)[:120]})")
    any_text = False
    try:
        for number, row in enumerate(reader, start=1):
            field = choose_text_field(row, named)
            if field is None:
                yield ReadFailure(f"{name}#{number}", f"row {number} has no text (looked for "
                                  f"{named or ', '.join(TEXT_FIELDS[:6])} or any column of long prose)")
                continue
            any_text = True
            body = row[field].strip()
            if _oversized(body):
                yield ReadFailure(f"{name}#{number}", f"row {number}: {_too_large(len(body.encode('utf-8')))}")
                continue
            meta = {k.strip().lstrip("\ufeff"): (v or "").strip() for k, v in row.items()
                    if k and k != field and isinstance(v, str)}
            yield SourceText(file=name, text=body, media_type="text/plain", part=str(number), metadata=meta)
    except csv.Error as exc:
        raise ReadError(f"CSV broken at line {reader.line_num}: {exc}") from exc
    if not any_text and not named:
        raise ReadError(f"CSV has no text column (looked for {', '.join(TEXT_FIELDS[:6])} or a column of long "
                        f"prose; columns: {', '.join(fields)[:120]}; choose one with --text-field)")


# --- JSON / JSON Lines -------------------------------------------------------------------------------


def _json_loads(text: str) -> Any:
    """json.loads with integers kept as text (a 5,000-digit number is metadata, not an error)."""
    return json.loads(text, parse_int=str)


def _json_records(text: str, name: str, lines: bool, options: ReadOptions) -> Records:
    if lines:
        objects: list[Any] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    objects.append(_json_loads(line))
                except (json.JSONDecodeError, RecursionError) as exc:
                    reason = f"not JSON: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                    yield ReadFailure(f"{name}#{number}", f"line {number} is {reason}")
        root: Any = objects
    else:
        try:
            root = _json_loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        except RecursionError as exc:
            raise ReadError("JSON nested too deeply to read") from exc
    found = list(_documents_in(root, options.text_field))
    if not found:
        raise ReadError("JSON holds no documents (no object with a text field such as "
                        f"{', '.join(TEXT_FIELDS[:4])} or a field of long prose; choose one with --text-field)")
    for number, (body, meta) in enumerate(found, start=1):
        if _oversized(body):
            yield ReadFailure(f"{name}#{number}", f"item {number}: {_too_large(len(body.encode('utf-8')))}")
            continue
        media = "text/html" if "<p" in body or "<br" in body else "text/plain"
        yield SourceText(file=name, text=body, media_type=media, part=str(number), metadata=meta)


def _scalars(obj: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in obj.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}


def _documents_in(root: Any, wanted: str | None) -> Iterator[tuple[str, dict[str, str]]]:
    """(text, metadata) of every object that carries a text, wherever it is nested, in document order.

    An object's own text comes first, then the documents nested inside it (an issue's articles beside
    its introduction); scalar fields of enclosing objects are inherited as metadata (a 新闻联播 item
    holds its title beside a `video_detail` with the text).  Walked with an explicit stack, so depth
    costs no Python recursion; objects deeper than JSON_MAX_DEPTH are not looked into."""
    stack: list[tuple[Any, dict[str, str], int]] = [(root, {}, 0)]
    while stack:
        node, inherited, depth = stack.pop()
        if depth > JSON_MAX_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, inherited, depth + 1) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        meta = {**inherited, **_scalars(node)}
        children = [v for v in node.values() if isinstance(v, (dict, list))]
        field = choose_text_field(node, wanted, leaf=not children)
        if field is not None:
            meta.pop(field, None)
            yield node[field], meta
        stack.extend((child, meta, depth + 1) for child in reversed(children))
