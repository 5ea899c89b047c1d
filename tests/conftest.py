"""Fixtures: an app on its own seeded SQLite file, its clients, a data-layer db."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from glossary import ROOT, create_app
from glossary.db import connect, migrate
from glossary.interchange.csvfile import read_concepts_csv
from tests.browser_support import browser  # noqa: F401 (the browser fixture)
from tests.review_support import copy_database, seeded_template

SEED_PATH = ROOT / "terms.csv"

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


def make_app(tmp_path: Path, **config):
    """Create the app on DATABASE in TMP_PATH; CONFIG overrides the test settings."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE": str(tmp_path / "glossary.db"),
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture(scope="session")
def seeded_database() -> Path:
    """A database seeded once from terms.csv by the app's own first start."""
    return seeded_template()


@pytest.fixture
def app(tmp_path, seeded_database):
    """The app on a SQLite file of its own, seeded from the repository terms.csv.

    The file is a copy of one seeded database (seeding takes a while); the first
    start itself is tested in test_db.py.
    """
    copy_database(seeded_database, tmp_path / "glossary.db")
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


# --- helpers shared by the test modules --------------------------------------


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """Write ROWS (the first one is the header) to PATH as CSV."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


class Element:
    """One parsed HTML element: tag, attributes, children and text."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent=None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        """Return the element's text content, whitespace collapsed."""
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def iter(self):
        """Yield this element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs):
        """Return the elements below (and including) this one that match."""
        found = []
        for e in self.iter():
            if tag and e.tag != tag:
                continue
            if cls and cls not in e.classes:
                continue
            if any(e.attrs.get(k) != v for k, v in attrs.items()):
                continue
            found.append(e)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Element:
    """Parse an HTML page into a small element tree."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


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
