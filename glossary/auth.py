"""Sessions, CSRF protection and role checks for pages; bearer tokens for the API.

Small on purpose: the signed session cookie holds the user id and a fingerprint
of the password hash (changing the password ends every session); each form
carries a per-session CSRF token checked before any view runs.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from . import accounts
from .db import get_db

CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# How long a sign-in lasts (GLOSSARY_SIGNIN_LIFETIME, seconds); the cookie itself
# lives longer because it also remembers the interface language.
SIGNIN_LIFETIME = 14 * 24 * 60 * 60


def csrf_token() -> str:
    """Return this session's CSRF token, creating it on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def sign_in(user: dict) -> None:
    """Start a fresh session for USER (keeping only the interface language)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session["uid"] = user["id"]
    session["check"] = user["session_check"]
    session["since"] = int(time.time())
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True


def sign_out() -> None:
    """End the session (keeping only the interface language)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def load_user() -> None:
    """Put the signed-in, active user (or None) on g.user for this request."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    lifetime = current_app.config.get("SIGNIN_LIFETIME", SIGNIN_LIFETIME)
    if time.time() - session.get("since", 0) > float(lifetime):
        sign_out()
        return
    user = accounts.get_user(get_db(), uid)
    if (
        user
        and user["active"]
        and hmac.compare_digest(user["session_check"], session.get("check", ""))
    ):
        g.user = user
    else:
        sign_out()


def check_csrf() -> None:
    """Refuse a state-changing form request whose CSRF token is missing or wrong."""
    if request.method not in UNSAFE_METHODS or request.path.startswith("/api/"):
        return
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(
            400,
            _(
                "The form has expired or did not come from this site. "
                "Go back, reload the page and try again."
            ),
        )


def _here() -> str:
    """Return the path (and query, if any) of this request, to come back to."""
    return request.full_path if request.query_string else request.path


def login_required(view):
    """Send anonymous visitors to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            if request.method != "GET":
                abort(401)
            return redirect(url_for("auth.signin", next=_here()))
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: str):
    """Let only users with one of ROLES through: others get 403, anonymous 401/302."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                if request.method != "GET":
                    abort(401)
                return redirect(url_for("auth.signin", next=_here()))
            if g.user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


reviewer_required = role_required("reviewer", "admin")
admin_required = role_required("admin")


def bearer_user() -> dict | None:
    """Return the user whose API token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return accounts.user_for_token(get_db(), token.strip())


def init_app(app) -> None:
    """Load the user and check CSRF before every request; expose helpers."""
    if app.config.get("PROXY_FIX"):
        # Behind one reverse proxy: take the client address from
        # X-Forwarded-For, so that rate limits count clients, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.before_request(load_user)
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.context_processor
    def auth_context() -> dict:
        return {"current_user": g.get("user")}
