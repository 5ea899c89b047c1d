"""The search index of every worker process sees changes committed by any other.

Two real processes share one SQLite file: this test process and a child Python
process, each with its own in-memory index (glossary.concepts caches one per
process). Each writes a change through the data layer; the other's very next
query must find it. Nothing is timed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from glossary import concepts, create_app, lookup
from glossary.db import get_db
from glossary.lookup import current_lookup

# Two real processes share one database file.
pytestmark = pytest.mark.slow

CHILD = textwrap.dedent(
    """
    import json, sys
    from glossary import concepts, create_app
    from glossary.db import get_db
    from glossary.lookup import current_lookup

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": sys.argv[1]})
    db_path = app.config["DATABASE"]

    def ids(q):
        with app.app_context():
            rs = current_lookup().search(get_db(), q)
            return [[r["id"], r["match"]["how"]] for r in rs]

    def say(obj):
        print(json.dumps(obj), flush=True)

    say({"before": ids("scenography")})          # builds this process's index
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["do"] == "search":
            say({"found": ids(cmd["q"])})
        elif cmd["do"] == "write":
            with app.app_context():
                cid, _ = concepts.save_concept(
                    get_db(), cmd["record"], author="child", reason="test"
                )
            say({"wrote": cid})
        else:
            break
    """
)


def record(cid, en, ru, domain="theatre"):
    return {
        "id": cid,
        "domain": domain,
        "terms": [
            {"lang": "en", "text": en, "status": "preferred"},
            {"lang": "ru", "text": ru, "status": "preferred"},
        ],
    }


@pytest.fixture
def setup(tmp_path):
    path = str(tmp_path / "glossary.db")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": path})
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=str(__import__("glossary").ROOT),
    )

    def ask(cmd):
        import json

        child.stdin.write(json.dumps(cmd) + "\n")
        child.stdin.flush()
        return json.loads(child.stdout.readline())

    def search(q):
        with app.app_context():
            found = current_lookup().search(get_db(), q)
            return [(r["id"], r["match"]["how"]) for r in found]

    def write(rec):
        with app.app_context():
            return concepts.save_concept(get_db(), rec, author="parent", reason="t")[0]

    import json

    first = json.loads(child.stdout.readline())
    yield ask, search, write, first
    child.stdin.write('{"do": "stop"}\n')
    child.stdin.close()
    child.wait(timeout=60)


def exact(hits):
    return [cid for cid, how in hits if how in ("exact", "normalised")]


def test_a_change_in_one_process_is_seen_by_the_other(setup):
    ask, search, write, first = setup
    assert exact(first["before"]) == []
    assert exact(search("scenography")) == []  # this process's index is built too

    # parent writes; the child's next query finds it (as typed and inflected)
    cid = write(record(None, "scenography", "сценография"))
    assert ask({"do": "search", "q": "scenography"})["found"][0] == [cid, "exact"]
    assert ask({"do": "search", "q": "сценографии"})["found"][0] == [cid, "lemma"]

    # child renames it; the parent's next query sees the new term, not the old
    renamed = record(cid, "stage design", "сценография")
    assert ask({"do": "write", "record": renamed}) == {"wrote": cid}
    assert search("stage design")[0] == (cid, "exact")
    assert exact(search("scenography")) == []

    # a change to a seeded concept: its old Kazakh term stops finding it in both
    museum = search("museum")[0][0]
    write(record(museum, "museum building", "здание музея", "museums-heritage"))
    assert search("museum building")[0] == (museum, "exact")
    assert ask({"do": "search", "q": "museum building"})["found"][0] == [
        museum,
        "exact",
    ]
    assert museum not in [c for c, _ in ask({"do": "search", "q": "мұражай"})["found"]]


def test_many_changes_rebuild_and_still_agree(setup, monkeypatch):
    ask, search, write, _ = setup
    monkeypatch.setattr(lookup, "PATCH_LIMIT", 2)
    ids = [
        write(record(None, f"scenography {n}", f"сценография {n}")) for n in range(4)
    ]
    # more changes than a patch takes: this process rebuilds in full
    mine = [c for c, how in search("scenography") if how == "prefix"]
    theirs = [
        c
        for c, how in ask({"do": "search", "q": "scenography"})["found"]
        if how == "prefix"
    ]
    assert sorted(mine) == sorted(theirs) == sorted(ids)
