"""Data layer for user accounts, roles, API tokens and sign-in checks.

Passwords are hashed with werkzeug's default (scrypt); API tokens are stored as
SHA-256 digests only. Plain functions that take `db` first and return dicts.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import unicodedata

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from .clock import now
from .db import in_write_transaction, inserted_id, write_transaction
from .model import script_problem
from .problems import Problem, ProblemError

ROLES: tuple[str, ...] = ("translator", "reviewer", "admin")
REVIEWER_ROLES = frozenset({"reviewer", "admin"})
MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_EMAIL = 200
_USERNAME = re.compile(r"^[^\W_][\w.-]{1,38}[^\W_]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Hashing this when a username is unknown makes a failed sign-in take as long
# as a wrong password: timing tells nothing about which usernames exist.
_DUMMY_HASH = generate_password_hash("not a real password, never matches")


class AccountError(ProblemError):
    """A username, password, e-mail or role that cannot be accepted."""


def username_key(username: str) -> str:
    """Return the case-insensitive key under which USERNAME is unique."""
    return unicodedata.normalize("NFKC", username).casefold()


def check_username(username: str) -> Problem | None:
    """Say what is wrong with USERNAME, or None when it can be used."""
    if not _USERNAME.match(username):
        return Problem("username_form", "username")
    if unicodedata.normalize("NFKC", username) != username or any(
        not ("a" <= c.lower() <= "z" or "\u0400" <= c <= "\u04ff")
        for c in username
        if c.isalpha()
    ):
        # Fullwidth "ａｄｍｉｎ" and letters of other scripts would look like
        # someone else's name.
        return Problem("username_script", "username")
    if script_problem("ru", username) and not username.isascii():
        return Problem("username_mixed_script", "username")
    return None


def check_password(password: str, username: str = "") -> Problem | None:
    """Say what is wrong with PASSWORD, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return Problem("password_too_short", "password", {"n": MIN_PASSWORD})
    if len(password) > MAX_PASSWORD:
        return Problem("password_too_long", "password", {"n": MAX_PASSWORD})
    if username and password.casefold() == username.casefold():
        return Problem("password_is_username", "password")
    return None


def _public(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {k: v for k, v in row.items() if k != "password_hash"} | {
        "is_reviewer": row["role"] in REVIEWER_ROLES,
        "is_admin": row["role"] == "admin",
        "session_check": hashlib.sha256(row["password_hash"].encode()).hexdigest()[:16],
    }


@in_write_transaction
def create_user(
    db: sqlite_utils.Database,
    username: str,
    password: str,
    *,
    role: str = "translator",
    email: str = "",
) -> dict:
    """Create an account and return it; raise AccountError on bad input."""
    username = unicodedata.normalize("NFC", (username or "").strip())
    email = (email or "").strip()
    problem = check_username(username) or check_password(password, username)
    if problem:
        raise AccountError(problem)
    if role not in ROLES:
        raise AccountError(
            Problem("unknown_role", "role", {"value": role, "allowed": ROLES})
        )
    if email and (
        len(email) > MAX_EMAIL or not _EMAIL.match(email) or not email.isprintable()
    ):
        raise AccountError(Problem("email_invalid", "email"))
    with write_transaction(db):
        if db.table("users").count_where("username_key = ?", [username_key(username)]):
            raise AccountError(Problem("username_taken", "username"))
        user_id = inserted_id(
            db.table("users").insert(
                {
                    "username": username,
                    "username_key": username_key(username),
                    "password_hash": generate_password_hash(password),
                    "email": email,
                    "role": role,
                    "active": 1,
                    "created_at": now(),
                }
            )
        )
    return _existing(db, user_id)


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    """Return the account with USER_ID, or None."""
    rows = list(db.query("select * from users where id = ?", [user_id]))
    return _public(rows[0]) if rows else None


def _existing(db: sqlite_utils.Database, user_id: int) -> dict:
    """Return an account known to exist (just written)."""
    user = get_user(db, user_id)
    if user is None:
        raise LookupError(user_id)
    return user


def _existing_public(row: dict) -> dict:
    public = _public(row)
    if public is None:  # a row always makes an account
        raise LookupError(row.get("id"))
    return public


def find_user(db: sqlite_utils.Database, username: str) -> dict | None:
    """Return the account called USERNAME (any case), or None."""
    rows = list(
        db.query("select * from users where username_key = ?", [username_key(username)])
    )
    return _public(rows[0]) if rows else None


def authenticate(
    db: sqlite_utils.Database, username: str, password: str
) -> dict | None:
    """Return the active account when USERNAME and PASSWORD match, else None.

    Does the same work whether or not the username exists.
    """
    rows = list(
        db.query(
            "select * from users where username_key = ?",
            [username_key((username or "").strip())],
        )
    )
    if not rows:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    row = rows[0]
    if not check_password_hash(row["password_hash"], password or ""):
        return None
    if not row["active"]:
        return None
    return _public(row)


def set_password(db: sqlite_utils.Database, user_id: int, password: str) -> None:
    """Give account USER_ID a new password (which signs out its sessions)."""
    user = get_user(db, user_id)
    if user is None:
        raise AccountError(Problem("no_such_user", "", {"id": user_id}))
    problem = check_password(password, user["username"] if user else "")
    if problem:
        raise AccountError(problem)
    db.table("users").update(
        user_id, {"password_hash": generate_password_hash(password)}
    )


def list_users(db: sqlite_utils.Database) -> list[dict]:
    """Return every account, by username."""
    return [
        _existing_public(r)
        for r in db.query("select * from users order by username_key")
    ]


@in_write_transaction
def update_user(
    db: sqlite_utils.Database,
    user_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
) -> dict:
    """Change the role or the active flag of an account; keep at least one admin."""
    if role is not None and role not in ROLES:
        raise AccountError(
            Problem("unknown_role", "role", {"value": role, "allowed": ROLES})
        )
    with write_transaction(db):
        user = get_user(db, user_id)
        if user is None:
            raise AccountError(Problem("no_such_user", "", {"id": user_id}))
        changes: dict[str, str | int] = {}
        if role is not None:
            changes["role"] = role
        if active is not None:
            changes["active"] = int(active)
        if changes:
            db.table("users").update(user_id, changes)
        admins = db.execute(
            "select count(*) from users where role = 'admin' and active = 1"
        ).fetchone()[0]
        if user["is_admin"] and user["active"] and admins == 0:
            raise AccountError(Problem("last_admin", "role"))
    return _existing(db, user_id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: sqlite_utils.Database, user_id: int) -> str:
    """Create a personal API token for USER_ID; return it (only its hash is kept)."""
    token = "glo_" + secrets.token_urlsafe(32)
    db.table("api_tokens").insert(
        {"user_id": user_id, "token_hash": _digest(token), "created_at": now()}
    )
    return token


def user_for_token(db: sqlite_utils.Database, token: str) -> dict | None:
    """Return the active account that owns TOKEN, or None."""
    if not token or len(token) > 200:
        return None
    rows = list(
        db.query(
            "select u.*, t.id as token_id from api_tokens t "
            "join users u on u.id = t.user_id where t.token_hash = ?",
            [_digest(token)],
        )
    )
    if not rows or not rows[0]["active"]:
        return None
    row = rows[0]
    row.pop("token_id")
    return _public(row)


def count_tokens(db: sqlite_utils.Database, user_id: int) -> int:
    """Return how many API tokens USER_ID has."""
    return db.table("api_tokens").count_where("user_id = ?", [user_id])


def revoke_tokens(db: sqlite_utils.Database, user_id: int) -> int:
    """Delete every API token of USER_ID; return how many there were."""
    return db.execute("delete from api_tokens where user_id = ?", [user_id]).rowcount


# --- sign-in sessions kept on the server --------------------------------------
# The cookie carries a random session id; only its SHA-256 is stored. Signing
# out deletes the row, so a copy of the cookie taken before is worth nothing.


def start_session(db: sqlite_utils.Database, user_id: int, lifetime: float) -> str:
    """Record a new sign-in of USER_ID; return its session id (for the cookie)."""
    sid = secrets.token_urlsafe(32)
    stamp = time.time()
    with write_transaction(db):
        db.execute("delete from sessions where expires_at < ?", [stamp])
        db.table("sessions").insert(
            {
                "sid_hash": _digest(sid),
                "user_id": user_id,
                "created_at": now(),
                "expires_at": stamp + lifetime,
            }
        )
    return sid


def session_user_id(db: sqlite_utils.Database, sid: str) -> int | None:
    """Return the user of the unexpired session SID, or None when it has ended."""
    if not isinstance(sid, str) or not sid or len(sid) > 100:
        return None
    row = db.execute(
        "select user_id from sessions where sid_hash = ? and expires_at >= ?",
        [_digest(sid), time.time()],
    ).fetchone()
    return row[0] if row else None


def end_session(db: sqlite_utils.Database, sid: str) -> None:
    """Delete the session SID (sign-out): the cookie no longer signs anyone in."""
    if isinstance(sid, str) and sid:
        db.execute("delete from sessions where sid_hash = ?", [_digest(sid)])


def end_all_sessions(db: sqlite_utils.Database, user_id: int) -> int:
    """Delete every session of USER_ID (password change, disabled account)."""
    return db.execute("delete from sessions where user_id = ?", [user_id]).rowcount
