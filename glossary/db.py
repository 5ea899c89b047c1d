"""The SQLite connection: opening it, transactions, one connection per request.

A request's connection is kept for the next request of the process (_Spares).

Schema migrations are in glossary.migrations, first-start preparation (migrate,
seed) in glossary.startup.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils
from flask import current_app, g

# Re-exported: callers and tests open and migrate a database through db.
from .migrations import MIGRATIONS, migrate  # noqa: F401

BUSY_TIMEOUT_MS = 10_000
# A web request waits less for the write lock than the CLI: a reviewer is told
# to retry (503 + Retry-After) instead of holding a worker thread for long.
WEB_BUSY_TIMEOUT_MS = 5_000
RETRY_AFTER_SECONDS = 10
# app.extensions key of the callable that prepares the database on first use.
PREPARE = "glossary.prepare"


# The exceptions a busy database or a full disk arrive as (see classify_fault).
FAULT_TYPES: tuple[type[BaseException], ...] = (sqlite3.OperationalError, OSError)


class DatabaseFault(Exception):
    """The database cannot take a write now: busy (retry later) or out of space."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


def classify_fault(error: BaseException) -> DatabaseFault | None:
    """Return what ERROR means for the client (busy or full), or None if neither.

    SQLite reports a write lock held past the busy timeout as "database is
    locked" (SQLITE_BUSY) and a full disk, or a file at its size limit, as
    "database or disk is full" (SQLITE_FULL); the operating system says ENOSPC.
    """
    text = str(error).lower()
    if isinstance(error, sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return DatabaseFault("busy", text)
        if "full" in text or "disk i/o" in text:
            return DatabaseFault("full", text)
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DatabaseFault("full", text)
    return None


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a read-then-write change as one transaction that holds the write lock.

    A deferred BEGIN (what db.atomic() issues) that reads first cannot take the
    write lock once another connection has committed in WAL mode: SQLite fails at
    once, past the busy timeout. BEGIN IMMEDIATE takes the lock up front, waiting
    (busy timeout) for other writers, so what was read is what gets changed.
    Inside an open transaction this is a savepoint, as db.atomic() makes.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


@contextlib.contextmanager
def read_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Read several tables as one snapshot (WAL: writers go on meanwhile)."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")  # nothing was written: just end the snapshot


def in_write_transaction(function):
    """Run FUNCTION(db, …) inside write_transaction(db): its reads and writes as one."""

    @functools.wraps(function)
    def wrapped(db, *args, **kwargs):
        with write_transaction(db):
            return function(db, *args, **kwargs)

    return wrapped


def inserted_id(table: sqlite_utils.db.Table) -> int:
    """Return the primary key of the row TABLE's last insert() wrote."""
    if table.last_pk is None:
        raise LookupError(f"nothing was inserted into {table.name}")
    return int(table.last_pk)


def connect(
    path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, read_only: bool = False
) -> sqlite_utils.Database:
    """Open the database at PATH with WAL, foreign keys and a busy timeout.

    READ_ONLY opens it for reading only (a read replica's copy, which Litestream
    writes): its journal mode is left as it is and any write fails.
    """
    if read_only:
        conn = sqlite3.connect(
            f"file:{urllib.parse.quote(str(path))}?mode=ro",
            uri=True,
            timeout=busy_timeout_ms / 1000,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA query_only = ON")
        return sqlite_utils.Database(conn)
    conn = sqlite3.connect(
        str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if str(path) != ":memory:" and db.journal_mode != "wal":
        db.enable_wal()
    conn.execute("PRAGMA synchronous = NORMAL")
    return db


class _Spares:
    """Connections a finished request left, for the next request to take.

    A new connection reads the whole schema on its first statement (about
    0.3 ms, a tenth of a quick search); a spare has it already. A spare is
    taken only for the same file (same path, device, inode and change time: a
    database replaced on disk is opened afresh) by the same process: every spare is
    closed before a fork (gunicorn forks its workers after the preloaded app's
    warm-up), so no connection crosses one. A read replica's connections are
    never kept: Litestream rewrites that file outside SQLite's own locking.
    """

    KEEP = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spare: list[tuple[tuple, sqlite_utils.Database]] = []
        os.register_at_fork(before=self.close_all, after_in_child=self._forget)

    @staticmethod
    def key(path: str, busy_timeout_ms: int) -> tuple | None:
        if path == ":memory:" or path.startswith("file:"):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        # the inode and its change time: a file deleted and made again at the
        # same path may get the same inode number, never the same change time
        ident = (st.st_dev, st.st_ino, st.st_ctime_ns)
        return (path, busy_timeout_ms, *ident, os.getpid())

    def take(self, key: tuple) -> sqlite_utils.Database | None:
        with self._lock:
            for i, (k, db) in enumerate(self._spare):
                if k == key:
                    del self._spare[i]
                    return db
        return None

    def give(self, key: tuple | None, db: sqlite_utils.Database) -> None:
        """Keep DB for the next request (as it was opened), or close it."""
        try:
            if key is None or key[-1] != os.getpid():
                raise sqlite3.ProgrammingError("not to be kept")
            if db.conn.in_transaction:
                db.conn.rollback()
            db.conn.execute(f"PRAGMA cache_size = {_DEFAULT_CACHE_SIZE}")
        except sqlite3.Error:
            db.close()
            return
        with self._lock:
            self._spare.append((key, db))
            extra = self._spare[: -self.KEEP]
            del self._spare[: -self.KEEP]
        for _, old in extra:
            old.close()

    def close_all(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, []
        for _, db in spare:
            db.close()

    def _forget(self) -> None:
        self._lock = threading.Lock()
        self._spare = []


_DEFAULT_CACHE_SIZE = -2000  # SQLite's default (2 MiB); an import asks for more
_spares = _Spares()


def get_db() -> sqlite_utils.Database:
    """Return this request's database connection, opening it on first use.

    The first use in a process prepares the database (glossary.startup
    registers how: migrate, and seed a new one); the app factory does not.
    A connection an earlier request of this process left is taken if there is
    one (see _Spares).
    """
    if "db" not in g:
        prepare = current_app.extensions.get(PREPARE)
        if prepare is not None:
            prepare()
        path = str(current_app.config["DATABASE"])
        busy = int(current_app.config.get("BUSY_TIMEOUT_MS", WEB_BUSY_TIMEOUT_MS))
        read_only = bool(current_app.config.get("READ_ONLY"))
        key = None if read_only else _spares.key(path, busy)
        db = _spares.take(key) if key is not None else None
        g.db = db or connect(path, busy, read_only=read_only)
        g.db_key = key
    return g.db


def close_db(e: BaseException | None = None) -> None:
    """Leave the request's connection, if one was opened, to the next request."""
    db = g.pop("db", None)
    if db is not None:
        _spares.give(g.pop("db_key", None), db)


def init_app(app) -> None:
    """Close each request's connection when the request ends."""
    app.teardown_appcontext(close_db)
