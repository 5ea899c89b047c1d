"""The search index lives in files beside the database, shared by every process.

Real processes on a real SQLite file: the first to search writes a version, the
next one maps it (its /proc/PID/maps shows the file) instead of building; a
damaged file is rebuilt, never used; many changes make a new version that other
processes switch to.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from glossary import ROOT, concepts, lookup
from glossary.db import connect
from glossary.lookup import Lookup, index_directory
from glossary.search import SearchIndex, persist
from tests.page_support import make_app
from tests.review_support import copy_database

CHILD = textwrap.dedent(
    """
    import json, sys
    from glossary import create_app
    from glossary.db import get_db
    from glossary.lookup import current_lookup

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": sys.argv[1]})
    with app.app_context():
        found = current_lookup().search(get_db(), sys.argv[2])
        version = current_lookup().version_path
        events = current_lookup().events
    maps = open("/proc/self/maps").read()
    print(json.dumps({
        "events": events,
        "found": [[r["id"], r["match"]["how"]] for r in found],
        "version": str(version),
        "mapped": str(version) in maps,
    }))
    """
)


def run_child(path: Path, query: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), query],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture
def database(tmp_path, seeded_database) -> Path:
    path = tmp_path / "glossary.db"
    copy_database(seeded_database, path)
    return path


def scenography(text: str) -> dict:
    return {
        "id": None,
        "domain": "theatre",
        "terms": [{"lang": "en", "text": text, "status": "preferred"}],
    }


def versions(path: Path) -> list[Path]:
    return sorted(index_directory(path).glob("search-*.idx"))


@pytest.mark.slow
def test_a_second_process_opens_the_version_the_first_wrote(database):
    first = run_child(database, "museum")
    assert first["events"] == ["built"]
    [written] = versions(database)
    assert first["version"] == str(written) and first["mapped"]
    stamp = written.stat().st_mtime_ns, written.stat().st_ino

    second = run_child(database, "мұражай")
    assert second["events"] == ["opened"]  # mapped, not built
    assert second["version"] == str(written) and second["mapped"]
    assert versions(database) == [written]
    assert (written.stat().st_mtime_ns, written.stat().st_ino) == stamp
    assert first["found"][0][0] == second["found"][0][0]  # the same concept


@pytest.mark.slow
def test_a_change_after_the_version_is_laid_over_it(database):
    run_child(database, "museum")
    db = connect(database)
    cid, _ = concepts.save_concept(db, scenography("scenography"), author="t")
    db.close()
    child = run_child(database, "scenography")
    assert child["events"] == ["opened", "patched"]
    assert child["found"][0] == [cid, "exact"]


@pytest.mark.parametrize(
    "damage",
    ["flip a byte", "truncate", "garbage", "empty", "wrong header"],
)
def test_a_damaged_index_file_is_rebuilt_not_used(database, damage):
    db = connect(database)
    Lookup(database).index(db)
    db.close()
    [path] = versions(database)
    data = bytearray(path.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "garbage":
        data = bytearray(b"x" * len(data))
    elif damage == "empty":
        data = bytearray()
    else:
        data[40] ^= 0x01  # inside the JSON header
    path.write_bytes(bytes(data))

    fresh = Lookup(database)  # as a process starting now
    db = connect(database)
    assert fresh.search(db, "museum")[0]["match"]["how"] == "exact"
    db.close()
    assert fresh.events == ["built"]
    [rebuilt] = versions(database)
    index, meta = persist.load(rebuilt)  # whole and checked again
    assert len(index) > 1000 and meta["change_id"] > 0


@pytest.mark.slow
def test_many_changes_write_a_new_version_that_others_switch_to(database, monkeypatch):
    app = make_app(database.parent)
    with app.app_context():
        from glossary.db import get_db

        mine = lookup.current_lookup()
        mine.search(get_db(), "museum")
        [old] = versions(database)
        monkeypatch.setattr(lookup, "PATCH_LIMIT", 3)
        db = get_db()
        ids = [
            concepts.save_concept(
                db,
                {
                    "id": None,
                    "domain": "theatre",
                    "terms": [
                        {
                            "lang": "en",
                            "text": f"scenography {n}",
                            "status": "preferred",
                        }
                    ],
                },
                author="t",
            )[0]
            for n in range(5)
        ]
        found = mine.search(db, "scenography 4")
        assert found[0]["id"] == ids[4]
        [new] = versions(database)
        assert new != old and mine.version_path == new
        assert mine.events[-1] == "built"
    child = run_child(database, "scenography 2")
    assert child["events"] == ["opened"] and child["version"] == str(new)
    assert child["found"][0] == [ids[2], "exact"]


def test_an_index_file_naming_other_code_is_refused(tmp_path):
    index = SearchIndex(
        [
            {
                "concept_id": 1,
                "domain": "general",
                "lang": "en",
                "text": "museum",
                "status": "preferred",
            }
        ]
    )
    path = tmp_path / "search-1-1.idx"
    persist.save(path, index, {"generation": 1, "change_id": 1})
    assert persist.load(path)[0].search("museum")[0].concept_id == 1

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    # A well-formed file (right checksum) whose pickle names print(): refused.
    persist.save(path, Evil(), {"generation": 1, "change_id": 1})
    with pytest.raises(persist.CorruptIndex, match="builtins.print"):
        persist.load(path)


def test_the_index_command_writes_a_version(database):
    app = make_app(database.parent)
    result = app.test_cli_runner().invoke(args=["index"])
    assert result.exit_code == 0, result.output
    [path] = versions(database)
    assert str(path) in result.output
    index, meta = persist.load(path)
    db = connect(database)
    assert meta["generation"] == concepts.generation(db)
    assert len(index) == db["terms"].count
    db.close()


def test_an_in_memory_database_keeps_its_index_in_memory(db):
    assert Lookup().search(db, "museum") == []
    assert index_directory(":memory:") is None


def test_an_unwritable_index_directory_keeps_the_index_in_memory(database):
    index_directory(database).write_text("not a directory")
    fresh = Lookup(database)
    db = connect(database)
    assert fresh.search(db, "museum")[0]["match"]["how"] == "exact"
    db.close()
    assert fresh.events == ["built"] and fresh.version_path is None
