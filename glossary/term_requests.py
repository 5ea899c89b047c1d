"""Data layer for requests for missing terms, made by anyone without an account."""

from __future__ import annotations

import sqlite_utils

from .concepts import now
from .model import DOMAIN_KEYS, LANGS, MAX_TERM, MAX_TEXT, clean_block, clean_line

REQUEST_STATES: tuple[str, ...] = ("open", "done", "declined")
MAX_CONTACT = 200


class RequestError(ValueError):
    """A term request that cannot be accepted."""


def _control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t" for c in text)


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
        problems.append("say which term is missing")
    if len(text) > MAX_TERM:
        problems.append(f"the term is longer than {MAX_TERM} characters")
    if lang not in LANGS:
        problems.append("choose the language of the term: en, ru or kk")
    if domain and domain not in DOMAIN_KEYS:
        problems.append(f"unknown domain {domain!r}")
    if len(context) > MAX_TEXT:
        problems.append(f"the context is longer than {MAX_TEXT} characters")
    if len(contact) > MAX_CONTACT:
        problems.append(f"the contact is longer than {MAX_CONTACT} characters")
    if any(_control(v) for v in (text, context, contact)):
        problems.append("the request contains control characters")
    if problems:
        raise RequestError("; ".join(problems))
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
        raise RequestError("a request is closed as done or declined")
    if len(answer) > MAX_TEXT or _control(answer):
        raise RequestError("the answer is too long or contains control characters")
    cursor = db.execute(
        "update term_requests set status = ?, handled_by = ?, handled_at = ?, "
        "answer = ? where id = ? and status = 'open'",
        [status, reviewer, now(), answer, request_id],
    )
    if cursor.rowcount != 1:
        raise RequestError("this request is closed already or does not exist")
    return get_request(db, request_id)
