"""Read stage: files on disk -> SourceText records (or one-line ReadFailures).

Readers are chosen by file type; folders are walked recursively in sorted order so that a build is
deterministic.  Nothing here interprets the text: that is the normaliser's job.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.model import ReadFailure, SourceText

TEXT_FIELDS = ("full_text", "fulltext", "text", "content", "body", "article", "正文", "内容", "全文", "文本")
READABLE_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".csv", ".json", ".jsonl"}
MAX_FILE_BYTES = 512 * 1024 * 1024
# One document (a file, a CSV row, a JSON object) above this is a dump, not a report: the largest real
# report is ~100 KB, and extraction time grows faster than linearly with document length, so a 20 MB
# text would stall a build for hours.  It is refused with a reason instead (containers may be larger).
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

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


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield (path, name as shown) for every file under the given paths, folders recursed in order."""
    for root in paths:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = path.relative_to(root)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                yield path, rel.as_posix()
        else:
            yield root, root.name


def read_paths(paths: Iterable[Path], options: ReadOptions | None = None) -> Iterator[SourceText | ReadFailure]:
    """Read every document under `paths`; unreadable files become ReadFailure records, never exceptions."""
    options = options or ReadOptions()
    for path, name in iter_files(paths):
        yield from read_one(path, name, options)


def read_one(path: Path, name: str, options: ReadOptions) -> Iterator[SourceText | ReadFailure]:
    """The documents of one listed file, or one-line failures (never an exception)."""
    if not path.exists():
        yield ReadFailure(name, "no such file")
        return
    if path.suffix.lower() not in READABLE_SUFFIXES:
        yield ReadFailure(name, f"unsupported file type '{path.suffix or '(none)'}'")
        return
    try:
        yield from read_file(path, name, options)
    except ReadError as exc:
        yield ReadFailure(name, str(exc))
    except OSError as exc:
        yield ReadFailure(name, f"cannot open: {exc.strerror or exc}")


def read_file(path: Path, name: str, options: ReadOptions) -> Iterator[SourceText | ReadFailure]:
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file")
    if size > MAX_FILE_BYTES:
        raise ReadError(f"file too large ({size // 2**20} MiB > {MAX_FILE_BYTES // 2**20} MiB)")
    suffix = path.suffix.lower()
    if size > MAX_DOCUMENT_BYTES and suffix not in (".csv", ".json", ".jsonl"):
        raise ReadError(_too_large(size))
    text = decode(path.read_bytes())
    if suffix == ".csv":
        yield from _csv_records(text, name, options)
    elif suffix in (".json", ".jsonl"):
        yield from _json_records(text, name, suffix == ".jsonl", options)
    elif suffix in (".html", ".htm"):
        yield SourceText(file=name, text=text, media_type="text/html")
    elif suffix in (".md", ".markdown"):
        yield SourceText(file=name, text=text, media_type="text/markdown")
    else:
        yield SourceText(file=name, text=text, media_type="text/plain")


def _too_large(size: int) -> str:
    return (f"document too large ({size / 2**20:.1f} MiB; one document may hold at most "
            f"{MAX_DOCUMENT_BYTES // 2**20} MiB): split it into several files")


def _oversized(body: str) -> bool:
    return len(body) * 3 > MAX_DOCUMENT_BYTES and len(body.encode("utf-8")) > MAX_DOCUMENT_BYTES


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5.

    Strict UTF-8 first (most files); then byte-order marks; binary files are refused by their magic
    number or their NUL bytes; the rest goes to charset-normalizer restricted to the Chinese encodings.
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
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 8:
        # UTF-16 without BOM has a NUL in every other byte of ASCII; anything else with that many is binary
        even, odd = head[0::2].count(0), head[1::2].count(0)
        for enc, nuls in (("utf-16-le", odd), ("utf-16-be", even)):
            if nuls > len(head) // 4:
                try:
                    return _clean(data.decode(enc))
                except UnicodeDecodeError:
                    break
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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _clean(text: str) -> str:
    """NUL bytes and other C0 controls (except tab/newline) never carry meaning in these documents."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


# --- CSV ---------------------------------------------------------------------------------------------


def _find_text_field(fields: list[str], wanted: str | None) -> str | None:
    clean = {f.strip().lstrip("\ufeff").lower(): f for f in fields}
    if wanted:
        return clean.get(wanted.lower())
    for candidate in TEXT_FIELDS:
        if candidate in clean:
            return clean[candidate]
    return None


def _csv_records(text: str, name: str, options: ReadOptions) -> Iterator[SourceText | ReadFailure]:
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.DictReader(io.StringIO(text))
    try:
        fields = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise ReadError(f"not a readable CSV: {exc}") from exc
    field = _find_text_field(fields, options.text_field)
    if field is None:
        looked = options.text_field or ", ".join(TEXT_FIELDS[:6])
        raise ReadError(f"CSV has no text column (looked for {looked}; columns: {', '.join(fields)[:120]}; "
                        "choose one with --text-field)")
    try:
        for number, row in enumerate(reader, start=1):
            body = (row.get(field) or "").strip()
            if not body:
                yield ReadFailure(f"{name}#{number}", f"row {number} has an empty '{field}' column")
                continue
            if _oversized(body):
                yield ReadFailure(f"{name}#{number}", f"row {number}: {_too_large(len(body.encode('utf-8')))}")
                continue
            meta = {k.strip().lstrip("\ufeff"): (v or "").strip() for k, v in row.items()
                    if k and k != field and isinstance(v, str)}
            yield SourceText(file=name, text=body, media_type="text/plain", part=str(number), metadata=meta)
    except csv.Error as exc:
        raise ReadError(f"CSV broken at line {reader.line_num}: {exc}") from exc


# --- JSON / JSON Lines -------------------------------------------------------------------------------


def _json_records(text: str, name: str, lines: bool, options: ReadOptions) -> Iterator[SourceText | ReadFailure]:
    if lines:
        objects: list[Any] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    objects.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    yield ReadFailure(f"{name}#{number}", f"line {number} is not JSON: {exc.msg}")
        root: Any = objects
    else:
        try:
            root = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    found = list(_documents_in(root, options.text_field, {}))
    if not found:
        raise ReadError("JSON holds no documents (no object with a text field such as "
                        f"{', '.join(TEXT_FIELDS[:4])}; choose one with --text-field)")
    for number, (body, meta) in enumerate(found, start=1):
        if _oversized(body):
            yield ReadFailure(f"{name}#{number}", f"item {number}: {_too_large(len(body.encode('utf-8')))}")
            continue
        media = "text/html" if "<p" in body or "<br" in body else "text/plain"
        yield SourceText(file=name, text=body, media_type=media, part=str(number), metadata=meta)


def _scalars(obj: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in obj.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}


def _documents_in(node: Any, wanted: str | None, inherited: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Objects that carry a text field, wherever they are nested; scalar fields of enclosing objects
    are inherited as metadata (a 新闻联播 item holds its title beside a `video_detail` with the text)."""
    if isinstance(node, list):
        for item in node:
            yield from _documents_in(item, wanted, inherited)
    elif isinstance(node, dict):
        field = _find_text_field([k for k, v in node.items() if isinstance(v, str)], wanted)
        meta = {**inherited, **_scalars(node)}
        if field is not None and node[field].strip():
            meta.pop(field, None)
            yield node[field], meta
            return
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _documents_in(value, wanted, meta)
