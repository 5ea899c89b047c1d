"""Index files: an in-memory index written once, then mapped by every process (pure).

An index is an object graph of the lookup classes whose bulk is numpy arrays.
It is written with pickle protocol 5 and its arrays *out of band*: the small
pickle stream describes the objects, the arrays follow it as raw, aligned bytes.
Loading maps the file (``mmap``) and hands those bytes back to numpy, so the
arrays are views of the page cache: every worker process on the machine that
opens the same file shares one copy, and opening costs no build. Whatever named
arrays the index gains are persisted without changes here.

A file carries its metadata (the database generation and change-log position it
was built at) and a CRC-32 of everything after the header; a file that fails
any check raises CorruptIndex and must be rebuilt, never used. Unpickling only
admits the lookup classes and the numpy and builtin names arrays need.
"""

from __future__ import annotations

import io
import json
import mmap
import os
import pickle
import struct
import zlib
from pathlib import Path
from typing import Any

MAGIC = b"GLOSSARY-INDEX\n\x00"
# Raised whenever the file layout or the attributes of the indexed classes change:
# a file of another format is rebuilt, never read into objects it does not fit.
FORMAT = 2
ALIGN = 64  # arrays start on cache-line boundaries
_PREFIX = struct.Struct("<16sQI")  # magic, header length, header CRC-32
_CHUNK = 16 * 1024 * 1024

# Classes a file may name: the lookup packages' own, and what numpy and the
# standard library need to rebuild arrays, dtypes and plain containers.
_ALLOWED_MODULES = ("glossary.search", "glossary.check")
_ALLOWED_NAMES = {
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "bytearray"),
    ("array", "_array_reconstructor"),
    ("array", "array"),
}


class CorruptIndex(ValueError):
    """An index file is missing, damaged, or not one this code wrote."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        allowed = (module, name) in _ALLOWED_NAMES or any(
            module == m or module.startswith(m + ".") for m in _ALLOWED_MODULES
        )
        if not allowed:
            raise CorruptIndex(f"index file names {module}.{name}")
        return super().find_class(module, name)


def save(path: str | Path, index: Any, meta: dict) -> int:
    """Write INDEX with META to PATH (temp file, fsync, rename); return its size.

    A reader sees the old file or the whole new one, never a part.
    """
    path = Path(path)
    buffers: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(index, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    layout, offset = [], len(stream)
    for view in views:
        offset = -(-offset // ALIGN) * ALIGN
        layout.append([offset, view.nbytes])
        offset += view.nbytes
    body_size = offset
    crc = zlib.crc32(stream)
    pos = len(stream)
    for (start, size), view in zip(layout, views, strict=True):
        crc = zlib.crc32(b"\0" * (start - pos), crc)
        crc = zlib.crc32(view, crc)
        pos = start + size
    header = json.dumps(
        {
            "format": FORMAT,
            "meta": meta,
            "pickle": len(stream),
            "buffers": layout,
            "body": body_size,
            "crc32": crc,
        }
    ).encode()
    head_len = -(-(_PREFIX.size + len(header)) // ALIGN) * ALIGN
    prefix = _PREFIX.pack(MAGIC, len(header), zlib.crc32(header))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(prefix + header + b"\0" * (head_len - len(prefix) - len(header)))
            f.write(stream)
            pos = len(stream)
            for (start, size), view in zip(layout, views, strict=True):
                f.write(b"\0" * (start - pos))
                f.write(view)
                pos = start + size
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return head_len + body_size


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable: fsync the directory that holds the file."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_meta(path: str | Path) -> dict:
    """Return the metadata of the index file at PATH (header checks only)."""
    with open(path, "rb") as f:
        return _header(f.read(_PREFIX.size), f)[0]["meta"]


def _header(prefix: bytes, f: io.BufferedReader) -> tuple[dict, int]:
    if len(prefix) < _PREFIX.size:
        raise CorruptIndex("index file is truncated")
    magic, size, crc = _PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise CorruptIndex("not an index file")
    if size > 1 << 20:
        raise CorruptIndex("index header is too large")
    raw = f.read(size)
    if len(raw) != size or zlib.crc32(raw) != crc:
        raise CorruptIndex("index header fails its checksum")
    try:
        header = json.loads(raw)
    except ValueError:
        raise CorruptIndex("index header is not JSON") from None
    if header.get("format") != FORMAT:
        raise CorruptIndex(f"index format {header.get('format')!r} is not {FORMAT}")
    return header, -(-(_PREFIX.size + size) // ALIGN) * ALIGN


def load(path: str | Path) -> tuple[Any, dict]:
    """Map the index file at PATH and return (index, meta); raise CorruptIndex.

    The whole body is checked against its CRC-32 before anything is unpickled.
    """
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed below; the map outlives it)
    except OSError as exc:
        raise CorruptIndex(f"cannot open index file: {exc.strerror}") from None
    with f:
        header, start = _header(f.read(_PREFIX.size), f)
        stat = os.fstat(f.fileno())
        size = stat.st_size
        if size != start + header["body"]:
            raise CorruptIndex("index file has the wrong size")
        if header["body"] == 0:
            raise CorruptIndex("index file is empty")
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    body = memoryview(mapped)[start:]
    if not _checked_before(path, stat, header["crc32"]):
        crc = 0
        for at in range(0, len(body), _CHUNK):
            crc = zlib.crc32(body[at : at + _CHUNK], crc)
        if crc != header["crc32"]:
            raise CorruptIndex("index file fails its checksum")
        _remember_check(path, stat, crc)
    buffers = []
    for offset, length in header["buffers"]:
        if offset < header["pickle"] or offset + length > len(body):
            raise CorruptIndex("index file layout is inconsistent")
        buffers.append(body[offset : offset + length])
    try:
        index = _Unpickler(io.BytesIO(body[: header["pickle"]]), buffers=buffers).load()
    except CorruptIndex:
        raise
    except Exception as exc:  # any damage the checksum let through
        raise CorruptIndex(f"index file cannot be read: {exc}") from None
    return index, header["meta"]


def _stamp(stat: os.stat_result, crc: int) -> str:
    """What identifies one unchanged file: any write changes its times or size."""
    return json.dumps(
        [
            stat.st_dev,
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ctime_ns,
            crc,
        ]
    )


def check_mark(path: str | Path) -> Path:
    """Return where the note that PATH passed its checksum is kept."""
    path = Path(path)
    return path.with_name(path.name + ".ok")


def _checked_before(path: str | Path, stat: os.stat_result, crc: int) -> bool:
    """Tell whether this very file (same inode, size and times) passed its check.

    Checking a large file reads all of it; a worker starting next to a file that
    some process has already checked, and that no one has written since, skips
    that read (the check runs again as soon as the file changes in any way).
    """
    try:
        return check_mark(path).read_text() == _stamp(stat, crc)
    except OSError:
        return False


def _remember_check(path: str | Path, stat: os.stat_result, crc: int) -> None:
    mark = check_mark(path)
    tmp = mark.with_name(f".{mark.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(_stamp(stat, crc))
        os.replace(tmp, mark)
    except OSError:
        tmp.unlink(missing_ok=True)  # only a missed shortcut
