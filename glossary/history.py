"""The change history of concepts: one row per change, whoever makes it.

Every writer (concepts, proposals, reverts, imports, hiding a note) records
through `record`, in the transaction of the change; pages and the API read
through `recent` and `entries`.
"""

from __future__ import annotations

import json

import sqlite_utils

from .clock import now


def record(
    db: sqlite_utils.Database,
    concept_id: int,
    action: str,
    author: str,
    reason: str,
    before: dict | None,
    after: dict | None,
    proposal_id: int | None = None,
) -> None:
    """Record one change of a concept: who, what, why, the record before and after."""
    db["history"].insert(
        {
            "concept_id": concept_id,
            "at": now(),
            "author": author,
            "action": action,
            "reason": reason,
            "proposal_id": proposal_id,
            "before": json.dumps(before, ensure_ascii=False) if before else None,
            "after": json.dumps(after, ensure_ascii=False) if after else None,
        }
    )


def recent(
    db: sqlite_utils.Database, concept_id: int, limit: int | None = None
) -> list[dict]:
    """Return the recorded changes of a concept, newest first (no snapshots)."""
    sql = (
        "select id, at, author, action, reason, proposal_id from history "
        "where concept_id = ? order by id desc"
    )
    if limit:
        sql += f" limit {int(limit)}"
    return list(db.query(sql, [concept_id]))


def count(db: sqlite_utils.Database, concept_id: int) -> int:
    """Return how many changes a concept has had."""
    return db["history"].count_where("concept_id = ?", [concept_id])


def entries(db: sqlite_utils.Database, concept_id: int) -> list[dict]:
    """Return a concept's changes, newest first, with snapshots and their proposal."""
    out = []
    for row in db.query(
        "select h.*, p.author as proposed_by, p.reviewer as reviewed_by, "
        "p.kind as proposal_kind from history h "
        "left join proposals p on p.id = h.proposal_id "
        "where h.concept_id = ? order by h.id desc",
        [concept_id],
    ):
        out.append(
            {
                "id": row["id"],
                "at": row["at"],
                "author": row["author"],
                "action": row["action"],
                "reason": row["reason"],
                "proposal_id": row["proposal_id"],
                "proposal": {
                    "id": row["proposal_id"],
                    "kind": row["proposal_kind"],
                    "author": row["proposed_by"],
                    "reviewer": row["reviewed_by"],
                }
                if row["proposal_id"]
                else None,
                "before": json.loads(row["before"]) if row["before"] else None,
                "after": json.loads(row["after"]) if row["after"] else None,
            }
        )
    return out


def snapshot(db: sqlite_utils.Database, history_id: int) -> dict | None:
    """Return one change (its row, snapshots parsed), or None."""
    rows = list(db.query("select * from history where id = ?", [history_id]))
    if not rows:
        return None
    row = rows[0]
    return {
        **row,
        "before": json.loads(row["before"]) if row["before"] else None,
        "after": json.loads(row["after"]) if row["after"] else None,
    }
