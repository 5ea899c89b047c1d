"""Helpers shared by the review-workflow tests: apps, users, forms, a live server.

Plain functions (no fixtures), so that they sit beside tests/conftest.py without
clashing with it.
"""

from __future__ import annotations

import atexit
import re
import shutil
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from glossary import accounts, create_app
from glossary.db import connect
from glossary.lookup import current_lookup, index_directory
from glossary.startup import ensure_ready

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


_TEMPLATE: list[Path] = []


def seeded_template() -> Path:
    """Return a database seeded once per test process by the app's own first start."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="glossary-seeded-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "glossary.db"
        app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(path)})
        ensure_ready(app)
        # Its search index files too, as `flask index` writes them: an app made
        # from a copy opens them instead of building its own (as a restarted
        # worker does), which keeps the suite fast.
        with app.app_context():
            db = open_db(app)
            try:
                current_lookup().write_version(db)
            finally:
                db.close()
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


def copy_database(source: Path, target: Path) -> None:
    """Copy the SQLite database SOURCE to TARGET.

    A WAL database with no -wal file beside it has no connection open and all
    of its pages in the main file, so a plain file copy is a whole, consistent
    copy (and a few times quicker than the backup API, which the suite would
    otherwise pay for each of its hundreds of apps); otherwise use the backup API.
    """
    if not Path(f"{source}-wal").exists() and _journal_mode(source) == "wal":
        shutil.copyfile(source, target)
        return
    src, dest = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def _journal_mode(path: Path) -> str:
    """Return the journal mode PATH's header records ("wal" or "delete")."""
    with open(path, "rb") as f:
        header = f.read(20)
    # Bytes 18 and 19 are the file format's write and read versions: 2 is WAL.
    return "wal" if header[18:20] == b"\x02\x02" else "delete"


def copy_database_and_index(source: Path, target: Path) -> None:
    """Copy SOURCE to TARGET with the index files written for it (same generation)."""
    copy_database(source, target)
    index = index_directory(source)
    if index is not None and index.is_dir():
        shutil.copytree(index, index_directory(target))


def make_app(tmp_path: Path, **config):
    """Create the app on a seeded SQLite file of its own in TMP_PATH.

    A new file is a copy of one seeded database (seeding takes a while); the
    first start itself is tested in test_db.py.
    """
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE": str(tmp_path / "glossary.db"),
    }
    settings.update(config)
    target = Path(settings["DATABASE"])
    if "SEED_PATH" not in config and not target.exists():
        copy_database_and_index(seeded_template(), target)
    return create_app(settings)


def open_db(app):
    """Open a second connection to APP's database (as another process would)."""
    return connect(app.config["DATABASE"])


def add_user(app, name: str, role: str = "translator") -> dict:
    """Create an account directly in the data layer; return it."""
    db = open_db(app)
    try:
        return accounts.create_user(db, name, PASSWORD, role=role)
    finally:
        db.close()


def add_token(app, user: dict) -> str:
    """Return a new API token for USER."""
    db = open_db(app)
    try:
        return accounts.create_token(db, user["id"])
    finally:
        db.close()


def csrf_from(client, path: str = "/request") -> str:
    """Return the CSRF token the session of CLIENT gets on a form page."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign CLIENT in through the sign-in form; return the response."""
    token = csrf_from(client, "/signin")
    return client.post(
        "/signin", data={"csrf_token": token, "username": name, "password": password}
    )


def post_form(client, path: str, data: dict, token_page: str = "/request"):
    """POST DATA to PATH with the session's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_from(client, token_page), **data})


NEW_CONCEPT = {
    "kind": "new_concept",
    "domain": "design",
    "terms": {"en": ["mood board"], "ru": ["мудборд"], "kk": ["мудборд"]},
    "definition": {"en": "A collage of images that sets the look of a project."},
    "source": "https://example.org/design-glossary",
    "note": "Common in design studios.",
}


@contextmanager
def live_server(app):
    """Serve APP on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
