"""Streaming import: one pass validates a file, a second writes it, in flat memory.

Pass 1 reads the file concept by concept and keeps only numbers (ids, line
numbers, term-signature hashes, cross-references) in compact arrays, with every
problem (the first ``ERRORS_LISTED`` listed, all counted). If there is none,
pass 2 reads the file again and, inside one write transaction, compares each
batch of concepts with what is stored and writes the new and changed ones with
batched ``executemany`` (history rows included); with ``replace`` the concepts to
remove are worked out inside that same transaction, so a concept approved
meanwhile is removed too. The search-change triggers are set aside during the
bulk write and the change log gets one row per touched concept instead (the same
log a trigger would leave, without a row per term), so every search index still
sees exactly what changed. A dry run is pass 2 without writing.
"""

from __future__ import annotations

import json
import marshal
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import sqlite_utils

from . import concepts
from . import history as change_history
from .clock import now
from .concepts import fill_note_defaults
from .db import read_transaction, write_transaction
from .interchange.csvfile import Item
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
# The history's JSON, as history.record writes it (one encoder for every row;
# records read from a file hold no reference cycles to look for).
_to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


@dataclass
class Scan:
    """What pass 1 learnt about a file, in arrays (one slot per valid concept)."""

    unit: str
    count: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    pos: array = field(default_factory=lambda: array("q"))
    ids: array = field(default_factory=lambda: array("q"))  # 0: none given
    sigs: array = field(default_factory=lambda: array("q"))  # for those without
    rel_from: array = field(default_factory=lambda: array("q"))  # concept slot
    rel_to: array = field(default_factory=lambda: array("q"))

    def problem(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_LISTED:
            self.errors.append(message)


def scan(
    items: Iterable[Item],
    unit: str,
    twice: Callable[[int, int], str],
    spool: IO[bytes] | None = None,
) -> Scan:
    """Pass 1: validate every concept of ITEMS, keeping numbers, not records.

    SPOOL, when given, gets each valid record (marshal), so that pass 2 reads
    them back instead of parsing and validating the file again.
    """
    s = Scan(unit)
    # Spooled a batch at a time (one marshal call each).
    pending: list[ConceptRecord] = []
    try:
        _scan_items(s, items, pending, spool)
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()  # a reader stopped early lets go of its file now
    if spool is not None and pending and not s.errors:
        _spool_batch(spool, pending)
    _duplicates(s, twice)
    return s


def _scan_items(
    s: Scan,
    items: Iterable[Item],
    pending: list[ConceptRecord],
    spool: IO[bytes] | None,
) -> None:
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
        s.sigs.append(0 if record["id"] else hash(terms_signature(record)))
        for r in record["related"]:
            s.rel_from.append(slot)
            s.rel_to.append(r)
        if spool is not None and not s.errors:
            pending.append(record)
            if len(pending) == BATCH:
                _spool_batch(spool, pending)
                pending.clear()


def _spool_batch(spool: IO[bytes], batch: list[ConceptRecord]) -> None:
    """Append BATCH to SPOOL as one length-prefixed marshal blob."""
    # marshal.load() on a file reads it a few bytes at a time (ten times slower
    # than loads() on the whole blob): so each batch is framed by its length.
    blob = marshal.dumps(batch)
    spool.write(len(blob).to_bytes(8, "little"))
    spool.write(blob)


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


def targets(db: sqlite_utils.Database, s: Scan) -> np.ndarray:
    """Per concept of the file, the stored concept it updates (0: a new one).

    A concept with an id updates that id; one without updates an existing
    concept only when all its terms are the same (the lowest id of such).
    """
    ids = np.frombuffer(s.ids, dtype=np.int64).copy()
    sigs = np.frombuffer(s.sigs, dtype=np.int64)
    need = np.flatnonzero(ids == 0)
    if len(need):
        hashes, stored = _stored_signatures(db)
        if len(hashes):
            at = np.searchsorted(hashes, sigs[need])  # leftmost: the lowest id
            at = np.minimum(at, len(hashes) - 1)
            hit = hashes[at] == sigs[need]
            ids[need[hit]] = stored[at[hit]]
    return ids


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
    """The records scan() wrote to a spool file, read back in order.

    Iterating gives Items; pass 2 takes whole batches (batches()), each the
    list that one marshal blob holds, without an Item per record.
    """

    def __init__(self, spool: IO[bytes]) -> None:
        self.spool = spool

    def batches(self) -> Iterator[list[ConceptRecord]]:
        """Yield the spooled records a batch (as scan() wrote it) at a time."""
        spool = self.spool
        spool.seek(0)
        while True:
            head = spool.read(8)
            if not head:
                return
            size = int.from_bytes(head, "little")
            blob = spool.read(size)
            if len(head) != 8 or len(blob) != size:
                raise ValueError("the import's spool file is truncated")
            # The spool is this process's own temporary file, written by scan().
            yield marshal.loads(blob)

    def __iter__(self) -> Iterator[Item]:
        for batch in self.batches():
            for record in batch:
                yield Item(0, record, [])


def spooled(spool: IO[bytes]) -> Spooled:
    """Read back the records scan() wrote to SPOOL, in order."""
    return Spooled(spool)


def _batches(items: Iterable[Item]) -> Iterator[list[ConceptRecord]]:
    if isinstance(items, Spooled):
        # scan() spooled them BATCH at a time: the same batches as below.
        yield from items.batches()
        return
    batch: list[ConceptRecord] = []
    for item in items:
        if item.record is None:
            continue  # pass 1 found no problem, so there is none
        batch.append(item.record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Batched inserts for new concepts (ids assigned here, under the write lock)."""

    def __init__(self, db: sqlite_utils.Database, author: str, reason: str) -> None:
        self.db, self.author, self.reason = db, author, reason
        self.stamp = now()
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


def _compare_and_write(
    db: sqlite_utils.Database,
    items: Iterable[Item],
    wanted: np.ndarray,
    *,
    writer: _Writer | None,
    author: str,
    progress: Callable[[int], None] | None,
) -> tuple[Outcome, np.ndarray]:
    """Pass 2: classify (and with WRITER write) every concept; return the ids kept."""
    out = Outcome()
    kept = np.zeros(len(wanted), dtype=np.int64)
    next_id = concepts.next_concept_id(db)
    # Ids the file gives to new concepts must not be handed out to others.
    given = wanted[wanted > 0]
    if len(given):
        next_id = max(next_id, int(given.max()) + 1)
    slot = 0
    for batch in _batches(items):
        targets = wanted[slot : slot + len(batch)].tolist()  # Python ints
        existing = [t for t in targets if t]
        current: dict[int, dict] = {}
        if existing:
            for rec in concepts.records_of(db, existing):
                current[rec["id"]] = rec
        new_records: list[dict] = []
        touched: list[int] = []
        for k, record in enumerate(batch):
            target = targets[k]
            now_stored = current.get(target) if target else None
            if now_stored is not None and not record["id"]:
                # matched by its terms: make sure (a hash may collide)
                if terms_signature(now_stored) != terms_signature(record):
                    now_stored, target = None, 0
            if now_stored is None:
                if not target:
                    target, next_id = next_id, next_id + 1
                new_records.append(_as_new(record, target, author))
                out.new += 1
            else:
                merged = fill_note_defaults(
                    {**record, "id": target}, now_stored, author
                )
                if merged == now_stored:
                    out.unchanged += 1
                else:
                    out.changed += 1
                    if writer is not None:
                        writer.update(merged, now_stored)
                        touched.append(target)
            targets[k] = target
        kept[slot : slot + len(batch)] = targets
        if writer is not None and new_records:
            writer.insert_new(new_records)
            touched += [r["id"] for r in new_records]
        if writer is not None and touched:
            db.conn.executemany(
                "insert into search_changes (concept_id) values (?)",
                [(t,) for t in touched],
            )
        slot += len(batch)
        if progress:
            progress(len(batch))
    return out, kept


@dataclass
class Plan:
    """What pass 1 planned: the targets and the estimated removals."""

    wanted: np.ndarray
    known: np.ndarray
    removed: int


def plan(db: sqlite_utils.Database, s: Scan, *, replace: bool) -> Plan:
    """Match the file's concepts with the stored ones; check cross-references."""
    with read_transaction(db):
        known = _stored_ids(db)
        wanted = targets(db, s)
    check_related(s, wanted, known, replace)
    removed = 0
    if replace:
        removed = int((~_in(known, np.unique(wanted[wanted != 0]))).sum())
    return Plan(wanted, known, removed)


def _set_aside_indexes(db: sqlite_utils.Database, p: Plan) -> list[tuple[str, str]]:
    """Drop the indexes a big import is faster to build afresh; return them.

    Only when the file holds at least as many concepts as the term base (an
    import into an empty or small glossary): SQLite then builds each index once,
    sorted, instead of inserting millions of keys at random places. Only
    indexes the import itself never reads (DEFERRED_INDEXES); the caller
    creates them again inside the same transaction, so no reader ever sees the
    glossary without them.
    """
    if len(p.wanted) < max(len(p.known), DEFER_INDEXES_FROM):
        return []
    indexes = []
    for name in DEFERRED_INDEXES:
        row = db.execute(
            "select sql from sqlite_master where type = 'index' and name = ?", [name]
        ).fetchone()
        if row and row[0]:
            indexes.append((name, row[0]))
            db.execute(f'drop index "{name}"')
    return indexes


def run(
    db: sqlite_utils.Database,
    items: Callable[[], Iterable[Item]],
    p: Plan,
    *,
    author: str,
    reason: str,
    replace: bool,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Pass 2: compare and (unless DRY_RUN) write, all in one transaction."""
    if dry_run:
        with read_transaction(db):
            out, kept = _compare_and_write(
                db, items(), p.wanted, writer=None, author=author, progress=progress
            )
            if replace:
                out.removed = int((~_in(_stored_ids(db), np.unique(kept))).sum())
        return out
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
        indexes = _set_aside_indexes(db, p)
        writer = _Writer(db, author, reason)
        out, kept = _compare_and_write(
            db, items(), p.wanted, writer=writer, author=author, progress=progress
        )
        if replace:
            # Inside the transaction: what is stored now, not what was planned.
            stored = _stored_ids(db)
            gone = stored[~_in(stored, np.unique(kept))]
            for cid in gone.tolist():
                concepts.remove_concept(db, cid, author=author, reason=reason)
            db.conn.executemany(
                "insert into search_changes (concept_id) values (?)",
                [(c,) for c in gone.tolist()],
            )
            out.removed = len(gone)
        for _name, sql in triggers + indexes:
            db.execute(sql)
        if out.new or out.changed or out.removed:
            concepts.bump_generation(db)
    return out
