"""Term lookup for the app: one search index per database, shared through files.

The app owns one ``Lookup`` (``app.extensions["glossary.lookup"]``). Its index
lives in files beside the database (``glossary.db.index/``): a *version* is the
whole index built at one point of the change log, written once (by whichever
process first needs it, under a file lock, or by ``flask index`` and after an
import) and mapped read-only by every process, so that all workers share one
copy in the page cache and a restart opens the file instead of rebuilding.

Every query reads the generation counter. When it moved, the concepts changed
since the version (the ``search_changes`` log, filled by triggers) are
re-indexed on top of it; past ``PATCH_LIMIT`` changed concepts (or when the log
no longer reaches back to the version) a new version is written and every
process switches to it on its next query. A read replica gets the counter and
the log with the replicated database, so its index follows the primary the
same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from .concepts import (
    change_log_range,
    changed_since,
    generation,
    headwords,
    rows_of_concepts,
)
from .db import read_transaction
from .model import LANGS
from .search import LayeredIndex, SearchIndex, persist, to_kazakh_latin

EXTENSION = "glossary.lookup"
# Past this many changed concepts a new version beats a patch.
PATCH_LIMIT = 2000
TERM_ROWS = (
    "select t.concept_id, c.domain, t.lang, t.text, t.status from terms t "
    "join concepts c on c.id = t.concept_id"
)
log = logging.getLogger(__name__)


def index_directory(database: str | os.PathLike | None) -> Path | None:
    """Return the directory that holds DATABASE's index files (None: in memory)."""
    if not database or str(database) == ":memory:" or str(database).startswith("file:"):
        return None
    return Path(f"{database}.index")


class _State:
    """One process's index: a version (base) and the changes laid over it."""

    def __init__(
        self, base: SearchIndex, generation: int, change_id: int, path: Path | None
    ) -> None:
        self.base = base
        self.path = path  # the version's file (None: built in memory)
        self.version = change_id  # the change-log row the version includes
        self.generation = generation
        self.change_id = change_id  # the last change-log row applied
        self.changed: set[int] = set()
        self.index: SearchIndex | LayeredIndex = base


class Lookup:
    """The search index of one database, kept fresh and shared between processes."""

    def __init__(
        self,
        database: str | os.PathLike | None = None,
        *,
        name: str = "search",
        build: Callable = SearchIndex,
        layer: Callable = LayeredIndex,
        rows: str = TERM_ROWS,
    ) -> None:
        """An index of DATABASE's terms (ROWS) built by BUILD(rows), patched by
        LAYER(base, rows, changed), in files named NAME-CHANGE-GENERATION.idx."""
        self.directory = index_directory(database)
        self.name, self.build, self.layer, self.rows = name, build, layer, rows
        self._file = re.compile(rf"^{re.escape(name)}-(\d+)-(\d+)\.idx$")
        self._lock = threading.Lock()
        self._state: _State | None = None
        # what this process did: "built" (and wrote), "opened", "patched"
        self.events: list[str] = []

    # --- the index ---------------------------------------------------------

    def index(self, db: sqlite_utils.Database) -> SearchIndex | LayeredIndex:
        """Return the index of DB's terms as of its latest committed change."""
        current = generation(db)
        state = self._state
        if state is not None and state.generation == current:
            return state.index
        with self._lock:
            state = self._state
            if state is None or state.generation != current:
                self._refresh(db)
            if self._state is None:  # a refresh always leaves a state
                raise RuntimeError("the index refresh left no index")
            return self._state.index

    def _refresh(self, db: sqlite_utils.Database) -> None:
        state = self._state
        if state is not None and self._apply(db, state, PATCH_LIMIT):
            return
        # A newer version another process wrote?
        found = self._open_newest(db, after=state.version if state else -1)
        if found is not None and self._apply(db, found, PATCH_LIMIT):
            self._switch(found)
            return
        if self.directory is None:
            self._switch(self._build(db, None), built=True)
            return
        try:
            self._refresh_files(db, state)
        except OSError as exc:
            # A read-only or full disk: serve from memory rather than fail.
            log.warning(
                "index files in %s: %s; index kept in memory", self.directory, exc
            )
            self._switch(self._build(db, None), built=True)

    def _refresh_files(self, db: sqlite_utils.Database, state: _State | None) -> None:
        with self._file_lock(blocking=state is None) as locked:
            if not locked:
                # Another process is writing the new version: patch meanwhile.
                if state is None:  # without a state the lock was waited for
                    raise RuntimeError("index file lock not taken")
                if self._apply(db, state, None):
                    return
                with self._file_lock(blocking=True):
                    self._refresh_locked(db, state)
                return
            self._refresh_locked(db, state)

    def _refresh_locked(self, db: sqlite_utils.Database, state: _State | None) -> None:
        found = self._open_newest(db, after=state.version if state else -1)
        if found is None or not self._apply(db, found, PATCH_LIMIT):
            found = self._write_version(db)
            self._apply(db, found, None)
        self._switch(found)

    def _switch(self, state: _State, built: bool = False) -> None:
        self._state = state
        if built:  # a build in memory leaves garbage; opening a file does not
            _release_memory()

    def _apply(
        self, db: sqlite_utils.Database, state: _State, limit: int | None
    ) -> bool:
        """Lay the concepts changed since STATE's version over it; False if too many.

        Also False when the change log was pruned past the version (a version
        that cannot be brought up to date).
        """
        with read_transaction(db):
            current = generation(db)
            first, last = change_log_range(db)
            if last < state.version:
                return False  # the log is behind the version: another database
            if last > state.change_id and first > state.change_id + 1:
                return False  # pruned past what this version has seen
            if last == state.change_id:
                state.generation = current
                return True
            changed = state.changed | changed_since(db, state.change_id)
            if limit is not None and len(changed) > limit:
                return False
            rows = rows_of_concepts(db, self.rows, changed)
        state.generation, state.change_id, state.changed = current, last, changed
        state.index = self.layer(state.base, rows, changed) if changed else state.base
        self.events.append("patched")
        return True

    def _build(self, db: sqlite_utils.Database, path: Path | None) -> _State:
        """Index every term of DB as one snapshot; write it to PATH when given."""
        with read_transaction(db):
            current = generation(db)
            last = change_log_range(db)[1]
            base = self.build(db.query(self.rows))  # streamed, not listed
        self.events.append("built")
        if path is None:
            return _State(base, current, last, None)
        persist.save(path, base, {"generation": current, "change_id": last})
        del base
        _release_memory()
        # Map what was written: this process shares the page cache like the rest.
        index, meta = persist.load(path)
        return _State(index, meta["generation"], meta["change_id"], path)

    def _write_version(self, db: sqlite_utils.Database) -> _State:
        """Build a version and write it (the caller holds the file lock)."""
        if self.directory is None:
            raise ValueError("an in-memory database keeps its index in memory")
        with read_transaction(db):
            current, last = generation(db), change_log_range(db)[1]
        path = self.directory / f"{self.name}-{last:012d}-{current}.idx"
        state = self._build(db, path)  # its path is PATH
        mark = persist.check_mark(path)
        for old in self.directory.iterdir():
            # Older versions and writers' leftovers (a killed build): processes
            # that still map an old file keep it until they switch.
            m = self._file.match(old.name)
            stale = (
                old.name.endswith(".tmp")
                or (m and old != path)
                or (
                    old.name.startswith(f"{self.name}-")
                    and old.name.endswith(".idx.ok")
                    and old != mark
                )
            )
            if stale:
                old.unlink(missing_ok=True)
        return state

    def _open_newest(self, db: sqlite_utils.Database, after: int) -> _State | None:
        """Open the newest valid version file past change-log row AFTER, if any."""
        if self.directory is None or not self.directory.is_dir():
            return None
        with read_transaction(db):
            current, last = generation(db), change_log_range(db)[1]
        versions = []
        for p in self.directory.iterdir():
            m = self._file.match(p.name)
            if m:
                versions.append((int(m.group(1)), int(m.group(2)), p))
        for change_id, gen, path in sorted(versions, reverse=True):
            if change_id <= after:
                break
            if change_id > last or gen > current:
                continue  # from another database (restored from a backup?)
            try:
                index, meta = persist.load(path)
            except persist.CorruptIndex as exc:
                log.warning("index file %s: %s; rebuilding", path, exc)
                continue
            if (meta.get("change_id"), meta.get("generation")) != (change_id, gen):
                log.warning("index file %s: its name and content disagree", path)
                continue
            self.events.append("opened")
            return _State(index, gen, change_id, path)
        return None

    @contextlib.contextmanager
    def _file_lock(self, blocking: bool) -> Iterator[bool]:
        if self.directory is None:
            raise ValueError("an in-memory database keeps its index in memory")
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "lock", "a") as f:
            flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
            try:
                fcntl.flock(f, flags)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def write_version(self, db: sqlite_utils.Database) -> dict:
        """Write a new version of the index now (``flask index``, after imports).

        Return what was written: path, generation, change_id, terms, bytes and
        seconds. This process switches to it too.
        """
        if self.directory is None:
            raise ValueError("an in-memory database keeps its index in memory")
        started = time.perf_counter()
        with self._lock, self._file_lock(blocking=True):
            state = self._write_version(db)
            self._switch(state)
        if state.path is None:
            raise RuntimeError("the index version was not written to a file")
        return {
            "path": str(state.path),
            "generation": state.generation,
            "change_id": state.version,
            "terms": len(state.base),
            "bytes": state.path.stat().st_size,
            "seconds": time.perf_counter() - started,
        }

    @property
    def version_path(self) -> Path | None:
        """The file of the version this process uses (None: none or in memory)."""
        return self._state.path if self._state else None

    # --- queries -------------------------------------------------------------

    def search(
        self,
        db: sqlite_utils.Database,
        query: str,
        *,
        lang: str | None = None,
        domain: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[dict]:
        """Return the concepts matching QUERY, best first, in the API's result shape."""
        hits = self.index(db).search(
            query, lang=lang, domain=domain, limit=limit, offset=offset
        )
        ids = [h.concept_id for h in hits]
        heads = headwords(db, ids)
        domains = dict(
            db.execute(
                "select id, domain from concepts where id in "
                "(select value from json_each(?))",
                [json.dumps(ids)],
            ).fetchall()
        )
        return [
            {
                "id": h.concept_id,
                "url": f"/concepts/{h.concept_id}",
                "domain": domains.get(h.concept_id),
                "score": h.score,
                "match": _match(h),
                "terms": heads[h.concept_id],
            }
            for h in hits
        ]

    def complete(
        self,
        db: sqlite_utils.Database,
        query: str,
        *,
        lang: str | None = None,
        limit: int = 8,
    ) -> list[dict]:
        """Return terms that complete QUERY as typed so far, for autocomplete.

        Each carries the entry's terms in every language (its equivalents, as in
        search results) and, for a Kazakh term, its Latin form.
        """
        hits = self.index(db).complete(query, lang=lang, limit=limit)
        heads = headwords(db, [h.concept_id for h in hits]) if hits else {}
        out = []
        for h in hits:
            item = {
                "text": h.text,
                "lang": h.lang,
                "how": h.how,
                "id": h.concept_id,
                "url": f"/concepts/{h.concept_id}",
                "terms": heads.get(h.concept_id, {lang: [] for lang in LANGS}),
            }
            if h.lang == "kk":
                item["latin"] = to_kazakh_latin(h.text)
            out.append(item)
        return out

    def suggestions(
        self, db: sqlite_utils.Database, query: str
    ) -> list[dict[str, str]]:
        """Return term texts close to QUERY, for a "did you mean" line."""
        return self.index(db).suggest(query)


def _match(hit) -> dict:
    """The API's `match`: how the query met the concept, and the edits of a typo."""
    match = {"lang": hit.lang, "text": hit.text, "how": hit.how}
    if hit.distance is not None:
        match["distance"] = hit.distance
    return match


def _release_memory() -> None:
    """Give a build's temporary memory back to the system (glibc only)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def warm(app) -> None:
    """Open APP's index and load the Russian dictionary now (gunicorn's master).

    With ``preload_app`` the master does this once before it forks: every worker
    starts with the index file mapped and pymorphy3's dictionaries in memory
    (shared, copy-on-write), and answers its first search at once. The request's
    connection is closed when the app context ends, before any fork.
    """
    from .db import get_db
    from .search.variants import russian_forms

    russian_forms("музей")  # pymorphy3 loads its dictionaries on first use
    with app.app_context():
        current_lookup().index(get_db())


def init_app(app) -> None:
    """Give APP its lookup (``app.extensions["glossary.lookup"]``)."""
    app.extensions[EXTENSION] = Lookup(app.config["DATABASE"])


def current_lookup() -> Lookup:
    """Return the lookup of the app handling the current request or command."""
    from flask import current_app

    return current_app.extensions[EXTENSION]
