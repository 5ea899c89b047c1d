"""The SQLite term base: one connection per request, schema migrations, seeding."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import click
import sqlite_utils
from flask import current_app, g

from .model import DOMAINS

BUSY_TIMEOUT_MS = 10_000

MIGRATIONS = sqlite_utils.Migrations("glossary")


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Create the concept-oriented schema (TBX: concept > language > term)."""
    db["domains"].create(
        {"key": str, "name_en": str, "name_ru": str, "name_kk": str, "position": int},
        pk="key",
        not_null={"name_en", "name_ru", "name_kk"},
        if_not_exists=True,
    )
    db["concepts"].create(
        {"id": int, "domain": str, "created_at": str, "updated_at": str},
        pk="id",
        not_null={"domain", "created_at", "updated_at"},
        foreign_keys=[("domain", "domains", "key")],
        if_not_exists=True,
    )
    db["terms"].create(
        {
            "id": int,
            "concept_id": int,
            "lang": str,
            "text": str,
            "status": str,
            "pos": str,
            "usage": str,
            "source": str,
            "position": int,
        },
        pk="id",
        not_null={"concept_id", "lang", "text", "status", "position"},
        defaults={"pos": "", "usage": "", "source": ""},
        foreign_keys=[("concept_id", "concepts", "id")],
        if_not_exists=True,
    )
    db["terms"].create_index(
        ["concept_id", "lang", "text"], unique=True, if_not_exists=True
    )
    db["terms"].create_index(["lang", "text"], if_not_exists=True)
    db["definitions"].create(
        {"concept_id": int, "lang": str, "text": str, "source": str},
        pk=("concept_id", "lang"),
        not_null={"text"},
        defaults={"source": ""},
        foreign_keys=[("concept_id", "concepts", "id")],
        if_not_exists=True,
    )
    db["notes"].create(
        {
            "id": int,
            "concept_id": int,
            "term_id": int,
            "lang": str,
            "author": str,
            "text": str,
            "created_at": str,
        },
        pk="id",
        not_null={"concept_id", "lang", "author", "text", "created_at"},
        foreign_keys=[("concept_id", "concepts", "id"), ("term_id", "terms", "id")],
        if_not_exists=True,
    )
    db["notes"].create_index(["concept_id"], if_not_exists=True)
    db["relations"].create(
        {"concept_id": int, "related_id": int},
        pk=("concept_id", "related_id"),
        foreign_keys=[
            ("concept_id", "concepts", "id"),
            ("related_id", "concepts", "id"),
        ],
        if_not_exists=True,
    )
    # Every change to a concept: who, when, what before and after, why, which
    # proposal. The review workflow writes here too; before/after are JSON.
    db["history"].create(
        {
            "id": int,
            "concept_id": int,
            "at": str,
            "author": str,
            "action": str,
            "reason": str,
            "proposal_id": int,
            "before": str,
            "after": str,
        },
        pk="id",
        not_null={"concept_id", "at", "author", "action"},
        defaults={"reason": ""},
        if_not_exists=True,
    )
    db["history"].create_index(["concept_id", "id"], if_not_exists=True)
    # A counter bumped on every committed change: lets each worker process see
    # that its in-memory search index is stale (see glossary.concepts).
    db["meta"].create({"key": str, "value": int}, pk="key", if_not_exists=True)
    db["meta"].upsert({"key": "generation", "value": 0}, pk="key")
    db["domains"].upsert_all(
        [
            {"key": k, "name_en": en, "name_ru": ru, "name_kk": kk, "position": i}
            for i, (k, en, ru, kk) in enumerate(DOMAINS)
        ],
        pk="key",
    )


@MIGRATIONS()
def m002_review_workflow(db: sqlite_utils.Database) -> None:
    """Add accounts, API tokens, proposals, reviews, note hiding, term requests."""
    db["users"].create(
        {
            "id": int,
            "username": str,
            "username_key": str,
            "password_hash": str,
            "email": str,
            "role": str,
            "active": int,
            "created_at": str,
        },
        pk="id",
        not_null={"username", "username_key", "password_hash", "role", "created_at"},
        defaults={"email": "", "active": 1},
        if_not_exists=True,
    )
    db["users"].create_index(["username_key"], unique=True, if_not_exists=True)
    # Only a SHA-256 of each token is stored: a leaked database leaks no token.
    db["api_tokens"].create(
        {
            "id": int,
            "user_id": int,
            "token_hash": str,
            "created_at": str,
            "last_used_at": str,
        },
        pk="id",
        not_null={"user_id", "token_hash", "created_at"},
        foreign_keys=[("user_id", "users", "id")],
        if_not_exists=True,
    )
    db["api_tokens"].create_index(["token_hash"], unique=True, if_not_exists=True)
    # `submitted` is the translator's raw submission and is never rewritten;
    # `applied` is what a reviewer approved (possibly edited).
    db["proposals"].create(
        {
            "id": int,
            "kind": str,
            "status": str,
            "author_id": int,
            "author": str,
            "concept_id": int,
            "domain": str,
            "langs": str,
            "submitted": str,
            "applied": str,
            "created_at": str,
            "decided_at": str,
            "reviewer_id": int,
            "reviewer": str,
            "reason": str,
            "result_concept_id": int,
        },
        pk="id",
        not_null={"kind", "status", "author", "submitted", "created_at"},
        defaults={"reason": "", "langs": "", "domain": ""},
        foreign_keys=[("author_id", "users", "id")],
        if_not_exists=True,
    )
    db["proposals"].create_index(["status", "id"], if_not_exists=True)
    db["proposals"].create_index(["author_id", "id"], if_not_exists=True)
    db["proposals"].create_index(["concept_id"], if_not_exists=True)
    # One row per decision: who approved or rejected what, when and why.
    db["reviews"].create(
        {
            "id": int,
            "proposal_id": int,
            "reviewer_id": int,
            "reviewer": str,
            "decision": str,
            "reason": str,
            "edited": int,
            "at": str,
        },
        pk="id",
        not_null={"proposal_id", "reviewer", "decision", "at"},
        defaults={"reason": "", "edited": 0},
        foreign_keys=[("proposal_id", "proposals", "id")],
        if_not_exists=True,
    )
    notes = db["notes"]
    for column, kind in (
        ("hidden", int),
        ("hidden_reason", str),
        ("hidden_by", str),
        ("hidden_at", str),
    ):
        if column not in notes.columns_dict:
            notes.add_column(column, kind, not_null_default=0 if kind is int else "")
    db["term_requests"].create(
        {
            "id": int,
            "text": str,
            "lang": str,
            "domain": str,
            "context": str,
            "contact": str,
            "status": str,
            "created_at": str,
            "handled_by": str,
            "handled_at": str,
            "answer": str,
        },
        pk="id",
        not_null={"text", "lang", "status", "created_at"},
        defaults={"domain": "", "context": "", "contact": "", "answer": ""},
        if_not_exists=True,
    )
    db["term_requests"].create_index(["status", "id"], if_not_exists=True)
    # Rate limits shared by every worker process: one row per counted event.
    db["rate_events"].create(
        {"key": str, "at": float}, not_null={"key", "at"}, if_not_exists=True
    )
    db["rate_events"].create_index(["key", "at"], if_not_exists=True)


@MIGRATIONS()
def m003_search_changes(db: sqlite_utils.Database) -> None:
    """Log which concepts' terms change, so search indexes can refresh only those.

    Triggers catch every write to terms and concepts, whatever code makes it; each
    worker process reads the log past the last row it saw (glossary.concepts).
    """
    db.execute(
        "create table if not exists search_changes ("
        "id integer primary key autoincrement, concept_id integer not null)"
    )
    for event, refs in (
        ("insert on terms", ["new.concept_id"]),
        ("update on terms", ["old.concept_id", "new.concept_id"]),
        ("delete on terms", ["old.concept_id"]),
        ("update of domain on concepts", ["new.id"]),
        ("delete on concepts", ["old.id"]),
    ):
        name = "search_changes_" + "_".join(event.split()[:1] + event.split()[-1:])
        body = " ".join(
            f"insert into search_changes (concept_id) values ({r});" for r in refs
        )
        db.execute(
            f"create trigger if not exists {name} after {event} begin {body} end"
        )


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


def connect(path: str | Path, *, read_only: bool = False) -> sqlite_utils.Database:
    """Open the database at PATH with WAL, foreign keys and a busy timeout.

    READ_ONLY opens it for reading only (a read replica's copy, which Litestream
    writes): its journal mode is left as it is and any write fails.
    """
    if read_only:
        conn = sqlite3.connect(
            f"file:{urllib.parse.quote(str(path))}?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        return sqlite_utils.Database(conn)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if str(path) != ":memory:" and db.journal_mode != "wal":
        db.enable_wal()
    conn.execute("PRAGMA synchronous = NORMAL")
    return db


def migrate(db: sqlite_utils.Database) -> None:
    """Apply pending schema migrations."""
    MIGRATIONS.apply(db)


def is_empty(db: sqlite_utils.Database) -> bool:
    """Tell whether the term base holds no concept yet."""
    return db["concepts"].count == 0


def prepare_database(path: str | Path, seed_path: str | Path | None) -> bool:
    """Create and migrate the database, seeding it when empty; return True if seeded.

    A lock file serialises this across worker processes starting together.
    """
    from .concepts import import_records  # data layer imports db
    from .interchange.csvfile import read_concepts_csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = connect(path)
        try:
            migrate(db)
            if seed_path is None or not is_empty(db):
                return False
            with open(seed_path, encoding="utf-8-sig", newline="") as f:
                result = read_concepts_csv(f)
            if result.errors:
                raise click.ClickException(
                    f"{seed_path}: {len(result.errors)} invalid rows, first: "
                    f"{result.errors[0]}"
                )
            with write_transaction(db):
                import_records(
                    db,
                    result.records,
                    author="seed",
                    reason=f"seeded from {Path(seed_path).name}",
                )
            return True
        finally:
            db.close()


def get_db() -> sqlite_utils.Database:
    """Return this request's database connection, opening it on first use."""
    if "db" not in g:
        g.db = connect(
            current_app.config["DATABASE"],
            read_only=bool(current_app.config.get("READ_ONLY")),
        )
    return g.db


def close_db(e: BaseException | None = None) -> None:
    """Close the request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app) -> None:
    """Register teardown and prepare the database named in the app's config."""
    app.teardown_appcontext(close_db)
    if app.config.get("READ_ONLY"):
        return  # a read replica's copy: Litestream writes it, never this app
    prepare_database(app.config["DATABASE"], app.config.get("SEED_PATH"))
