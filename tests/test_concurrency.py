"""Connections writing at once: every change lands, none is lost, no id reused."""

from __future__ import annotations

import threading

import pytest

from glossary import accounts, concepts, proposals
from glossary.db import connect
from tests.review_support import make_app

# Threads writing at once through their own connections.
pytestmark = pytest.mark.slow


def test_concurrent_notes_on_different_entries_all_land(tmp_path):
    app = make_app(tmp_path)
    path = app.config["DATABASE"]
    db = connect(path)
    user = accounts.create_user(db, "writer1", "correct horse battery")
    ids = [r["id"] for r in db.query("select id from concepts order by id limit 8")]
    notes_before = db.execute("select count(*) from notes").fetchone()[0]
    db.close()
    errors: list[BaseException] = []

    def write(concept_id: int) -> None:
        own = connect(path)
        try:
            for i in range(5):
                proposals.add_note(own, concept_id, user, f"note {i} on {concept_id}")
        except BaseException as exc:  # collected: the test fails on any
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in ids for _ in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = connect(path)
    try:
        added = db.execute("select count(*) from notes").fetchone()[0] - notes_before
        # Two writers per entry, five notes each: nothing lost to a lost update.
        assert added == len(ids) * 2 * 5
    finally:
        db.close()


def test_a_removed_concepts_number_is_never_given_again(tmp_path):
    db = connect(tmp_path / "g.db")
    from glossary.db import migrate

    migrate(db)
    record = {"domain": "design", "terms": [{"lang": "en", "text": "mood board"}]}
    first, _ = concepts.save_concept(db, record, author="t")
    second, _ = concepts.save_concept(
        db, {**record, "terms": [{"lang": "en", "text": "style frame"}]}, author="t"
    )
    # Replace-import the glossary with the first concept only: the second goes.
    only_first = [concepts.load_record(db, first)]
    concepts.import_records(db, only_first, author="t", reason="test", replace=True)
    assert db["concepts"].count == 1
    third, outcome = concepts.save_concept(
        db, {**record, "terms": [{"lang": "en", "text": "swatch"}]}, author="t"
    )
    assert outcome == "new" and third > second
    assert [h["action"] for h in concepts.history(db, third)] == ["create"]
    db.close()
