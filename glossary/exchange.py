"""Export and import whole files: the data-layer side of interchange.

Functions take the sqlite-utils `db` first and return dicts or yield text; the
CLI and the web pages call the same ones. The file formats themselves are pure
modules in glossary.interchange.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from typing import IO

import sqlite_utils

from . import concepts
from .interchange.csvfile import header_for, iter_concepts_csv
from .interchange.formats import (
    EXPORT_FORMATS,
    MAX_BYTES,
    UNITS,
    FileProblem,
    format_for,
    read_file,
)
from .interchange.jsonfile import iter_json
from .interchange.tbx import iter_tbx
from .model import LANGS, term_key
from .search import to_kazakh_latin

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "tbx": "application/x-tbx+xml; charset=utf-8",
    "tbx2": "application/x-tbx+xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
_LANG_COLUMN = re.compile(r"^(?:[a-z_]+_)?(en|ru|kk)(?:_\d+)?$")


def export_filename(fmt: str) -> str:
    """Return the file name a download of format FMT is offered under."""
    return {
        "csv": "glossary.csv",
        "tbx": "glossary.tbx",
        "tbx2": "glossary-v2.tbx",
        "json": "glossary.json",
    }[fmt]


def filter_record(
    record: dict, langs: tuple[str, ...] | None, statuses: tuple[str, ...] | None
) -> dict | None:
    """Return RECORD keeping only terms of LANGS with STATUSES (None: no terms left)."""
    if not langs and not statuses:
        return record
    terms = [
        t
        for t in record["terms"]
        if (not langs or t["lang"] in langs)
        and (not statuses or t["status"] in statuses)
    ]
    if not terms:
        return None
    keys = {term_key(t) for t in terms}
    return {
        **record,
        "terms": terms,
        "definitions": {
            lang: d
            for lang, d in record["definitions"].items()
            if not langs or lang in langs
        },
        "notes": [
            n
            for n in record["notes"]
            if (not langs or n["lang"] in langs)
            and (not n["term"] or n["term"] in keys)
        ],
    }


def export_records(
    db: sqlite_utils.Database,
    *,
    domain: str | None = None,
    langs: tuple[str, ...] | None = None,
    statuses: tuple[str, ...] | None = None,
) -> Iterator[dict]:
    """Yield the concept records an export with these filters contains, in id order."""
    for record in concepts.iter_records(db, domain):
        kept = filter_record(record, langs, statuses)
        if kept is not None:
            yield kept


def exported_ids(
    db: sqlite_utils.Database,
    *,
    domain: str | None,
    langs: tuple[str, ...] | None,
    statuses: tuple[str, ...] | None,
) -> set[int] | None:
    """Return the ids a filtered export contains (None when nothing is filtered)."""
    if not (domain or langs or statuses):
        return None
    sql = (
        "select distinct t.concept_id from terms t "
        "join concepts c on c.id = t.concept_id where 1 = 1"
    )
    params: list = []
    if domain:
        sql += " and c.domain = ?"
        params.append(domain)
    if langs:
        sql += f" and t.lang in ({','.join('?' * len(langs))})"
        params += list(langs)
    if statuses:
        sql += f" and t.status in ({','.join('?' * len(statuses))})"
        params += list(statuses)
    return {row[0] for row in db.execute(sql, params).fetchall()}


def csv_header(
    db: sqlite_utils.Database, langs: tuple[str, ...] | None = None
) -> list[str]:
    """Return the full CSV layout's header for the glossary, for LANGS only."""
    header = header_for(*concepts.export_slots(db))
    if not langs:
        return header
    return [
        name
        for name in header
        if not (m := _LANG_COLUMN.match(name))
        or m.group(1) in langs
        or name.startswith("note_")
    ]


CSV_DELIMITERS = (",", ";")


def _counted(records: Iterator[dict], stats: dict) -> Iterator[dict]:
    for record in records:
        stats["concepts"] += 1
        yield record


def export_chunks(
    db: sqlite_utils.Database,
    fmt: str,
    *,
    domain: str | None = None,
    langs: tuple[str, ...] | None = None,
    statuses: tuple[str, ...] | None = None,
    excel: bool = False,
    delimiter: str = ",",
    stats: dict | None = None,
) -> Iterator[str]:
    """Yield an export file of format FMT (csv, tbx, tbx2, json) piece by piece.

    Memory stays constant: concepts are read a batch at a time. EXCEL puts a
    UTF-8 byte order mark first so that spreadsheets open the CSV as UTF-8;
    DELIMITER ";" suits spreadsheets in Russian and Kazakh locales, whose list
    separator is the semicolon (the comma is their decimal sign).
    STATS, when given, gets the number of concepts written under "concepts".
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown format {fmt!r} (allowed: {', '.join(EXPORT_FORMATS)})"
        )
    if delimiter not in CSV_DELIMITERS:
        raise ValueError(f"unknown CSV separator {delimiter!r} (allowed: , ;)")
    langs = tuple(lang for lang in LANGS if lang in langs) if langs else None
    records = export_records(db, domain=domain, langs=langs, statuses=statuses)
    if stats is not None:
        stats["concepts"] = 0
        records = _counted(records, stats)
    if fmt == "csv":
        if excel:
            yield "\ufeff"
        yield from iter_concepts_csv(
            records,
            header=csv_header(db, langs),
            to_latin=to_kazakh_latin,
            delimiter=delimiter,
        )
    elif fmt == "json":
        yield from iter_json(records, to_latin=to_kazakh_latin)
    else:
        ids = exported_ids(db, domain=domain, langs=langs, statuses=statuses)
        yield from iter_tbx(
            records,
            version=3 if fmt == "tbx" else 2,
            to_latin=to_kazakh_latin,
            ids=None if ids is None else ids.__contains__,
        )


def import_file(
    db: sqlite_utils.Database,
    f: IO[bytes],
    filename: str,
    *,
    author: str,
    dry_run: bool = False,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    on_read: Callable[[int], None] | None = None,
    max_bytes: int = MAX_BYTES,
) -> dict:
    """Import the concepts of file F (binary) named FILENAME; return the report.

    The format comes from the extension (.csv, .tsv, .tbx, .json). Everything is
    validated first; if anything is wrong nothing is written and "errors" lists
    every problem by line (CSV), entry (TBX) or concept (JSON) number. Merge
    (default) updates and adds; REPLACE also removes the concepts the file
    lacks. All of it happens in one transaction, with history. DRY_RUN reports
    what would happen without writing. ON_READ is told the number of concepts
    read, PROGRESS is called once per concept written. A web page can call this
    with an uploaded file's stream.
    """
    report = {
        "ok": False,
        "file": filename,
        "format": None,
        "dry_run": dry_run,
        "replace": replace,
        "concepts": 0,
        "new": 0,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
        "errors": [],
    }
    try:
        report["format"] = format_for(filename)
        result = read_file(f, filename, max_bytes=max_bytes)
    except FileProblem as exc:
        report["errors"] = [str(exc)]
        return report
    report["concepts"] = len(result.records)
    if result.errors:
        report["errors"] = result.errors
        return report
    if on_read:
        on_read(len(result.records))
    unit = UNITS[report["format"]]
    kwargs = {"replace": replace, "unit": unit}
    plan = concepts.plan_import(db, result.records, result.lines, **kwargs)
    if not dry_run and not plan["errors"]:
        try:
            concepts.import_records(
                db,
                result.records,
                author=author,
                reason=f"imported from {filename}" + (" (replace)" if replace else ""),
                lines=result.lines,
                progress=progress,
                plan=plan,
                **kwargs,
            )
        except (ValueError, sqlite3.IntegrityError) as exc:
            plan["errors"] = [f"{exc}; nothing was imported"]
    report["errors"] = plan["errors"]
    for key in ("new", "changed", "unchanged"):
        report[key] = plan[key]
    report["removed"] = len(plan["removed"])
    report["ok"] = not report["errors"]
    return report
