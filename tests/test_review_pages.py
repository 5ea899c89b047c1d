"""The review workflow in pages: each route's access rules, and the paths users take."""

from __future__ import annotations

import re

import pytest

from glossary import proposals, term_requests
from tests.review_support import (
    NEW_CONCEPT,
    PASSWORD,
    add_token,
    add_user,
    csrf_from,
    make_app,
    open_db,
    post_form,
    sign_in,
)

# Who may use each endpoint. A new route must be added here: the walk below
# fails on any endpoint it does not know.
ACCESS = {
    "static": "public",
    "pages.home": "public",
    "pages.search": "public",
    "pages.concept": "public",
    "pages.domains": "public",
    "pages.domain": "public",
    "pages.browse": "public",
    "pages.about": "public",
    "api.search": "public",
    "api.concept": "public",
    "api.domains": "public",
    "api.openapi": "public",
    "api.suggest": "public",
    "api.concept_history": "public",
    "api.create_proposal": "user",
    "api.list_proposals": "user",
    "api.get_proposal": "user",
    "api.approve_proposal": "reviewer",
    "api.reject_proposal": "reviewer",
    "auth.signup": "public",
    "auth.signin": "public",
    "auth.signout": "public",
    "auth.account": "user",
    "auth.change_password": "user",
    "auth.create_token": "user",
    "auth.revoke_tokens": "user",
    "auth.users": "admin",
    "auth.create_user": "admin",
    "auth.update_user": "admin",
    "review.propose_concept": "user",
    "review.propose_change": "user",
    "review.my_proposals": "user",
    "review.queue": "reviewer",
    "review.proposal": "user",
    "review.approve": "reviewer",
    "review.reject": "reviewer",
    "review.add_note": "user",
    "review.hide_note": "reviewer",
    "review.history": "public",
    "review.revert": "reviewer",
    "review.request_term": "public",
    "review.requests_worklist": "user",
    "review.close_request": "reviewer",
    "exchange.export_page": "public",
    "exchange.download": "public",
    "exchange.export_file": "public",
    "exchange.import_page": "reviewer",
    "quality.board": "reviewer",
    "api.api_quality": "reviewer",
    "exchange.import_confirm": "reviewer",
    "exchange.import_jobs": "reviewer",
    "exchange.import_job": "reviewer",
    "exchange.import_job_json": "reviewer",
    "api.check": "public",
    "api.qa": "public",
    "check.check_form": "public",
    "check.check_text": "public",
    "check.check_translation": "public",
    "check.job_glossary": "public",
}
LEVEL = {"public": 0, "user": 1, "reviewer": 2, "admin": 3}
ROLE_LEVEL = {"anonymous": 0, "translator": 1, "reviewer": 2}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An app with a translator, a reviewer, a pending proposal, a note, a request."""
    app = make_app(tmp_path_factory.mktemp("pages"))
    translator = add_user(app, "tomiris")
    reviewer = add_user(app, "renat", role="reviewer")
    add_user(app, "alma", role="admin")
    db = open_db(app)
    proposal = proposals.submit(db, NEW_CONCEPT, translator)
    proposals.add_note(db, 1, translator, "A first note.")
    request_id = term_requests.create_request(db, "showrunner", "en")["id"]
    note_id = db.execute("select max(id) from notes").fetchone()[0]
    history_id = db.execute("select max(id) from history").fetchone()[0]
    db.close()
    return {
        "app": app,
        "translator": translator,
        "reviewer": reviewer,
        "tokens": {
            "translator": add_token(app, translator),
            "reviewer": add_token(app, reviewer),
        },
        "args": {
            "concept_id": 1,
            "proposal_id": proposal["id"],
            "note_id": note_id,
            "history_id": history_id,
            "request_id": request_id,
            "user_id": translator["id"],
            "key": "design",
            "term_lang": "en",
            "letter": "C",
            "filename": "style.css",
            "ext": "csv",
            "job_id": 1,
        },
    }


def _client(site, role):
    client = site["app"].test_client()
    if role != "anonymous":
        assert sign_in(client, site[role]["username"]).status_code == 302
    return client


def _url(rule, args) -> str:
    return re.sub(
        r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(args[m.group(1)]), rule.rule
    )


def test_every_route_is_classified(site):
    endpoints = {r.endpoint for r in site["app"].url_map.iter_rules()}
    assert endpoints == set(ACCESS), endpoints ^ set(ACCESS)


@pytest.mark.parametrize("role", ["anonymous", "translator", "reviewer"])
def test_walk_every_route(site, role):
    """Each role reaches exactly what it may: the others are refused."""
    client = _client(site, role)
    token = csrf_from(client)
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {site['tokens'][role]}"
    rules = sorted(site["app"].url_map.iter_rules(), key=lambda r: r.rule)
    checked = 0
    for rule in rules:
        url = _url(rule, site["args"])
        allowed = ROLE_LEVEL[role] >= LEVEL[ACCESS[rule.endpoint]]
        api = url.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url, headers=headers if api else {})
            elif api:
                response = client.post(url, json={}, headers=headers)
            else:
                response = client.post(url, data={"csrf_token": token})
            status = response.status_code
            where = f"{role} {method} {url}: {status}"
            to_signin = response.location and "/signin" in response.location
            if (rule.endpoint, method) == ("auth.signin", "POST"):
                # An empty sign-in form is a failed sign-in, for everyone.
                assert status == 401 and "Wrong username" in response.text, where
            elif allowed:
                assert status < 500 and status not in (401, 403), where
                assert not to_signin, where
            elif role == "anonymous" and method == "GET" and not api:
                assert status == 302 and to_signin, where
            elif role == "anonymous":
                assert status == 401, where
            else:
                assert status == 403, where
            checked += 1
            if rule.endpoint == "auth.revoke_tokens" and allowed:
                fresh = add_token(site["app"], site[role])
                headers["Authorization"] = f"Bearer {fresh}"
            if rule.endpoint == "auth.signout":
                client = _client(site, role)
                token = csrf_from(client)
    assert checked >= len(ACCESS)


def test_security_headers_on_workflow_pages(site):
    client = _client(site, "reviewer")
    for path in ("/review", "/propose", "/signin", "/concepts/1/history", "/requests"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<script>" not in response.get_data(as_text=True)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def test_propose_shows_similar_entries_first(app):
    add_user(app, "tina")
    client = app.test_client()
    sign_in(client, "tina")
    form = {"terms_en": "creative industry", "source": "a report", "domain": "general"}
    response = post_form(client, "/propose", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Is it one of these?" in page and 'href="/concepts/1"' in page
    assert 'name="confirm" value="1"' in page
    assert 'value="a report"' in page  # what was typed is kept
    response = post_form(client, "/propose", {**form, "confirm": "1"})
    assert response.status_code == 302
    page = client.get("/my/proposals").get_data(as_text=True)
    assert "was sent for review" in page and "pending" in page


def test_propose_errors_keep_what_was_typed(app):
    add_user(app, "tina")
    client = app.test_client()
    sign_in(client, "tina")
    response = post_form(
        client, "/propose", {"terms_ru": "диzайн", "definition_en": "kept text"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A source is required for every new term." in page
    assert "mixes Latin and Cyrillic letters" in page
    assert "kept text" in page and "диzайн" in page


def test_review_path_approve_reject_and_history(app):
    translator = add_user(app, "tina")
    add_user(app, "rita", role="reviewer")
    tclient, rclient = app.test_client(), app.test_client()
    sign_in(tclient, "tina")
    sign_in(rclient, "rita")
    post_form(
        tclient,
        "/concepts/1/propose",
        {
            "form": "new_term",
            "lang": "ru",
            "text": "творческие отрасли",
            "source": "https://example.org",
        },
        "/concepts/1/propose",
    )
    post_form(
        tclient,
        "/concepts/1/propose",
        {
            "form": "change_term",
            "term": "en:creative industries",
            "status": "deprecated",
            "comment": "outdated",
        },
        "/concepts/1/propose",
    )
    db = open_db(app)
    mine = proposals.list_proposals(db, author_id=translator["id"])
    db.close()
    assert [p["kind"] for p in mine] == ["new_term", "change"]
    first, second = (p["id"] for p in mine)

    queue = rclient.get("/review?in=ru").get_data(as_text=True)
    assert f"Proposal {first}" in queue and f"Proposal {second}" not in queue
    assert f"Proposal {second}" in rclient.get("/review?kind=change").get_data(
        as_text=True
    )
    page = rclient.get(f"/proposals/{first}").get_data(as_text=True)
    assert "<ins>творческие отрасли" in page  # the side-by-side diff

    response = post_form(rclient, f"/proposals/{first}/approve", {})
    assert response.status_code == 302 and response.location == "/concepts/1"
    assert "творческие отрасли" in rclient.get("/concepts/1").get_data(as_text=True)
    found = rclient.get("/search?q=творческие отрасли").get_data(as_text=True)
    assert 'href="/concepts/1"' in found

    response = post_form(rclient, f"/proposals/{second}/reject", {"reason": ""})
    assert response.status_code == 400
    assert "a reason is required" in response.get_data(as_text=True)
    post_form(
        rclient,
        f"/proposals/{second}/reject",
        {"reason": "Still the preferred term in the report."},
    )
    mine = tclient.get("/my/proposals").get_data(as_text=True)
    assert "Still the preferred term in the report." in mine
    assert 'href="/concepts/1"' in mine

    history = tclient.get("/concepts/1/history").get_data(as_text=True)
    assert f'href="/proposals/{first}"' in history
    assert "approved by rita" in history
    assert "Still the preferred term in the report." in history

    # A second decision on the same proposal is refused with a clear message.
    response = post_form(rclient, f"/proposals/{first}/reject", {"reason": "late"})
    assert response.status_code == 409
    assert "Another reviewer decided this proposal first" in response.get_data(
        as_text=True
    )


def test_edit_then_approve_in_the_page(app):
    translator = add_user(app, "tina")
    add_user(app, "rita", role="reviewer")
    db = open_db(app)
    p = proposals.submit(db, NEW_CONCEPT, translator)
    db.close()
    client = app.test_client()
    sign_in(client, "rita")
    form = {
        "edited": "1",
        "terms_en": "mood board\nmoodboard",
        "terms_ru": "мудборд",
        "terms_kk": "",
        "domain": "design",
        "source": NEW_CONCEPT["source"],
        "definition_en": "A collage that sets the look of a project.",
        "note": "",
    }
    response = post_form(client, f"/proposals/{p['id']}/approve", form)
    assert response.status_code == 302
    db = open_db(app)
    decided = proposals.get_proposal(db, p["id"])
    db.close()
    assert decided["submitted"] == NEW_CONCEPT
    assert decided["edited"]
    page = client.get(response.location).get_data(as_text=True)
    assert "moodboard" in page and "A collage that sets the look" in page
    assert "Common in design studios." not in page  # the reviewer removed it


def test_notes_escaped_linked_and_hidden(app):
    add_user(app, "tina")
    add_user(app, "rita", role="reviewer")
    client = app.test_client()
    sign_in(client, "tina")
    text = "See https://example.org/x?a=1&b=2 <script>alert(1)</script>"
    response = post_form(client, "/concepts/1/notes", {"text": text, "lang": "en"})
    assert response.status_code == 302
    page = client.get("/concepts/1").get_data(as_text=True)
    assert (
        '<a href="https://example.org/x?a=1&amp;b=2" rel="nofollow noopener ugc">'
        in page
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "tina" in page
    note_id = int(re.findall(r'id="note-(\d+)"', page)[-1])
    assert "Hide note" not in page  # translators cannot hide

    reviewer = app.test_client()
    sign_in(reviewer, "rita")
    assert "Hide note" in reviewer.get("/concepts/1").get_data(as_text=True)
    response = post_form(reviewer, f"/notes/{note_id}/hide", {"reason": "spam"})
    assert response.status_code == 302
    assert "example.org/x" not in client.get("/concepts/1").get_data(as_text=True)
    assert "example.org/x" not in client.get("/concepts/1/history").get_data(
        as_text=True
    )
    history = reviewer.get("/concepts/1/history").get_data(as_text=True)
    assert "Hidden by rita" in history and "spam" in history


@pytest.mark.parametrize(
    "text, message",
    [
        ("x" * 100_000, "at most 5000"),
        ("bad \x07 bell", "control characters"),
        ("", "The note is empty."),
    ],
)
def test_bad_notes_are_refused(app, text, message):
    add_user(app, "tina")
    client = app.test_client()
    sign_in(client, "tina")
    response = post_form(client, "/concepts/1/notes", {"text": text, "lang": "en"})
    page = client.get(response.location).get_data(as_text=True)
    assert "The note was not added" in page and message in page


def test_request_a_missing_term(app):
    client = app.test_client()
    nothing = client.get("/search?q=qzxwvj").get_data(as_text=True)
    assert 'href="/request?text=qzxwvj"' in nothing
    form = client.get("/request?text=showrunner").get_data(as_text=True)
    assert 'value="showrunner"' in form
    response = post_form(
        client,
        "/request",
        {
            "text": "showrunner",
            "lang": "en",
            "domain": "film",
            "context": "TV series credits",
            "contact": "a@b.kz",
        },
    )
    assert response.status_code == 302
    # A bot fills the honeypot: told "thank you", nothing stored.
    post_form(
        client, "/request", {"text": "viagra", "lang": "en", "website": "http://spam"}
    )
    add_user(app, "tina")
    add_user(app, "rita", role="reviewer")
    translator = app.test_client()
    sign_in(translator, "tina")
    page = translator.get("/requests").get_data(as_text=True)
    assert "showrunner" in page and "TV series credits" in page
    assert "viagra" not in page
    assert "a@b.kz" not in page  # contacts are for reviewers only
    assert "Mark done" not in page
    reviewer = app.test_client()
    sign_in(reviewer, "rita")
    page = reviewer.get("/requests").get_data(as_text=True)
    assert "a@b.kz" in page
    request_id = int(re.search(r"/requests/(\d+)/close", page).group(1))
    post_form(
        reviewer,
        f"/requests/{request_id}/close",
        {"status": "done", "answer": "Added as entry 400"},
    )
    assert "showrunner" not in reviewer.get("/requests").get_data(as_text=True)


def test_requests_are_rate_limited_per_address(app):
    client = app.test_client()
    for i in range(5):
        response = post_form(client, "/request", {"text": f"term {i}", "lang": "en"})
        assert response.status_code == 302
    response = post_form(client, "/request", {"text": "one more", "lang": "en"})
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "", "lang": "en"}, "Say which term is missing."),
        ({"text": "x" * 100_000, "lang": "en"}, "longer than 300"),
        ({"text": "ok", "lang": "de"}, "Choose the language"),
        ({"text": "a\x00b", "lang": "en"}, "control characters"),
    ],
)
def test_bad_requests_are_refused(app, data, message):
    response = post_form(app.test_client(), "/request", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_sign_in_page_links_and_anonymous_concept_page(app):
    page = app.test_client().get("/concepts/1").get_data(as_text=True)
    assert "Add a note" not in page
    assert 'href="/signin"' in page and 'href="/concepts/1/history"' in page


def test_password_is_never_echoed(app):
    add_user(app, "tina")
    response = sign_in(app.test_client(), "tina", "my secret guess")
    assert "my secret guess" not in response.get_data(as_text=True)
    assert PASSWORD  # the fixture password is not shown either
    assert PASSWORD not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "username",
    ["x" * 100_000, "<script>alert(1)</script>", "a'; drop table users; --", "ab\x00c"],
)
def test_hostile_usernames_are_refused_and_escaped(app, username):
    client = app.test_client()
    response = post_form(
        client,
        "/signup",
        {"username": username, "password": PASSWORD, "password2": PASSWORD},
        "/signup",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A username has 3 to 40 letters" in page
    assert "<script>alert(1)" not in page
    response = sign_in(app.test_client(), username)
    assert response.status_code == 401


def test_hostile_proposal_text_is_escaped_for_the_reviewer(app):
    translator = add_user(app, "tina")
    add_user(app, "rita", role="reviewer")
    db = open_db(app)
    p = proposals.submit(
        db,
        {
            "kind": "new_concept",
            "terms": {"en": ['<img src=x onerror="alert(1)">']},
            "source": "javascript:alert(1)",
            "comment": "<script>alert('c')</script> http://x.example/\"onmouseover=",
        },
        translator,
    )
    db.close()
    client = app.test_client()
    sign_in(client, "rita")
    page = client.get(f"/proposals/{p['id']}").get_data(as_text=True)
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page
    assert '<a href="http://x.example/" rel="nofollow noopener ugc">' in page
