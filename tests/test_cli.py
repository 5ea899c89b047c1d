"""Flask commands: init-db, import, export, backup (exit code, output, effect)."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys

import pytest

from glossary import ROOT, concepts, create_app
from glossary.db import connect
from glossary.model import MAX_TERM
from tests.page_support import SEED_PATH, make_app, write_csv


def state(app) -> dict:
    """Return what an import could change: the records, history size, generation."""
    db = connect(app.config["DATABASE"])
    try:
        return {
            "records": list(concepts.iter_records(db)),
            "history": db["history"].count,
            "generation": concepts.generation(db),
        }
    finally:
        db.close()


def concept_count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select count(*) from concepts").fetchone()[0]
    finally:
        conn.close()


def find(app, lang: str, text: str) -> list[dict]:
    """Return the stored records that have the term TEXT in LANG."""
    return [
        r
        for r in state(app)["records"]
        if any(t["lang"] == lang and t["text"] == text for t in r["terms"])
    ]


def export_text(runner, *args: str) -> str:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


# --- init-db -----------------------------------------------------------------


def test_init_db_is_idempotent(app, runner, seed_records):
    before = state(app)
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert f"{len(seed_records)} concepts" in result.output
        assert app.config["DATABASE"] in result.output
    assert state(app) == before


def test_init_db_on_a_new_file_with_and_without_seed(
    app, runner, tmp_path, seed_records
):
    fresh = tmp_path / "fresh" / "glossary.db"
    app.config["DATABASE"] = str(fresh)

    result = runner.invoke(args=["init-db", "--no-seed"])
    assert result.exit_code == 0, result.output
    assert "0 concepts" in result.output
    assert concept_count(fresh) == 0

    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"{len(seed_records)} concepts (seeded" in result.output
    assert concept_count(fresh) == len(seed_records)


# --- import ------------------------------------------------------------------


def test_import_upserts_and_prints_the_counts(app, runner, tmp_path, seed_records):
    exported = list(csv.DictReader(io.StringIO(export_text(runner))))
    first, second = exported[0], exported[1]
    first["term_en"] = "creative industries (changed)"
    new = dict.fromkeys(exported[0], "")
    new.update(domain="design", term_en="mood board", term_ru="мудборд")
    path = tmp_path / "upsert.csv"
    write_csv(
        path,
        [list(first), list(first.values()), list(second.values()), list(new.values())],
    )

    result = runner.invoke(args=["import", str(path)])

    assert result.exit_code == 0, result.output
    assert "1 new, 1 changed, 1 unchanged" in result.output
    assert len(state(app)["records"]) == len(seed_records) + 1
    [changed] = find(app, "en", "creative industries (changed)")
    assert changed["id"] == int(first["id"])
    [added] = find(app, "ru", "мудборд")
    assert added["domain"] == "design"


def test_import_records_the_author_in_history(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "one.csv",
        [["term_en", "term_ru", "term_kk"], ["mood board", "мудборд", ""]],
    )
    result = runner.invoke(args=["import", "--author", "Aigerim", str(path)])
    assert result.exit_code == 0, result.output
    [added] = find(app, "en", "mood board")
    db = connect(app.config["DATABASE"])
    try:
        [entry] = concepts.history(db, added["id"])
    finally:
        db.close()
    assert entry["author"] == "Aigerim"
    assert "one.csv" in entry["reason"]


def test_dry_run_reports_and_writes_nothing(app, runner, tmp_path):
    exported = list(csv.DictReader(io.StringIO(export_text(runner))))
    changed = dict(exported[0], term_en="creative industries (changed)")
    new = dict.fromkeys(exported[0], "")
    new.update(term_en="mood board")
    path = write_csv(
        tmp_path / "dry.csv",
        [list(changed), list(changed.values()), list(new.values())],
    )
    before = state(app)

    result = runner.invoke(args=["import", "--dry-run", str(path)])

    assert result.exit_code == 0, result.output
    assert "1 new, 1 changed, 0 unchanged" in result.output
    assert state(app) == before


def test_dry_run_reports_a_related_id_that_does_not_exist(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "dangling.csv",
        [
            ["term_en", "term_ru", "term_kk", "related"],
            ["mood board", "мудборд", "", "1"],
            ["stage", "сцена", "сахна", "999999"],
        ],
    )
    before = state(app)
    for args in (["import", "--dry-run", str(path)], ["import", str(path)]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert "line 3" in result.output and "999999" in result.output
        assert "line 2" not in result.output
    assert state(app) == before


def test_the_same_id_twice_is_rejected(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "twice.csv",
        [
            ["id", "term_en", "term_ru", "term_kk"],
            ["1", "creative industries", "", ""],
            ["1", "cultural industries", "", ""],
        ],
    )
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 3:" in result.output
    assert state(app) == before


def test_dry_run_reports_invalid_rows_too(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [["term_en", "term_ru", "term_kk", "domain"], ["mood board", "", "", "moods"]],
    )
    before = state(app)
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output
    assert state(app) == before


@pytest.mark.parametrize(
    "rows, expected",
    [
        (
            [["term_en", "term_ru", "term_kk"], ["mood board", "мудборд", ""]],
            {"en": ["mood board"], "ru": ["мудборд"], "kk": []},
        ),
        (
            [["term_en", "term_ru", "term_kk"], ["", "мудборд", "мудборд"]],
            {"en": [], "ru": ["мудборд"], "kk": ["мудборд"]},
        ),
        (
            [
                ["term_en", "term_ru", "term_kk", "domain"],
                ["mood board", "", "", "design"],
            ],
            {"en": ["mood board"], "ru": [], "kk": []},
        ),
    ],
    ids=["no-kk", "no-en", "en-only-with-domain"],
)
def test_minimal_file_imports(app, runner, tmp_path, rows, expected):
    path = write_csv(tmp_path / "minimal.csv", rows)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed, 0 unchanged" in result.output
    lang, text = next((k, v[0]) for k, v in expected.items() if v)
    [added] = find(app, lang, text)
    assert {
        lang: [t["text"] for t in added["terms"] if t["lang"] == lang]
        for lang in ("en", "ru", "kk")
    } == expected
    assert all(t["status"] == "preferred" for t in added["terms"])
    assert added["domain"] == ("design" if "domain" in rows[0] else "general")


def test_a_row_with_no_term_at_all_is_rejected(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "empty-row.csv",
        [
            ["term_en", "term_ru", "term_kk", "domain"],
            ["mood board", "мудборд", "", "design"],
            ["", "", "", "design"],
        ],
    )
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 3:" in result.output
    assert state(app) == before


def test_invalid_rows_are_reported_by_line_and_nothing_is_written(
    app, runner, tmp_path
):
    path = write_csv(
        tmp_path / "mixed.csv",
        [
            ["term_en", "term_ru", "term_kk", "domain"],
            ["mood board", "мудборд", "", "design"],
            ["stage", "сцена", "сахна", "theater"],
            ["props", "реквизит", "реквизит", "theatre"],
            ["costume", "kостюм", "костюм", "theatre"],
        ],
    )
    before = state(app)

    result = runner.invoke(args=["import", str(path)])

    assert result.exit_code != 0
    assert "line 3:" in result.output and "'theater'" in result.output
    assert "line 5:" in result.output  # Latin k in a Russian word
    assert "line 2:" not in result.output
    assert "line 4:" not in result.output
    assert "nothing was imported" in result.output
    assert state(app) == before


def test_line_numbers_count_lines_inside_quoted_cells(app, runner, tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text(
        "term_en,note_1,note_1_lang,domain\r\n"
        'mood board,"first line\r\nsecond line",en,design\r\n'
        "stage,,,theater\r\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    # The bad row starts on the fourth line of the file.
    assert "line 4:" in result.output


def test_a_non_utf8_file_is_rejected_with_one_line(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "cp1251.csv",
        [["term_en", "term_ru", "term_kk"], ["design", "дизайн", ""]],
        encoding="cp1251",
    )
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "UTF-8" in line
    assert state(app) == before


def test_a_utf8_file_with_bom_and_semicolons_imports(app, runner, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "term_en;term_ru;term_kk\r\nmood board;мудборд;көңіл-күй тақтасы\r\n".encode(
            "utf-8-sig"
        )
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    [added] = find(app, "kk", "көңіл-күй тақтасы")
    assert [t["text"] for t in added["terms"]][:2] == ["mood board", "мудборд"]


def test_an_unknown_column_is_rejected(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "colour.csv",
        [["term_en", "term_ru", "term_kk", "colour"], ["design", "дизайн", "", "red"]],
    )
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 1:" in result.output and "'colour'" in result.output
    assert state(app) == before


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "cannot read"),
        (b"", "the file is empty"),
        (b'term_en,term_ru,term_kk\r\n"unclosed,quote,x\r\n', "line 2"),
    ],
    ids=["missing", "empty", "malformed"],
)
def test_unreadable_files_fail_cleanly(app, runner, tmp_path, content, reason):
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_bytes(content)
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert reason in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert state(app) == before


def test_import_is_visible_to_search_at_once(app, client, runner, tmp_path):
    url = "/api/v1/search?q=мудборд"
    assert not [
        r for r in client.get(url).get_json()["results"] if r["match"]["how"] != "fuzzy"
    ]
    path = write_csv(
        tmp_path / "one.csv",
        [["term_en", "term_ru", "term_kk"], ["mood board", "мудборд", ""]],
    )
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    first = client.get(url).get_json()["results"][0]
    assert first["match"] == {"lang": "ru", "text": "мудборд", "how": "exact"}


# --- hostile cells -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "lang, cell, stored",
    [
        ("en", '=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
        ("en", "+1 design", "+1 design"),
        ("en", "@mention", "@mention"),
        ("kk", "-лар", "-лар"),
        ("ru", "-ость", "-ость"),
        ("en", 'the "Made in Kazakhstan" label', 'the "Made in Kazakhstan" label'),
        ("en", "design, fashion; crafts", "design, fashion; crafts"),
        ("en", "line\nbreak", "line break"),
        ("en", "  padded\tterm  ", "padded term"),
        ("en", "x" * MAX_TERM, "x" * MAX_TERM),
    ],
    ids=[
        "formula",
        "plus",
        "at",
        "kk-suffix",
        "ru-suffix",
        "quotes",
        "separators",
        "newline",
        "whitespace",
        "longest",
    ],
)
def test_hostile_cells_are_stored_as_text_and_exported_safely(
    app, runner, tmp_path, lang, cell, stored
):
    row = {"en": "", "ru": "", "kk": ""}
    row[lang] = cell
    if lang != "en":
        row["en"] = "hostile cell test"
    path = write_csv(
        tmp_path / "hostile.csv",
        [["term_en", "term_ru", "term_kk"], [row["en"], row["ru"], row["kk"]]],
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    [added] = find(app, lang, stored)

    exported = {r["id"]: r for r in csv.DictReader(io.StringIO(export_text(runner)))}[
        str(added["id"])
    ]
    cell_out = exported[f"term_{lang}"]
    # A spreadsheet must not run the cell as a formula...
    assert cell_out[0] not in "=+-@\t\r"
    # ...and importing the export gives the term back unchanged.
    again = tmp_path / "again.csv"
    again.write_text(export_text(runner), encoding="utf-8", newline="")
    result = runner.invoke(args=["import", str(again)])
    assert result.exit_code == 0, result.output
    assert " 0 new, 0 changed," in result.output
    assert find(app, lang, stored)[0]["id"] == added["id"]


def test_a_newline_in_a_note_survives_the_round_trip(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "note.csv",
        [
            ["term_en", "note_1", "note_1_lang"],
            ["mood board", 'First line.\nSecond line, "quoted".', "en"],
        ],
    )
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    [added] = find(app, "en", "mood board")
    assert added["notes"][0]["text"] == 'First line.\nSecond line, "quoted".'
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export_text(runner)))}
    assert rows[str(added["id"])]["note_1"] == 'First line.\nSecond line, "quoted".'


@pytest.mark.parametrize("length", [MAX_TERM + 1, 2000])
def test_an_overlong_term_is_rejected(app, runner, tmp_path, length):
    path = write_csv(
        tmp_path / "long.csv",
        [
            ["term_en", "term_ru", "term_kk"],
            ["mood board", "", ""],
            ["a" * length, "", ""],
        ],
    )
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 3:" in result.output
    assert f"at most {MAX_TERM}" in result.output
    assert state(app) == before


def test_control_characters_are_rejected(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "control.csv",
        [["term_en", "term_ru", "term_kk"], ["mood\u202eboard", "", ""]],
    )
    before = state(app)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 2:" in result.output and "control characters" in result.output
    assert state(app) == before


# --- export ------------------------------------------------------------------


def test_export_to_stdout_is_the_whole_glossary(runner, seed_records):
    rows = list(csv.DictReader(io.StringIO(export_text(runner))))
    assert [int(r["id"]) for r in rows] == [r["id"] for r in seed_records]
    assert list(rows[0])[:5] == ["id", "domain", "term_en", "term_ru", "term_kk"]
    first = seed_records[0]
    for lang in ("en", "ru", "kk"):
        texts = [t["text"] for t in first["terms"] if t["lang"] == lang]
        assert rows[0][f"term_{lang}"] == (texts[0] if texts else "")
    assert rows[0]["domain"] == first["domain"]


def test_export_of_concept_1(runner):
    row = next(csv.DictReader(io.StringIO(export_text(runner))))
    assert row["id"] == "1"
    assert row["term_en"] == "creative industries"
    assert row["term_ru"] == "креативные индустрии"
    assert row["term_kk"] == "креативті индустриялар"
    assert row["latin_kk"] == "kreativtı industriialar"
    ru_slots = [k for k in row if k.startswith("term_ru_") and row[k]]
    assert [row[k] for k in ru_slots][:1] == ["творческие индустрии"]


def test_export_to_a_file(runner, tmp_path, seed_records):
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "out.csv"
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Exported {len(seed_records)} concepts to {path}" in result.output
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(seed_records)
    assert text == export_text(runner)
    assert list(folder.iterdir()) == [path]


def test_export_one_domain(runner, seed_records):
    rows = list(csv.DictReader(io.StringIO(export_text(runner, "--domain", "design"))))
    expected = [r["id"] for r in seed_records if r["domain"] == "design"]
    assert [int(r["id"]) for r in rows] == expected
    assert {r["domain"] for r in rows} <= {"design"}


def test_export_import_export_is_byte_identical(app, runner, tmp_path):
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    result = runner.invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output
    assert " 0 new, 0 changed," in result.output
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_export_reimports_into_an_identical_empty_glossary(app, runner, tmp_path):
    exported = tmp_path / "exported.csv"
    assert runner.invoke(args=["export", str(exported)]).exit_code == 0

    empty = make_app(tmp_path / "other", SEED_PATH=None)
    other = empty.test_cli_runner()
    result = other.invoke(args=["import", str(exported)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.csv"
    assert other.invoke(args=["export", str(again)]).exit_code == 0

    assert again.read_bytes() == exported.read_bytes()
    assert state(empty)["records"] == state(app)["records"]


# --- backup ------------------------------------------------------------------


def test_backup_is_a_valid_copy(app, runner, tmp_path, seed_records):
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from concepts").fetchone()[0] == len(
            seed_records
        )
    finally:
        conn.close()


def test_backup_leaves_only_the_backup_file(runner, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]


def test_backup_refuses_an_existing_target(runner, tmp_path):
    target = tmp_path / "existing.db"
    target.write_bytes(b"precious")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert target.read_bytes() == b"precious"


@pytest.mark.parametrize("lock", ["BEGIN", "BEGIN IMMEDIATE"])
def test_backup_works_while_another_connection_is_in_a_transaction(
    app, runner, tmp_path, seed_records, lock
):
    other = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    try:
        other.execute(lock)
        other.execute("select count(*) from concepts").fetchone()
        if lock == "BEGIN IMMEDIATE":
            other.execute(
                "update meta set value = value + 1000 where key = 'generation'"
            )
            other.execute("delete from history")
        target = tmp_path / "during.db"
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
    finally:
        other.execute("ROLLBACK")
        other.close()
    copy = sqlite3.connect(target)
    try:
        # The copy holds what was committed, not the open transaction's work.
        assert copy.execute("select count(*) from history").fetchone()[0] == len(
            seed_records
        )
        assert copy.execute("select count(*) from concepts").fetchone()[0] == len(
            seed_records
        )
    finally:
        copy.close()


# --- the real command line ----------------------------------------------------


def flask(*args: str, env: dict, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "glossary", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def cli_env(tmp_path) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GLOSSARY_", "FLASK_"))
    }
    env["GLOSSARY_DATABASE"] = str(tmp_path / "cli" / "glossary.db")
    env["GLOSSARY_SECRET_KEY"] = "test"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.mark.slow
def test_flask_command_line_end_to_end(tmp_path, cli_env, seed_records):
    database = cli_env["GLOSSARY_DATABASE"]

    done = flask("init-db", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert f"{len(seed_records)} concepts".encode() in done.stdout
    assert concept_count(database) == len(seed_records)

    new_file = write_csv(
        tmp_path / "new.csv",
        [
            ["term_en", "term_ru", "term_kk", "domain"],
            ["mood board", "мудборд", "", "design"],
        ],
    )
    done = flask("import", str(new_file), env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "1 new, 0 changed, 0 unchanged" in done.stdout.decode("utf-8")
    assert concept_count(database) == len(seed_records) + 1

    bad_file = tmp_path / "bad.csv"
    bad_file.write_bytes("term_en,term_ru\r\nx,дизайн\r\n".encode("cp1251"))
    done = flask("import", str(bad_file), env=cli_env)
    assert done.returncode != 0
    assert b"UTF-8" in done.stderr
    assert b"Traceback" not in done.stderr
    assert concept_count(database) == len(seed_records) + 1

    done = flask("export", env=cli_env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))
    assert len(rows) == len(seed_records) + 1
    assert rows[-1]["term_ru"] == "мудборд"

    backup = tmp_path / "backup.db"
    done = flask("backup", str(backup), env=cli_env)
    assert done.returncode == 0, done.stderr
    assert concept_count(backup) == len(seed_records) + 1
    done = flask("backup", str(backup), env=cli_env)
    assert done.returncode != 0
    assert b"already exists" in done.stderr


@pytest.mark.slow
def test_flask_run_from_elsewhere_finds_templates_and_seed(
    tmp_path, cli_env, seed_records
):
    # The app resolves terms.csv from its package, not from the working directory.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = flask("init-db", env=cli_env, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert concept_count(cli_env["GLOSSARY_DATABASE"]) == len(seed_records)


@pytest.mark.slow
def test_export_to_stdout_is_utf8_whatever_the_console_encoding(cli_env):
    # A Russian Windows console (cp1251) cannot encode Kazakh letters; the CSV
    # is UTF-8 by definition, so `flask export > file.csv` must still work.
    cli_env["PYTHONIOENCODING"] = "cp1251"
    assert flask("init-db", env=cli_env).returncode == 0
    done = flask("export", env=cli_env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-500:]
    text = done.stdout.decode("utf-8")
    assert "креативті индустриялар" in text


def test_seed_file_is_the_repository_terms_csv():
    assert SEED_PATH == ROOT / "terms.csv"


@pytest.mark.slow
def test_init_db_no_seed_on_a_new_file_leaves_it_empty(tmp_path, cli_env):
    """As a user runs it: a real process, the database named by GLOSSARY_DATABASE."""
    database = cli_env["GLOSSARY_DATABASE"]
    done = flask("init-db", "--no-seed", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert f"Database ready at {database}: 0 concepts.".encode() in done.stdout
    assert concept_count(database) == 0
    # A later command or start does not seed it behind the user's back.
    done = flask(
        "create-user", "aigerim", "--password", "a long passphrase", env=cli_env
    )
    assert done.returncode == 0, done.stderr
    assert f"Database: {database}".encode() in done.stderr
    assert concept_count(database) == 0
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": database})
    assert app.test_client().get("/about").status_code == 200
    assert concept_count(database) == 0


@pytest.mark.slow
def test_commands_that_write_say_which_database(tmp_path, cli_env):
    database = cli_env["GLOSSARY_DATABASE"]
    done = flask(
        "create-user", "rustem", "--password", "a long passphrase", env=cli_env
    )
    assert done.returncode == 0, done.stderr
    assert f"Database: {database}".encode() in done.stderr
    # Without init-db nothing was seeded: the command only migrated the file.
    assert concept_count(database) == 0
    done = flask("create-token", "rustem", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip().startswith("glo_")  # stdout: the token only
    assert f"Database: {database}".encode() in done.stderr
