"""Which SPARQL queries kg runs: none that make it fetch other URLs, unless the user allows them.

A SPARQL 1.1 `SERVICE <url> { ... }` makes the engine send the inner query to `url` and use the reply:
an endpoint that runs any query it is sent becomes a proxy into the network it sits in (server-side
request forgery), and `kg query` would do the same on a workstation.  Oxigraph (0.5) has no switch for
it, in pyoxigraph or in its server, so kg finds SERVICE in the query text before running it.  SERVICE
is the only query form that fetches (FROM / FROM NAMED and the protocol's default-graph-uri only name
graphs of the store; LOAD is an update, which kg never runs from a query).

The scan is a tokenizer for SPARQL's lexical grammar (comments, strings with escapes, IRIs, variables,
blank nodes, language tags, numbers, prefixed names): a word `SERVICE` (any case) that is none of those
is the keyword.  It errs on the side of refusing: the text is also scanned with \\uXXXX escapes decoded
(SPARQL 1.1 allows them anywhere, though Oxigraph 0.5 only decodes them inside strings and IRIs).
tests/test_guard.py checks it against what Oxigraph really fetches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.store import StoreError

ALLOW_HINT = "--allow-service"


class ServiceRefused(StoreError):
    """A query that would make kg fetch a URL, refused."""


_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI_END = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _name_char(c: str) -> bool:
    """A character of a SPARQL name (PN_CHARS, roughly): letters, digits, '_', '-', and non-ASCII."""
    return c.isalnum() or c in "_-" or ord(c) >= 0xB7


def _decode_escapes(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _UCHAR.sub(one, text)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each token: kind is word, prefixed, iri, var, bnode, lang, number, string or punct;
    comments and white space are skipped."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            end = min(n, j + len(quote))
            yield "string", text[i:end]
            i = end
        elif c == "<":
            stop = _IRI_END.search(text, i + 1)
            j = stop.start() if stop else n
            while j < n and text[j] == "\\" and _UCHAR.match(text, j):  # \u escapes are allowed in IRIs
                stop = _IRI_END.search(text, _UCHAR.match(text, j).end())  # type: ignore[union-attr]
                j = stop.start() if stop else n
            if j < n and text[j] == ">":
                yield "iri", text[i:j + 1]
                i = j + 1
            else:  # the less-than operator
                yield "punct", c
                i += 1
        elif c in "?$":
            j = i + 1
            while j < n and _name_char(text[j]) and text[j] != "-":
                j += 1
            yield "var", text[i:j]
            i = j
        elif c == "@":
            m = _LANGTAG.match(text, i + 1)
            j = m.end() if m else i + 1
            yield "lang", text[i:j]
            i = j
        elif (number := _NUMBER.match(text, i)) and (c.isdigit() or number.end() > i + 1):
            yield "number", number.group(0)
            i = number.end()
        elif (_name_char(c) and c != "-") or c in ":\\":
            j = i
            while j < n and (_name_char(text[j]) or text[j] in ":.%" or (text[j] == "\\" and j + 1 < n)):
                j += 2 if text[j] == "\\" else 1
            word = text[i:j]
            colon = ":" in word
            if not colon:  # a keyword, function name or `a` holds no dots: `?o.SERVICE` is two tokens
                word = word.split(".")[0]
            else:
                word = word.rstrip(".")  # a prefixed name does not end in a dot (that ends the triple)
            yield ("bnode" if word.startswith("_:") else "prefixed" if colon else "word"), word
            i += max(1, len(word))
        else:
            yield "punct", c
            i += 1


def _service_targets(text: str) -> list[str]:
    found: list[str] = []
    stream = list(tokens(text))
    for k, (kind, word) in enumerate(stream):
        if kind == "word" and word.upper() == "SERVICE":
            rest = [t for _kind, t in stream[k + 1:k + 3]]
            if rest and rest[0].upper() == "SILENT":
                rest = rest[1:]
            found.append(rest[0] if rest else "?")
    return found


def service_calls(sparql: str) -> list[str]:
    """The targets of the SERVICE calls in a query (IRIs, prefixed names or variables), in order."""
    if "service" not in sparql.lower() and "\\" not in sparql:
        return []  # the keyword cannot be there: no escape could spell it either
    found = _service_targets(sparql)
    decoded = _decode_escapes(sparql)
    if decoded != sparql:
        found += [t for t in _service_targets(decoded) if t not in found]
    return found


def refuse_service(sparql: str) -> None:
    """Raise ServiceRefused when the query would make kg fetch a URL (SPARQL SERVICE)."""
    targets = service_calls(sparql)
    if targets:
        shown = ", ".join(targets[:3]) + (" …" if len(targets) > 3 else "")
        raise ServiceRefused(
            f"the query calls SERVICE {shown}, which would make kg fetch that URL (federated query); "
            f"refused so that kg is no proxy into the network it runs in. Pass {ALLOW_HINT} to allow it.")
