"""The one-pass import: a file read by a child process gives the same items and
the same import as one read in-process; writing while reading stays all or
nothing; new concepts without id get the ids they always got."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest

from glossary import concepts, exchange, importer
from glossary.db import connect
from glossary.interchange import parallel
from glossary.interchange.formats import FileProblem, format_for, read_items
from tests.page_support import make_app
from tests.review_support import copy_database
from tests.test_hostile import FILES
from tests.test_streaming_import import _readers_of


def shown(items) -> list[tuple]:
    """ITEMS as comparable tuples; a FileProblem met on the way ends the list."""
    out = []
    try:
        for i in items:
            out.append(
                (i.pos, i.record, [str(p) for p in i.problems], i.fatal, i.where)
            )
    except FileProblem as exc:
        out.append(("FileProblem", str(exc)))
    return out


def in_child(fmt: str, data: bytes) -> list[tuple]:
    with tempfile.TemporaryFile() as f:
        f.write(b"xx" + data)  # the content starts past the first bytes
        f.flush()
        return shown(parallel.items_in_child(fmt, f, 2))


def in_process(fmt: str, data: bytes) -> list[tuple]:
    with tempfile.TemporaryFile() as f:
        f.write(b"xx" + data)
        f.flush()
        return shown(read_items(fmt, f, 2))


@pytest.fixture(scope="module")
def exports(seeded_database) -> dict[str, bytes]:
    db = connect(seeded_database)
    try:
        return {
            fmt: "".join(exchange.export_chunks(db, fmt)).encode()
            for fmt in ("csv", "tbx", "json")
        }
    finally:
        db.close()


@pytest.mark.parametrize("fmt", ["csv", "tbx", "json"])
def test_the_child_reads_the_seeded_glossary_as_read_in_process(exports, fmt):
    items = in_child(fmt, exports[fmt])
    assert len(items) == 519 and all(i[1] for i in items)
    assert items == in_process(fmt, exports[fmt])


READABLE = [
    pytest.param(n, d, id=n, marks=[pytest.mark.slow] if len(d) > 1 << 20 else [])
    for n, d, _w in FILES
    if n.endswith((".csv", ".tsv", ".tbx", ".json"))
]


@pytest.mark.parametrize(("name", "data"), READABLE)
def test_the_child_reads_hostile_files_as_read_in_process(name, data):
    fmt = format_for(name)
    assert in_child(fmt, data) == in_process(fmt, data)


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("csv", b"term_en,term_ru\nmuseum,\xff\xfe broken\n"),  # not UTF-8 part-way
        ("csv", b"term_en\n" + b"".join(b"t %d\n" % i for i in range(2500)) + b"\xff"),
        ("json", b'{"format": "glossary", "version": 1, "concepts": [{"id": 1,,'),
        ("tbx", b"<?xml version='1.0'?><tbx><text><body><conceptEntry id='c1'>"),
        ("csv", b"\xff\xfeU\x00T\x00F\x00"),  # UTF-16
    ],
)
def test_the_child_reports_broken_files_as_read_in_process(fmt, data):
    child = in_child(fmt, data)
    assert child == in_process(fmt, data)
    assert child[-1][0] == "FileProblem" or child[-1][2]


# --- the same import, read in-process or by the child ---------------------------


def _export(path: Path) -> str:
    db = connect(path)
    try:
        return "".join(exchange.export_chunks(db, "json"))
    finally:
        db.close()


def _both(tmp_path, seeded_database, monkeypatch, name, data, **kwargs):
    """Import DATA into two copies of the term base, in-process and through the
    child; return both reports and both glossaries (as exported)."""
    out = []
    for how, threshold in (("in-process", 1 << 40), ("child", 0)):
        path = tmp_path / how / "glossary.db"
        path.parent.mkdir(parents=True)
        copy_database(seeded_database, path)
        monkeypatch.setattr(exchange, "PARALLEL_FROM", threshold)
        db = connect(path)
        try:
            report = exchange.import_file(
                db, io.BytesIO(data), name, author="t", **kwargs
            )
        finally:
            db.close()
        out.append((report, _export(path)))
    return out


def _csv(*rows: str) -> bytes:
    return ("\n".join(["id,domain,term_en,term_ru,related", *rows]) + "\n").encode()


CASES = {
    "new without id": _csv(*[f",theatre,wing flat {i},," for i in range(2300)]),
    "ids and no ids": _csv(
        ",theatre,fly tower,,", "9000,theatre,fly loft,,", ",theatre,fly gallery,,9000"
    ),
    "problems late": _csv(
        *[f"{8000 + i},theatre,batten {i},," for i in range(2100)],
        ",theatre,,музeй,",  # a Latin e in a Russian word
        "8005,theatre,batten again,,",  # an id given twice
    ),
    "related missing": _csv("8000,theatre,gobo,,7999999"),
    "an id twice in a batch": _csv("8000,theatre,gobo,,", "8000,theatre,gobo 2,,"),
    "updates": _csv("1,theatre,creative industries (changed),,"),
}


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("case", list(CASES))
def test_an_import_through_the_child_is_the_same_import(
    tmp_path, seeded_database, monkeypatch, case, dry_run
):
    (mine, kept), (child, kept_child) = _both(
        tmp_path, seeded_database, monkeypatch, "g.csv", CASES[case], dry_run=dry_run
    )
    assert mine == child
    assert kept == kept_child


def test_an_import_of_exports_through_the_child_is_the_same(
    tmp_path, seeded_database, monkeypatch, exports
):
    for fmt, data in exports.items():
        for (report, kept), (child, kept_child) in [
            _both(tmp_path / fmt, seeded_database, monkeypatch, f"g.{fmt}", data)
        ]:
            assert report == child and kept == kept_child
            assert report["ok"] and report["unchanged"] == 519


# --- one pass, all or nothing -------------------------------------------------------


@pytest.fixture
def database(tmp_path, seeded_database) -> Path:
    path = tmp_path / "glossary.db"
    copy_database(seeded_database, path)
    return path


def _run(path: Path, data: bytes, name: str = "g.csv", **kwargs) -> dict:
    db = connect(path)
    try:
        return exchange.import_file(db, io.BytesIO(data), name, author="t", **kwargs)
    finally:
        db.close()


def _counts(path: Path) -> tuple:
    db = connect(path)
    try:
        return tuple(
            db.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("concepts", "terms", "history", "search_changes", "relations")
        ) + (concepts.generation(db),)
    finally:
        db.close()


@pytest.mark.parametrize("case", ["problems late", "related missing"])
def test_a_problem_after_written_batches_leaves_nothing_written(
    database, monkeypatch, case
):
    monkeypatch.setattr(importer, "BATCH", 100)  # many batches written first
    before = _counts(database)
    report = _run(database, CASES[case])
    assert not report["ok"] and report["errors"]
    assert _counts(database) == before


def test_problems_are_listed_as_in_the_file(database):
    report = _run(database, CASES["problems late"])
    assert report["errors"] == [
        "line 2102: ru term 'музeй': the word 'музeй' mixes Latin and Cyrillic letters",
        "line 2103: id 8005 is also on line 7",
    ]
    assert report["error_count"] == 2 and report["concepts"] == 2101


def test_an_id_twice_in_one_batch_is_reported_not_raised(database):
    before = _counts(database)
    report = _run(database, CASES["an id twice in a batch"])
    assert report["errors"] == ["line 3: id 8000 is also on line 2"]
    assert _counts(database) == before


def test_new_concepts_without_id_are_numbered_above_the_given_ids_in_file_order(
    database,
):
    report = _run(database, CASES["ids and no ids"])
    assert report["ok"] and report["new"] == 3
    db = connect(database)
    try:
        ids = {
            text: cid
            for cid, text in db.execute(
                "select concept_id, text from terms where text like 'fly %'"
            )
        }
        related = db.execute(
            "select related_id from relations where concept_id = ?",
            [ids["fly gallery"]],
        ).fetchall()
    finally:
        db.close()
    assert ids == {"fly loft": 9000, "fly tower": 9001, "fly gallery": 9002}
    assert related == [(9000,)]


def test_a_concept_without_id_matching_a_stored_one_updates_it(database):
    db = connect(database)
    record = concepts.load_record(db, 1)
    db.close()
    record["id"] = None
    record["terms"] = [{**t, "text": t["text"].upper()} for t in record["terms"]]
    record["definitions"] = {}
    data = json.dumps({"format": "glossary", "version": 1, "concepts": [record]})
    report = _run(database, data.encode(), "g.json", dry_run=True)
    assert report["ok"] and (report["new"], report["changed"]) == (0, 1), report
    record["terms"] = record["terms"][1:]  # not all its terms: a new concept
    data = json.dumps({"format": "glossary", "version": 1, "concepts": [record]})
    report = _run(database, data.encode(), "g.json", dry_run=True)
    assert report["ok"] and (report["new"], report["changed"]) == (1, 0), report


def test_the_cli_says_what_it_imports(tmp_path, database):
    app = make_app(database.parent)
    path = tmp_path / "new.csv"
    path.write_bytes(CASES["new without id"])
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Importing 2300 concepts: all read and checked." in result.output
    assert "2300 new, 0 changed, 0 unchanged" in result.output


def test_a_reader_left_early_ends_its_child(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(_csv(*[f",theatre,wing flat {i},," for i in range(50_000)]))
    with open(path, "rb") as f:
        items = parallel.items_in_child("csv", f, 0)
        first = [next(items) for _ in range(5)]
        assert [i.pos for i in first] == [2, 3, 4, 5, 6]
        assert _readers_of(path)  # the child reads the file as its standard input
        items.close()
        assert not _readers_of(path)


def test_concepts_without_id_are_matched_with_the_glossary_as_it_was(
    database, monkeypatch
):
    """Matched by their terms as stored when the import began, even when the
    terms are first read after earlier concepts of the file were written."""
    monkeypatch.setattr(importer, "BATCH", 1)  # each concept written before the next
    db = connect(database)
    first, second = (r[0] for r in db.execute("select id from concepts limit 2"))
    one, two = concepts.load_record(db, first), concepts.load_record(db, second)
    db.close()
    renamed = {**one, "terms": [{**one["terms"][0], "text": "renamed concept"}]}
    same_as_two = {**two, "id": None}
    like_renamed = {**renamed, "id": None, "notes": []}
    doc = {
        "format": "glossary",
        "version": 1,
        "concepts": [renamed, same_as_two, like_renamed],
    }
    data = json.dumps(doc).encode()
    check = _run(database, data, "g.json", dry_run=True)
    report = _run(database, data, "g.json")
    expected = (True, 1, 1, 1)  # renamed: changed; like two: unchanged; new
    assert (report["ok"], report["new"], report["changed"], report["unchanged"]) == (
        expected
    ), report
    assert [check[k] for k in ("new", "changed", "unchanged")] == [1, 1, 1]
