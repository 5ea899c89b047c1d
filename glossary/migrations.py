"""The schema of the term base as sqlite-utils migrations, applied in order."""

from __future__ import annotations

import sqlite_utils

from .model import DOMAINS

MIGRATIONS = sqlite_utils.Migrations("glossary")


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Create the concept-oriented schema (TBX: concept > language > term)."""
    db.table("domains").create(
        {"key": str, "name_en": str, "name_ru": str, "name_kk": str, "position": int},
        pk="key",
        not_null={"name_en", "name_ru", "name_kk"},
        if_not_exists=True,
    )
    db.table("concepts").create(
        {"id": int, "domain": str, "created_at": str, "updated_at": str},
        pk="id",
        not_null={"domain", "created_at", "updated_at"},
        foreign_keys=[("domain", "domains", "key")],
        if_not_exists=True,
    )
    db.table("terms").create(
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
    db.table("terms").create_index(
        ["concept_id", "lang", "text"], unique=True, if_not_exists=True
    )
    db.table("terms").create_index(["lang", "text"], if_not_exists=True)
    db.table("definitions").create(
        {"concept_id": int, "lang": str, "text": str, "source": str},
        pk=("concept_id", "lang"),
        not_null={"text"},
        defaults={"source": ""},
        foreign_keys=[("concept_id", "concepts", "id")],
        if_not_exists=True,
    )
    db.table("notes").create(
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
    db.table("notes").create_index(["concept_id"], if_not_exists=True)
    db.table("relations").create(
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
    db.table("history").create(
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
    db.table("history").create_index(["concept_id", "id"], if_not_exists=True)
    # A counter bumped on every committed change: lets each worker process see
    # that its in-memory search index is stale (see glossary.concepts).
    db.table("meta").create({"key": str, "value": int}, pk="key", if_not_exists=True)
    db.table("meta").upsert({"key": "generation", "value": 0}, pk="key")
    db.table("domains").upsert_all(
        [
            {"key": k, "name_en": en, "name_ru": ru, "name_kk": kk, "position": i}
            for i, (k, en, ru, kk) in enumerate(DOMAINS)
        ],
        pk="key",
    )


@MIGRATIONS()
def m002_review_workflow(db: sqlite_utils.Database) -> None:
    """Add accounts, API tokens, proposals, reviews, note hiding, term requests."""
    db.table("users").create(
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
    db.table("users").create_index(["username_key"], unique=True, if_not_exists=True)
    # Only a SHA-256 of each token is stored: a leaked database leaks no token.
    db.table("api_tokens").create(
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
    db.table("api_tokens").create_index(["token_hash"], unique=True, if_not_exists=True)
    # `submitted` is the translator's raw submission and is never rewritten;
    # `applied` is what a reviewer approved (possibly edited).
    db.table("proposals").create(
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
    db.table("proposals").create_index(["status", "id"], if_not_exists=True)
    db.table("proposals").create_index(["author_id", "id"], if_not_exists=True)
    db.table("proposals").create_index(["concept_id"], if_not_exists=True)
    # One row per decision: who approved or rejected what, when and why.
    db.table("reviews").create(
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
    notes = db.table("notes")
    for column, kind in (
        ("hidden", int),
        ("hidden_reason", str),
        ("hidden_by", str),
        ("hidden_at", str),
    ):
        if column not in notes.columns_dict:
            notes.add_column(column, kind, not_null_default=0 if kind is int else "")
    db.table("term_requests").create(
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
    db.table("term_requests").create_index(["status", "id"], if_not_exists=True)
    # Rate limits shared by every worker process: one row per counted event.
    db.table("rate_events").create(
        {"key": str, "at": float}, not_null={"key", "at"}, if_not_exists=True
    )
    db.table("rate_events").create_index(["key", "at"], if_not_exists=True)


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


@MIGRATIONS()
def m004_sessions(db: sqlite_utils.Database) -> None:
    """Keep sign-in sessions on the server, so that signing out really ends one."""
    db.table("sessions").create(
        {
            "sid_hash": str,
            "user_id": int,
            "created_at": str,
            "expires_at": float,
        },
        pk="sid_hash",
        not_null={"user_id", "created_at", "expires_at"},
        foreign_keys=[("user_id", "users", "id")],
        if_not_exists=True,
    )
    db.table("sessions").create_index(["user_id"], if_not_exists=True)


@MIGRATIONS()
def m005_import_jobs(db: sqlite_utils.Database) -> None:
    """Keep the web imports that run in the background (glossary.jobs)."""
    db.table("import_jobs").create(
        {
            "id": int,
            "user_id": int,
            "username": str,
            "file_name": str,
            "ext": str,
            "replace": int,
            "state": str,  # queued, running, done, failed
            "plan": str,  # the preview's counts (JSON), checked before writing
            "concepts": int,
            "new": int,
            "changed": int,
            "unchanged": int,
            "removed": int,
            "problems": str,  # JSON list of messages (English, as import reports)
            "problem_count": int,
            "created_at": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"user_id", "username", "file_name", "state", "created_at"},
        defaults={"concepts": 0, "new": 0, "changed": 0, "unchanged": 0,
                  "removed": 0, "problem_count": 0, "problems": "[]"},
        foreign_keys=[("user_id", "users", "id")],
        if_not_exists=True,
    )  # fmt: skip
    db.table("import_jobs").create_index(["state"], if_not_exists=True)


def migrate(db: sqlite_utils.Database) -> None:
    """Apply pending schema migrations."""
    MIGRATIONS.apply(db)
