"""Read a file's items in a second process, beside the process that writes them.

Parsing and validating a big file costs as much CPU as writing it: a child
process (``python -m glossary.interchange.parallel FMT START``, the file as its
standard input) reads the items and sends them back through a pipe, a frame of
``FRAME`` items at a time, while the importing process compares and writes
the ones before. A frame is a length-prefixed marshal blob: a list of items as
plain tuples (their problems rendered as English text), or ``("file", message)``
when the file as a whole cannot be read (FileProblem). A TBX entry comes
parsed but not yet normalised and validated (six-tuples): parsing XML costs the
child more than writing costs the importer, so the importer does that part
(tbx.checked_entry), which balances the two processes. The child reads only its
standard input and writes only its standard output; when the reader stops early
(or dies) its pipe closes and the child ends.
"""

from __future__ import annotations

import marshal
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from .csvfile import Item
from .formats import FileProblem, read_items
from .tbx import checked_entry, iter_tbx_items

FRAME = 1000  # items sent together
AHEAD = 16  # frames read from the pipe ahead of the importer
_HEAD = 8  # bytes of a frame's length
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def _frames(items: Iterator[Item], unchecked: bool = False) -> Iterator[bytes]:
    """Encode ITEMS as frames (see the module's docstring); UNCHECKED: TBX
    entries not yet checked (see iter_tbx_items), sent as six-tuples."""
    batch: list[tuple] = []
    try:
        for item in items:
            if unchecked and item.pos and not item.fatal:
                problems = [str(p) for p in item.problems]
                batch.append((item.pos, item.record, problems, False, item.where, 1))
            elif item.problems:
                problems = [str(p) for p in item.problems]  # a Problem's English
                batch.append((item.pos, None, problems, item.fatal, item.where))
            elif item.where or item.fatal:
                batch.append((item.pos, item.record, [], item.fatal, item.where))
            else:
                batch.append((item.pos, item.record))
            if len(batch) == FRAME:
                yield marshal.dumps(batch)
                batch = []
    except FileProblem as exc:
        if batch:
            yield marshal.dumps(batch)
        yield marshal.dumps(("file", str(exc)))
        return
    if batch:
        yield marshal.dumps(batch)


def serve(fmt: str, f: IO[bytes], start: int, out: IO[bytes]) -> None:
    """The child's side: write the frames of F's items to OUT."""
    if fmt == "tbx":
        # Parsing TBX costs twice what checking costs: the importer checks.
        f.seek(start)
        frames = _frames(iter_tbx_items(f, check=False), unchecked=True)
    else:
        frames = _frames(read_items(fmt, f, start))
    for blob in frames:
        write_frame(out, blob)
    out.flush()


def write_frame(out: IO[bytes], blob: bytes) -> None:
    """Write BLOB to OUT with its length before it (read_frame reads it back).

    marshal.load() on a file reads it a few bytes at a time (ten times slower
    than loads() on the whole blob): so each blob is framed by its length.
    """
    out.write(len(blob).to_bytes(_HEAD, "little"))
    out.write(blob)


def read_frame(f: IO[bytes]) -> bytes | None:
    """Read the next blob write_frame wrote to F (None at the end).

    Raises ValueError when the frame is cut short.
    """
    head = f.read(_HEAD)
    if not head:
        return None
    size = int.from_bytes(head, "little")
    blob = f.read(size)
    if len(head) != _HEAD or len(blob) != size:
        raise ValueError("a frame is cut short")
    return blob


def items_in_child(fmt: str, f: IO[bytes], start: int) -> Iterator[Item]:
    """Yield the items of F (a real, seekable file) as a child process reads them.

    The same items read_items(fmt, f, start) yields, problems as text; a
    FileProblem the child meets is raised here. F's file offset is the child's
    while this runs.
    """
    env = {**os.environ, "PYTHONPATH": _PACKAGE_ROOT}
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "glossary.interchange.parallel", fmt, str(start)],
            stdin=f.fileno(),
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
        pipe = cast(IO[bytes], child.stdout)  # stdout=PIPE: never None
        try:
            yield from _read_frames(pipe, child)
            if child.wait() != 0:
                errors.seek(0)
                tail = errors.read().decode(errors="replace").strip().splitlines()
                raise RuntimeError(
                    "the file's reader stopped: " + (tail[-1] if tail else "no reason")
                )
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()


def _read_frames(pipe: IO[bytes], child: subprocess.Popen) -> Iterator[Item]:
    frames: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
    drain = threading.Thread(target=_drain, args=(pipe, frames), daemon=True)
    drain.start()
    try:
        while (blob := frames.get()) is not None:
            # Our own child wrote it, from the file it was given.
            frame = marshal.loads(blob)
            if isinstance(frame, tuple):
                raise FileProblem(frame[1])
            for t in frame:
                if len(t) == 2:
                    yield Item(t[0], t[1], ())
                elif len(t) == 5:
                    yield Item(*t)
                else:  # a TBX entry read, not yet checked
                    yield checked_entry(t[0], t[1], t[2], t[4])
    finally:
        if child.poll() is None:
            child.kill()  # stopped early: the drain meets the end of the pipe
        while drain.is_alive():
            try:
                frames.get_nowait()  # let a drain blocked on a full queue go on
            except queue.Empty:
                drain.join(0.01)
        pipe.close()


def _drain(pipe: IO[bytes], frames: queue.Queue[bytes | None]) -> None:
    """Move whole frames from PIPE to FRAMES (None: the end), so that the child
    reads on while the importer is busy with a long batch."""
    try:
        while (blob := read_frame(pipe)) is not None:
            frames.put(blob)
    except (OSError, ValueError):
        # The pipe was closed (the importer stopped reading) or the child died
        # mid-frame (its exit status says why).
        pass
    frames.put(None)


def main(argv: list[str]) -> None:
    fmt, start = argv[0], int(argv[1])
    with open(0, "rb", closefd=False) as f, open(1, "wb", closefd=False) as out:
        try:
            serve(fmt, f, start, out)
        except BrokenPipeError:
            pass  # the importing process stopped reading: nothing more to do


if __name__ == "__main__":
    main(sys.argv[1:])
