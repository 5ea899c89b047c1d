"""Sessions, CSRF protection and role checks for pages; bearer tokens for the API.

The signed session cookie holds the user id, a fingerprint of the password
hash (changing the password ends every session) and a random session id whose
row in SQLite is deleted on sign-out (a copied cookie then signs nobody in).
CSRF is Flask-WTF's CSRFProtect: each form carries `csrf_token()`, checked
before any view runs; the bearer-token API takes no cookie and is exempt.
"""

from __future__ import annotations

import functools
import hmac
import time

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import BadRequest

from . import accounts
from .db import get_db

CSRF_FIELD = "csrf_token"
csrf = CSRFProtect()
# How long a sign-in lasts (GLOSSARY_SIGNIN_LIFETIME, seconds); the cookie itself
# lives longer because it also remembers the interface language.
SIGNIN_LIFETIME = 14 * 24 * 60 * 60


def csrf_token() -> str:
    """Return this session's CSRF token for a form (Flask-WTF's, signed)."""
    return generate_csrf()


def _lifetime() -> float:
    return float(current_app.config.get("SIGNIN_LIFETIME", SIGNIN_LIFETIME))


def sign_in(user: dict) -> None:
    """Start a fresh session for USER (keeping only the interface language)."""
    old = session.get("sid")
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    db = get_db()
    if old:
        accounts.end_session(db, old)
    session["uid"] = user["id"]
    session["check"] = user["session_check"]
    session["since"] = int(time.time())
    session["sid"] = accounts.start_session(db, user["id"], _lifetime())
    session.permanent = True


def sign_out() -> None:
    """End the session on the server and in the cookie (keeping the language)."""
    sid = session.get("sid")
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    if sid:
        accounts.end_session(get_db(), sid)


def load_user() -> None:
    """Put the signed-in, active user (or None) on g.user for this request."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    if time.time() - session.get("since", 0) > _lifetime():
        sign_out()
        return
    db = get_db()
    user = accounts.get_user(db, uid)
    if (
        user
        and user["active"]
        and hmac.compare_digest(user["session_check"], session.get("check", ""))
        and accounts.session_user_id(db, session.get("sid", "")) == uid
    ):
        g.user = user
    else:
        sign_out()


def csrf_failed(error: CSRFError) -> BadRequest:
    """Return the 400 for a form whose CSRF token is missing or wrong, said clearly."""
    return BadRequest(
        _(
            "The form has expired or did not come from this site. "
            "Go back, reload the page and try again."
        )
    )


def _here() -> str:
    """Return the path (and query, if any) of this request, to come back to."""
    return request.full_path if request.query_string else request.path


def _to_sign_in():
    """Answer an anonymous visitor: 401 for a form or API call, else go sign in."""
    if request.method != "GET":
        abort(401)
    return redirect(url_for("auth.signin", next=_here()))


def login_required(view):
    """Send anonymous visitors to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            return _to_sign_in()
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: str):
    """Let only users with one of ROLES through: others get 403, anonymous 401/302."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                return _to_sign_in()
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
    # A token lives as long as the session (forms left open for hours work);
    # it is bound to the session, which sign-in renews.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_FIELD_NAME", CSRF_FIELD)
    csrf.init_app(app)
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.context_processor
    def auth_context() -> dict:
        return {"current_user": g.get("user")}
