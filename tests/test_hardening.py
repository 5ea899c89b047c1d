"""Hardening: bounded ids, no 500 from bad input, busy and full databases,
server-side sign-out, CSRF through Flask-WTF, approval reasons, look-alike text."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from glossary import cli as glossary_cli
from glossary import db as glossary_db
from glossary.model import (
    MAX_ID,
    clean_line,
    json_problem,
    normalise_concept,
    parse_id,
    validate_concept,
)
from tests.review_support import (
    NEW_CONCEPT,
    PASSWORD,
    add_token,
    add_user,
    csrf_from,
    open_db,
    post_form,
    sign_in,
)

HUGE = "99999999999999999999"


def api(client, method, path, body=None, token=None, raw=None, headers=None):
    """Call the API through the test client; return (status, JSON, headers)."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = raw
    if body is not None:
        data = json.dumps(body)
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    response = client.open(path, method=method, data=data, headers=sent)
    return response.status_code, response.get_json(silent=True), response.headers


@pytest.fixture
def tokens(app):
    translator = add_user(app, "tamara")
    reviewer = add_user(app, "rustem", role="reviewer")
    return {
        "translator": add_token(app, translator),
        "reviewer": add_token(app, reviewer),
    }


# --- ids ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", 1, str(MAX_ID), MAX_ID])
def test_parse_id_takes_ids_in_range(raw):
    assert parse_id(raw) == int(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "0",
        0,
        -1,
        "-1",
        str(MAX_ID + 1),
        MAX_ID + 1,
        2**63 - 1,
        "9" * 5000,
        "1.5",
        "²",
        True,
        None,
        [1],
        1.0,
        " ",
    ],
)
def test_parse_id_refuses_everything_else(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize(
    "path",
    [
        f"/concepts/{HUGE}",
        f"/concepts/{HUGE}/history",
        f"/concepts/{HUGE}/propose",
        f"/proposals/{HUGE}",
        f"/concepts/{2**63}",
        "/concepts/0",
        "/concepts/" + "9" * 5000,
    ],
    ids=lambda p: p[:40],
)
def test_huge_ids_in_page_urls_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/v1/concepts/{HUGE}"),
        ("GET", f"/api/v1/concepts/{HUGE}/history"),
        ("GET", f"/api/v1/proposals/{HUGE}"),
        ("POST", f"/api/v1/proposals/{HUGE}/approve"),
        ("POST", f"/api/v1/proposals/{HUGE}/reject"),
        ("GET", f"/api/v1/concepts/{2**63}"),
        ("GET", "/api/v1/concepts/" + "9" * 5000),
    ],
    ids=lambda p: str(p)[:40],
)
def test_huge_ids_in_api_urls_are_404_in_the_error_shape(client, tokens, method, path):
    status, answer, _ = api(client, method, path, token=tokens["reviewer"])
    assert status == 404
    assert answer["ok"] is False and answer["status"] == 404


def test_an_id_past_the_maximum_is_refused_and_numbering_goes_on(app, runner, tmp_path):
    too_big = tmp_path / "big.csv"
    too_big.write_text("id,term_en\n9223372036854775807,overflow\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(too_big)])
    assert result.exit_code == 1
    assert "9223372036854775807" in result.output
    assert "1 to 9007199254740991" in result.output
    assert "Traceback" not in result.output
    # The largest allowed id imports; new concepts still get numbers.
    edge = tmp_path / "edge.csv"
    edge.write_text(f"id,term_en\n{MAX_ID - 1},edge case\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(edge)]).exit_code == 0
    plain = tmp_path / "plain.csv"
    plain.write_text("term_en\nnew after edge\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(plain)]).exit_code == 0
    db = open_db(app)
    try:
        got = db.execute(
            "select concept_id from terms where text = 'new after edge'"
        ).fetchone()[0]
        assert got == MAX_ID
        assert db.execute("select max(concept_id) from history").fetchone()[0] <= MAX_ID
    finally:
        db.close()


def test_related_ids_are_bounded():
    record = normalise_concept(
        {"terms": [{"lang": "en", "text": "x"}], "related": [2**63, "1" * 40]}
    )
    problems = validate_concept(record)
    assert [p.code for p in problems] == ["related_id_out_of_range"] * 2
    assert all("is not a whole number from 1 to" in str(p) for p in problems)


def test_proposal_with_a_huge_concept_id_is_400(client, tokens):
    status, answer, _ = api(
        client,
        "POST",
        "/api/v1/proposals",
        {"kind": "note", "concept_id": 10**30, "text": "hello", "lang": "en"},
        tokens["translator"],
    )
    assert status == 400
    assert "concept_id" in answer["error"]


# --- JSON bodies ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("[" * 200_000 + "]" * 200_000, "nested"),
        ('{"a":' * 100 + "1" + "}" * 100, "nested more than 32"),
        ('{"kind": "note", "text": "a\\ud800b"}', "lone surrogate"),
        ('{"kind": "note", "\\udfff": 1}', "lone surrogate"),
        ('{"kind": ', "not valid JSON"),
        ("\xff\xfe{}", "not valid JSON"),
        ('{"concept_id": ' + "9" * 5000 + "}", "not valid JSON"),
        ("[1, 2]", "JSON object"),
    ],
    ids=lambda p: repr(p)[:30],
)
def test_bad_json_bodies_are_400(client, tokens, raw, reason):
    status, answer, _ = api(
        client, "POST", "/api/v1/proposals", raw=raw, token=tokens["translator"]
    )
    assert status == 400, answer
    assert reason in answer["error"]


@pytest.mark.parametrize(
    "body",
    [
        {
            "kind": "new_term",
            "concept_id": 1,
            "lang": "en",
            "text": "x",
            "status": ["x"],
            "source": "s",
        },
        {
            "kind": "new_term",
            "concept_id": 1,
            "lang": ["en"],
            "text": "x",
            "source": "s",
        },
        {"kind": ["note"], "concept_id": 1, "text": "x"},
        {
            "kind": "new_concept",
            "domain": {"a": 1},
            "terms": {"en": ["x"]},
            "source": "s",
        },
        {
            "kind": "new_concept",
            "terms": {"en": [{"text": "x", "status": [1]}]},
            "source": "s",
        },
        {"kind": "change", "concept_id": 1, "term": ["en:x"], "text": "y"},
        {"kind": "note", "concept_id": 1, "text": {"x": 1}, "lang": "en"},
        {"kind": "new_concept", "terms": {"en": ["x"]}, "source": 5},
        {
            "kind": "new_concept",
            "terms": {"en": ["x"]},
            "source": "s",
            "definition": {"en": ["x"]},
        },
        {
            "kind": "new_term",
            "concept_id": True,
            "lang": "en",
            "text": "x",
            "source": "s",
        },
    ],
)
def test_wrong_types_in_proposals_are_400(client, tokens, body):
    status, answer, _ = api(
        client, "POST", "/api/v1/proposals", body, tokens["translator"]
    )
    assert status == 400, answer
    assert answer["ok"] is False


# --- busy and full databases --------------------------------------------------


def test_a_write_that_meets_a_busy_database_is_503_with_retry_after(app, tokens):
    app.config["BUSY_TIMEOUT_MS"] = 200
    holder = sqlite3.connect(app.config["DATABASE"])
    holder.execute("begin immediate")  # a long import holds the write lock
    try:
        client = app.test_client()
        status, answer, headers = api(
            client, "POST", "/api/v1/proposals", NEW_CONCEPT, tokens["translator"]
        )
        assert status == 503
        assert headers["Retry-After"] == "10"
        assert answer["ok"] is False and "busy" in answer["error"]
        # Pages alike: a sign-in (a write) is told to retry.
        token = csrf_from(client, "/signin")
        response = client.post(
            "/signin",
            data={"csrf_token": token, "username": "tamara", "password": PASSWORD},
        )
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "10"
        assert "try again" in response.get_data(as_text=True)
    finally:
        holder.rollback()
        holder.close()
    # Nothing was half-written: the proposal goes in once the lock is free.
    status, _, _ = api(
        app.test_client(),
        "POST",
        "/api/v1/proposals",
        NEW_CONCEPT,
        tokens["translator"],
    )
    assert status == 201


@pytest.fixture
def full_disk(monkeypatch):
    """Make every new connection's file unable to grow: SQLite says SQLITE_FULL."""
    real = glossary_db.connect

    def cramped(path, *args, **kwargs):
        db = real(path, *args, **kwargs)
        pages = db.execute("pragma page_count").fetchone()[0]
        db.execute(f"pragma max_page_count = {pages}")
        return db

    monkeypatch.setattr(glossary_db, "connect", cramped)
    monkeypatch.setattr(glossary_cli, "connect", cramped)


def test_a_full_disk_is_507_with_a_reason(app, tokens, full_disk):
    body = {**NEW_CONCEPT, "note": "x" * 4000, "definition": {"en": "y" * 4000}}
    statuses = set()
    for _ in range(30):  # fill the last free pages, then meet the limit
        status, answer, _h = api(
            app.test_client(), "POST", "/api/v1/proposals", body, tokens["translator"]
        )
        statuses.add(status)
        if status != 201:
            break
    assert status == 507, answer
    assert "no space left" in answer["error"]
    assert statuses <= {201, 507}


def test_a_full_disk_is_one_line_in_the_cli(app, runner, tmp_path, full_disk):
    big = tmp_path / "big.csv"
    rows = [f"term {i:05d} {'x' * 200}" for i in range(3000)]
    big.write_text("term_en\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(big)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: no space left to write (database or disk is full)")
    assert "nothing was written" in last


def test_export_to_a_full_device_is_one_line(app):
    # Standard output on a full device (/dev/full answers every write ENOSPC).
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "glossary", "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**os.environ, "GLOSSARY_DATABASE": app.config["DATABASE"]},
            timeout=120,
            text=True,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: cannot write the export: No space left on device"
    ]


# --- sessions and CSRF ------------------------------------------------------------


def test_a_cookie_copied_before_sign_out_no_longer_works(app):
    add_user(app, "copier")
    client = app.test_client()
    assert sign_in(client, "copier").status_code == 302
    cookie = client.get_cookie("session").value
    assert client.get("/account").status_code == 200
    post_form(client, "/signout", {}, token_page="/account")
    stolen = app.test_client()
    stolen.set_cookie("session", cookie)
    response = stolen.get("/account")
    assert response.status_code == 302
    assert "/signin" in response.headers["Location"]


def test_each_sign_in_is_its_own_session(app):
    add_user(app, "twice")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "twice")
    sign_in(second, "twice")
    post_form(first, "/signout", {}, token_page="/account")
    assert first.get("/account").status_code == 302
    assert second.get("/account").status_code == 200


def test_csrf_is_flask_wtf(app):
    from glossary.auth import csrf

    assert "csrf" in app.extensions
    assert app.extensions["csrf"] is csrf
    client = app.test_client()
    response = client.post("/request", data={"text": "x", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "expired or did not come from this site" in response.get_data(as_text=True)


def test_the_api_needs_no_csrf_token(client, tokens):
    status, _answer, _ = api(
        client, "POST", "/api/v1/proposals", NEW_CONCEPT, tokens["translator"]
    )
    assert status == 201


# --- approval reasons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("x" * 900_000, "characters long"),
        ("ok\x1b[31m", "control characters"),
        ("ok\u202eok", "control characters"),
        ("ok\u2060ok", "format character"),
        ("ok\ud800", "lone surrogate"),
        (["a list"], "must be text"),
    ],
    ids=lambda p: repr(p)[:30],
)
def test_approve_reason_is_validated_like_reject(client, tokens, reason, problem):
    status, answer, _ = api(
        client, "POST", "/api/v1/proposals", NEW_CONCEPT, tokens["translator"]
    )
    pid = answer["proposal"]["id"]
    status, answer, _ = api(
        client,
        "POST",
        f"/api/v1/proposals/{pid}/approve",
        raw=json.dumps({"reason": reason}),
        token=tokens["reviewer"],
    )
    assert status == 400, answer
    assert problem in answer["error"]
    status, answer, _ = api(
        client, "GET", f"/api/v1/proposals/{pid}", token=tokens["reviewer"]
    )
    assert answer["proposal"]["status"] == "pending"


# --- invisible and look-alike characters ------------------------------------------


def concept_with(lang: str, text: str) -> list[str]:
    problems = validate_concept(
        normalise_concept({"terms": [{"lang": lang, "text": text, "source": "s"}]})
    )
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("lang", "text", "problem"),
    [
        ("en", "muse\u2060um", "U+2060"),
        ("en", "muse\ufeffum", "U+FEFF"),
        ("en", "muse\u00adum", "U+00AD"),
        ("en", "muse\u200dum", "control characters"),
        ("en", "m\u03bfdel", "mixes letters of different scripts (Greek, Latin)"),
        ("ru", "м\u03bfдель", "different scripts (Cyrillic, Greek)"),
        ("en", "\u03bf\u03bf", "Greek letters that look like Latin"),
        ("en", "e" + "\u0301" * 200, "combining marks"),
        ("kk", "қ" + "\u0300\u0301\u0302\u0303", "combining marks"),
        ("en", "\U000e0041bc", "U+E0041"),
    ],
    ids=lambda p: repr(p)[:30],
)
def test_invisible_and_look_alike_terms_are_refused(lang, text, problem):
    problems = concept_with(lang, text)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "café"),
        ("en", "naïve"),
        ("ru", "ёлка"),
        ("kk", "қазақ тілі"),
        ("ru", "IT-парк"),
        ("en", "e\u0301"),  # NFC composes it
        ("kk", "креативті индустриялар"),
    ],
)
def test_ordinary_terms_pass(lang, text):
    assert concept_with(lang, text) == []


def test_fullwidth_is_folded_to_ordinary_width():
    assert clean_line("ｍｕｓｅｕｍ") == "museum"
    assert clean_line("ＩＴ　парк") == "IT парк"
    assert concept_with("en", "ｍｕｓｅｕｍ") == []


def test_json_problem_is_iterative():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert json_problem(deep).code == "json_too_deep"
    assert json_problem({"a": [1, {"b": "c"}]}) is None
