"""Reviewers import a file from the web: upload, preview (nothing written), confirm."""

from __future__ import annotations

import io
import re
import time

import pytest

from glossary import concepts, jobs
from tests.review_support import add_user, csrf_from, make_app, open_db, sign_in

CSV = (
    "term_en,term_ru,term_kk,domain\r\n"
    "mood board,мудборд,,design\r\n"
    # Not concept 1: that one has synonyms too, and a row without an id only
    # matches a concept with exactly the same terms.
    "creative industries,креативные индустрии,креативті индустриялар,general\r\n"
)


@pytest.fixture
def site(tmp_path):
    app = make_app(tmp_path, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    add_user(app, "reviewer1", role="reviewer")
    add_user(app, "translator1")
    return app


def _client(app, name):
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def _upload(client, body: bytes, name="new.csv", mode="merge"):
    return client.post(
        "/import",
        data={
            "csrf_token": csrf_from(client, "/import"),
            "mode": mode,
            "file": (io.BytesIO(body), name),
        },
        content_type="multipart/form-data",
    )


def _counts(app):
    db = open_db(app)
    try:
        return concepts.counts(db)["concepts"], db["history"].count
    finally:
        db.close()


def test_preview_writes_nothing_then_confirm_imports(site, tmp_path):
    client = _client(site, "reviewer1")
    before = _counts(site)
    page = _upload(client, CSV.encode("utf-8"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Preview of new.csv: nothing has been written yet." in html
    assert "New concepts: 2" in html and "Unchanged concepts: 0" in html
    assert _counts(site) == before
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    done = client.post(
        "/import/confirm",
        data={
            "csrf_token": csrf_from(client, "/import"),
            "token": token,
            "mode": "merge",
        },
    )
    # The import runs as a background job (tests/test_import_jobs.py).
    assert done.status_code == 303
    assert re.fullmatch(r"/import/jobs/\d+", done.location)
    job_id = int(done.location.rsplit("/", 1)[1])
    db = open_db(site)
    try:
        for _ in range(2400):
            if jobs.get_job(db, job_id)["state"] in ("done", "failed"):
                break
            time.sleep(0.05)
    finally:
        db.close()
    text = client.get(done.location).get_data(as_text=True)
    assert "2 new, 0 changed, 0 unchanged, 0 removed" in text
    n, history = _counts(site)
    assert n == before[0] + 2 and history == before[1] + 2
    db = open_db(site)
    try:
        (last,) = db.query(
            "select author, action from history order by id desc limit 1"
        )
    finally:
        db.close()
    assert last == {"author": "reviewer1", "action": "import"}
    # The upload is gone once imported: confirming again is refused.
    again = client.post(
        "/import/confirm",
        data={"csrf_token": csrf_from(client, "/import"), "token": token},
    )
    assert again.status_code == 409
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_bad_file_lists_its_problems_and_writes_nothing(site):
    client = _client(site, "reviewer1")
    before = _counts(site)
    bad = "term_en,term_ru\r\nfoo,бaр\r\n".encode()
    page = _upload(client, bad, name="bad.csv")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Nothing was imported: the file has problems." in html
    # shown as a sentence, the term's language in words (glossary/views/display.py)
    assert "Line 2: Russian term" in html and "mixes Latin and Cyrillic" in html
    assert 'name="token"' not in html
    assert _counts(site) == before


def test_a_file_in_another_encoding_is_refused_clearly(site):
    client = _client(site, "reviewer1")
    page = _upload(client, "term_en,term_ru\r\ndesign,дизайн\r\n".encode("cp1251"))
    assert page.status_code == 400
    assert "UTF-8" in page.get_data(as_text=True)


def test_translators_and_anonymous_users_cannot_import(site):
    translator = _client(site, "translator1")
    assert translator.get("/import").status_code == 403
    anonymous = site.test_client()
    response = anonymous.get("/import")
    assert response.status_code == 302 and "/signin" in response.location


def test_a_reviewer_cannot_confirm_someone_elses_upload(site):
    add_user(site, "reviewer2", role="reviewer")
    first = _client(site, "reviewer1")
    html = _upload(first, CSV.encode("utf-8")).get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    second = _client(site, "reviewer2")
    response = second.post(
        "/import/confirm",
        data={"csrf_token": csrf_from(second, "/import"), "token": token},
    )
    assert response.status_code == 409


def test_a_file_with_a_cyrillic_name_is_imported(site):
    client = _client(site, "reviewer1")
    page = _upload(client, CSV.encode("utf-8"), name="термины.csv")
    assert page.status_code == 200
    assert "Preview of термины.csv" in page.get_data(as_text=True)
