"""Rate limits kept in SQLite, so that they hold across worker processes."""

from __future__ import annotations

import random
import time

import sqlite_utils

from .db import in_write_transaction, write_transaction

# No limit looks further back than this.
MAX_WINDOW = 24 * 60 * 60


def recent(db: sqlite_utils.Database, key: str, window: float) -> int:
    """Return how many events were counted under KEY in the last WINDOW seconds."""
    return db.execute(
        "select count(*) from rate_events where key = ? and at > ?",
        [key, time.time() - window],
    ).fetchone()[0]


def count(db: sqlite_utils.Database, key: str, window: float) -> None:
    """Count one event under KEY; forget events of KEY older than WINDOW."""
    now = time.time()
    with write_transaction(db):
        db.execute(
            "delete from rate_events where key = ? and at <= ?", [key, now - window]
        )
        db.execute("insert into rate_events (key, at) values (?, ?)", [key, now])
        # Now and then forget every stale event, so that keys seen once (an
        # address that never comes back) do not pile up.
        if random.random() < 0.01:
            db.execute("delete from rate_events where at < ?", [now - MAX_WINDOW])


@in_write_transaction
def allow(db: sqlite_utils.Database, key: str, limit: int, window: float) -> bool:
    """Count one event under KEY unless LIMIT events already fell in WINDOW seconds."""
    if recent(db, key, window) >= limit:
        return False
    count(db, key, window)
    return True


@in_write_transaction
def take(
    db: sqlite_utils.Database, limits: list[tuple[str, int]], window: float
) -> list[int] | None:
    """Count one attempt under every key of LIMITS, unless one is at its limit.

    Checked and counted in one transaction that holds the write lock, so that
    attempts sent in parallel cannot all pass the check before any is counted.
    Return the ids of the rows counted (None: refused, nothing counted).
    """
    if any(recent(db, key, window) >= limit for key, limit in limits):
        return None
    now = time.time()
    return [
        int(
            db.execute(
                "insert into rate_events (key, at) values (?, ?)", [key, now]
            ).lastrowid
            or 0
        )
        for key, _limit in limits
    ]


def forget(db: sqlite_utils.Database, rows: list[int]) -> None:
    """Uncount the attempt whose rows take() returned (it turned out fine)."""
    db.execute(
        f"delete from rate_events where rowid in ({','.join('?' * len(rows))})", rows
    )


def clear(db: sqlite_utils.Database, key: str) -> None:
    """Forget every event counted under KEY."""
    db.execute("delete from rate_events where key = ?", [key])
