"""Preparing the database: migrations, and seeding a new glossary from terms.csv.

The app factory touches no database. The first use of the database in a
process (a request, or an app context that opens it) migrates it and, when it
was never initialised, seeds it; `flask init-db` does the same on demand
(`--no-seed`: migrate only). A lock file serialises this across the worker
processes that start together.
"""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

import sqlite_utils
from flask import Flask

from .concepts import import_records
from .db import PREPARE, connect, write_transaction
from .interchange.csvfile import read_concepts_csv
from .migrations import migrate
from .problems import Problem, ProblemError

# meta row set once a database was initialised (seeded, or created without a
# seed by init-db --no-seed): a later start never seeds it again.
INITIALISED = "initialised"


class SeedError(ProblemError):
    """The seed file has invalid rows: nothing was seeded."""


def _initialised(db: sqlite_utils.Database) -> bool:
    rows = db.execute("select value from meta where key = ?", [INITIALISED])
    return bool(rows.fetchone()) or db["concepts"].count > 0


def _mark_initialised(db: sqlite_utils.Database) -> None:
    db["meta"].upsert({"key": INITIALISED, "value": 1}, pk="key")


def seed(db: sqlite_utils.Database, seed_path: str | Path) -> int:
    """Import SEED_PATH into DB in one transaction; return how many concepts."""
    with open(seed_path, encoding="utf-8-sig", newline="") as f:
        result = read_concepts_csv(f)
    if result.errors:
        raise SeedError(
            Problem(
                "seed_invalid",
                "",
                {
                    "path": str(seed_path),
                    "count": len(result.errors),
                    "first": result.errors[0],
                },
            )
        )
    with write_transaction(db):
        import_records(
            db,
            result.records,
            author="seed",
            reason=f"seeded from {Path(seed_path).name}",
        )
        _mark_initialised(db)
    return len(result.records)


def prepare_database(
    path: str | Path, seed_path: str | Path | None, *, initialise: bool = False
) -> bool:
    """Create and migrate the database and seed it; return True if it was seeded.

    A first start (INITIALISE false) seeds only a database never initialised.
    init-db (INITIALISE true) seeds one that holds no concept, and marks it
    initialised even without SEED_PATH (--no-seed), so that later starts leave
    it empty.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = connect(path)
        try:
            migrate(db)
            wanted = db["concepts"].count == 0 if initialise else not _initialised(db)
            if wanted and seed_path is not None:
                seed(db, seed_path)
                return True
            if initialise:
                _mark_initialised(db)
            return False
        finally:
            db.close()


def ensure_ready(app: Flask, *, seed: bool = True) -> None:
    """Prepare APP's database once per process (migrate; seed a new one if SEED)."""
    state = app.extensions.setdefault(
        "glossary.ready", {"done": set(), "lock": threading.Lock()}
    )
    if seed in state["done"] or True in state["done"]:
        return
    with state["lock"]:
        if seed in state["done"] or True in state["done"]:
            return
        prepare_database(
            app.config["DATABASE"], app.config.get("SEED_PATH") if seed else None
        )
        state["done"].add(seed)


def init_app(app: Flask) -> None:
    """Prepare the database on its first use in this process, not now."""
    if app.config.get("READ_ONLY"):
        return  # a read replica's copy: Litestream writes it, never this app
    app.extensions[PREPARE] = lambda: ensure_ready(app)
