"""A load test over real HTTP on loopback against the README's deployment.

gunicorn as the README runs it (deploy/gunicorn.conf.py: two gthread workers)
on a copy of the seeded database. Translators submit proposals, readers search
and open concepts, reviewers approve and reject, all at once, for a few seconds;
then the same while a reviewer's large web import job writes. Afterwards the
database is the judge: every accepted proposal is stored (0 lost), no proposal
has two decisions, and no answer was a 5xx except 503 with Retry-After while
the import held the write lock. The figures go to bench/README.md ("Hardening");
nothing here asserts a time.
"""

from __future__ import annotations

import collections
import itertools
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from glossary import ROOT
from tests.review_support import (
    PASSWORD,
    add_token,
    add_user,
    copy_database,
    make_app,
)
from tests.test_deployment import free_port, readme_serve_command

pytestmark = pytest.mark.slow

PHASE_SECONDS = 5.0  # the mixed load without an import
IMPORT_CONCEPTS = 10_000  # the web import that runs during the second phase
WRITERS, READERS, REVIEWERS = 6, 4, 3
WAIT = 180.0  # a ceiling for the import job, not a measurement
READ_WORDS = ["museum", "дизайн", "креативті", "design", "театр", "fashion", "кино"]


def _word(n: int, letters: str) -> str:
    return "".join(letters[int(d)] for d in str(n))


def big_csv(n: int) -> bytes:
    lines = ["term_en,term_ru,domain"]
    for i in range(n):
        lines.append(
            f"load term {_word(i, 'abcdefghij')},"
            f"нагрузка {_word(i, 'абвгдежзик')},design"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_database):
    """The README's gunicorn command (two gthread workers) on a free port."""
    folder = tmp_path_factory.mktemp("load")
    database = folder / "glossary.db"
    copy_database(seeded_database, database)
    app = make_app(folder)
    translators = [add_token(app, add_user(app, f"writer{i}")) for i in range(WRITERS)]
    reviewers = [
        add_token(app, add_user(app, f"reviewer{i}", role="reviewer"))
        for i in range(REVIEWERS)
    ]
    add_user(app, "importer", role="reviewer")
    conn = sqlite3.connect(database)
    try:
        concept_ids = [cid for (cid,) in conn.execute("select id from concepts")]
    finally:
        conn.close()
    port = free_port()
    command = readme_serve_command()
    env = {
        **os.environ,
        "GLOSSARY_DATABASE": str(database),
        "GLOSSARY_SECRET_KEY": "test",
        "GLOSSARY_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("GLOSSARY_WORKERS", None)  # the README's two workers
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *command[1:]],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            # Both workers build their search index before the load starts.
            for _ in range(6):
                requests.get(url + "/api/v1/search?q=museum", timeout=30)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(
                    "gunicorn did not start:\n"
                    + (folder / "gunicorn.log").read_text(errors="replace")
                )
            time.sleep(0.5)
    try:
        yield {
            "url": url,
            "database": database,
            "translators": translators,
            "reviewers": reviewers,
            "folder": folder,
            "concept_ids": concept_ids,
        }
    finally:
        process.terminate()
        process.wait(30)
        log.close()


class Recorder:
    """Every answer: (role, operation, status, seconds, Retry-After header)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, int, float, str | None]] = []
        self.created: dict[int, str] = {}  # proposal id -> the token's writer
        self.decided: collections.Counter = collections.Counter()
        self.lock = threading.Lock()

    def call(self, session, role, op, method, url, **kw):
        started = time.monotonic()
        try:
            response = session.request(method, url, timeout=60, **kw)
        except requests.RequestException as exc:
            with self.lock:
                self.rows.append((role, op, 0, time.monotonic() - started, None))
            raise AssertionError(f"{op}: {exc}") from None
        with self.lock:
            self.rows.append(
                (
                    role,
                    op,
                    response.status_code,
                    time.monotonic() - started,
                    response.headers.get("Retry-After"),
                )
            )
        return response


def _writer(rec, url, token, stop, counter):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    while not stop.is_set():
        n = next(counter)
        body = {
            "kind": "new_concept",
            "domain": "design",
            "terms": {
                "en": [f"loadproposal {_word(n, 'abcdefghij')}"],
                "ru": [f"предложение {_word(n, 'абвгдежзик')}"],
            },
            "source": "https://example.org/load-test",
        }
        r = rec.call(session, "writer", "propose", "POST", url + "/api/v1/proposals",
                     json=body)  # fmt: skip
        if r.status_code == 201:
            with rec.lock:
                rec.created[r.json()["proposal"]["id"]] = token


def _reader(rec, url, stop, seed, concept_ids):
    session = requests.Session()
    rng = random.Random(seed)
    while not stop.is_set():
        q = rng.choice(READ_WORDS)
        rec.call(session, "reader", "search", "GET", url + "/api/v1/search",
                 params={"q": q})  # fmt: skip
        rec.call(session, "reader", "concept", "GET",
                 f"{url}/api/v1/concepts/{rng.choice(concept_ids)}")  # fmt: skip


def _reviewer(rec, url, token, stop, seed):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random(seed)
    while not stop.is_set():
        r = rec.call(session, "reviewer", "queue", "GET", url + "/api/v1/proposals",
                     params={"status": "pending"})  # fmt: skip
        if r.status_code != 200:
            continue
        pending = [p["id"] for p in r.json()["proposals"]][:10]
        if not pending:
            time.sleep(0.05)
            continue
        pid = rng.choice(pending)  # reviewers often pick the same one: a race
        if rng.random() < 0.5:
            r = rec.call(session, "reviewer", "approve", "POST",
                         f"{url}/api/v1/proposals/{pid}/approve",
                         json={"reason": "load test"})  # fmt: skip
        else:
            r = rec.call(session, "reviewer", "reject", "POST",
                         f"{url}/api/v1/proposals/{pid}/reject",
                         json={"reason": "load test: not needed"})  # fmt: skip
        if r.status_code == 200:
            with rec.lock:
                rec.decided[pid] += 1


def run_load(server, seconds: float | None, until=None) -> Recorder:
    """Run writers, readers and reviewers for SECONDS (or until UNTIL() is true)."""
    rec, stop, counter = (
        Recorder(),
        threading.Event(),
        itertools.count(random.randrange(10**6, 10**7)),
    )
    url = server["url"]
    threads = [
        threading.Thread(target=_writer, args=(rec, url, t, stop, counter))
        for t in server["translators"]
    ]
    threads += [
        threading.Thread(
            target=_reader, args=(rec, url, stop, i, server["concept_ids"])
        )
        for i in range(READERS)
    ]
    threads += [
        threading.Thread(target=_reviewer, args=(rec, url, t, stop, i))
        for i, t in enumerate(server["reviewers"])
    ]
    failures: list[BaseException] = []

    def guard(target):
        def run(*args):
            try:
                target(*args)
            except BaseException as exc:  # noqa: BLE001 (reported below)
                failures.append(exc)
                stop.set()

        return run

    for t in threads:
        t._target = guard(t._target)  # type: ignore[attr-defined]
        t.start()
    started = time.monotonic()
    while not stop.is_set():
        if seconds is not None and time.monotonic() - started > seconds:
            break
        if until is not None and until():
            break
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(120)
    assert not failures, failures
    rec.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return rec


def check_database(server, rec: Recorder) -> None:
    """0 lost proposals, 0 decided twice, statuses as the answers said."""
    conn = sqlite3.connect(server["database"])
    try:
        stored = {
            pid
            for (pid,) in conn.execute(
                "select id from proposals where author like 'writer%'"
            )
        }
        reviews = collections.Counter(
            pid for (pid,) in conn.execute("select proposal_id from reviews")
        )
        undecided = {
            pid
            for (pid,) in conn.execute(
                "select id from proposals where status = 'pending'"
            )
        }
    finally:
        conn.close()
    assert set(rec.created) <= stored, "lost proposals"
    twice = {pid: n for pid, n in reviews.items() if n > 1}
    assert not twice, f"decided twice: {twice}"
    assert all(n == 1 for n in rec.decided.values()), rec.decided
    assert set(rec.decided) <= set(reviews)
    assert not set(rec.decided) & undecided


def summary(rec: Recorder) -> str:
    """A table of requests, statuses and latencies per operation."""
    lines = ["| operation | requests | statuses | median ms | p95 ms | max ms |"]
    lines.append("|---|---|---|---|---|---|")
    by_op = collections.defaultdict(list)
    for _role, op, status, secs, _ra in rec.rows:
        by_op[op].append((status, secs))
    for op in sorted(by_op):
        rows = by_op[op]
        statuses = collections.Counter(s for s, _ in rows)
        times = sorted(t * 1000 for _, t in rows)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        lines.append(
            f"| {op} | {len(rows)} | "
            + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
            + f" | {statistics.median(times):.0f} | {p95:.0f} | {times[-1]:.0f} |"
        )
    return "\n".join(lines)


def test_concurrent_writers_readers_and_reviewers(server):
    rec = run_load(server, PHASE_SECONDS)
    print(f"\nmixed load, {rec.seconds:.1f} s:\n" + summary(rec))
    statuses = collections.Counter(r[2] for r in rec.rows)
    assert not [s for s in statuses if s >= 500], statuses
    assert rec.created and rec.decided  # the load really wrote and decided
    ok = {"writer": {201}, "reader": {200}, "reviewer": {200, 409}}
    for role, op, status, _secs, _ra in rec.rows:
        assert status in ok[role], (role, op, status)
    check_database(server, rec)


def _web_import(server, body: bytes) -> tuple[requests.Session, str]:
    """Sign in as a reviewer, preview BODY, confirm: return the job's URL."""
    url = server["url"]
    session = requests.Session()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    page = session.get(url + "/signin").text
    r = session.post(
        url + "/signin",
        data={
            "csrf_token": token.search(page).group(1),
            "username": "importer",
            "password": PASSWORD,
        },
        allow_redirects=False,
    )
    assert r.status_code == 302, r.text[:500]
    page = session.get(url + "/import").text
    preview = session.post(
        url + "/import",
        data={"csrf_token": token.search(page).group(1), "mode": "merge"},
        files={"file": ("load.csv", body, "text/csv")},
        timeout=120,
    )
    assert preview.status_code == 200, preview.text[-1000:]
    upload = re.search(r'name="token" value="([0-9a-f]{32})"', preview.text).group(1)
    confirm = session.post(
        url + "/import/confirm",
        data={"csrf_token": token.search(preview.text).group(1), "token": upload},
        allow_redirects=False,
    )
    assert confirm.status_code == 303, confirm.text[-1000:]
    return session, url + confirm.headers["Location"]


def test_the_same_load_while_a_large_web_import_runs(server):
    session, job_url = _web_import(server, big_csv(IMPORT_CONCEPTS))
    states: list[dict] = []
    deadline = time.monotonic() + WAIT

    def job_over() -> bool:
        assert time.monotonic() < deadline, states[-1:]
        job = session.get(job_url + ".json", timeout=30).json()
        states.append(job)
        return job["state"] in ("done", "failed")

    rec = run_load(server, None, until=job_over)
    job = states[-1]
    print(
        f"\nmixed load during a {IMPORT_CONCEPTS}-concept web import "
        f"({rec.seconds:.1f} s, job {job['state']}, "
        f"{job['new']} new):\n" + summary(rec)
    )
    assert job["state"] == "done" and job["new"] == IMPORT_CONCEPTS, job
    assert any(s["state"] == "running" for s in states)
    for role, op, status, _secs, retry_after in rec.rows:
        assert status != 500 and (status < 500 or status == 503), (op, status)
        if status == 503:
            assert role in ("writer", "reviewer") and op != "queue", (op, status)
            assert retry_after and int(retry_after) > 0, (op, retry_after)
    ok = {"writer": {201, 503}, "reader": {200}, "reviewer": {200, 409, 503}}
    for role, op, status, _secs, _ra in rec.rows:
        assert status in ok[role], (role, op, status)
    check_database(server, rec)
    conn = sqlite3.connect(server["database"])
    try:
        imported = conn.execute(
            "select count(*) from terms where text like 'load term %'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert imported == IMPORT_CONCEPTS
    assert Path(server["folder"], "glossary-import-jobs").is_dir()
