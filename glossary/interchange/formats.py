"""Pick the interchange format of a file and read it (pure).

`read_file` takes a binary file object and its name, checks its size and
encoding, and returns the validated concept records or the line-numbered (or
entry-numbered) reasons it cannot be imported. The CLI and any web page call it
through glossary.exchange.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from .csvfile import (
    Item,
    ReadResult,
    duplicate_id_message,
    iter_csv_items,
    read_concepts_csv,
)
from .jsonfile import duplicate_message, iter_json_items, read_json
from .tbx import duplicate_entry_message, iter_tbx_items, read_tbx

EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".tbx": "tbx", ".json": "json"}
EXPORT_FORMATS = ("csv", "tbx", "tbx2", "json")
# A TBX file of a million concepts (three terms each, with sources) is about
# 1.6 GB; the reading is streamed, so the size costs time, not memory.
MAX_BYTES = 4 * 1024 * 1024 * 1024
# What a position in each format's error messages is called.
UNITS = {"csv": "line", "tbx": "entry", "json": "concept"}


class FileProblem(ValueError):
    """The file cannot be read at all (wrong type, too large, not UTF-8)."""


def format_for(filename: str) -> str:
    """Return the import format of FILENAME from its extension."""
    ext = PurePath(filename).suffix.lower()
    if ext not in EXTENSIONS:
        raise FileProblem(
            f"cannot tell the format of {PurePath(filename).name!r}: "
            "the name must end in .csv, .tsv, .tbx or .json"
        )
    return EXTENSIONS[ext]


def _size(f: IO[bytes]) -> int | None:
    try:
        here = f.tell()
        size = f.seek(0, io.SEEK_END)
        f.seek(here)
        return size - here
    except (OSError, AttributeError, ValueError):
        return None


_SAVE_AS_UTF8 = "save it as UTF-8 (in Excel: CSV UTF-8) and try again"


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileProblem(
            f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes"
        )
    if size == 0:
        raise FileProblem("the file is empty")


@contextmanager
def _utf8_text(f: IO[bytes]) -> Iterator[io.TextIOWrapper]:
    """Read F (binary, from where it stands) as UTF-8 text, a BOM skipped.

    A file in UTF-16 or UTF-32, or one that turns out not to be UTF-8 while it
    is read, raises FileProblem.
    """
    start = f.tell()
    head = f.read(4)
    f.seek(start)
    # UTF-32's byte order marks begin like UTF-16's: test them first.
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise FileProblem(f"the file is UTF-32; {_SAVE_AS_UTF8}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(f"the file is UTF-16; {_SAVE_AS_UTF8}")
    text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
    try:
        yield text
    except UnicodeDecodeError:
        raise FileProblem(f"the file is not UTF-8 text; {_SAVE_AS_UTF8}") from None
    finally:
        try:
            text.detach()
        except ValueError:
            pass  # the file was closed first (the reading stopped early)


def read_file(f: IO[bytes], filename: str, *, max_bytes: int = MAX_BYTES) -> ReadResult:
    """Read the concepts in F (binary), in the format FILENAME's extension names.

    Raises FileProblem when the file as a whole cannot be read; otherwise the
    result carries the valid records and every row's or entry's problems.
    """
    fmt = format_for(filename)
    size = _size(f)
    if size is None:
        data = f.read(max_bytes + 1)
        size = len(data)
        f = io.BytesIO(data)
    _check_size(size, max_bytes)
    if fmt == "tbx":
        return read_tbx(f)
    with _utf8_text(f) as text:
        if fmt == "json":
            return read_json(text)
        return read_concepts_csv(text)


# What each format says when an id occurs twice.
DUPLICATE_MESSAGES: dict[str, Callable[[int, int], str]] = {
    "csv": duplicate_id_message,
    "tbx": duplicate_entry_message,
    "json": duplicate_message,
}


@dataclass
class Source:
    """A file ready to be read item by item: its format, the (seekable) file,
    where its content starts and its size in bytes."""

    fmt: str
    file: IO[bytes]
    start: int
    size: int

    def items(self) -> Iterator[Item]:
        """Read the file again from its start, one concept at a time."""
        return read_items(self.fmt, self.file, self.start)


def open_source(f: IO[bytes], filename: str, *, max_bytes: int = MAX_BYTES) -> Source:
    """Check file F named FILENAME as a whole and return it as a Source.

    A file that cannot seek is spooled to a temporary file first (at most
    MAX_BYTES + 1 of it). Raises FileProblem when the file cannot be read at
    all: an unknown extension, too large, empty.
    """
    fmt = format_for(filename)
    size = _size(f)
    if size is None or not f.seekable():
        spool = tempfile.TemporaryFile()
        shutil.copyfileobj(_limited(f, max_bytes + 1), spool)
        size = spool.tell()
        spool.seek(0)
        f = spool
    _check_size(size, max_bytes)
    return Source(fmt, f, f.tell(), size)


def read_items(fmt: str, f: IO[bytes], start: int = 0) -> Iterator[Item]:
    """Yield the items of F (a file of format FMT) from byte START, one at a time."""
    f.seek(start)
    if fmt == "tbx":
        yield from iter_tbx_items(f)
        return
    with _utf8_text(f) as text:
        if fmt == "json":
            yield from iter_json_items(text)
        else:
            yield from iter_csv_items(text)


class _limited(io.RawIOBase):
    """At most N bytes of F (so that a huge upload is not copied whole)."""

    def __init__(self, f: IO[bytes], n: int) -> None:
        self.f, self.left = f, n

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.f.read(size)
        self.left -= len(data)
        return data
