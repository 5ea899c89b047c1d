"""Streaming import: one pass checks a file and writes it, all or nothing.

The file is read concept by concept (by a second process for a big one: see
glossary.interchange.parallel) and only numbers (ids, line numbers,
cross-references) are kept, in compact arrays, with every problem (the first
``ERRORS_LISTED`` listed, all counted). Inside one write transaction each batch
of valid concepts is compared with what is stored and the new and changed ones
are written at once with batched ``executemany`` (history rows included); the
first problem stops the writing, and the reading goes on only to find every
problem. The checks that need the whole file (an id given twice, a
cross-reference that would not resolve) come at the end; if anything was
wrong the transaction is rolled back and nothing is written. New concepts
without an id get theirs at the end, above every id the file gives; with
``replace`` the concepts to remove are worked out then, inside the same
transaction, so a concept approved meanwhile is removed too. The search-change
triggers are set aside during the bulk write and the change log gets one row
per touched concept instead (the same log a trigger would leave, without a row
per term), so every search index still sees exactly what changed. A dry run is
the same pass without writing, in a read transaction.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import orjson
import sqlite_utils

from . import concepts
from . import history as change_history
from .clock import now
from .concepts import fill_note_defaults
from .db import read_transaction, write_transaction
from .interchange.csvfile import Item
from .interchange.parallel import read_frame, write_frame
from .model import ConceptRecord, term_key, terms_signature

ERRORS_LISTED = 1000  # problems listed in a report (all are counted)
BATCH = 1000  # concepts compared and written together
# A replace that removes more than this share of the glossary needs confirming.
REPLACE_CONFIRM_SHARE = 0.10
# Indexes that pass 2 never reads (terms by language and text: search and
# lookups use it, the import reads terms by concept only), and the size of
# file from which they are dropped and built again after the write.
DEFERRED_INDEXES = ("idx_terms_lang_text",)
DEFER_INDEXES_FROM = 10_000
# Records read from a file hold no reference cycles to look for.
_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _to_json(record: dict) -> str:
    """The history's JSON of RECORD (UTF-8 text, as history.record writes it,
    without the spaces): orjson encodes a record in a sixth of the time."""
    try:
        return orjson.dumps(record).decode()
    except orjson.JSONEncodeError:  # a lone surrogate, a number past 64 bits
        return _json(record)


@dataclass
class Scan:
    """What pass 1 learnt about a file, in arrays (one slot per valid concept)."""

    unit: str
    count: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    pos: array = field(default_factory=lambda: array("q"))
    ids: array = field(default_factory=lambda: array("q"))  # 0: none given
    rel_from: array = field(default_factory=lambda: array("q"))  # concept slot
    rel_to: array = field(default_factory=lambda: array("q"))

    def problem(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_LISTED:
            self.errors.append(message)


def _spool_batch(spool: IO[bytes], batch: list) -> None:
    """Append BATCH to SPOOL as one framed marshal blob."""
    write_frame(spool, marshal.dumps(batch))


def _duplicates(s: Scan, twice: Callable[[int, int], str]) -> None:
    ids = np.frombuffer(s.ids, dtype=np.int64)
    given = np.flatnonzero(ids)
    if not len(given):
        return
    order = given[np.argsort(ids[given], kind="stable")]
    sorted_ids = ids[order]
    again = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1]) + 1
    if not len(again):
        return
    first: dict[int, int] = {}
    for i in range(len(order)):
        first.setdefault(int(sorted_ids[i]), int(order[i]))
    pos = np.frombuffer(s.pos, dtype=np.int64)
    for slot in sorted(int(order[k]) for k in again):
        cid = int(ids[slot])
        s.problem(f"{s.unit} {pos[slot]}: " + twice(cid, int(pos[first[cid]])))


def _stored_ids(db: sqlite_utils.Database) -> np.ndarray:
    """Every concept id in the term base, sorted."""
    out = array("q")
    for (cid,) in db.execute("select id from concepts order by id"):
        out.append(cid)
    return np.frombuffer(out, dtype=np.int64)


def _stored_signatures(db: sqlite_utils.Database) -> tuple[np.ndarray, np.ndarray]:
    """(hash of the term signature, concept id), sorted by hash then id."""
    hashes, ids = array("q"), array("q")
    current: int | None = None
    terms: set[tuple[str, str]] = set()
    for cid, lang, text in db.execute(
        "select concept_id, lang, text from terms order by concept_id"
    ):
        if cid != current:
            if current is not None:
                hashes.append(hash(frozenset(terms)))
                ids.append(current)
            current, terms = cid, set()
        terms.add((lang, text.casefold()))
    if current is not None:
        hashes.append(hash(frozenset(terms)))
        ids.append(current)
    h, i = np.frombuffer(hashes, dtype=np.int64), np.frombuffer(ids, dtype=np.int64)
    order = np.lexsort((i, h))
    return h[order], i[order]


def _in(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def check_related(s: Scan, wanted: np.ndarray, known: np.ndarray, replace: bool):
    """Report cross-references that would not resolve after the import."""
    if not len(s.rel_to):
        return
    rel = np.frombuffer(s.rel_to, dtype=np.int64)
    incoming = np.unique(wanted[wanted != 0])
    ok = _in(rel, incoming)
    stored = _in(rel, known)
    if not replace:
        ok |= stored
    pos = np.frombuffer(s.pos, dtype=np.int64)
    slots = np.frombuffer(s.rel_from, dtype=np.int64)
    for k in np.flatnonzero(~ok).tolist():
        r = int(rel[k])
        s.problem(
            f"{s.unit} {pos[slots[k]]}: related id {r} is not in the file "
            "(replace removes it)"
            if stored[k]
            else f"{s.unit} {pos[slots[k]]}: related id {r} does not exist"
        )


class Spooled:
    """The (position, record) pairs a pass spooled, read back in order.

    Iterating gives Items; batches() gives the lists as they were spooled, one
    marshal blob each.
    """

    def __init__(self, spool: IO[bytes]) -> None:
        self.spool = spool

    def batches(self) -> Iterator[list[tuple[int, ConceptRecord]]]:
        """Yield the spooled pairs a batch (as _spool_batch wrote it) at a time."""
        self.spool.seek(0)
        while (blob := read_frame(self.spool)) is not None:
            # The spool is this process's own temporary file, written by a pass.
            yield marshal.loads(blob)

    def __iter__(self) -> Iterator[Item]:
        for batch in self.batches():
            for pos, record in batch:
                yield Item(pos, record, [])


def spooled(spool: IO[bytes]) -> Spooled:
    """Read back what a pass spooled to SPOOL (see import_items), in order."""
    return Spooled(spool)


class _Writer:
    """Batched inserts for new concepts (ids assigned here, under the write lock)."""

    def __init__(self, db: sqlite_utils.Database, author: str, reason: str) -> None:
        self.db, self.author, self.reason = db, author, reason
        self.stamp = now()
        self.set_aside: list[tuple[str, str]] = []  # indexes to build again
        self.logged = array("q")  # concepts changed, for the change log
        self.next_term = (
            db.execute("select coalesce(max(id), 0) from terms").fetchone()[0] + 1
        )

    def insert_new(self, records: list[dict]) -> None:
        concepts_rows, terms, defs, rels, notes, history = [], [], [], [], [], []
        stamp, author, reason = self.stamp, self.author, self.reason
        term_id = self.next_term
        for record in records:
            cid = record["id"]
            concepts_rows.append((cid, record["domain"], stamp, stamp))
            first_term = term_id
            positions: dict[str, int] = {}  # each term's rank in its language
            for t in record["terms"]:
                lang = t["lang"]
                position = positions[lang] = positions.get(lang, 0) + 1
                terms.append(
                    (
                        term_id,
                        cid,
                        lang,
                        t["text"],
                        t["status"],
                        t["pos"],
                        t["usage"],
                        t["source"],
                        position,
                    )
                )
                term_id += 1
            for dlang, d in record["definitions"].items():
                defs.append((cid, dlang, d["text"], d["source"]))
            for r in record["related"]:
                rels.append((cid, r))
            if record["notes"]:
                term_ids = {
                    term_key(t): first_term + i for i, t in enumerate(record["terms"])
                }
                for n in record["notes"]:
                    notes.append(
                        (
                            cid,
                            term_ids[n["term"]] if n["term"] else None,
                            n["lang"],
                            n["author"],
                            n["text"],
                            n["date"],
                        )
                    )
            history.append((cid, stamp, author, "import", reason, _to_json(record)))
        self.next_term = term_id
        conn = self.db.conn
        conn.executemany(
            "insert into concepts (id, domain, created_at, updated_at) "
            "values (?, ?, ?, ?)",
            concepts_rows,
        )
        conn.executemany(
            "insert into terms (id, concept_id, lang, text, status, pos, usage, "
            "source, position) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            terms,
        )
        conn.executemany(
            "insert into definitions (concept_id, lang, text, source) "
            "values (?, ?, ?, ?)",
            defs,
        )
        conn.executemany(
            "insert into relations (concept_id, related_id) values (?, ?)", rels
        )
        conn.executemany(
            "insert into notes (concept_id, term_id, lang, author, text, created_at) "
            "values (?, ?, ?, ?, ?, ?)",
            notes,
        )
        conn.executemany(
            "insert into history (concept_id, at, author, action, reason, after) "
            "values (?, ?, ?, ?, ?, ?)",
            history,
        )

    def log(self, ids: list[int]) -> None:
        """Note that the concepts of IDS changed, for the change log (write_log)."""
        self.logged.extend(ids)

    def write_log(self) -> None:
        """Write the change log's rows, one per concept logged (see the triggers).

        The log keeps its last CHANGE_LOG_KEEP rows (bump_generation deletes
        the rest): of a longer list only those rows are written, numbered as
        if all had been, so that a process which saw less rebuilds its index.
        """
        logged, keep = self.logged, concepts.CHANGE_LOG_KEEP
        rows: list[tuple[int | None, int]]
        if len(logged) <= keep:
            rows = [(None, i) for i in logged]
        else:
            last = self.db.execute(
                "select coalesce((select seq from sqlite_sequence "
                "where name = 'search_changes'), 0)"
            ).fetchone()[0]
            first = last + len(logged) - keep + 1
            rows = list(enumerate(logged[-keep:].tolist(), first))
        self.db.conn.executemany(
            "insert into search_changes (id, concept_id) values (?, ?)", rows
        )
        self.logged = array("q")

    def update(self, record: dict, current: dict) -> None:
        """Replace one changed concept (hidden notes kept), with its history."""
        self.db.execute(
            "update concepts set domain = ?, updated_at = ? where id = ?",
            [record["domain"], self.stamp, record["id"]],
        )
        concepts.replace_content(self.db, record["id"], record)
        change_history.record(
            self.db,
            record["id"],
            "import",
            self.author,
            self.reason,
            current,
            record,
        )
        # replace_content inserted terms with ids of SQLite's choosing
        self.next_term = (
            self.db.execute("select coalesce(max(id), 0) from terms").fetchone()[0] + 1
        )


@dataclass
class Outcome:
    """Counts of pass 2 (and the concepts touched, for the change log)."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


def _as_new(record: ConceptRecord, target: int, author: str) -> dict:
    """Return RECORD as new concept TARGET, its undated notes dated now."""
    if record["notes"]:
        return fill_note_defaults({**record, "id": target}, None, author)
    return {**record, "id": target}  # no note to fill: one shallow copy


def _set_aside_indexes(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Drop the indexes a big import is faster to build afresh; return them.

    Called once the file has brought at least as many concepts as the term base
    held (an import into an empty or small glossary): SQLite then builds each
    index once, sorted, instead of inserting millions of keys at random places.
    Only indexes the import itself never reads (DEFERRED_INDEXES); the caller
    creates them again inside the same transaction, so no reader ever sees the
    glossary without them.
    """
    indexes = []
    for name in DEFERRED_INDEXES:
        row = db.execute(
            "select sql from sqlite_master where type = 'index' and name = ?", [name]
        ).fetchone()
        if row and row[0]:
            indexes.append((name, row[0]))
            db.execute(f'drop index "{name}"')
    return indexes


class _Abort(Exception):
    """Raised inside the write transaction to roll back what was written."""


def import_items(
    db: sqlite_utils.Database,
    items: Iterable[Item],
    *,
    unit: str,
    twice: Callable[[int, int], str],
    author: str,
    reason: str,
    replace: bool,
    dry_run: bool,
    spool: IO[bytes] | None = None,
    progress: Callable[[int], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> tuple[Scan, Outcome]:
    """Check ITEMS and (unless DRY_RUN) write them, in one streaming pass.

    Each batch of valid concepts is compared with what is stored and written
    (inside one write transaction) as soon as it is read; the first problem
    stops the writing and the reading goes on, only to find every problem. At
    the end, if anything was wrong (a concept's own problems, an id given twice,
    a cross-reference that would not resolve), the transaction is rolled back:
    nothing is written. SPOOL, when given, gets every valid record (see
    spooled()), for a second pass that must not parse the file again. UNIT
    names a position in messages; TWICE(id, pos) says an id occurs again.
    Returns what was read (its problems in Scan.errors) and the counts.
    """
    s, out = Scan(unit), Outcome()
    later = None if dry_run else tempfile.TemporaryFile()  # noqa: SIM115
    try:
        if dry_run:
            with read_transaction(db):
                _Pass(db, s, out, None, author, spool, None).run(
                    items, twice, replace, progress, on_read
                )
            return s, out
        db.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages for the bulk write
        with write_transaction(db):
            db.execute("PRAGMA defer_foreign_keys = ON")
            triggers = [
                tuple(r)
                for r in db.execute(
                    "select name, sql from sqlite_master where type = 'trigger' "
                    "and tbl_name in ('terms', 'concepts')"
                )
            ]
            for name, _sql in triggers:
                db.execute(f'drop trigger "{name}"')
            writer = _Writer(db, author, reason)
            _Pass(db, s, out, writer, author, spool, later).run(
                items, twice, replace, progress, on_read
            )
            if s.errors:
                raise _Abort
            writer.write_log()
            for _name, sql in triggers + writer.set_aside:
                db.execute(sql)
            if out.new or out.changed or out.removed:
                concepts.bump_generation(db)
    except _Abort:
        pass  # rolled back: the report lists why
    finally:
        if later is not None:
            later.close()
        close = getattr(items, "close", None)
        if close is not None:
            close()  # a reader stopped early lets go of its file (or child) now
    return s, out


class _Pass:
    """One pass over a file's items: the checks, the comparison and the writes."""

    def __init__(self, db, s: Scan, out: Outcome, writer, author, spool, later):
        self.db, self.s, self.out, self.writer = db, s, out, writer
        self.author, self.spool = author, spool
        self.known = _stored_ids(db)  # before anything is written
        # Concepts without id are matched by their terms as stored at the start:
        # read when the first one comes, with the terms that concepts changed
        # before then had (changed_from: id -> hash of its terms at the start).
        self.signatures: tuple[np.ndarray, np.ndarray] | None = None
        self.changed_from: dict[int, int] = {}
        self.kept = array("q")  # per concept read: the id it has (0: not yet)
        # New concepts without id get their ids at the end, above every id the
        # file gives: (slot, record) pairs spooled to LATER until then.
        self.later = later
        self.later_count = 0
        self.failure: Exception | None = None  # a write that went wrong

    def run(self, items, twice, replace, progress, on_read) -> None:
        s, batch = self.s, []
        for item in items:
            if item.problems:
                prefix = f"{s.unit} {item.pos}{item.where}: " if item.pos else ""
                for p in item.problems:
                    s.problem(f"{prefix}{p}")  # a Problem renders itself (English)
                if item.fatal:
                    break
                continue
            record = item.record
            if record is None:  # an Item without problems carries its record
                raise ValueError(f"{s.unit} {item.pos}: no record and no problem")
            slot = s.count
            s.count += 1
            s.pos.append(item.pos)
            s.ids.append(record["id"] or 0)
            for r in record["related"]:
                s.rel_from.append(slot)
                s.rel_to.append(r)
            if s.errors:
                continue  # nothing more is compared or written: only checked
            batch.append(record)
            if len(batch) == BATCH:
                self.batch(batch, progress)
                batch = []
        if batch and not s.errors:
            self.batch(batch, progress)
        if on_read:
            on_read(s.count)
        _duplicates(s, twice)
        if s.errors:
            return
        if self.failure is not None:
            raise self.failure
        check_related(s, np.frombuffer(self.kept, dtype=np.int64), self.known, replace)
        if s.errors:
            return
        self.new_without_id(progress)
        if replace:
            self.remove_the_rest()

    def batch(self, records: list[ConceptRecord], progress) -> None:
        """Compare (and write) one batch of valid records."""
        db, out, writer = self.db, self.out, self.writer
        targets = self.targets(records)
        first = len(self.kept)
        if self.spool is not None:
            pos = self.s.pos[first : first + len(records)]
            _spool_batch(self.spool, list(zip(pos, records, strict=True)))
        current: dict[int, dict] = {}
        existing = [t for t in targets if t]
        if existing:
            for rec in concepts.records_of(db, existing):
                current[rec["id"]] = rec
        new_records, touched, later = [], [], []
        for k, record in enumerate(records):
            target = targets[k]
            now_stored = current.get(target) if target else None
            if now_stored is not None and not record["id"]:
                # matched by its terms: make sure (a hash may collide)
                if terms_signature(now_stored) != terms_signature(record):
                    now_stored, target = None, 0
            if now_stored is None:
                out.new += 1
                if target:
                    new_records.append(_as_new(record, target, self.author))
                elif self.later is not None:
                    later.append((first + k, record))
            else:
                merged = fill_note_defaults(
                    {**record, "id": target}, now_stored, self.author
                )
                if merged == now_stored:
                    out.unchanged += 1
                else:
                    out.changed += 1
                    touched.append((merged, now_stored))
            self.kept.append(target)
        if later:
            _spool_batch(self.later, later)
            self.later_count += len(later)
        if writer is not None and self.failure is None:
            try:
                self.write(touched, new_records)
            except (ValueError, sqlite3.Error) as exc:
                # An id given twice, say: the reading goes on to report it.
                self.failure = exc
        if progress and len(records) > len(later):
            progress(len(records) - len(later))

    def write(self, touched: list[tuple[dict, dict]], new_records: list[dict]):
        """Write a batch's changed (merged, as stored) and new concepts."""
        writer = self.writer
        for merged, now_stored in touched:
            if self.signatures is None:
                self.changed_from.setdefault(
                    merged["id"], hash(terms_signature(now_stored))
                )
            writer.update(merged, now_stored)
        if new_records:
            writer.insert_new(new_records)
        writer.log([m["id"] for m, _ in touched])
        writer.log([r["id"] for r in new_records])
        if not writer.set_aside and self.s.count >= max(
            len(self.known), DEFER_INDEXES_FROM
        ):
            writer.set_aside = _set_aside_indexes(self.db)

    def targets(self, records: list[ConceptRecord]) -> list[int]:
        """Per record, the stored concept it updates or the id it gives (0: new).

        A concept with an id updates that id; one without updates an existing
        concept only when all its terms are the same (the lowest id of such).
        """
        targets = [r["id"] or 0 for r in records]
        if not len(self.known) or all(targets):
            return targets
        if self.signatures is None:
            self.signatures = self.signatures_at_start()
        hashes, stored = self.signatures
        need = [k for k, t in enumerate(targets) if not t]
        sigs = np.array([hash(terms_signature(records[k])) for k in need], np.int64)
        at = np.minimum(np.searchsorted(hashes, sigs), len(hashes) - 1)  # leftmost
        for k, a, sig in zip(need, at.tolist(), sigs.tolist(), strict=True):
            if hashes[a] == sig:
                targets[k] = int(stored[a])
        return targets

    def signatures_at_start(self) -> tuple[np.ndarray, np.ndarray]:
        """(hash of the terms, concept id) of the concepts stored at the start,
        sorted by hash then id: what is stored now, less what this import wrote."""
        hashes, ids = _stored_signatures(self.db)
        if self.writer is None:
            return hashes, ids  # nothing written
        was = np.array(sorted(self.changed_from), dtype=np.int64)
        keep = _in(ids, self.known) & ~_in(ids, was)
        hashes = np.concatenate(
            [hashes[keep], np.array([self.changed_from[i] for i in was.tolist()])]
        ).astype(np.int64)
        ids = np.concatenate([ids[keep], was])
        order = np.lexsort((ids, hashes))
        return hashes[order], ids[order]

    def new_without_id(self, progress) -> None:
        """Give the new concepts without id theirs, in file order, and write them."""
        if not self.later_count:
            return
        kept = np.frombuffer(self.kept, dtype=np.int64)
        next_id = max(concepts.next_concept_id(self.db), int(kept.max()) + 1)
        for pairs in spooled(self.later).batches():
            records = []
            for slot, record in pairs:
                self.kept[slot] = next_id
                records.append(_as_new(record, next_id, self.author))
                next_id += 1
            self.writer.insert_new(records)
            self.writer.log([r["id"] for r in records])
            if progress:
                progress(len(records))

    def remove_the_rest(self) -> None:
        """Remove the stored concepts the file lacks (as stored now: in a write,
        inside its transaction, so a concept approved meanwhile goes too)."""
        kept = np.unique(np.frombuffer(self.kept, dtype=np.int64))
        if self.writer is None:
            self.out.removed = int((~_in(self.known, kept)).sum())
            return
        stored = _stored_ids(self.db)
        gone = stored[~_in(stored, kept)].tolist()
        for cid in gone:
            concepts.remove_concept(
                self.db, cid, author=self.author, reason=self.writer.reason
            )
        self.writer.log(gone)
        self.out.removed = len(gone)
