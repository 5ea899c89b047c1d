"""Data layer for requests for missing terms, made by anyone without an account."""

from __future__ import annotations

import sqlite_utils

from .clock import now
from .model import (
    DOMAIN_KEYS,
    LANGS,
    MAX_TERM,
    MAX_TEXT,
    clean_block,
    clean_line,
    has_control,
)
from .problems import Problem, ProblemError

REQUEST_STATES: tuple[str, ...] = ("open", "done", "declined")
MAX_CONTACT = 200


class RequestError(ProblemError):
    """A term request that cannot be accepted."""


def create_request(
    db: sqlite_utils.Database,
    text: str,
    lang: str,
    *,
    domain: str = "",
    context: str = "",
    contact: str = "",
) -> dict:
    """Store a request for a missing term; raise RequestError on bad input."""
    text, lang, domain = clean_line(text), clean_line(lang), clean_line(domain)
    context, contact = clean_block(context), clean_line(contact)
    problems = []
    if not text:
        problems.append(Problem("request_text_missing", "text"))
    if len(text) > MAX_TERM:
        problems.append(Problem("request_text_too_long", "text", {"limit": MAX_TERM}))
    if lang not in LANGS:
        problems.append(Problem("request_language", "lang"))
    if domain and domain not in DOMAIN_KEYS:
        problems.append(Problem("request_domain", "domain", {"value": domain}))
    if len(context) > MAX_TEXT:
        problems.append(
            Problem("request_context_too_long", "context", {"limit": MAX_TEXT})
        )
    if len(contact) > MAX_CONTACT:
        problems.append(
            Problem("request_contact_too_long", "contact", {"limit": MAX_CONTACT})
        )
    if has_control(text) or has_control(contact) or has_control(context, False):
        problems.append(Problem("request_control_characters"))
    if problems:
        raise RequestError(problems)
    request_id = (
        db["term_requests"]
        .insert(
            {
                "text": text,
                "lang": lang,
                "domain": domain,
                "context": context,
                "contact": contact,
                "status": "open",
                "created_at": now(),
            }
        )
        .last_pk
    )
    return get_request(db, request_id)


def get_request(db: sqlite_utils.Database, request_id: int) -> dict | None:
    """Return one term request, or None."""
    rows = list(db.query("select * from term_requests where id = ?", [request_id]))
    return rows[0] if rows else None


def list_requests(
    db: sqlite_utils.Database, status: str = "open", limit: int = 200
) -> list[dict]:
    """Return term requests in STATUS, oldest first (the worklist)."""
    return list(
        db.query(
            "select * from term_requests where status = ? order by id limit ?",
            [status, limit],
        )
    )


def close_request(
    db: sqlite_utils.Database,
    request_id: int,
    status: str,
    reviewer: str,
    answer: str = "",
) -> dict:
    """Mark an open request done or declined, with an optional ANSWER."""
    answer = clean_block(answer)
    if status not in ("done", "declined"):
        raise RequestError(Problem("request_close_status", "status"))
    if len(answer) > MAX_TEXT or has_control(answer, inline=False):
        raise RequestError(Problem("request_answer_invalid", "answer"))
    cursor = db.execute(
        "update term_requests set status = ?, handled_by = ?, handled_at = ?, "
        "answer = ? where id = ? and status = 'open'",
        [status, reviewer, now(), answer, request_id],
    )
    if cursor.rowcount != 1:
        raise RequestError(Problem("request_closed"))
    return get_request(db, request_id)
