"""Streaming import: limits while reading, capped problem lists, replace inside the
write transaction, confirmation of big removals, the change log, SIGKILL safety."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from glossary import ROOT, concepts, exchange, importer
from glossary.db import connect
from glossary.interchange import csvfile
from glossary.lookup import Lookup
from glossary.model import LANGS, term_key
from tests.glossaries import glossaries
from tests.page_support import make_app
from tests.review_support import copy_database


@pytest.fixture
def database(tmp_path, seeded_database) -> Path:
    path = tmp_path / "glossary.db"
    copy_database(seeded_database, path)
    return path


def run_import(path: Path, name: str, data: bytes, **kwargs) -> dict:
    db = connect(path)
    try:
        return exchange.import_file(db, io.BytesIO(data), name, author="t", **kwargs)
    finally:
        db.close()


def csv_rows(n: int, start: int = 0, prefix: str = "stage term") -> bytes:
    lines = ["term_en,term_ru,term_kk"]
    lines += [f"{prefix} {i},,\r" for i in range(start, start + n)]
    return ("\n".join(lines) + "\n").encode()


def snapshot(path: Path) -> tuple:
    db = connect(path)
    try:
        return (
            concepts.generation(db),
            db["concepts"].count,
            db["terms"].count,
            db["history"].count,
            db.execute("select max(id) from search_changes").fetchone()[0],
            sorted(
                tuple(r)
                for r in db.execute(
                    "select type, name, sql from sqlite_master "
                    "where type in ('trigger', 'index')"
                )
            ),
        )
    finally:
        db.close()


# --- limits while streaming ---------------------------------------------------


def test_problems_are_all_counted_and_the_first_ones_listed(database, monkeypatch):
    monkeypatch.setattr(importer, "ERRORS_LISTED", 5)
    bad = "term_en,term_ru,term_kk\n" + "".join(
        f"museum {i},музeй,\n"
        for i in range(12)  # Latin e in a Russian word
    )
    before = snapshot(database)
    report = run_import(database, "bad.csv", bad.encode())
    assert report["error_count"] == 12
    assert len(report["errors"]) == 5
    assert report["errors"][0].startswith("line 2: ru term")
    assert snapshot(database) == before


def test_the_row_limit_stops_reading(database, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_ROWS", 5)
    report = run_import(database, "many.csv", csv_rows(9))
    assert report["errors"] == ["line 7: more than 5 rows"]


def test_a_huge_cell_is_refused_while_it_is_read(database):
    data = b'term_en,term_ru,term_kk\nmuseum,"' + b"x" * 500_000 + b'",\n'
    report = run_import(database, "cell.csv", data)
    assert report["errors"] == ["line 2: a cell is longer than 20000 characters"]


def test_a_huge_id_is_refused_without_a_crash(database):
    data = b"id,term_en\n" + b"9" * 5000 + b",museum\n"
    [error] = run_import(database, "id.csv", data)["errors"]
    assert error.startswith("line 2: id '999") and "(5000 characters)" in error


def test_a_line_without_end_is_refused_while_it_is_read(database, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_LINE", 1000)
    data = b"term_en,term_ru,term_kk\n" + b"a" * 5000
    assert run_import(database, "line.csv", data)["errors"] == [
        "line 2: a line is longer than 1,000 characters"
    ]


# --- JSON read incrementally --------------------------------------------------


def test_json_in_any_layout_is_read_a_concept_at_a_time(database, tmp_path):
    doc = {
        "format": "glossary",
        "version": 1,
        "concepts": [
            {
                "domain": "theatre",
                "terms": [{"lang": "en", "text": f"stage wagon {i}"}],
            }
            for i in range(2500)
        ],
    }
    pretty = json.dumps(doc, indent=2).encode()
    report = run_import(database, "pretty.json", pretty, dry_run=True)
    assert (report["ok"], report["new"], report["concepts"]) == (True, 2500, 2500)
    # the concepts key first, the format after it: still accepted
    reordered = json.dumps(
        {"concepts": doc["concepts"][:3], "version": 1, "format": "glossary"}
    ).encode()
    assert run_import(database, "r.json", reordered, dry_run=True)["new"] == 3


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            b'{"format": "glossary", "version": 1, "concepts": [\n{"id": 1,,}]}',
            "line 2: malformed JSON",
        ),
        (
            b'{"format": "glossary", "version": 1, "concepts": [' + b"[" * 100_000,
            "malformed JSON",
        ),
        (
            b'{"format": "other", "version": 1, "concepts": []}',
            "not a glossary JSON file",
        ),
        (
            b'{"format": "glossary", "version": 2, "concepts": []}',
            "unsupported version 2",
        ),
        (
            b'{"format": "glossary", "version": 1, "concepts": []} x',
            "malformed JSON: Extra data",
        ),
    ],
)
def test_broken_json_is_refused_with_its_reason(database, doc, message):
    [error] = run_import(database, "b.json", doc)["errors"]
    assert message in error


# --- replace ------------------------------------------------------------------


def test_replace_removes_a_concept_approved_after_the_check(database):
    """The removals are worked out inside the write transaction: a concept
    approved while the user is asked to confirm is removed too."""
    late = []

    def approve_then_confirm(n: int, total: int) -> bool:
        other = connect(database)
        late.append(
            concepts.save_concept(
                other,
                {
                    "id": None,
                    "domain": "theatre",
                    "terms": [
                        {"lang": "en", "text": "late arrival", "status": "preferred"}
                    ],
                },
                author="reviewer",
            )[0]
        )
        other.close()
        return True

    report = run_import(
        database, "keep.csv", csv_rows(3), replace=True,
        confirm_removal=approve_then_confirm,
    )  # fmt: skip
    assert report["ok"] and report["new"] == 3 and late
    db = connect(database)
    assert db["concepts"].count == 3
    assert report["removed"] == 520  # the 519 checked, and the late one
    with pytest.raises(concepts.NotFound):
        concepts.load_record(db, late[0])
    assert concepts.history(db, late[0])[0]["action"] == "import"
    db.close()


def test_a_big_replace_needs_yes(database):
    app = make_app(database.parent)
    path = database.parent / "three.csv"
    path.write_bytes(csv_rows(3))
    before = snapshot(database)
    refused = app.test_cli_runner().invoke(args=["import", "--replace", str(path)])
    assert refused.exit_code != 0
    assert "--replace would remove" in refused.output and "--yes" in refused.output
    assert snapshot(database) == before
    done = app.test_cli_runner().invoke(
        args=["import", "--replace", "--yes", str(path)]
    )
    assert done.exit_code == 0, done.output
    assert "3 new" in done.output and "removed" in done.output
    db = connect(database)
    assert db["concepts"].count == 3
    db.close()


def test_a_small_replace_needs_no_confirmation(database):
    db = connect(database)
    extra, _ = concepts.save_concept(
        db,
        {
            "id": None,
            "domain": "theatre",
            "terms": [{"lang": "en", "text": "passing entry", "status": "preferred"}],
        },
        author="t",
    )
    db.close()
    app = make_app(database.parent)
    export = database.parent / "all.csv"
    assert app.test_cli_runner().invoke(args=["export", str(export)]).exit_code == 0
    lines = export.read_bytes().split(b"\r\n")
    assert lines[-1] == b"" and lines[-2].startswith(f"{extra},".encode())
    export.write_bytes(b"\r\n".join(lines[:-2] + [b""]))  # the last one left out
    done = app.test_cli_runner().invoke(args=["import", "--replace", str(export)])
    assert done.exit_code == 0, done.output
    assert "1 removed" in done.output


# --- the change log and the search index ------------------------------------------


def test_a_bulk_import_is_seen_by_a_running_search_index(database):
    db = connect(database)
    lookup = Lookup(database)
    assert all(
        r["match"]["text"] != "stage term 7" for r in lookup.search(db, "stage term 7")
    )
    triggers = snapshot(database)[-1]
    report = run_import(database, "t.csv", csv_rows(50))
    assert report["new"] == 50
    assert snapshot(database)[-1] == triggers  # the triggers are back
    [hit, *_] = lookup.search(db, "stage term 7")
    assert (hit["match"]["text"], hit["match"]["how"]) == ("stage term 7", "exact")
    assert lookup.events[-1] == "patched"
    # and a later change made by the triggers is logged as before
    record = concepts.load_record(db, hit["id"])
    record["terms"][0]["text"] = "stage term seven"
    concepts.save_concept(db, record, author="t")
    assert lookup.search(db, "stage term seven")[0]["id"] == hit["id"]
    db.close()


def change_log(path: Path) -> tuple[int, list[tuple[int, int]]]:
    db = connect(path)
    try:
        seq = db.execute(
            "select seq from sqlite_sequence where name = 'search_changes'"
        ).fetchone()
        rows = db.execute("select id, concept_id from search_changes order by id")
        return (seq[0] if seq else 0), [tuple(r) for r in rows]
    finally:
        db.close()


@pytest.mark.parametrize("keep", [30, 100])
def test_the_change_log_keeps_its_last_rows_as_if_each_was_written(
    database, monkeypatch, keep
):
    # 50 concepts logged; the log keeps KEEP rows: with 30, only the last 30
    # are written, numbered as the 50 rows would have been.
    monkeypatch.setattr(concepts, "CHANGE_LOG_KEEP", keep)
    db = connect(database)
    lookup = Lookup(database)
    lookup.search(db, "museum")  # an index built before the import
    seq, old_rows = change_log(database)
    report = run_import(database, "t.csv", csv_rows(50))
    assert report["new"] == 50
    new_ids = [
        r[0]
        for r in db.execute(
            "select concept_id from terms where text like 'stage term %' order by id"
        )
    ]
    after, rows = change_log(database)
    assert after == seq + 50
    logged = [(seq + k, cid) for k, cid in enumerate(new_ids, 1)]
    assert rows == (old_rows + logged)[-keep:]
    # the index that saw the log before it follows (patched, or rebuilt when
    # it saw less than the log keeps)
    [hit, *_] = lookup.search(db, "stage term 49")
    assert hit["match"]["text"] == "stage term 49"
    assert lookup.events[-1] == ("patched" if keep == 100 else "built")
    db.close()


def indexes(path: Path) -> list[tuple]:
    db = connect(path)
    try:
        return db.execute(
            "select name, tbl_name, sql from sqlite_master where type = 'index' "
            "order by name"
        ).fetchall()
    finally:
        db.close()


def test_a_big_import_builds_the_text_index_afresh(database, monkeypatch):
    # A file as big as the glossary: the (lang, text) index is dropped for the
    # write and built again in the same transaction, the same as before.
    monkeypatch.setattr(importer, "DEFER_INDEXES_FROM", 10)
    before = indexes(database)
    assert "idx_terms_lang_text" in [name for name, *_ in before]
    dropped = []
    real = importer._set_aside_indexes

    def spy(db):
        out = real(db)
        dropped.extend(name for name, _sql in out)
        return out

    monkeypatch.setattr(importer, "_set_aside_indexes", spy)
    report = run_import(database, "t.csv", csv_rows(1000))
    assert report["ok"] and report["new"] == 1000
    assert dropped == ["idx_terms_lang_text"]
    assert indexes(database) == before
    db = connect(database)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    plan = db.execute(
        "explain query plan select id from terms where lang = 'en' and text = ?",
        ["stage term 7"],
    ).fetchall()
    assert "idx_terms_lang_text" in str(plan)
    assert Lookup(database).search(db, "stage term 7")[0]["match"]["text"] == (
        "stage term 7"
    )
    db.close()


def test_a_small_import_keeps_its_indexes(database, monkeypatch):
    dropped = []
    real = importer._set_aside_indexes
    monkeypatch.setattr(
        importer,
        "_set_aside_indexes",
        lambda db: dropped.extend(real(db)) or [],
    )
    assert run_import(database, "t.csv", csv_rows(20))["new"] == 20
    assert dropped == []  # 20 concepts into 519: the indexes take them as they come


def test_a_failed_big_import_leaves_indexes_and_rows_as_they_were(
    database, monkeypatch
):
    monkeypatch.setattr(importer, "DEFER_INDEXES_FROM", 10)
    before, rows = indexes(database), snapshot(database)
    calls = []

    def fail_on_second(self, records):
        calls.append(len(records))
        if len(calls) == 2:
            raise ValueError("the disk went away")
        return real(self, records)

    real = importer._Writer.insert_new
    monkeypatch.setattr(importer._Writer, "insert_new", fail_on_second)
    monkeypatch.setattr(importer, "BATCH", 100)
    report = run_import(database, "t.csv", csv_rows(1000))
    assert not report["ok"]
    assert report["errors"] == ["the disk went away; nothing was imported"]
    assert indexes(database) == before
    assert snapshot(database) == rows


def test_re_importing_an_export_changes_nothing(database):
    app = make_app(database.parent)
    for fmt, name in (("csv", "g.csv"), ("tbx", "g.tbx"), ("json", "g.json")):
        path = database.parent / name
        result = app.test_cli_runner().invoke(
            args=["export", "--format", fmt, str(path)]
        )
        assert result.exit_code == 0
        before = snapshot(database)
        report = run_import(database, name, path.read_bytes())
        assert report["ok"] and report["new"] == report["changed"] == 0, report
        assert snapshot(database) == before


# --- SIGKILL at any point leaves the old glossary whole ----------------------------


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5, 4.0])
@pytest.mark.parametrize(
    "rows",
    [30_000, 250_000],  # read in-process; read by a child process (over 4 MiB)
)
def test_an_import_killed_at_any_point_leaves_the_old_glossary(
    database, tmp_path, delay, rows
):
    path = tmp_path / "big.csv"
    path.write_bytes(csv_rows(rows, prefix="killed term"))
    assert (path.stat().st_size >= exchange.PARALLEL_FROM) == (rows > 30_000)
    before = snapshot(database)
    env = {
        **os.environ,
        "GLOSSARY_DATABASE": str(database),
        "GLOSSARY_SECRET_KEY": "t",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "glossary", "import", str(path)],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    # A reader process it started ends too (its pipe is gone).
    deadline = time.monotonic() + 10
    while _readers_of(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _readers_of(path)
    after = snapshot(database)
    db = connect(database)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    killed = db.execute(
        "select count(*) from terms where text like 'killed term %'"
    ).fetchone()[0]
    db.close()
    if killed == 0:
        assert after == before  # not a row of it, triggers and counters as they were
    else:  # it finished before the kill: all of it
        assert killed == rows
        assert after[1] == before[1] + rows and after[-1] == before[-1]


def _readers_of(path: Path) -> list[Path]:
    """The processes reading PATH as their standard input (import readers)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if os.readlink(proc / "fd" / "0") == str(path):
                found.append(proc)
        except OSError:
            continue
    return found


class _Recorder:
    """Stands for the database: keeps the rows each executemany was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list]] = []
        self.conn = self

    def execute(self, sql, params=()):
        return self

    def fetchone(self):
        return (41,)  # the highest term id so far

    def executemany(self, sql, rows):
        self.calls.append((sql, list(rows)))


def _reference_insert_rows(writer, records: list[dict]) -> list[list]:
    """The rows _Writer.insert_new wrote before it was streamlined, per table."""
    concepts_rows, terms, defs, rels, notes, history = [], [], [], [], [], []
    next_term = writer.next_term
    for record in records:
        cid = record["id"]
        concepts_rows.append((cid, record["domain"], writer.stamp, writer.stamp))
        positions = dict.fromkeys(LANGS, 0)
        term_ids: dict[str, int] = {}
        for t in record["terms"]:
            positions[t["lang"]] += 1
            term_ids[term_key(t)] = next_term
            terms.append(
                (next_term, cid, t["lang"], t["text"], t["status"], t["pos"])
                + (t["usage"], t["source"], positions[t["lang"]])
            )
            next_term += 1
        for lang, d in record["definitions"].items():
            defs.append((cid, lang, d["text"], d["source"]))
        for r in record["related"]:
            rels.append((cid, r))
        for n in record["notes"]:
            term_id = term_ids[n["term"]] if n["term"] else None
            notes.append((cid, term_id, n["lang"], n["author"], n["text"], n["date"]))
        after = json.dumps(record, ensure_ascii=False)
        history.append(
            (cid, writer.stamp, writer.author, "import", writer.reason, after)
        )
    return [concepts_rows, terms, defs, rels, notes, history]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(glossaries())
def test_insert_new_writes_the_rows_it_wrote_before(records):
    db = _Recorder()
    writer = importer._Writer(db, "tester", "imported from g.csv")
    records = [
        importer._as_new(r, 100 + k, "tester") for k, r in enumerate(records * 2)
    ]
    expected = _reference_insert_rows(writer, records)
    writer.insert_new(records)
    written = [rows for _sql, rows in db.calls]
    # the history's JSON: the same document (orjson writes it without spaces)
    assert [[*row[:-1], json.loads(row[-1])] for row in written[-1]] == [
        [*row[:-1], json.loads(row[-1])] for row in expected[-1]
    ]
    assert written[:-1] == expected[:-1]
    assert writer.next_term == 42 + sum(len(r["terms"]) for r in records)


def test_spooled_batches_are_the_batches_of_the_items(tmp_path):
    pairs = [(k + 1, {"id": k, "terms": []}) for k in range(2 * importer.BATCH + 6)]
    with open(tmp_path / "spool", "w+b") as spool:
        for start in range(0, len(pairs), importer.BATCH):
            importer._spool_batch(spool, pairs[start : start + importer.BATCH])
        spooled = importer.spooled(spool)
        by_batch = list(spooled.batches())
        items = list(spooled)
    assert [len(b) for b in by_batch] == [importer.BATCH, importer.BATCH, 6]
    assert [p for b in by_batch for p in b] == pairs
    assert [(i.pos, i.record, list(i.problems)) for i in items] == [
        (pos, record, []) for pos, record in pairs
    ]


def test_the_history_json_is_the_record_even_where_orjson_refuses_it():
    record = {"id": 7, "terms": [{"text": "музей"}], "n": 2**70, "s": "\ud800"}
    assert json.loads(importer._to_json(record)) == record
    assert importer._to_json({"id": 7, "t": "музей"}) == '{"id":7,"t":"музей"}'
