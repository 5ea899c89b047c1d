"""The README's deployment (gunicorn gthread, deploy/gunicorn.conf.py) over real
TCP on loopback: idle, half-sent and slow clients do not hold up other clients."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from glossary import ROOT
from tests.review_support import copy_database

pytestmark = pytest.mark.slow

# How much longer than an ordinary answer a request may take while the slow
# clients are connected (the bound; an answer itself takes milliseconds).
ALLOWED_DELAY = 1.0


def readme_serve_command() -> list[str]:
    """Return the gunicorn command line the README gives for serving."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [
        line.strip()
        for line in readme.splitlines()
        if line.strip().startswith("gunicorn ")
    ]
    assert lines, "README.md shows no gunicorn command"
    return shlex.split(lines[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return response.status, time.monotonic() - started


@pytest.fixture(scope="module")
def served(tmp_path_factory, seeded_database):
    """Run the README's gunicorn command on a free loopback port."""
    folder = tmp_path_factory.mktemp("served")
    database = folder / "glossary.db"
    copy_database(seeded_database, database)
    port = free_port()
    command = readme_serve_command()
    env = {
        **os.environ,
        "GLOSSARY_DATABASE": str(database),
        "GLOSSARY_SECRET_KEY": "test",
        "GLOSSARY_BIND": f"127.0.0.1:{port}",
        # One worker process: every slow client lands on it (stricter than two),
        # and its search index is surely built before the measurement.
        "GLOSSARY_WORKERS": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    # The README binds 127.0.0.1:8000; the test takes a free port instead.
    if "-b" in command:
        command[command.index("-b") + 1] = f"127.0.0.1:{port}"
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
            get(url + "/api/v1/search?q=museum", timeout=5)  # also builds the index
            get(url + "/api/v1/search?q=museum", timeout=5)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(
                    "gunicorn did not start:\n"
                    + (folder / "gunicorn.log").read_text(errors="replace")
                )
            time.sleep(0.5)
    try:
        yield {"url": url, "port": port, "command": command}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


def test_the_readme_serves_with_threaded_workers_and_timeouts():
    command = readme_serve_command()
    assert "-c" in command
    config_path = ROOT / command[command.index("-c") + 1]
    settings: dict = {}
    exec(compile(config_path.read_text(), str(config_path), "exec"), settings)  # noqa: S102
    from gunicorn.util import load_class
    from gunicorn.workers.gthread import ThreadWorker

    assert issubclass(load_class(settings["worker_class"]), ThreadWorker)
    assert settings["threads"] >= 4
    assert 0 < settings["timeout"] <= 60
    assert 0 < settings["keepalive"] <= 15


def test_idle_half_sent_and_slow_clients_do_not_delay_others(served):
    port = served["port"]
    held: list[socket.socket] = []
    try:
        for _ in range(8):  # connect and say nothing
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        for _ in range(8):  # a request line and half the headers, then silence
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /api/v1/domains HTTP/1.1\r\nHost: localhost\r\nX-A: ")
            held.append(s)
        for _ in range(4):  # a body announced and never sent
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(
                b"POST /api/v1/proposals HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"
            )
            held.append(s)
        time.sleep(0.5)
        delays = []
        for path in ("/api/v1/search?q=museum", "/api/v1/domains", "/concepts/1") * 4:
            status, took = get(served["url"] + path, timeout=60)
            assert status == 200
            delays.append(took)
        assert max(delays) < ALLOWED_DELAY, delays
    finally:
        for s in held:
            s.close()


def test_nginx_example_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/nginx.conf" in readme
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for directive in (
        "client_header_timeout",
        "client_body_timeout",
        "client_max_body_size",
        "proxy_request_buffering on",
        "proxy_pass http://glossary",
    ):
        assert directive in conf
    assert re.search(r"server 127\.0\.0\.1:8000", conf)


def test_config_module_reads_the_environment(monkeypatch):
    path = Path(ROOT / "deploy" / "gunicorn.conf.py")
    monkeypatch.setenv("GLOSSARY_BIND", "127.0.0.1:9999")
    monkeypatch.setenv("GLOSSARY_THREADS", "3")
    settings: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), settings)  # noqa: S102
    assert settings["bind"] == "127.0.0.1:9999"
    assert settings["threads"] == 3
