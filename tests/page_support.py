"""Helpers the test modules share: an app on a new file, CSV files, parsed pages.

Imported as ``tests.page_support`` (never through ``conftest``, which pytest
loads under a name of its own: a second import would be a second module).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lxml import html as lxml_html

from glossary import ROOT, create_app

SEED_PATH = ROOT / "terms.csv"


def make_app(tmp_path: Path, **config):
    """Create the app on DATABASE in TMP_PATH; CONFIG overrides the test settings."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE": str(tmp_path / "glossary.db"),
    }
    settings.update(config)
    return create_app(settings)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """Write ROWS (the first one is the header) to PATH as CSV."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


class Element:
    """One element of a page parsed by lxml, with the few look-ups tests need."""

    def __init__(self, node) -> None:
        self.node = node

    @property
    def tag(self) -> str:
        return self.node.tag

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self.node.attrib)

    @property
    def parent(self) -> Element | None:
        node = self.node.getparent()
        return None if node is None else Element(node)

    @property
    def classes(self) -> list[str]:
        return (self.node.get("class") or "").split()

    def text(self) -> str:
        """Return the element's text, its pieces joined by spaces, collapsed."""
        return " ".join(" ".join(_texts(self.node)).split())

    def iter(self):
        """Yield this element and every element below it, in document order."""
        for node in self.node.iter():
            if isinstance(node.tag, str):  # not a comment
                yield Element(node)

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs):
        """Return the elements below (and including) this one that match."""
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.node.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


def _texts(node):
    if node.text:
        yield node.text
    for child in node:
        if isinstance(child.tag, str):
            yield from _texts(child)
        if child.tail:
            yield child.tail


def parse_html(text: str) -> Element:
    """Parse an HTML page with lxml."""
    return Element(lxml_html.document_fromstring(text))
