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
from typing import IO

from ..model import (
    LANGS,
    MAX_ID,
    id_problem,
    normalise_concept,
    parse_id,
    validate_concept,
)
from .csvfile import ReadResult

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


def _shape_problems(c) -> list[str]:
    if not isinstance(c, dict):
        return ["a concept must be a JSON object"]
    problems = [f"unknown key {k!r}" for k in c if k not in _CONCEPT_KEYS]
    if not isinstance(c.get("terms", []), list):
        problems.append("'terms' must be a list")
    else:
        for t in c.get("terms", []):
            if not isinstance(t, dict) or any(
                not isinstance(v, str) for v in t.values()
            ):
                problems.append("each term must be an object of strings")
            else:
                problems += [
                    f"unknown term key {k!r}" for k in t if k not in _TERM_KEYS
                ]
    defs = c.get("definitions", {})
    if not isinstance(defs, dict) or any(
        not isinstance(d, dict) or any(not isinstance(v, str) for v in d.values())
        for d in defs.values()
    ):
        problems.append("'definitions' must map languages to {text, source} objects")
    notes = c.get("notes", [])
    if not isinstance(notes, list) or any(
        not isinstance(n, dict)
        or any(k not in _NOTE_KEYS for k in n)
        or any(v is not None and not isinstance(v, str) for v in n.values())
        for n in notes
    ):
        problems.append("'notes' must be a list of {text, lang, author, date, term}")
    related = c.get("related", [])
    if not isinstance(related, list) or any(
        not isinstance(r, int) or parse_id(r) is None for r in related
    ):
        problems.append(
            "'related' must be a list of concept ids "
            f"(whole numbers from 1 to {MAX_ID})"
        )
    if c.get("id") is not None and (
        not isinstance(c["id"], int) or parse_id(c["id"]) is None
    ):
        problems.append(id_problem("id", c["id"]))
    if not isinstance(c.get("domain", ""), str):
        problems.append("'domain' must be a string")
    return problems


def read_json(f: IO[str], *, max_concepts: int = MAX_CONCEPTS) -> ReadResult:
    """Read and validate a JSON export (text file F, already decoded)."""
    result = ReadResult()
    try:
        doc = json.load(f)
    except json.JSONDecodeError as exc:
        result.errors.append(f"line {exc.lineno}: malformed JSON: {exc.msg}")
        return result
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        result.errors.append(
            f'not a glossary JSON file: it needs "format": "{FORMAT}" '
            "(the layout is in README.md)"
        )
        return result
    if doc.get("version") != VERSION:
        result.errors.append(f"unsupported version {doc.get('version')!r} (expected 1)")
        return result
    items = doc.get("concepts")
    if not isinstance(items, list):
        result.errors.append('"concepts" must be a list')
        return result
    if len(items) > max_concepts:
        result.errors.append(f"more than {max_concepts} concepts")
        return result
    seen: dict[int, int] = {}
    for n, c in enumerate(items, 1):
        where = f"concept {n}" + (
            f" (id {c['id']})" if isinstance(c, dict) and c.get("id") else ""
        )
        problems = _shape_problems(c)
        if problems:
            result.errors += [f"{where}: {p}" for p in problems]
            continue
        raw = {
            **c,
            "terms": [
                {k: v for k, v in t.items() if k != "latin"} for t in c.get("terms", [])
            ],
        }
        record = normalise_concept(raw)
        problems = validate_concept(record)
        if isinstance(record["id"], int):
            if record["id"] in seen:
                problems.append(
                    f"id {record['id']} is also concept {seen[record['id']]}"
                )
            seen[record["id"]] = n
        if problems:
            result.errors += [f"{where}: {p}" for p in problems]
            continue
        result.records.append(record)
        result.lines.append(n)
    return result
