"""The SQLite file: first start, migrations, seeding once and all at once."""

from __future__ import annotations

import csv
import multiprocessing
import sqlite3

import pytest

from glossary import db as glossary_db
from glossary.db import MIGRATIONS, connect, get_db, migrate
from glossary.startup import SeedError
from tests.page_support import SEED_PATH, make_app, write_csv


def start(tmp_path, **config):
    """Create the app and serve its first request, as a first start does."""
    app = make_app(tmp_path, **config)
    app.test_client().get("/about")
    return app


def count(path, sql: str, params: tuple = ()) -> int:
    """Run a one-number query on the database file at PATH with its own connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def first_start(tmp_path):
    """The app started for the first time on a new database file."""
    return start(tmp_path)


def test_default_seed_is_terms_csv_at_the_repository_root(first_start):
    assert first_start.config["SEED_PATH"] == str(SEED_PATH)
    assert SEED_PATH.is_file()


def test_first_start_creates_the_file_in_wal_mode(first_start):
    path = first_start.config["DATABASE"]
    assert count(path, "select count(*) from sqlite_master") > 0
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_request_connection_has_foreign_keys_and_busy_timeout(first_start):
    with first_start.app_context():
        db = get_db()
        assert db.execute("pragma foreign_keys").fetchone()[0] == 1
        assert db.execute("pragma busy_timeout").fetchone()[0] >= 1000
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_are_enforced(first_start):
    with first_start.app_context():
        db = get_db()
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "insert into terms (concept_id, lang, text, status, position) "
                "values (999999, 'en', 'orphan', 'preferred', 1)"
            )


def test_migrations_are_recorded(first_start):
    path = first_start.config["DATABASE"]
    conn = sqlite3.connect(path)
    try:
        applied = [
            row[0]
            for row in conn.execute(
                "select name from _sqlite_migrations where migration_set = ? "
                "order by id",
                (MIGRATIONS.name,),
            )
        ]
    finally:
        conn.close()
    assert "m001_initial" in applied
    assert len(applied) == len(set(applied))
    db = connect(path)
    try:
        assert MIGRATIONS.pending(db) == []
    finally:
        db.close()


def test_first_start_seeds_every_row_of_terms_csv(first_start, seed_records):
    path = first_start.config["DATABASE"]
    with open(SEED_PATH, encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.DictReader(f) if any(row.values())]
    assert count(path, "select count(*) from concepts") == len(rows)
    assert len(rows) == len(seed_records)
    expected_terms = sum(len(r["terms"]) for r in seed_records)
    assert count(path, "select count(*) from terms") == expected_terms
    # Each seeded concept has one history entry saying where it came from.
    assert count(path, "select count(*) from history where author = 'seed'") == len(
        seed_records
    )


def test_seeded_ids_are_those_of_terms_csv(first_start, seed_records):
    conn = sqlite3.connect(first_start.config["DATABASE"])
    try:
        ids = [row[0] for row in conn.execute("select id from concepts order by id")]
    finally:
        conn.close()
    assert ids == sorted(r["id"] for r in seed_records)


TABLES = ("concepts", "terms", "definitions", "notes", "relations", "history")


def test_second_start_does_not_seed_again(tmp_path):
    first = start(tmp_path)
    path = first.config["DATABASE"]
    before = {t: count(path, f"select count(*) from {t}") for t in TABLES}
    migrations = count(path, "select count(*) from _sqlite_migrations")

    start(tmp_path)

    assert {t: count(path, f"select count(*) from {t}") for t in TABLES} == before
    assert count(path, "select count(*) from _sqlite_migrations") == migrations


def test_a_seed_with_an_invalid_row_seeds_nothing(tmp_path):
    bad_seed = write_csv(
        tmp_path / "bad.csv",
        [
            ["term_en", "term_ru", "term_kk", "domain"],
            ["museum", "музей", "мұражай", "museums-heritage"],
            ["gallery", "галерея", "галерея", "no-such-domain"],
        ],
    )
    with pytest.raises(SeedError) as caught:
        start(tmp_path, SEED_PATH=str(bad_seed))
    assert caught.value.codes == ["seed_invalid"]
    message = str(caught.value)
    assert "line 3" in message
    assert "no-such-domain" in message
    path = str(tmp_path / "glossary.db")
    assert count(path, "select count(*) from concepts") == 0
    assert count(path, "select count(*) from history") == 0


def test_a_seed_failing_halfway_leaves_no_concept(tmp_path):
    # Both rows are valid CSV; the second refers to a concept that does not
    # exist, which is only found when importing: the first must not stay.
    bad_seed = write_csv(
        tmp_path / "dangling.csv",
        [
            ["id", "domain", "term_en", "term_ru", "term_kk", "related"],
            ["1", "general", "museum", "музей", "мұражай", ""],
            ["2", "general", "gallery", "галерея", "галерея", "99"],
        ],
    )
    with pytest.raises(ValueError, match="99"):
        start(tmp_path, SEED_PATH=str(bad_seed))
    path = str(tmp_path / "glossary.db")
    assert count(path, "select count(*) from concepts") == 0
    assert count(path, "select count(*) from terms") == 0


def test_after_a_failed_seed_the_next_start_seeds(tmp_path, seed_records):
    bad_seed = write_csv(
        tmp_path / "bad.csv",
        [["term_en", "term_ru", "term_kk"], ["", "", ""], ["x", "y", "z"]],
    )
    with pytest.raises(SeedError):
        start(tmp_path, SEED_PATH=str(bad_seed))
    app = start(tmp_path)
    path = app.config["DATABASE"]
    assert count(path, "select count(*) from concepts") == len(seed_records)


def test_no_seed_path_gives_an_empty_migrated_database(tmp_path):
    app = start(tmp_path, SEED_PATH=None)
    path = app.config["DATABASE"]
    assert count(path, "select count(*) from concepts") == 0
    assert count(path, "select count(*) from domains") == 13


def _start(path: str, barrier) -> None:
    barrier.wait(timeout=30)
    from glossary import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": path})
    app.test_client().get("/about")


@pytest.mark.slow
def test_two_processes_starting_at_once_seed_once(tmp_path, seed_records):
    path = str(tmp_path / "glossary.db")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=_start, args=(path, barrier)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert count(path, "select count(*) from concepts") == len(seed_records)
    assert count(path, "select count(*) from history") == len(seed_records)
    db = connect(path)
    try:
        assert MIGRATIONS.pending(db) == []
        applied = [m.name for m in MIGRATIONS.applied(db)]
    finally:
        db.close()
    assert len(applied) == len(set(applied))


def test_the_app_factory_does_no_database_work(tmp_path):
    app = make_app(tmp_path)
    assert not (tmp_path / "glossary.db").exists()
    app.test_client().get("/about")
    assert (tmp_path / "glossary.db").exists()


def _request_db(app):
    """The connection one request gets (returned to the spares when it ends)."""
    with app.app_context():
        db = get_db()
        db.execute("select 1").fetchone()
        return db


def test_a_request_takes_the_connection_an_earlier_one_left(first_start):
    first = _request_db(first_start)
    assert _request_db(first_start) is first
    # two at once: two connections, both kept for later
    with first_start.app_context():
        one = get_db()
        with first_start.app_context():
            other = get_db()
        assert other is not one


def test_a_connection_is_left_without_an_open_transaction(first_start):
    with first_start.app_context():
        db = get_db()
        db.execute("begin immediate")
        db.execute("insert into meta (key, value) values ('left', 'open')")
        db.execute("PRAGMA cache_size = -65536")
    with first_start.app_context():
        again = get_db()
        assert again is db
        assert not again.conn.in_transaction
        assert again.execute(
            "select count(*) from meta where key = 'left'"
        ).fetchone() == (0,)
        assert again.execute("PRAGMA cache_size").fetchone() == (-2000,)
    # the write lock was released: another connection writes at once
    other = connect(first_start.config["DATABASE"], busy_timeout_ms=0)
    with other.conn:
        other.execute("insert into meta (key, value) values ('after', '1')")
    other.close()


def test_a_database_made_again_at_the_same_path_is_opened_afresh(tmp_path):
    app = start(tmp_path, SEED_PATH=None)
    path = app.config["DATABASE"]
    old = _request_db(app)
    old.close()  # (closed so the file can go)
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"glossary.db{suffix}").unlink(missing_ok=True)
    fresh = connect(path)
    migrate(fresh)
    with fresh.conn:
        fresh.execute("insert into meta (key, value) values ('made', 'again')")
    fresh.close()
    with app.app_context():
        db = get_db()
        assert db is not old
        assert db.execute("select value from meta where key = 'made'").fetchone() == (
            "again",
        )


def test_a_read_replica_never_keeps_a_connection(first_start, tmp_path):
    replica = make_app(
        tmp_path, DATABASE=first_start.config["DATABASE"], READ_ONLY=True
    )
    assert _request_db(replica) is not _request_db(replica)


def _spares_after_fork(app, queue) -> None:
    with app.app_context():
        queue.put(len(glossary_db._spares._spare))


def test_no_connection_crosses_a_fork(first_start):
    kept = _request_db(first_start)
    assert glossary_db._spares._spare
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_spares_after_fork, args=(first_start, queue))
    child.start()
    assert queue.get(timeout=30) == 0
    child.join(timeout=30)
    assert child.exitcode == 0
    # closed in the parent before the fork: the next request opens another
    assert _request_db(first_start) is not kept
