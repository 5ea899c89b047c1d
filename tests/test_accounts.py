"""Accounts: sign-up, sign-in, sessions, rate limits, roles, tokens and the CLI."""

from __future__ import annotations

import re
import threading

import pytest

from glossary import accounts
from glossary.views.auth import SIGNIN_PER_USER, SIGNIN_PER_USER_ANYWHERE
from tests.review_support import (
    PASSWORD,
    add_user,
    csrf_from,
    make_app,
    open_db,
    post_form,
    sign_in,
)

# `db` (an empty in-memory term base) and `app` (a seeded one) come from
# conftest.py; this module adds one app shared by its read-mostly tests.


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("accounts"))


# --- data layer ---------------------------------------------------------------


def test_passwords_are_hashed_with_scrypt(db):
    user = accounts.create_user(db, "Aigerim", PASSWORD)
    row = db["users"].get(user["id"])
    assert row["password_hash"].startswith("scrypt:")
    assert PASSWORD not in row["password_hash"]
    assert "password_hash" not in user
    assert accounts.authenticate(db, "aigerim", PASSWORD)["username"] == "Aigerim"
    assert accounts.authenticate(db, "Aigerim", PASSWORD + "x") is None


def test_unknown_user_costs_a_hash_check_too(db, monkeypatch):
    accounts.create_user(db, "known", PASSWORD)
    checked = []
    real = accounts.check_password_hash

    def spy(hashed, password):
        checked.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    assert accounts.authenticate(db, "nobody", PASSWORD) is None
    assert accounts.authenticate(db, "known", "wrong password!") is None
    assert len(checked) == 2 and all(h.startswith("scrypt:") for h in checked)


@pytest.mark.parametrize(
    "name, password, problem",
    [
        ("ab", PASSWORD, "3 to 40"),
        ("a" * 41, PASSWORD, "3 to 40"),
        ("bad name", PASSWORD, "3 to 40"),
        ("<script>", PASSWORD, "3 to 40"),
        ("admin'--", PASSWORD, "3 to 40"),
        ("аdmin", PASSWORD, "mix Latin and Cyrillic"),  # Cyrillic а
        ("good", "short", "at least 10"),
        ("good", "x" * 201, "at most 200"),
        ("goodname12", "goodname12", "must not be the username"),
    ],
)
def test_bad_accounts_are_refused(db, name, password, problem):
    with pytest.raises(accounts.AccountError, match=problem):
        accounts.create_user(db, name, password)


def test_usernames_are_unique_ignoring_case(db):
    accounts.create_user(db, "Dana", PASSWORD)
    with pytest.raises(accounts.AccountError, match="taken"):
        accounts.create_user(db, "dANA", PASSWORD)


def test_cyrillic_username_is_fine(db):
    user = accounts.create_user(db, "Айгерим", PASSWORD)
    assert accounts.find_user(db, "айгерим")["id"] == user["id"]


def test_tokens_are_stored_as_hashes(db):
    user = accounts.create_user(db, "tok", PASSWORD)
    token = accounts.create_token(db, user["id"])
    assert token not in str(list(db["api_tokens"].rows))
    assert accounts.user_for_token(db, token)["username"] == "tok"
    assert accounts.user_for_token(db, token + "x") is None
    accounts.update_user(db, user["id"], active=False)
    assert accounts.user_for_token(db, token) is None


def test_the_last_admin_stays(db):
    admin = accounts.create_user(db, "root", PASSWORD, role="admin")
    with pytest.raises(accounts.AccountError, match="last active admin"):
        accounts.update_user(db, admin["id"], role="translator")
    assert accounts.get_user(db, admin["id"])["role"] == "admin"


# --- pages ----------------------------------------------------------------------


def test_sign_up_then_sign_out(app):
    client = app.test_client()
    token = csrf_from(client, "/signup")
    response = client.post(
        "/signup",
        data={
            "csrf_token": token,
            "username": "newbie",
            "password": PASSWORD,
            "password2": PASSWORD,
            "email": "newbie@example.org",
        },
    )
    assert response.status_code == 302
    assert response.location == "/my/proposals"
    page = client.get("/my/proposals").get_data(as_text=True)
    assert "Welcome, newbie" in page
    assert "Sign out newbie" in page
    db = open_db(app)
    assert accounts.find_user(db, "newbie")["role"] == "translator"
    db.close()
    post_form(client, "/signout", {})
    assert client.get("/my/proposals").status_code == 302


def test_sign_up_errors_are_shown(app):
    client = app.test_client()
    add_user(app, "taken")
    for data, message in (
        (
            {"username": "taken", "password": PASSWORD, "password2": PASSWORD},
            "That username is taken.",
        ),
        (
            {"username": "fresh", "password": PASSWORD, "password2": "other one!!"},
            "The two passwords differ.",
        ),
        (
            {"username": "fresh", "password": "short", "password2": "short"},
            "at least 10 characters",
        ),
    ):
        response = post_form(client, "/signup", data, "/signup")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(app):
    add_user(app, "cookie")
    client = app.test_client()
    response = sign_in(client, "cookie")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_when_configured(tmp_path):
    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    add_user(app, "secure")
    response = sign_in(app.test_client(), "secure")
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_and_unknown_user_look_the_same(shared_app):
    add_user(shared_app, "same")
    answers = []
    for name, password in (("same", "wrong password"), ("nosuchuser", PASSWORD)):
        response = sign_in(shared_app.test_client(), name, password)
        answers.append((response.status_code, response.get_data(as_text=True)))
    assert answers[0][0] == answers[1][0] == 401
    assert "Wrong username or password." in answers[0][1]
    # The pages differ only in the CSRF token.
    strip = [
        a[1].split('name="csrf_token"')[0] + a[1].split('name="next"')[1]
        for a in answers
    ]
    assert strip[0] == strip[1]


@pytest.mark.slow
def test_sign_in_is_rate_limited_per_username_across_workers(tmp_path):
    app = make_app(tmp_path)
    add_user(app, "victim")
    other_worker = make_app(tmp_path)  # same SQLite file, another app
    for i in range(5):
        client = (app if i % 2 else other_worker).test_client()
        assert sign_in(client, "victim", f"guess number {i}").status_code == 401
    response = sign_in(app.test_client(), "victim")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    # The unknown-user path is limited the same way.
    for i in range(5):
        sign_in(app.test_client(), "ghost", f"guess {i}")
    assert sign_in(app.test_client(), "ghost").status_code == 429


@pytest.mark.slow
def test_one_address_cannot_lock_a_user_out_everywhere(tmp_path):
    app = make_app(tmp_path)
    add_user(app, "reviewer1")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for i in range(SIGNIN_PER_USER):
        client = app.test_client()
        client.environ_base.update(attacker)
        assert sign_in(client, "reviewer1", f"guess {i}").status_code == 401
    client = app.test_client()
    client.environ_base.update(attacker)
    assert sign_in(client, "reviewer1").status_code == 429
    # The real user, from another address, still signs in.
    assert sign_in(app.test_client(), "reviewer1").status_code == 302


@pytest.mark.slow
def test_a_username_is_limited_across_addresses_too(tmp_path):
    app = make_app(tmp_path)
    add_user(app, "target")
    for i in range(SIGNIN_PER_USER_ANYWHERE):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{i}"
        sign_in(client, "target", f"guess {i}")
    assert sign_in(app.test_client(), "target").status_code == 429


@pytest.mark.slow
def test_sign_in_is_rate_limited_per_address(tmp_path):
    app = make_app(tmp_path)
    add_user(app, "real")
    for i in range(30):
        sign_in(app.test_client(), f"user{i}", "nope nope nope")
    assert sign_in(app.test_client(), "real").status_code == 429


def test_forms_need_the_csrf_token(shared_app):
    add_user(shared_app, "csrf")
    client = shared_app.test_client()
    response = client.post("/signin", data={"username": "csrf", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    sign_in(client, "csrf")
    for path, data in (
        ("/signout", {}),
        ("/propose", {"terms_en": "x", "source": "y"}),
        ("/concepts/1/notes", {"text": "hi"}),
        ("/request", {"text": "a", "lang": "en"}),
    ):
        assert client.post(path, data=data).status_code == 400, path
        wrong = {**data, "csrf_token": "forged"}
        assert client.post(path, data=wrong).status_code == 400, path


def test_changing_the_password_ends_sessions(shared_app):
    user = add_user(shared_app, "rotate")
    client = shared_app.test_client()
    sign_in(client, "rotate")
    assert client.get("/my/proposals").status_code == 200
    db = open_db(shared_app)
    accounts.set_password(db, user["id"], "a brand new password")
    db.close()
    assert client.get("/my/proposals").status_code == 302


def test_disabled_account_is_signed_out(shared_app):
    user = add_user(shared_app, "disabled")
    client = shared_app.test_client()
    sign_in(client, "disabled")
    db = open_db(shared_app)
    accounts.update_user(db, user["id"], active=False)
    db.close()
    assert client.get("/my/proposals").status_code == 302
    assert sign_in(shared_app.test_client(), "disabled").status_code == 401


def test_next_cannot_leave_the_site(shared_app):
    add_user(shared_app, "nexty")
    client = shared_app.test_client()
    token = csrf_from(client, "/signin")
    for target, expected in (
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        # Browsers drop these from URLs: "/\t/evil.example" is "//evil.example".
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("/\r/evil.example/", "/"),
        ("/\x0b/evil.example/", "/"),
        ("/ /evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("/review", "/review"),
    ):
        response = client.post(
            "/signin",
            data={
                "csrf_token": token,
                "username": "nexty",
                "password": PASSWORD,
                "next": target,
            },
        )
        assert response.location == expected
        token = csrf_from(client, "/request")


def test_admin_manages_users(shared_app):
    add_user(shared_app, "boss", role="admin")
    client = shared_app.test_client()
    sign_in(client, "boss")
    response = post_form(
        client,
        "/admin/users",
        {"username": "newreviewer", "password": PASSWORD, "role": "reviewer"},
    )
    assert response.status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Account newreviewer created." in page
    db = open_db(shared_app)
    user = accounts.find_user(db, "newreviewer")
    assert user["role"] == "reviewer"
    db.close()
    post_form(client, f"/admin/users/{user['id']}", {"role": "translator"})
    db = open_db(shared_app)
    assert accounts.find_user(db, "newreviewer")["role"] == "translator"
    db.close()
    assert (
        post_form(client, "/admin/users/999999", {"role": "admin"}).status_code == 404
    )


# --- command line -----------------------------------------------------------------


def test_create_user_with_password_option(shared_app):
    runner = shared_app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "clireviewer",
            "--role",
            "reviewer",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created reviewer clireviewer" in result.output
    db = open_db(shared_app)
    assert accounts.authenticate(db, "clireviewer", PASSWORD)["role"] == "reviewer"
    db.close()


def test_create_user_reads_the_password_from_stdin(shared_app):
    runner = shared_app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "cliadmin", "--role", "admin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    db = open_db(shared_app)
    assert accounts.authenticate(db, "cliadmin", PASSWORD)["role"] == "admin"
    db.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (["create-user", "x1x", "--password", "short"], "at least 10"),
        (["create-user", "x2x", "--role", "king", "--password", PASSWORD], "king"),
        (["create-token", "nobody-here"], "no active user"),
    ],
)
def test_cli_refuses_bad_input(shared_app, args, message):
    result = shared_app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_create_token_prints_a_working_token(shared_app):
    runner = shared_app.test_cli_runner()
    runner.invoke(args=["create-user", "tokenuser", "--password", PASSWORD])
    result = runner.invoke(args=["create-token", "TokenUser"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()  # the database line goes to stderr
    client = shared_app.test_client()
    response = client.get(
        "/api/v1/proposals", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "proposals": []}


def test_revoke_tokens(shared_app):
    runner = shared_app.test_cli_runner()
    runner.invoke(args=["create-user", "revoker", "--password", PASSWORD])
    token = runner.invoke(args=["create-token", "revoker"]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    client = shared_app.test_client()
    assert client.get("/api/v1/proposals", headers=headers).status_code == 200
    result = runner.invoke(args=["revoke-tokens", "revoker"])
    assert result.exit_code == 0 and "Revoked 1 token(s) of revoker." in result.output
    assert client.get("/api/v1/proposals", headers=headers).status_code == 401


def test_sign_in_expires(tmp_path):
    app = make_app(tmp_path, SIGNIN_LIFETIME=0)
    add_user(app, "brief")
    client = app.test_client()
    assert sign_in(client, "brief").status_code == 302
    assert client.get("/my/proposals").status_code == 302


def test_email_with_control_characters_is_refused(db):
    with pytest.raises(accounts.AccountError, match="e-mail"):
        accounts.create_user(db, "mailer", PASSWORD, email="a\x00b@example.org")


def test_account_page_password_and_tokens(app):
    add_user(app, "selfserve")
    client = app.test_client()
    sign_in(client, "selfserve")
    other = app.test_client()
    sign_in(other, "selfserve")
    response = post_form(
        client,
        "/account/password",
        {
            "current": "wrong wrong",
            "password": "new password 1",
            "password2": "new password 1",
        },
    )
    assert "The current password is wrong." in client.get("/account").get_data(
        as_text=True
    )
    post_form(
        client,
        "/account/password",
        {
            "current": PASSWORD,
            "password": "new password 1",
            "password2": "new password 1",
        },
    )
    page = client.get("/account").get_data(as_text=True)
    assert "Your password was changed." in page
    assert other.get("/account").status_code == 302  # the other session ended
    assert sign_in(app.test_client(), "selfserve", "new password 1").status_code == 302

    response = post_form(client, "/account/tokens", {})
    page = response.get_data(as_text=True)
    token = re.search(r'<code class="token">([^<]+)</code>', page).group(1)
    assert "You have 1 token." in page
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/proposals", headers=headers).status_code == 200
    post_form(client, "/account/tokens/revoke", {})
    assert "1 token revoked." in client.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/proposals", headers=headers).status_code == 401


def test_admin_sets_a_password(app):
    user = add_user(app, "forgetful")
    add_user(app, "boss", role="admin")
    client = app.test_client()
    sign_in(client, "boss")
    post_form(client, f"/admin/users/{user['id']}", {"password": "reset password 1"})
    assert (
        sign_in(app.test_client(), "forgetful", "reset password 1").status_code == 302
    )
    post_form(client, f"/admin/users/{user['id']}", {"password": "short"})
    assert "at least 10 characters" in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.slow
def test_rate_limits_count_the_forwarded_client_behind_a_proxy(tmp_path):
    app = make_app(tmp_path, PROXY_FIX=True)
    add_user(app, "proxied")
    for i in range(30):
        client = app.test_client()
        token = csrf_from(client, "/signin")
        client.post(
            "/signin",
            data={"csrf_token": token, "username": f"u{i}", "password": "nope nope"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    blocked = app.test_client()
    token = csrf_from(blocked, "/signin")
    response = blocked.post(
        "/signin",
        data={"csrf_token": token, "username": "proxied", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert response.status_code == 429
    # Another client behind the same proxy is not blocked.
    assert sign_in(app.test_client(), "proxied").status_code == 302


def test_parallel_guesses_cannot_slip_past_the_limit(tmp_path):
    app = make_app(tmp_path)
    add_user(app, "target2")
    statuses: list[int] = []

    def guess(i: int) -> None:
        client = app.test_client()
        statuses.append(sign_in(client, "target2", f"guess {i}").status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(401) == SIGNIN_PER_USER
    assert statuses.count(429) == 20 - SIGNIN_PER_USER


@pytest.mark.slow
def test_successful_sign_ins_are_not_counted_against_the_address(tmp_path):
    app = make_app(tmp_path)
    add_user(app, "regular")
    for _ in range(SIGNIN_PER_USER + 2):
        assert sign_in(app.test_client(), "regular").status_code == 302


@pytest.mark.parametrize("name", ["ａｄｍｉｎ", "αdmin", "admin\u2126"])
def test_look_alike_usernames_are_refused(name):
    problem = accounts.check_username(name)
    assert problem.code == "username_script"
    assert str(problem) == "a username uses Latin or Cyrillic letters only"
    assert accounts.check_username("Айгерим") is None
