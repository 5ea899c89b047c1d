"""Accounts: sign up, sign in, sign out; the admin's page of users and roles."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import accounts, ratelimit
from ..auth import admin_required, login_required, sign_in, sign_out
from ..db import get_db
from .messages import page_messages

bp = Blueprint("auth", __name__)

# Sign-in failures allowed per username and per address in the window.
SIGNIN_WINDOW = 15 * 60
# Failed sign-ins allowed per window: for one username from one address, from
# one address in all, and for one username from everywhere. The last is above
# what one address may try, so nobody can lock a reviewer out on their own.
SIGNIN_PER_USER = 5
SIGNIN_PER_IP = 30
SIGNIN_PER_USER_ANYWHERE = 50
SIGNUP_WINDOW = 60 * 60
SIGNUP_PER_IP = 10

ROLE_LABELS = {
    "translator": _l("translator"),
    "reviewer": _l("reviewer"),
    "admin": _l("admin"),
}


def client_ip() -> str:
    """Return the client's address (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str:
    """Return TARGET if it is a path on this site, else the home page."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        # Browsers drop tabs and newlines from URLs ("/\t/evil.com" is
        # "//evil.com") and read a backslash as a slash: none may pass.
        and not any(c <= " " or c in "\\\x7f" for c in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("pages.home")


def init_app(app) -> None:
    """Expose the role labels to templates."""

    @app.context_processor
    def role_labels() -> dict:
        return {"ROLE_LABELS": ROLE_LABELS}


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Let a translator create an account."""
    if g.user:
        return redirect(url_for("review.my_proposals"))
    form = request.form
    error = None
    status = 200
    if request.method == "POST":
        db = get_db()
        if form.get("password", "") != form.get("password2", ""):
            error = _("The two passwords differ.")
        elif not ratelimit.allow(
            db, f"signup:{client_ip()}", SIGNUP_PER_IP, SIGNUP_WINDOW
        ):
            error = _("Too many new accounts from this address. Try again later.")
            status = 429
        else:
            try:
                user = accounts.create_user(
                    db,
                    form.get("username", ""),
                    form.get("password", ""),
                    email=form.get("email", ""),
                )
            except accounts.AccountError as exc:
                error = " ".join(page_messages(exc.problems))
            else:
                sign_in(user)
                flash(
                    _(
                        "Welcome, %(name)s. You can now propose terms.",
                        name=user["username"],
                    )
                )
                if form.get("next"):
                    return redirect(safe_next(form.get("next")))
                return redirect(url_for("review.my_proposals"))
        status = status if status != 200 else 400
    return (
        render_template(
            "auth/signup.html", error=error, next=request.values.get("next", "")
        ),
        status,
    )


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Sign in with username and password (failures are rate-limited)."""
    error = None
    status = 200
    if request.method == "POST":
        db = get_db()
        username = request.form.get("username", "")[:100]
        password = request.form.get("password", "")[: accounts.MAX_PASSWORD + 1]
        name_key = accounts.username_key(username.strip())
        user_key = f"signin:user:{name_key}:{client_ip()}"
        anywhere_key = f"signin:user:{name_key}"
        ip_key = f"signin:ip:{client_ip()}"
        # The attempt is counted before the password is checked, so parallel
        # guesses cannot slip past the limit; a success is uncounted below.
        attempt = ratelimit.take(
            db,
            [
                (user_key, SIGNIN_PER_USER),
                (ip_key, SIGNIN_PER_IP),
                (anywhere_key, SIGNIN_PER_USER_ANYWHERE),
            ],
            SIGNIN_WINDOW,
        )
        if attempt is None:
            error = _(
                "Too many failed sign-in attempts. Wait %(minutes)d minutes and "
                "try again.",
                minutes=SIGNIN_WINDOW // 60,
            )
            status = 429
        else:
            user = accounts.authenticate(db, username, password)
            if user is None:
                # One message whether the username exists or not.
                error = _("Wrong username or password.")
                status = 401
            else:
                ratelimit.forget(db, attempt)
                ratelimit.clear(db, user_key)
                sign_in(user)
                return redirect(safe_next(request.form.get("next")))
    return (
        render_template(
            "auth/signin.html", error=error, next=request.values.get("next", "")
        ),
        status,
    )


@bp.post("/signout")
def signout():
    """End the session."""
    sign_out()
    return redirect(url_for("pages.home"))


@bp.get("/account")
@login_required
def account():
    """Show the signed-in user's account: password change and API tokens."""
    return render_template(
        "auth/account.html", tokens=accounts.count_tokens(get_db(), g.user["id"])
    )


@bp.post("/account/password")
@login_required
def change_password():
    """Change one's own password (the current one is asked again)."""
    db = get_db()
    form = request.form
    if accounts.authenticate(db, g.user["username"], form.get("current", "")) is None:
        flash(_("The current password is wrong."), "error")
    elif form.get("password", "") != form.get("password2", ""):
        flash(_("The two passwords differ."), "error")
    else:
        try:
            accounts.set_password(db, g.user["id"], form.get("password", ""))
        except accounts.AccountError as exc:
            flash(" ".join(page_messages(exc.problems)), "error")
        else:
            # The new password ends other sessions; keep this one going.
            sign_in(accounts.get_user(db, g.user["id"]))
            flash(_("Your password was changed."))
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@login_required
def create_token():
    """Create a personal API token and show it once."""
    token = accounts.create_token(get_db(), g.user["id"])
    return render_template(
        "auth/account.html",
        tokens=accounts.count_tokens(get_db(), g.user["id"]),
        new_token=token,
    )


@bp.post("/account/tokens/revoke")
@login_required
def revoke_tokens():
    """Delete every API token of the signed-in user."""
    n = accounts.revoke_tokens(get_db(), g.user["id"])
    flash(ngettext("%(num)d token revoked.", "%(num)d tokens revoked.", n))
    return redirect(url_for("auth.account"))


@bp.get("/admin/users")
@admin_required
def users():
    """List the accounts with their roles; form to create one."""
    return render_template(
        "auth/users.html", users=accounts.list_users(get_db()), roles=accounts.ROLES
    )


@bp.post("/admin/users")
@admin_required
def create_user():
    """Create an account with a role (reviewers and admins are made here)."""
    form = request.form
    try:
        user = accounts.create_user(
            get_db(),
            form.get("username", ""),
            form.get("password", ""),
            role=form.get("role", "translator"),
            email=form.get("email", ""),
        )
    except accounts.AccountError as exc:
        flash(" ".join(page_messages(exc.problems)), "error")
        return redirect(url_for("auth.users"))
    flash(_("Account %(name)s created.", name=user["username"]))
    return redirect(url_for("auth.users"))


@bp.post("/admin/users/<int:user_id>")
@admin_required
def update_user(user_id: int):
    """Change an account's role or disable it."""
    form = request.form
    role = form.get("role") or None
    active = {"1": True, "0": False}.get(form.get("active", ""))
    if form.get("password"):
        try:
            accounts.set_password(get_db(), user_id, form["password"])
        except accounts.AccountError as exc:
            if exc.has("no_such_user"):
                abort(404)
            flash(" ".join(page_messages(exc.problems)), "error")
            return redirect(url_for("auth.users"))
    try:
        user = accounts.update_user(get_db(), user_id, role=role, active=active)
    except accounts.AccountError as exc:
        if exc.has("no_such_user"):
            abort(404)
        flash(" ".join(page_messages(exc.problems)), "error")
        return redirect(url_for("auth.users"))
    flash(_("Account %(name)s updated.", name=user["username"]))
    return redirect(url_for("auth.users"))
