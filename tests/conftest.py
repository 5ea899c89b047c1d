"""Fixtures: an app on its own seeded SQLite file, its clients, a data-layer db."""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

import flask
import jinja2
import pytest
from _pytest.mark.expression import Expression
from werkzeug import security

from glossary import accounts
from glossary.db import connect, migrate
from glossary.interchange.csvfile import read_concepts_csv
from tests.browser_support import browser  # noqa: F401 (the browser fixture)
from tests.page_support import SEED_PATH, make_app
from tests.review_support import (  # noqa: F401 (copy_database: used by tests)
    copy_database,
    copy_database_and_index,
    seeded_template,
)


@pytest.fixture(scope="session")
def seeded_database() -> Path:
    """A database seeded once from terms.csv by the app's own first start."""
    return seeded_template()


@pytest.fixture(scope="session", autouse=True)
def _password_hashes_computed_once():
    """Let the suite compute each scrypt hash and each check of one only once.

    scrypt is slow on purpose (about 0.1 s a call), and hundreds of tests create
    the same users with the same password and sign them in. Both functions are
    still werkzeug's own, called once per distinct argument: a new password
    still gets a real salted scrypt hash, and a check's answer is the real
    answer for that hash and password (it depends on nothing else).
    """
    patch = pytest.MonkeyPatch()
    patch.setattr(
        accounts,
        "generate_password_hash",
        functools.cache(security.generate_password_hash),
    )
    patch.setattr(
        accounts, "check_password_hash", functools.cache(security.check_password_hash)
    )
    yield
    patch.undo()


class _TemplateCodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in memory, shared by every app of the run."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja drops it if the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def _templates_compiled_once():
    """Let every app of the run share Jinja's compiled templates.

    Each test gets an app of its own, and each app compiles every template it
    renders anew: most of a short page test. Jinja's bytecode cache (the
    documented way to skip that) hands the next app the same compiled code; it
    checks the template source's checksum, so an edited template is recompiled.
    """
    patch = pytest.MonkeyPatch()
    options = {**flask.Flask.jinja_options, "bytecode_cache": _TemplateCodeCache()}
    patch.setattr(flask.Flask, "jinja_options", options)
    yield
    patch.undo()


@pytest.fixture
def app(tmp_path, seeded_database):
    """The app on a SQLite file of its own, seeded from the repository terms.csv.

    The file is a copy of one seeded database (seeding takes a while); the first
    start itself is tested in test_db.py.
    """
    copy_database_and_index(seeded_database, tmp_path / "glossary.db")
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db():
    """An in-memory, migrated, empty term base for data-layer tests."""
    database = connect(":memory:")
    migrate(database)
    yield database
    database.close()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed file the app uses by default (terms.csv at the repository root)."""
    return SEED_PATH


@pytest.fixture(scope="session")
def seed_records(seed_path) -> list[dict]:
    """The concept records of terms.csv, as the app reads them."""
    with open(seed_path, encoding="utf-8-sig", newline="") as f:
        result = read_concepts_csv(f)
    assert not result.errors, result.errors[:5]
    return result.records


@pytest.fixture(scope="session")
def seed_by_id(seed_records) -> dict[int, dict]:
    return {r["id"]: r for r in seed_records}


_MODULE_MARK = re.compile(r"^pytestmark = pytest\.mark\.(\w+)$", re.MULTILINE)
_MARK_NAME = re.compile(r"[A-Za-z_]\w*")


def pytest_ignore_collect(collection_path, config):
    """Leave unimported a test module that -m deselects as a whole.

    A module marked as a whole (`pytestmark = pytest.mark.slow`) whose mark the
    -m expression excludes whatever other marks its tests carry would only be
    deselected after its import, and importing is not free: schemathesis builds
    its cases in test_schemathesis.py at import (seconds in every worker).
    """
    expression = config.getoption("markexpr")
    if (
        not expression
        or "=" in expression  # marks with arguments: leave it to pytest
        or collection_path.suffix != ".py"
        or not collection_path.name.startswith("test_")
    ):
        return None
    match = _MODULE_MARK.search(collection_path.read_text(encoding="utf-8"))
    if match is None:
        return None
    mark = match.group(1)
    compiled = Expression.compile(expression)
    others = sorted(
        set(_MARK_NAME.findall(expression))
        - {"and", "or", "not", "True", "False"}
        - {mark}
    )
    for values in itertools.product((False, True), repeat=len(others)):
        present = {mark} | {n for n, on in zip(others, values, strict=True) if on}
        if compiled.evaluate(present.__contains__):
            return None  # some test of the module could still be selected
    return True


def pytest_collection_modifyitems(config, items):
    """Refuse a test that drives Chromium without the `browser` marker.

    The fast loop (-m "not browser and not slow") must never start a browser.
    """
    unmarked = [
        item.nodeid
        for item in items
        if "browser" in getattr(item, "fixturenames", ())
        and item.get_closest_marker("browser") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that use the browser fixture must be marked browser: "
            + ", ".join(unmarked)
        )
