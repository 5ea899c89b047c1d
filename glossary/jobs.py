"""Import jobs: a reviewer's web import runs in a background thread, not a request.

A confirmed upload becomes a row of ``import_jobs`` and a job directory beside
the database (the file, and ``progress.json``). A thread of the web worker runs
the streaming import (glossary.exchange.import_file) and keeps progress.json
fresh: it is rewritten every ``HEARTBEAT_SECONDS``, so its age tells whether the
job is still alive. The import and the row's final state ("done") are written
in one transaction: a job marked done was applied whole, and a job whose worker
stopped (a restart, a killed process) is found by its stale heartbeat and marked
failed, with nothing applied (SQLite rolls an unfinished transaction back).

The data-layer functions take ``db`` first; nothing here imports Flask.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from . import exchange
from .clock import now
from .db import classify_fault, connect, inserted_id, write_transaction
from .problems import Problem, render

STATES = ("queued", "running", "done", "failed")
HEARTBEAT_SECONDS = 1.0
# A running job whose heartbeat is older than this has lost its worker.
STALE_SECONDS = 20.0
# How long a job waits for the write lock (another import, a CLI import) at most.
WAIT_FOR_LOCK_SECONDS = 600.0
RECENT = 50  # jobs listed on the jobs page
# Messages kept on a job row in English, as import reports keep theirs; pages
# find the problem code back and show them in the interface language.
INTERRUPTED = render(Problem("job_interrupted"))
PLAN_CHANGED = render(Problem("job_plan_changed"))
_COUNTS = ("new", "changed", "unchanged", "removed")
_lock = threading.Lock()
_running: dict[int, threading.Thread] = {}  # this process's job threads


def create_job(
    db: sqlite_utils.Database,
    *,
    user_id: int,
    username: str,
    file_name: str,
    ext: str,
    replace: bool,
    plan: list[int],
) -> int:
    """Record a queued import job; return its id."""
    table = db.table("import_jobs")
    table.insert(
        {
            "user_id": user_id,
            "username": username,
            "file_name": file_name,
            "ext": ext,
            "replace": int(replace),
            "state": "queued",
            "plan": json.dumps(plan),
            "problems": "[]",
            "problem_count": 0,
            "created_at": now(),
        }
    )
    return inserted_id(table)


def get_job(db: sqlite_utils.Database, job_id: int) -> dict | None:
    """Return job JOB_ID as a dict (problems and plan decoded), or None."""
    rows = list(db.query("select * from import_jobs where id = ?", [job_id]))
    return _decoded(rows[0]) if rows else None


def recent_jobs(db: sqlite_utils.Database, limit: int = RECENT) -> list[dict]:
    """Return the most recent jobs, newest first."""
    return [
        _decoded(r)
        for r in db.query("select * from import_jobs order by id desc limit ?", [limit])
    ]


def _decoded(row: dict) -> dict:
    row = dict(row)
    row["problems"] = json.loads(row["problems"] or "[]")
    row["plan"] = json.loads(row["plan"] or "[]")
    row["replace"] = bool(row["replace"])
    return row


def job_dir(folder: Path, job_id: int) -> Path:
    """Return the directory of job JOB_ID under FOLDER."""
    return folder / str(job_id)


def read_progress(folder: Path, job_id: int) -> dict | None:
    """Return the live progress of a queued or running job, with its age, or None."""
    path = job_dir(folder, job_id) / "progress.json"
    try:
        age = time.time() - path.stat().st_mtime
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data["age"] = age
    return data


def write_progress(folder: Path, job_id: int, progress: dict) -> None:
    """Replace job JOB_ID's progress.json (atomically: readers never see half)."""
    target = job_dir(folder, job_id) / "progress.json"
    partial = target.with_name(f"progress.{threading.get_ident()}.tmp")
    partial.write_text(json.dumps(progress), encoding="utf-8")
    os.replace(partial, target)


def with_progress(db: sqlite_utils.Database, folder: Path, job: dict) -> dict:
    """Return JOB with its live progress; a job whose worker is gone is failed."""
    if job["state"] not in ("queued", "running"):
        return job
    progress = read_progress(folder, job["id"])
    if progress is None or progress["age"] > STALE_SECONDS:
        if job["id"] in _running and _running[job["id"]].is_alive():
            return {**job, "phase": "reading", "total": 0, "done": 0}
        _fail_stale(db, job["id"])
        shutil.rmtree(job_dir(folder, job["id"]), ignore_errors=True)
        return get_job(db, job["id"]) or job
    return {**job, **{k: progress.get(k) for k in ("phase", "total", "done")}}


def _fail_stale(db: sqlite_utils.Database, job_id: int) -> None:
    """Mark a job whose worker stopped as failed (only if still unfinished)."""
    with write_transaction(db):
        db.execute(
            "update import_jobs set state = 'failed', problems = ?, "
            "problem_count = 1, finished_at = ? "
            "where id = ? and state in ('queued', 'running')",
            [json.dumps([INTERRUPTED]), now(), job_id],
        )


def reap_stale(db: sqlite_utils.Database, folder: Path) -> int:
    """Mark every unfinished job whose worker is gone as failed; return how many."""
    n = 0
    for (job_id,) in db.execute(
        "select id from import_jobs where state in ('queued', 'running')"
    ).fetchall():
        job = get_job(db, job_id)
        if job is not None and with_progress(db, folder, job)["state"] == "failed":
            n += 1
    return n


class _Heartbeat:
    """Rewrites progress.json every HEARTBEAT_SECONDS while the job runs."""

    def __init__(self, folder: Path, job_id: int) -> None:
        self.folder, self.job_id = folder, job_id
        self.state: dict[str, Any] = {"phase": "queued", "total": 0, "done": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"import-job-{job_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> _Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def beat(self) -> None:
        try:
            write_progress(self.folder, self.job_id, self.state)
        except OSError:
            pass  # the directory was removed: the job is over

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self.beat()

    def set(self, **values) -> None:
        self.state = {**self.state, **values}


_T = TypeVar("_T")


def _retry_busy(action: Callable[[], _T]) -> _T:
    """Run ACTION, retrying while the database is busy (up to the wait limit)."""
    deadline = time.monotonic() + WAIT_FOR_LOCK_SECONDS
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            fault = classify_fault(exc)
            if fault is None or fault.kind != "busy" or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def run_job(database: str | Path, folder: Path, job_id: int) -> dict:
    """Run job JOB_ID to its end (in the calling thread); return its final row."""
    db = connect(database, busy_timeout_ms=30_000)
    try:
        with _Heartbeat(folder, job_id) as beat:
            _run(db, folder, job_id, beat)
        return get_job(db, job_id) or {}
    finally:
        db.close()
        shutil.rmtree(job_dir(folder, job_id), ignore_errors=True)


def _finish(db, job_id: int, state: str, report: dict | None, problems: list[str]):
    values = {
        "state": state,
        "finished_at": now(),
        "problems": json.dumps(problems),
        "problem_count": (report or {}).get("error_count") or len(problems),
    }
    for key in _COUNTS + ("concepts",):
        if report is not None:
            values[key] = report.get(key, 0)
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(
        f"update import_jobs set {sets} where id = ?", [*values.values(), job_id]
    )


def _run(db: sqlite_utils.Database, folder: Path, job_id: int, beat: _Heartbeat):
    job = get_job(db, job_id)
    if job is None or job["state"] != "queued":
        return
    _retry_busy(
        lambda: db.execute(
            "update import_jobs set state = 'running', started_at = ? where id = ?",
            [now(), job_id],
        )
    )
    path = job_dir(folder, job_id) / f"file{job['ext']}"
    try:
        # The preview may be hours old: check that it still says what will happen.
        beat.set(phase="checking")
        with open(path, "rb") as f:
            check = _retry_busy(
                lambda: exchange.import_file(
                    db, f, job["file_name"], author=job["username"],
                    dry_run=True, replace=job["replace"],
                    on_read=lambda n: beat.set(total=n),
                    progress=lambda n: beat.set(done=beat.state["done"] + n),
                )
            )  # fmt: skip
        if check["errors"]:
            _finish_now(db, job_id, check, check["errors"])
            return
        if [check[k] for k in _COUNTS] != job["plan"]:
            _finish_now(db, job_id, check, [PLAN_CHANGED])
            return
        # The check counted the concepts: the write's progress has its total.
        beat.set(phase="waiting", done=0, total=check["concepts"])
        _retry_busy(lambda: _import_and_finish(db, path, job, beat))
    except Exception as exc:  # noqa: BLE001 (the job records why it failed)
        fault = classify_fault(exc)
        reason = render(
            Problem("job_database", "", {"detail": fault.detail})
            if fault is not None
            else Problem("job_failed", "", {"detail": f"{type(exc).__name__}: {exc}"})
        )
        _retry_busy(lambda: _finish_now(db, job_id, None, [reason]))


def _finish_now(db, job_id, report, problems) -> None:
    with write_transaction(db):
        _finish(db, job_id, "failed", report, problems)


def _import_and_finish(db, path: Path, job: dict, beat: _Heartbeat) -> None:
    """Import the file and mark the job done in one transaction (or neither)."""
    with write_transaction(db):
        beat.set(phase="writing", done=0)
        with open(path, "rb") as f:
            report = exchange.import_file(
                db, f, job["file_name"], author=job["username"],
                replace=job["replace"],
                on_read=lambda n: beat.set(total=n),
                progress=lambda n: beat.set(done=beat.state["done"] + n),
            )  # fmt: skip
        # A report with errors has already rolled its own savepoint back.
        _finish(
            db, job["id"], "failed" if report["errors"] else "done", report,
            report["errors"],
        )  # fmt: skip


def start_job(database: str | Path, folder: Path, job_id: int) -> threading.Thread:
    """Run job JOB_ID in a background thread of this process; return the thread."""

    def target() -> None:
        try:
            run_job(database, folder, job_id)
        finally:
            with _lock:
                _running.pop(job_id, None)

    thread = threading.Thread(target=target, name=f"import-job-{job_id}", daemon=True)
    with _lock:
        _running[job_id] = thread
    thread.start()
    return thread


def prepare_dir(folder: Path, job_id: int, upload: Path, ext: str) -> Path:
    """Move UPLOAD into job JOB_ID's directory (with a first heartbeat); return it."""
    target = job_dir(folder, job_id)
    target.mkdir(parents=True, exist_ok=True)
    write_progress(folder, job_id, {"phase": "queued", "total": 0, "done": 0})
    moved = target / f"file{ext}"
    shutil.move(str(upload), moved)
    return moved
