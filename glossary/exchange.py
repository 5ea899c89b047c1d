"""Export and import whole files: the data-layer side of interchange.

Functions take the sqlite-utils `db` first and return dicts or yield text; the
CLI and the web pages call the same ones. The file formats themselves are pure
modules in glossary.interchange.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO

import sqlite_utils

from . import concepts, importer
from .gcpause import paused_gc
from .interchange.csvfile import Item, header_for, iter_concepts_csv
from .interchange.formats import (
    DUPLICATE_MESSAGES,
    EXPORT_FORMATS,
    MAX_BYTES,
    UNITS,
    FileProblem,
    Source,
    open_source,
)
from .interchange.jsonfile import iter_json
from .interchange.parallel import items_in_child
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


# Files from this size are read (parsed and checked) by a second process,
# beside the one that writes (see glossary.interchange.parallel).
PARALLEL_FROM = 4 * 1024 * 1024  # bytes


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
    confirm_removal: Callable[[int, int], bool] | None = None,
) -> dict:
    """Import the concepts of file F (binary) named FILENAME; return the report.

    The format comes from the extension (.csv, .tsv, .tbx, .json). The file is
    read once, a concept at a time (memory stays flat, whatever its size), and
    each batch is checked, compared and written inside one transaction; if
    anything is wrong the transaction is rolled back, nothing is written and
    "errors" lists the problems by line (CSV), entry (TBX) or concept (JSON)
    number (the first importer.ERRORS_LISTED; "error_count" counts them all).
    Merge (default) updates and adds; REPLACE also removes the concepts the file
    lacks, as they are when the write ends. DRY_RUN reports what would happen
    without writing. ON_READ is told the number of concepts once all are read,
    PROGRESS is called with the number of concepts done as they are compared
    or written. CONFIRM_REMOVAL(n, total), when given, is asked before a replace
    removes more than importer.REPLACE_CONFIRM_SHARE of the glossary (the file
    is then checked first, without writing, and written from a spool of what
    was read); False imports nothing. A web page can call this with an uploaded
    file's stream.
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
        "error_count": 0,
    }

    def fail(messages: list[str], count: int | None = None) -> dict:
        report["errors"] = messages
        report["error_count"] = len(messages) if count is None else count
        return report

    try:
        source = open_source(f, filename, max_bytes=max_bytes)
    except FileProblem as exc:
        return fail([str(exc)])
    report["format"] = source.fmt
    run = functools.partial(
        importer.import_items,
        db,
        unit=UNITS[source.fmt],
        twice=DUPLICATE_MESSAGES[source.fmt],
        author=author,
        reason=f"imported from {filename}" + (" (replace)" if replace else ""),
        replace=replace,
    )
    with contextlib.ExitStack() as stack, paused_gc():
        try:
            items: Iterable[Item] = _read(source, stack)
            if (
                replace
                and not dry_run
                and confirm_removal is not None
                and db["concepts"].count
            ):
                # Check first without writing (what is read spooled), ask, write.
                spool = stack.enter_context(tempfile.TemporaryFile())
                scanned, outcome = run(
                    items, dry_run=True, spool=spool, on_read=on_read
                )
                report["concepts"] = scanned.count
                if scanned.errors:
                    return fail(scanned.errors, scanned.error_count)
                total = db["concepts"].count
                if outcome.removed > importer.REPLACE_CONFIRM_SHARE * total and (
                    not confirm_removal(outcome.removed, total)
                ):
                    return fail(
                        [
                            f"--replace would remove {outcome.removed} of the "
                            f"{total} concepts (more than "
                            f"{importer.REPLACE_CONFIRM_SHARE:.0%}) and that was "
                            "not confirmed"
                        ]
                    )
                items, on_read = importer.spooled(spool), None
            scanned, outcome = run(
                items, dry_run=dry_run, progress=progress, on_read=on_read
            )
        except FileProblem as exc:
            return fail([str(exc)])
        except (ValueError, sqlite3.IntegrityError) as exc:
            return fail([f"{exc}; nothing was imported"])
    report["concepts"] = scanned.count
    if scanned.errors:
        return fail(scanned.errors, scanned.error_count)
    for key in ("new", "changed", "unchanged", "removed"):
        report[key] = getattr(outcome, key)
    report["ok"] = True
    return report


def _read(source: Source, stack: contextlib.ExitStack) -> Iterator[Item]:
    """The items of SOURCE: a big file's read by a second process."""
    if source.size < PARALLEL_FROM:
        return source.items()
    f = source.file
    try:
        f.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        copy = stack.enter_context(tempfile.TemporaryFile())
        f.seek(source.start)
        shutil.copyfileobj(f, copy)
        copy.flush()  # the child reads the file, not this buffer
        f, source = copy, Source(source.fmt, copy, 0, source.size)
    return items_in_child(source.fmt, f, source.start)
