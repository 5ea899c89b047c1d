"""Proposals and review in the data layer: validation, decisions, notes, history."""

from __future__ import annotations

import csv
import io
import threading

import pytest

from glossary import accounts, concepts, proposals
from glossary.db import connect, migrate
from glossary.interchange.csvfile import header_for, write_concepts_csv
from glossary.lookup import Lookup
from glossary.search import to_kazakh_latin
from glossary.views.diffs import diff

PASSWORD = "correct horse battery"
CONCEPT = {
    "id": None,
    "domain": "design",
    "terms": [
        {"lang": "en", "text": "typeface", "status": "preferred", "source": "s"},
        {"lang": "ru", "text": "гарнитура", "status": "preferred", "source": "s"},
    ],
    "definitions": {"en": {"text": "A family of fonts.", "source": "s"}},
    "notes": [],
    "related": [],
}


def _setup(db):
    migrate(db)
    concept_id, _ = concepts.save_concept(db, CONCEPT, author="seed", reason="test")
    translator = accounts.create_user(db, "tolkyn", PASSWORD)
    reviewer = accounts.create_user(db, "rauan", PASSWORD, role="reviewer")
    return concept_id, translator, reviewer


@pytest.fixture
def env():
    db = connect(":memory:")
    concept_id, translator, reviewer = _setup(db)
    yield db, concept_id, translator, reviewer
    db.close()


def test_new_term_waits_until_approved(env):
    db, cid, translator, reviewer = env
    p = proposals.submit(
        db,
        {
            "kind": "new_term",
            "concept_id": cid,
            "lang": "kk",
            "text": "қаріп",
            "source": "https://sozdik.kz",
        },
        translator,
    )
    assert p["status"] == "pending" and p["langs"] == ["kk"]
    assert concepts.load_record(db, cid)["terms"][-1]["lang"] == "ru"
    decided = proposals.approve(db, p["id"], reviewer)
    assert decided["status"] == "approved"
    kk = [t for t in concepts.load_record(db, cid)["terms"] if t["lang"] == "kk"]
    assert kk == [
        {
            "lang": "kk",
            "text": "қаріп",
            "status": "preferred",
            "pos": "",
            "usage": "",
            "source": "https://sozdik.kz",
        }
    ]
    [entry] = [h for h in concepts.history(db, cid) if h["proposal_id"] == p["id"]]
    assert entry["author"] == "rauan" and entry["action"] == "update"


def test_change_of_term_text_moves_its_notes(env):
    db, cid, translator, reviewer = env
    note = proposals.submit(
        db,
        {
            "kind": "note",
            "concept_id": cid,
            "text": "Typography term.",
            "term": "en:typeface",
            "lang": "en",
        },
        translator,
    )
    proposals.approve(db, note["id"], reviewer)
    change = proposals.submit(
        db,
        {
            "kind": "change",
            "concept_id": cid,
            "term": "en:typeface",
            "text": "type face",
            "status": "admitted",
            "pos": "noun",
        },
        translator,
    )
    proposals.approve(db, change["id"], reviewer)
    record = concepts.load_record(db, cid)
    assert record["terms"][0] == {
        "lang": "en",
        "text": "type face",
        "status": "admitted",
        "pos": "noun",
        "usage": "",
        "source": "s",
    }
    assert record["notes"][0]["term"] == "en:type face"


def test_definition_change(env):
    db, cid, translator, reviewer = env
    p = proposals.submit(
        db,
        {
            "kind": "change",
            "concept_id": cid,
            "definition": {"ru": "Набор шрифтов одного рисунка."},
            "source": "ГОСТ",
        },
        translator,
    )
    before, after = (
        proposals.preview(db, p)["before"],
        proposals.preview(db, p)["after"],
    )
    rows = [r for r in diff(before, after) if r["changed"]]
    assert rows == [
        {
            "what": "definition",
            "lang": "ru",
            "before": "",
            "after": "Набор шрифтов одного рисунка. · source: ГОСТ",
            "changed": True,
        }
    ]
    proposals.approve(db, p["id"], reviewer)
    assert concepts.load_record(db, cid)["definitions"]["ru"] == {
        "text": "Набор шрифтов одного рисунка.",
        "source": "ГОСТ",
    }


def test_edit_then_approve_keeps_the_raw_submission(env):
    db, cid, translator, reviewer = env
    raw = {
        "kind": "new_term",
        "concept_id": cid,
        "lang": "ru",
        "text": "шрифт",
        "source": "словарь",
        "comment": "так говорят в типографиях",
    }
    p = proposals.submit(db, raw, translator)
    decided = proposals.approve(
        db, p["id"], reviewer, {"text": "шрифтовая гарнитура", "status": "admitted"}
    )
    assert decided["submitted"] == raw
    assert decided["applied"]["text"] == "шрифтовая гарнитура"
    assert decided["edited"] is True
    texts = [t["text"] for t in concepts.load_record(db, cid)["terms"]]
    assert "шрифтовая гарнитура" in texts and "шрифт" not in texts
    [entry] = [h for h in concepts.history(db, cid) if h["proposal_id"] == p["id"]]
    # The history keeps the translator's reason and says the reviewer edited it.
    assert entry["reason"] == "так говорят в типографиях — edited and approved by rauan"


def test_an_edit_cannot_retarget_or_break_the_proposal(env):
    db, cid, translator, reviewer = env
    p = proposals.submit(
        db,
        {
            "kind": "new_term",
            "concept_id": cid,
            "lang": "ru",
            "text": "шрифт",
            "source": "s",
        },
        translator,
    )
    with pytest.raises(proposals.ProposalError, match="concept_id cannot be changed"):
        proposals.approve(db, p["id"], reviewer, {"concept_id": cid + 1})
    with pytest.raises(proposals.ProposalError, match="mixes Latin and Cyrillic"):
        proposals.approve(db, p["id"], reviewer, {"text": "шpифт"})
    # A failed approval rolls back: the proposal is still pending, nothing applied.
    assert proposals.get_proposal(db, p["id"])["status"] == "pending"
    assert "шрифт" not in [t["text"] for t in concepts.load_record(db, cid)["terms"]]


def test_reject_needs_a_reason_and_changes_nothing(env):
    db, cid, translator, reviewer = env
    before = concepts.load_record(db, cid)
    p = proposals.submit(
        db, {"kind": "note", "concept_id": cid, "text": "spam spam"}, translator
    )
    for reason in ("", "   ", None, "x" * 5001, "bad\x00reason"):
        with pytest.raises(proposals.ProposalError):
            proposals.reject(db, p["id"], reviewer, reason)
    decided = proposals.reject(db, p["id"], reviewer, "Not a note about the term.")
    assert decided["reason"] == "Not a note about the term."
    assert decided["result_url"] is None
    assert concepts.load_record(db, cid) == before
    with pytest.raises(proposals.Conflict, match="already rejected by rauan"):
        proposals.approve(db, p["id"], reviewer)
    reviews = list(db["reviews"].rows)
    assert [(r["decision"], r["reviewer"]) for r in reviews] == [("rejected", "rauan")]


def test_stale_proposal_cannot_be_approved(env):
    db, cid, translator, reviewer = env
    first = proposals.submit(
        db,
        {
            "kind": "change",
            "concept_id": cid,
            "term": "ru:гарнитура",
            "text": "гарнитура шрифта",
        },
        translator,
    )
    second = proposals.submit(
        db,
        {
            "kind": "change",
            "concept_id": cid,
            "term": "ru:гарнитура",
            "status": "deprecated",
        },
        translator,
    )
    proposals.approve(db, first["id"], reviewer)
    assert (
        "no term 'ru:гарнитура'"
        in proposals.preview(db, proposals.get_proposal(db, second["id"]))["error"]
    )
    with pytest.raises(proposals.ProposalError):
        proposals.approve(db, second["id"], reviewer)
    assert proposals.get_proposal(db, second["id"])["status"] == "pending"


def test_two_reviewers_at_once_exactly_one_decision_counts(tmp_path):
    path = tmp_path / "race.db"
    db = connect(path)
    cid, translator, reviewer = _setup(db)
    other = accounts.create_user(db, "ruslan", PASSWORD, role="reviewer")
    for round_ in range(8):
        p = proposals.submit(
            db,
            {"kind": "note", "concept_id": cid, "text": f"note {round_}"},
            translator,
        )
        barrier = threading.Barrier(2)
        outcomes = []

        def decide(who, action, pid=p["id"], barrier=barrier, outcomes=outcomes):
            conn = connect(path)
            try:
                barrier.wait()
                if action == "approve":
                    proposals.approve(conn, pid, who)
                else:
                    proposals.reject(conn, pid, who, "duplicate")
                outcomes.append((who["username"], action))
            except proposals.Conflict as exc:
                outcomes.append(("conflict", str(exc)))
            finally:
                conn.close()

        threads = [
            threading.Thread(target=decide, args=(reviewer, "approve")),
            threading.Thread(target=decide, args=(other, "reject")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [o for o in outcomes if o[0] != "conflict"]
        conflicts = [o for o in outcomes if o[0] == "conflict"]
        assert len(winners) == 1 and len(conflicts) == 1, outcomes
        final = proposals.get_proposal(db, p["id"])
        assert final["reviewer"] == winners[0][0]
        assert (
            final["status"]
            == {"approve": "approved", "reject": "rejected"}[winners[0][1]]
        )
        applied = [n["text"] for n in concepts.load_record(db, cid)["notes"]]
        assert (f"note {round_}" in applied) == (final["status"] == "approved")
        assert db["reviews"].count_where("proposal_id = ?", [p["id"]]) == 1
    db.close()


def test_hidden_note_stays_hidden_through_later_changes_and_export(env):
    db, cid, translator, reviewer = env
    proposals.add_note(
        db,
        cid,
        translator,
        "Buy cheap fonts at http://spam.example",
        term="en:typeface",
    )
    proposals.add_note(db, cid, translator, "A useful remark.")
    view = concepts.concept_view(db, cid)
    spam = view["terms"]["en"][0]["notes"][0]
    proposals.hide_note(db, spam["id"], reviewer, "advertising")
    assert "spam" not in str(concepts.concept_view(db, cid))
    # A later change rewrites the entry's notes; the hidden one must survive hidden.
    p = proposals.submit(
        db,
        {
            "kind": "change",
            "concept_id": cid,
            "term": "en:typeface",
            "status": "admitted",
        },
        translator,
    )
    proposals.approve(db, p["id"], reviewer)
    [hidden] = proposals.hidden_notes(db, cid)
    assert hidden["hidden_reason"] == "advertising" and hidden["hidden_by"] == "rauan"
    assert db["notes"].get(hidden["id"])["term_id"] is not None
    assert "spam" not in str(concepts.load_record(db, cid))
    out = io.StringIO()
    write_concepts_csv(
        concepts.iter_records(db),
        out,
        header=header_for(*concepts.export_slots(db)),
        to_latin=to_kazakh_latin,
    )
    assert "spam" not in out.getvalue()
    assert "A useful remark." in out.getvalue()
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 1
    # Nor is it in the public history.
    assert "spam" not in str(proposals.history_entries(db, cid))
    [entry] = [
        h for h in proposals.history_entries(db, cid) if h["action"] == "hide_note"
    ]
    assert entry["reason"] == "advertising" and entry["author"] == "rauan"


def test_revert_restores_the_before_snapshot_and_is_recorded(env):
    db, cid, translator, reviewer = env
    original = concepts.load_record(db, cid)
    p = proposals.submit(
        db,
        {"kind": "change", "concept_id": cid, "term": "en:typeface", "text": "font"},
        translator,
    )
    proposals.approve(db, p["id"], reviewer)
    [change] = [
        h for h in proposals.history_entries(db, cid) if h["proposal_id"] == p["id"]
    ]
    with pytest.raises(proposals.ProposalError):
        proposals.revert(db, change["id"], reviewer, "")
    proposals.revert(db, change["id"], reviewer, "font is a different concept")
    assert concepts.load_record(db, cid) == original
    latest = proposals.history_entries(db, cid)[0]
    assert latest["action"] == "revert"
    assert latest["reason"] == (
        f"revert of change {change['id']}: font is a different concept"
    )
    with pytest.raises(proposals.Conflict, match="already as it was"):
        proposals.revert(db, change["id"], reviewer, "again")
    creation = proposals.history_entries(db, cid)[-1]
    with pytest.raises(proposals.Conflict, match="created the entry"):
        proposals.revert(db, creation["id"], reviewer, "undo")


def test_revert_undoes_one_change_and_keeps_the_later_ones(env):
    db, cid, translator, reviewer = env
    first = proposals.submit(
        db,
        {"kind": "change", "concept_id": cid, "term": "en:typeface", "text": "font"},
        translator,
    )
    proposals.approve(db, first["id"], reviewer)
    later = proposals.submit(
        db,
        {
            "kind": "note",
            "concept_id": cid,
            "lang": "en",
            "text": "Printers said fount.",
        },
        translator,
    )
    proposals.approve(db, later["id"], reviewer)
    [change] = [
        h for h in proposals.history_entries(db, cid) if h["proposal_id"] == first["id"]
    ]
    proposals.revert(db, change["id"], reviewer, "font is a different concept")
    record = concepts.load_record(db, cid)
    assert [t["text"] for t in record["terms"] if t["lang"] == "en"] == ["typeface"]
    # The note approved after the reverted change is still there.
    assert "Printers said fount." in [n["text"] for n in record["notes"]]


def test_revert_refuses_when_the_same_part_changed_again(env):
    db, cid, translator, reviewer = env
    first = proposals.submit(
        db,
        {"kind": "change", "concept_id": cid, "term": "en:typeface", "text": "font"},
        translator,
    )
    proposals.approve(db, first["id"], reviewer)
    second = proposals.submit(
        db,
        {"kind": "change", "concept_id": cid, "term": "en:font", "status": "admitted"},
        translator,
    )
    proposals.approve(db, second["id"], reviewer)
    before = concepts.load_record(db, cid)
    [change] = [
        h for h in proposals.history_entries(db, cid) if h["proposal_id"] == first["id"]
    ]
    with pytest.raises(proposals.Conflict, match="en:font"):
        proposals.revert(db, change["id"], reviewer, "font is a different concept")
    assert concepts.load_record(db, cid) == before


def test_new_concept_note_language_and_statuses(env):
    db, _cid, translator, reviewer = env
    p = proposals.submit(
        db,
        {
            "kind": "new_concept",
            "domain": "music",
            "terms": {
                "kk": [
                    "дыбыс режиссері",
                    {"text": "дыбысшы", "status": "admitted", "pos": "noun"},
                ]
            },
            "source": "https://example.kz",
            "note": "Қазақ тіліндегі атау.",
        },
        translator,
    )
    new_id = proposals.approve(db, p["id"], reviewer)["result_concept_id"]
    record = concepts.load_record(db, new_id)
    assert [(t["text"], t["status"], t["pos"]) for t in record["terms"]] == [
        ("дыбыс режиссері", "preferred", ""),
        ("дыбысшы", "admitted", "noun"),
    ]
    assert record["notes"][0]["lang"] == "kk"
    assert record["notes"][0]["author"] == "tolkyn"


def test_similar_finds_existing_entries(env):
    db, cid, _translator, _reviewer = env
    found = proposals.similar(db, Lookup(), ["typefase", "гарнитуры"])
    assert found and found[0]["id"] == cid
