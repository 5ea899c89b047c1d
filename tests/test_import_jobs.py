"""Web imports run as background jobs: confirm queues a job, a page shows its progress.

The job thread runs the real streaming import on the real SQLite file; tests
wait for it by polling the job's row (no timing is asserted).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from glossary import concepts, exchange, importer, jobs
from tests.review_support import add_user, csrf_from, make_app, open_db, sign_in

CSV = (
    "term_en,term_ru,term_kk,domain\r\n"
    "mood board,мудборд,,design\r\n"
    "creative industries,креативные индустрии,креативті индустриялар,general\r\n"
)
WAIT = 120.0  # seconds a test waits at most for a job to end (a ceiling only)


def big_csv(n: int, prefix: str = "term") -> bytes:
    """N concepts, each with an English and a Russian term of its own."""
    lines = ["term_en,term_ru,domain"]
    for i in range(n):
        word = "".join("abcdefghij"[int(d)] for d in str(i))
        ru = "".join("абвгдежзик"[int(d)] for d in str(i))
        lines.append(f"{prefix} {word},термин {ru},design")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


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


def _preview(client, body: bytes, name="new.csv", mode="merge") -> str:
    page = client.post(
        "/import",
        data={
            "csrf_token": csrf_from(client, "/import"),
            "mode": mode,
            "file": (io.BytesIO(body), name),
        },
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html[-2000:]
    return re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)


def _confirm(client, token: str):
    return client.post(
        "/import/confirm",
        data={"csrf_token": csrf_from(client, "/import"), "token": token},
    )


def _start(client, body: bytes, **kw) -> int:
    response = _confirm(client, _preview(client, body, **kw))
    assert response.status_code == 303
    return int(re.fullmatch(r"/import/jobs/(\d+)", response.location).group(1))


def _job(app, job_id: int) -> dict:
    db = open_db(app)
    try:
        return jobs.get_job(db, job_id)
    finally:
        db.close()


def _wait(app, job_id: int) -> dict:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job = _job(app, job_id)
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end: {_job(app, job_id)}")


def glossary_dump(app) -> list[str]:
    """Every statement of the database but the job table's rows (which must change)."""
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        return [
            line
            for line in conn.iterdump()
            if not line.startswith('INSERT INTO "import_jobs"')
        ]
    finally:
        conn.close()


def test_confirm_queues_a_job_that_imports_the_file(site):
    client = _client(site, "reviewer1")
    before = concepts.counts(open_db(site))["concepts"]
    job_id = _start(client, CSV.encode())
    job = _wait(site, job_id)
    assert job["state"] == "done", job
    assert (job["new"], job["changed"], job["removed"], job["concepts"]) == (
        2,
        0,
        0,
        2,
    )
    assert job["username"] == "reviewer1" and job["finished_at"]
    db = open_db(site)
    try:
        assert concepts.counts(db)["concepts"] == before + 2
        (last,) = db.query(
            "select author, action, reason from history order by id desc limit 1"
        )
    finally:
        db.close()
    assert last == {
        "author": "reviewer1",
        "action": "import",
        "reason": "imported from new.csv",
    }
    page = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "Imported 2 concepts from new.csv: 2 new, 0 changed" in page
    assert 'http-equiv="refresh"' not in page  # a finished job stops reloading
    # The job's directory (and the uploaded file in it) is gone: removed by the
    # job's thread just after the transaction that marked it done.
    folder = Path(site.config["DATABASE"]).with_name("glossary-import-jobs")
    deadline = time.monotonic() + WAIT
    while list(folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(folder.iterdir()) == []


def test_the_job_api_answers_its_state_as_json(site):
    client = _client(site, "reviewer1")
    job_id = _start(client, CSV.encode(), name="термины.csv")
    _wait(site, job_id)
    response = client.get(f"/import/jobs/{job_id}.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["state"] == "done"
    assert body["file_name"] == "термины.csv"
    assert (body["new"], body["changed"], body["unchanged"], body["removed"]) == (
        2,
        0,
        0,
        0,
    )
    assert body["problems"] == [] and "no-store" in response.headers["Cache-Control"]


def test_a_replace_job_removes_what_the_file_lacks(site):
    client = _client(site, "reviewer1")
    before = concepts.counts(open_db(site))["concepts"]
    job = _wait(site, _start(client, CSV.encode(), mode="replace"))
    assert job["state"] == "done" and job["replace"] is True
    assert job["removed"] == before  # the seed concepts; the file's two are new
    assert concepts.counts(open_db(site))["concepts"] == 2


def test_a_job_that_fails_while_writing_leaves_the_glossary_byte_identical(
    site, monkeypatch
):
    client = _client(site, "reviewer1")
    token = _preview(client, big_csv(2500))
    before = glossary_dump(site)
    calls = []
    real = importer._Writer.insert_new

    def failing(self, records):
        calls.append(len(records))
        if len(calls) == 2:  # after a first batch of 1,000 was written
            raise RuntimeError("disk unplugged")
        return real(self, records)

    monkeypatch.setattr(importer._Writer, "insert_new", failing)
    response = _confirm(client, token)
    job = _wait(site, int(response.location.rsplit("/", 1)[1]))
    assert job["state"] == "failed"
    assert job["problems"] == [
        "the import failed (RuntimeError: disk unplugged); nothing was imported"
    ]
    assert calls == [1000, 1000]
    assert glossary_dump(site) == before
    page = client.get(f"/import/jobs/{job['id']}").get_data(as_text=True)
    assert "Failed: nothing was imported" in page and "disk unplugged" in page


def test_a_job_whose_preview_is_out_of_date_imports_nothing(site):
    client = _client(site, "reviewer1")
    token = _preview(client, CSV.encode())
    # Meanwhile someone else imports the same rows: the preview no longer holds.
    db = open_db(site)
    try:
        from glossary.interchange.csvfile import read_concepts_csv

        records = read_concepts_csv(io.StringIO(CSV, newline="")).records
        concepts.import_records(db, records, author="other", reason="meanwhile")
    finally:
        db.close()
    before = glossary_dump(site)
    response = _confirm(client, token)
    job = _wait(site, int(response.location.rsplit("/", 1)[1]))
    assert job["state"] == "failed" and job["problems"] == [jobs.PLAN_CHANGED]
    assert glossary_dump(site) == before
    page = client.get(f"/import/jobs/{job['id']}").get_data(as_text=True)
    assert "The glossary has changed since your preview" in page
    again = _confirm(client, token)  # the upload is gone with the job
    assert again.status_code == 409


def test_the_request_answers_while_the_job_runs(site, monkeypatch):
    """Confirm and other pages answer while the job is still at work."""
    client = _client(site, "reviewer1")
    token = _preview(client, CSV.encode())
    go_on = threading.Event()
    real = exchange.import_file

    def held(*args, **kwargs):
        assert go_on.wait(WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs.exchange, "import_file", held)
    try:
        response = _confirm(client, token)
        assert response.status_code == 303
        job_id = int(response.location.rsplit("/", 1)[1])
        folder = Path(site.config["DATABASE"]).with_name("glossary-import-jobs")
        deadline = time.monotonic() + WAIT
        while (jobs.read_progress(folder, job_id) or {}).get("phase") != "checking":
            assert time.monotonic() < deadline, _job(site, job_id)
            time.sleep(0.02)
        page = client.get(f"/import/jobs/{job_id}")
        assert page.status_code == 200
        assert "Checking that the preview still holds" in page.get_data(as_text=True)
        assert client.get("/search?q=design").status_code == 200
        assert client.get("/import/jobs").status_code == 200
        assert _job(site, job_id)["state"] == "running"
    finally:
        go_on.set()
    assert _wait(site, job_id)["state"] == "done"


def _seed_job(app, state: str, **progress) -> int:
    """A job row in STATE (and a heartbeat when PROGRESS is given), no thread."""
    db = open_db(app)
    folder = Path(app.config["DATABASE"]).with_name("glossary-import-jobs")
    try:
        job_id = jobs.create_job(
            db, user_id=1, username="reviewer1", file_name="big.csv", ext=".csv",
            replace=False, plan=[0, 0, 0, 0],
        )  # fmt: skip
        db.execute("update import_jobs set state = ? where id = ?", [state, job_id])
        if progress:
            folder.mkdir(exist_ok=True)
            (folder / str(job_id)).mkdir()
            jobs.write_progress(folder, job_id, progress)
    finally:
        db.close()
    return job_id


@pytest.mark.parametrize(
    ("lang", "queued", "running", "of"),
    [
        (
            "en",
            "Waiting to start",
            "Writing to the glossary",
            "Concepts done: 40 of 100",
        ),
        (
            "ru",
            "Ожидает запуска",
            "Запись в глоссарий",
            "Обработано понятий: 40 из 100",
        ),
        (
            "kk",
            "Іске қосылуын күтуде",
            "Глоссарийге жазылуда",
            "Өңделген ұғымдар: 100 ішінен 40",
        ),
    ],
)
def test_the_progress_page_in_each_state(site, lang, queued, running, of):
    client = _client(site, "reviewer1")
    client.get(f"/?lang={lang}")
    queued_id = _seed_job(site, "queued", phase="queued", total=0, done=0)
    page = client.get(f"/import/jobs/{queued_id}").get_data(as_text=True)
    assert queued in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    running_id = _seed_job(site, "running", phase="writing", total=100, done=40)
    page = client.get(f"/import/jobs/{running_id}").get_data(as_text=True)
    assert running in page and of in page
    assert '<progress max="100" value="40"' in page
    assert f'href="/import/jobs/{running_id}"' in page  # the reload link
    body = client.get(f"/import/jobs/{running_id}.json").get_json()
    assert (body["state"], body["phase"], body["total"], body["done"]) == (
        "running",
        "writing",
        100,
        40,
    )
    listing = client.get("/import/jobs").get_data(as_text=True)
    assert f'href="/import/jobs/{queued_id}"' in listing
    assert f'href="/import/jobs/{running_id}"' in listing


def test_a_job_whose_worker_is_gone_is_shown_failed(site):
    client = _client(site, "reviewer1")
    job_id = _seed_job(site, "running")  # no heartbeat at all: no worker runs it
    page = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "Failed: nothing was imported" in page
    assert "interrupted" in page
    job = _job(site, job_id)
    assert job["state"] == "failed" and job["problems"] == [jobs.INTERRUPTED]


@pytest.mark.slow  # a second process importing 5,000 concepts: seconds on its own
def test_a_killed_worker_leaves_nothing_half_applied(site, tmp_path):
    """SIGKILL the process running a job while it writes: failed, glossary intact."""
    client = _client(site, "reviewer1")
    token = _preview(client, big_csv(5_000))
    before = glossary_dump(site)
    db = open_db(site)
    folder = Path(site.config["DATABASE"]).with_name("glossary-import-jobs")
    upload = next((tmp_path / "uploads").glob(f"{token}-*.csv"))
    about = json.loads(next((tmp_path / "uploads").glob(f"{token}-*.json")).read_text())
    try:
        job_id = jobs.create_job(
            db, user_id=1, username="reviewer1", file_name="big.csv", ext=".csv",
            replace=False, plan=about["plan"],
        )  # fmt: skip
        jobs.prepare_dir(folder, job_id, upload, ".csv")
    finally:
        db.close()
    # The job runs in a process of its own, as in a gunicorn worker. Once it
    # has written a batch inside its transaction, it says so and waits there to
    # be killed (a fast machine would otherwise finish before the kill).
    code = """\
import sys, time
from pathlib import Path
from glossary import jobs

set_state = jobs._Heartbeat.set

def set_and_hold(self, **values):
    set_state(self, **values)
    if self.state["phase"] == "writing" and self.state["done"]:
        self.beat()
        time.sleep(600)

jobs._Heartbeat.set = set_and_hold
jobs.run_job(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
"""
    worker = subprocess.Popen(
        [sys.executable, "-c", code, site.config["DATABASE"], str(folder), str(job_id)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    try:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            progress = jobs.read_progress(folder, job_id)
            if progress and progress["phase"] == "writing" and progress["done"]:
                break
            assert worker.poll() is None, "the job ended before it was killed"
            time.sleep(0.02)
        else:
            raise AssertionError("the job never started writing")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    assert glossary_dump(site) == before
    # Its heartbeat stops; once it is stale, the page says what happened.
    old = time.time() - jobs.STALE_SECONDS - 5
    os.utime(folder / str(job_id) / "progress.json", (old, old))
    page = client.get(f"/import/jobs/{job_id}").get_data(as_text=True)
    assert "Failed: nothing was imported" in page and "interrupted" in page
    assert glossary_dump(site) == before


def test_only_reviewers_see_import_jobs(site):
    reviewer = _client(site, "reviewer1")
    job_id = _start(reviewer, CSV.encode())
    _wait(site, job_id)
    translator = _client(site, "translator1")
    anonymous = site.test_client()
    for path in (
        "/import/jobs",
        f"/import/jobs/{job_id}",
        f"/import/jobs/{job_id}.json",
    ):
        assert translator.get(path).status_code == 403, path
        response = anonymous.get(path)
        assert response.status_code in (302, 401), path
    assert reviewer.get("/import/jobs/999").status_code == 404
    assert reviewer.get(f"/import/jobs/{2**70}").status_code == 404
    assert reviewer.get(f"/import/jobs/{2**70}.json").status_code == 404
