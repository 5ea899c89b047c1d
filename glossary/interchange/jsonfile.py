"""Read and write the glossary as JSON (pure; the writer streams).

The format is documented in README.md ("JSON format"):

    {"format": "glossary", "version": 1,
     "concepts": [
    {"id": 1, "domain": "general", "terms": [...], "definitions": {...},
     "notes": [...], "related": [...]},
    ...
    ]}

one concept per line, each the concept record of model.py; Kazakh terms also
carry their derived "latin" form, which import ignores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from typing import IO

from ..model import (
    LANGS,
    MAX_ID,
    bad_id,
    normalise_concept,
    parse_id,
    validate_concept,
)
from ..problems import Problem
from .csvfile import Item, ReadResult, collect

FORMAT = "glossary"
VERSION = 1
MAX_CONCEPTS = 2_000_000
_TERM_KEYS = {"lang", "text", "status", "pos", "usage", "source", "latin"}
_CONCEPT_KEYS = {"id", "domain", "terms", "definitions", "notes", "related"}
_NOTE_KEYS = {"text", "lang", "author", "date", "term"}


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def concept_json(record: dict, to_latin: Callable[[str], str]) -> str:
    """Return one concept as a line of JSON (Kazakh terms with their Latin form)."""
    terms = []
    for t in record["terms"]:
        term = {k: t[k] for k in ("lang", "text", "status", "pos", "usage", "source")}
        if t["lang"] == "kk":
            term["latin"] = to_latin(t["text"])
        terms.append(term)
    return _dump(
        {
            "id": record["id"],
            "domain": record["domain"],
            "terms": terms,
            "definitions": {
                lang: record["definitions"][lang]
                for lang in LANGS
                if lang in record["definitions"]
            },
            "notes": record["notes"],
            "related": record["related"],
        }
    )


def iter_json(
    records: Iterable[dict], *, to_latin: Callable[[str], str]
) -> Iterator[str]:
    """Yield the JSON document of RECORDS, a concept per line."""
    yield f'{{"format": "{FORMAT}", "version": {VERSION}, "concepts": [\n'
    first = True
    for record in records:
        yield ("" if first else ",\n") + concept_json(record, to_latin)
        first = False
    yield "\n]}\n"


def _strings(values: Iterable[object]) -> bool:
    """Tell whether every one of VALUES is a string (the loop runs in C)."""
    return all(map(isinstance, values, repeat(str)))


def _shape_problems(c) -> list[str | Problem]:
    if not isinstance(c, dict):
        return ["a concept must be a JSON object"]
    problems: list[str | Problem] = []
    if not _CONCEPT_KEYS.issuperset(c):
        problems += [f"unknown key {k!r}" for k in c if k not in _CONCEPT_KEYS]
    if not isinstance(c.get("terms", []), list):
        problems.append("'terms' must be a list")
    else:
        for t in c.get("terms", []):
            if not isinstance(t, dict) or not _strings(t.values()):
                problems.append("each term must be an object of strings")
            elif not _TERM_KEYS.issuperset(t):
                problems += [
                    f"unknown term key {k!r}" for k in t if k not in _TERM_KEYS
                ]
    defs = c.get("definitions", {})
    if not isinstance(defs, dict) or not all(
        isinstance(d, dict) and _strings(d.values()) for d in defs.values()
    ):
        problems.append("'definitions' must map languages to {text, source} objects")
    notes = c.get("notes", [])
    if not isinstance(notes, list) or not all(
        isinstance(n, dict)
        and _NOTE_KEYS.issuperset(n)
        and all(v is None or isinstance(v, str) for v in n.values())
        for n in notes
    ):
        problems.append("'notes' must be a list of {text, lang, author, date, term}")
    related = c.get("related", [])
    if not isinstance(related, list) or not all(
        isinstance(r, int) and parse_id(r) is not None for r in related
    ):
        problems.append(
            "'related' must be a list of concept ids "
            f"(whole numbers from 1 to {MAX_ID})"
        )
    if c.get("id") is not None and (
        not isinstance(c["id"], int) or parse_id(c["id"]) is None
    ):
        problems.append(bad_id("id", c["id"]))
    if not isinstance(c.get("domain", ""), str):
        problems.append("'domain' must be a string")
    return problems


MAX_VALUE = 16 * 1024 * 1024  # characters of one concept (or header value)
_CHUNK = 1 << 16
_SPACE = " \t\n\r"


class _Malformed(ValueError):
    """The JSON text is broken at LINE."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _Stream:
    """Incremental JSON reading: one value at a time out of a text file.

    Only one value (a concept) is held at once, so memory stays flat however
    large the file; the layout may be the exporter's (a concept per line) or any
    other valid JSON.
    """

    def __init__(self, f: IO[str]) -> None:
        self.f = f
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in text already dropped from buf
        self.decoder = json.JSONDecoder()

    def line(self, pos: int | None = None) -> int:
        at = self.pos if pos is None else pos
        return self.lines_before + self.buf.count("\n", 0, at) + 1

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.f.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos > _CHUNK:
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos :]
            self.pos = 0
        self.buf += chunk
        return True

    def peek(self) -> str:
        """Return the next non-space character ("" at the end), not consuming it."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str) -> str:
        c = self.peek()
        if not c or c not in chars:
            found = repr(c) if c else "the end of the file"
            wanted = " or ".join(repr(x) for x in chars)
            raise _Malformed(self.line(), f"expected {wanted}, found {found}")
        self.pos += 1
        return c

    def value(self):
        """Decode the next JSON value, reading more of the file as needed."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_VALUE:
                    raise _Malformed(
                        self.line(), f"a value is longer than {MAX_VALUE:,} characters"
                    ) from None
                if self._more():
                    continue
                raise _Malformed(self.line(exc.pos), exc.msg) from None
            except RecursionError:
                raise _Malformed(self.line(), "nested too deeply") from None
            except ValueError as exc:  # a number of more than 4,300 digits
                raise _Malformed(self.line(), str(exc).split(";")[0]) from None
            # A number at the very end of what was read may go on in the next chunk.
            if end == len(self.buf) and not self.eof and self._more():
                continue
            self.pos = end
            return value


def iter_json_items(f: IO[str], *, max_concepts: int = MAX_CONCEPTS) -> Iterator[Item]:
    """Read and validate a JSON export (text, decoded) one concept at a time."""
    stream = _Stream(f)
    header: dict = {}
    seen_concepts = False
    try:
        if stream.peek() != "{":
            if stream.peek() == "":
                raise _Malformed(1, "Expecting value")
            yield Item(0, None, [_NOT_OURS], True)
            return
        stream.expect("{")
        if stream.peek() != "}":
            while True:
                if stream.peek() != '"':
                    stream.expect('"')
                key = stream.value()
                stream.expect(":")
                if key == "concepts" and stream.peek() == "[":
                    if not _header_ok(header, final=False):
                        yield Item(0, None, [_header_problem(header)], True)
                        return
                    seen_concepts = True
                    yield from _concepts(stream, max_concepts)
                else:
                    header[key] = stream.value()
                if stream.expect(",}") == "}":
                    break
        if stream.peek():
            raise _Malformed(stream.line(), "Extra data")
    except _Malformed as exc:
        yield Item(0, None, [f"line {exc.line}: malformed JSON: {exc}"], True)
        return
    except _TooMany:
        yield Item(0, None, [f"more than {max_concepts} concepts"], True)
        return
    if not _header_ok(header, final=True):
        yield Item(0, None, [_header_problem(header)], True)
    elif not seen_concepts:
        yield Item(0, None, ['"concepts" must be a list'], True)


_NOT_OURS = (
    f'not a glossary JSON file: it needs "format": "{FORMAT}" '
    "(the layout is in README.md)"
)


class _TooMany(ValueError):
    pass


def _header_ok(header: dict, *, final: bool) -> bool:
    if "format" in header and header["format"] != FORMAT:
        return False
    if "version" in header and header["version"] != VERSION:
        return False
    return not final or ("format" in header and "version" in header)


def _header_problem(header: dict) -> str:
    if header.get("format") != FORMAT:
        return _NOT_OURS
    return f"unsupported version {header.get('version')!r} (expected 1)"


def _concepts(stream: _Stream, max_concepts: int) -> Iterator[Item]:
    stream.expect("[")
    if stream.peek() == "]":
        stream.pos += 1
        return
    n = 0
    while True:
        c = stream.value()
        n += 1
        if n > max_concepts:
            raise _TooMany
        yield _concept_item(n, c)
        if stream.expect(",]") == "]":
            return


def _concept_item(n: int, c) -> Item:
    where = f" (id {c['id']})" if isinstance(c, dict) and c.get("id") else ""
    shape = _shape_problems(c)
    if shape:
        return Item(n, None, shape, where=where)
    raw = {
        **c,
        "terms": [
            {k: v for k, v in t.items() if k != "latin"} for t in c.get("terms", [])
        ],
    }
    record = normalise_concept(raw)
    problems = validate_concept(record)
    return Item(n, None if problems else record, problems, where=where)


def read_json(f: IO[str], *, max_concepts: int = MAX_CONCEPTS) -> ReadResult:
    """Read and validate a JSON export (text file F, already decoded)."""
    return collect(
        iter_json_items(f, max_concepts=max_concepts), "concept", duplicate_message
    )


def duplicate_message(concept_id: int, n: int) -> str:
    """Say that CONCEPT_ID is also concept N (JSON)."""
    return f"id {concept_id} is also concept {n}"
