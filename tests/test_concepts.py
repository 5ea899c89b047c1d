"""The data layer: saving concepts with history, reading them back, importing."""

from __future__ import annotations

import json
import sqlite3

import pytest

from glossary import concepts
from glossary.lookup import Lookup
from glossary.model import normalise_concept


def term(lang: str, text: str, status: str = "preferred", **extra) -> dict:
    return {"lang": lang, "text": text, "status": status, **extra}


def record(*terms: dict, id: int | None = None, domain: str = "general", **extra):
    """Return a normalised concept record with TERMS."""
    return normalise_concept(
        {"id": id, "domain": domain, "terms": list(terms), **extra}
    )


CREATIVE_INDUSTRIES = record(
    term("en", "creative industries", source="https://example.org/report-2016"),
    term("ru", "креативные индустрии"),
    term("ru", "творческие индустрии", "admitted"),
    term("kk", "креативті индустриялар"),
    term("kk", "шығармашылық индустриялар", "admitted"),
    definitions={"en": {"text": "Industries that create value from creativity."}},
    notes=[
        {
            "text": "The first Kazakh translation appeared in the 2016 report.",
            "lang": "en",
            "author": "editor",
            "date": "2026-01-15",
        },
        {
            "text": "Встречается в ранних текстах.",
            "lang": "ru",
            "author": "translator",
            "date": "2026-02-01T10:00:00Z",
            "term": "ru:творческие индустрии",
        },
    ],
)


def history_rows(db, concept_id: int) -> list[dict]:
    return list(
        db.query("select * from history where concept_id = ? order by id", [concept_id])
    )


def test_save_new_concept_returns_id_and_writes_history(db):
    concept_id, outcome = concepts.save_concept(
        db, CREATIVE_INDUSTRIES, author="ann", reason="from the report"
    )
    assert outcome == "new"
    assert db["concepts"].count == 1
    [entry] = history_rows(db, concept_id)
    assert entry["author"] == "ann"
    assert entry["action"] == "create"
    assert entry["reason"] == "from the report"
    assert entry["at"]
    assert entry["before"] is None
    assert json.loads(entry["after"]) == concepts.load_record(db, concept_id)


def test_load_record_round_trips_a_saved_record(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    assert concepts.load_record(db, concept_id) == {
        **CREATIVE_INDUSTRIES,
        "id": concept_id,
    }


def test_load_record_of_a_missing_concept_raises_not_found(db):
    with pytest.raises(concepts.NotFound):
        concepts.load_record(db, 12345)


def test_saving_the_same_record_again_is_unchanged_and_writes_no_history(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    generation = concepts.generation(db)
    again = {**CREATIVE_INDUSTRIES, "id": concept_id}
    assert concepts.save_concept(db, again, author="bob") == (concept_id, "unchanged")
    assert len(history_rows(db, concept_id)) == 1
    assert concepts.generation(db) == generation


def test_a_change_is_saved_with_before_and_after(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    before = concepts.load_record(db, concept_id)
    changed = {
        **before,
        "terms": before["terms"] + [term("kk", "креатив индустриясы", "admitted")],
    }
    changed = normalise_concept(changed)

    outcome = concepts.save_concept(
        db, changed, author="bob", reason="a third Kazakh variant"
    )

    assert outcome == (concept_id, "changed")
    after = concepts.load_record(db, concept_id)
    assert [t["text"] for t in after["terms"] if t["lang"] == "kk"] == [
        "креативті индустриялар",
        "шығармашылық индустриялар",
        "креатив индустриясы",
    ]
    latest = history_rows(db, concept_id)[-1]
    assert latest["author"] == "bob"
    assert latest["action"] == "update"
    assert latest["reason"] == "a third Kazakh variant"
    assert json.loads(latest["before"]) == before
    assert json.loads(latest["after"]) == after


def test_changing_only_the_domain_is_a_change(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    moved = {**concepts.load_record(db, concept_id), "domain": "business"}
    assert concepts.save_concept(db, moved, author="bob")[1] == "changed"
    assert concepts.load_record(db, concept_id)["domain"] == "business"


def test_a_note_on_a_term_stays_on_that_term(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    loaded = concepts.load_record(db, concept_id)
    [term_note] = [n for n in loaded["notes"] if n["term"]]
    assert term_note["term"] == "ru:творческие индустрии"
    assert term_note["author"] == "translator"

    view = concepts.concept_view(db, concept_id)
    [admitted] = [t for t in view["terms"]["ru"] if t["text"] == "творческие индустрии"]
    assert [n["text"] for n in admitted["notes"]] == ["Встречается в ранних текстах."]
    # The concept's own notes do not repeat the term's note.
    assert [n["text"] for n in view["notes"]] == [
        "The first Kazakh translation appeared in the 2016 report."
    ]


def test_a_term_note_survives_a_change_to_other_terms(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    loaded = concepts.load_record(db, concept_id)
    changed = normalise_concept(
        {
            **loaded,
            "terms": loaded["terms"] + [term("en", "creative sector", "admitted")],
        }
    )
    concepts.save_concept(db, changed, author="bob")
    notes = concepts.load_record(db, concept_id)["notes"]
    assert [n["term"] for n in notes] == [None, "ru:творческие индустрии"]


def test_an_undated_note_gets_a_date_that_later_saves_keep(db):
    undated = record(
        term("en", "maker space"),
        notes=[{"text": "Also written makerspace.", "lang": "en", "author": ""}],
    )
    concept_id, _ = concepts.save_concept(db, undated, author="ann")
    [note] = concepts.load_record(db, concept_id)["notes"]
    assert note["date"]
    assert note["author"] == "ann"
    # The same undated note saved again is the same note, not a change.
    again = {**undated, "id": concept_id}
    assert concepts.save_concept(db, again, author="bob")[1] == "unchanged"
    assert concepts.load_record(db, concept_id)["notes"] == [note]


def test_related_ids_are_kept_and_shown_with_their_terms(db):
    first, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    second, _ = concepts.save_concept(
        db,
        record(
            term("en", "creative economy"),
            term("ru", "креативная экономика"),
            term("kk", "креативті экономика"),
            related=[first],
        ),
        author="ann",
    )
    assert concepts.load_record(db, second)["related"] == [first]
    view = concepts.concept_view(db, second)
    assert [r["id"] for r in view["related"]] == [first]
    assert view["related"][0]["url"] == f"/concepts/{first}"
    assert view["related"][0]["terms"]["en"][0]["text"] == "creative industries"


def test_a_related_id_that_does_not_exist_is_refused(db):
    with pytest.raises(sqlite3.IntegrityError):
        concepts.save_concept(
            db, record(term("en", "orphan"), related=[404]), author="ann"
        )
    assert db["concepts"].count == 0


# --- import ------------------------------------------------------------------


def import_(db, records: list[dict]) -> dict:
    report = concepts.import_records(db, records, author="importer", reason="test")
    return {k: report[k] for k in ("new", "changed", "unchanged")}


def all_records(db) -> list[dict]:
    return list(concepts.iter_records(db))


def test_import_into_an_empty_base_creates_every_concept(db):
    records = [
        CREATIVE_INDUSTRIES,
        record(term("en", "museum"), term("kk", "мұражай"), domain="museums-heritage"),
    ]
    assert import_(db, records) == {"new": 2, "changed": 0, "unchanged": 0}
    assert [r["terms"] for r in all_records(db)] == [r["terms"] for r in records]
    assert {h["action"] for h in db["history"].rows} == {"import"}
    assert {h["author"] for h in db["history"].rows} == {"importer"}


def test_a_row_with_an_id_updates_that_concept(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    replacement = record(
        term("en", "cultural industries"),
        term("ru", "культурные индустрии"),
        id=concept_id,
    )
    assert import_(db, [replacement]) == {"new": 0, "changed": 1, "unchanged": 0}
    assert db["concepts"].count == 1
    loaded = concepts.load_record(db, concept_id)
    assert [t["text"] for t in loaded["terms"]] == [
        "cultural industries",
        "культурные индустрии",
    ]


def test_a_row_with_an_unknown_id_is_created_under_that_id(db):
    assert import_(db, [record(term("en", "sculpture"), id=42)])["new"] == 1
    assert concepts.load_record(db, 42)["terms"][0]["text"] == "sculpture"


def test_a_row_without_id_and_the_same_terms_matches_the_concept(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    same_terms = {**CREATIVE_INDUSTRIES, "id": None}
    assert import_(db, [same_terms]) == {"new": 0, "changed": 0, "unchanged": 1}
    assert db["concepts"].count == 1


def test_a_row_without_id_and_the_same_terms_but_new_details_changes_it(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    restyled = {**CREATIVE_INDUSTRIES, "id": None, "domain": "business"}
    assert import_(db, [restyled]) == {"new": 0, "changed": 1, "unchanged": 0}
    assert db["concepts"].count == 1
    assert concepts.load_record(db, concept_id)["domain"] == "business"


@pytest.mark.parametrize(
    "other_terms",
    [
        # same English term, other Russian and Kazakh terms
        [
            term("en", "creative industries"),
            term("ru", "креативная индустрия"),
            term("kk", "креативті индустрия"),
        ],
        # a subset of the concept's terms
        [term("en", "creative industries")],
        # a superset of the concept's terms
        [*CREATIVE_INDUSTRIES["terms"], term("en", "creative sector", "admitted")],
    ],
    ids=["same-english", "subset", "superset"],
)
def test_a_row_without_id_whose_terms_differ_is_a_new_concept(db, other_terms):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    assert import_(db, [record(*other_terms)]) == {
        "new": 1,
        "changed": 0,
        "unchanged": 0,
    }
    assert db["concepts"].count == 2
    # The existing concept is left exactly as it was.
    assert concepts.load_record(db, concept_id) == {
        **CREATIVE_INDUSTRIES,
        "id": concept_id,
    }


def test_two_rows_sharing_an_english_term_are_two_concepts(db):
    drawing_art = record(
        term("en", "drawing"), term("ru", "рисунок"), term("kk", "сурет")
    )
    drawing_plan = record(
        term("en", "drawing"),
        term("ru", "чертёж"),
        term("kk", "сызба"),
        domain="architecture",
    )
    assert import_(db, [drawing_art, drawing_plan]) == {
        "new": 2,
        "changed": 0,
        "unchanged": 0,
    }
    stored = all_records(db)
    assert [[t["text"] for t in r["terms"]] for r in stored] == [
        ["drawing", "рисунок", "сурет"],
        ["drawing", "чертёж", "сызба"],
    ]
    # Importing the same file again finds each row's own concept.
    assert import_(db, [drawing_art, drawing_plan]) == {
        "new": 0,
        "changed": 0,
        "unchanged": 2,
    }
    assert all_records(db) == stored


def test_a_related_id_that_does_not_exist_makes_the_import_write_nothing(db):
    concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    before = all_records(db)
    history = db["history"].count
    generation = concepts.generation(db)
    records = [
        record(term("en", "museum"), term("kk", "мұражай")),
        record(term("en", "gallery"), related=[999]),
    ]
    with pytest.raises(ValueError, match="999"):
        concepts.import_records(db, records, author="importer", reason="test")
    assert all_records(db) == before
    assert db["history"].count == history
    assert concepts.generation(db) == generation


def test_an_import_failing_in_the_database_rolls_everything_back(db):
    # The second record was not validated and breaks the unique term index:
    # the first one, already written inside the transaction, must go too.
    records = [
        record(term("en", "museum"), term("kk", "мұражай")),
        {**record(term("en", "gallery")), "terms": [term("en", "gallery")] * 2},
    ]
    with pytest.raises(sqlite3.IntegrityError):
        concepts.import_records(db, records, author="importer", reason="test")
    assert db["concepts"].count == 0
    assert db["terms"].count == 0
    assert db["history"].count == 0


def test_a_related_id_may_point_further_down_the_import(db):
    records = [
        record(term("en", "creative economy"), id=10, related=[11]),
        record(term("en", "creative industries"), id=11, related=[10]),
    ]
    assert import_(db, records)["new"] == 2
    assert concepts.load_record(db, 10)["related"] == [11]
    assert concepts.load_record(db, 11)["related"] == [10]


def test_plan_import_reports_without_writing(db):
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    before = all_records(db)
    report = concepts.plan_import(
        db,
        [
            {**CREATIVE_INDUSTRIES, "id": concept_id},
            record(term("en", "museum")),
        ],
    )
    assert (report["new"], report["changed"], report["unchanged"]) == (1, 0, 1)
    assert all_records(db) == before


# --- generation and search freshness ----------------------------------------


def test_generation_grows_with_every_change(db):
    start = concepts.generation(db)
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    after_new = concepts.generation(db)
    assert after_new > start
    changed = {**concepts.load_record(db, concept_id), "domain": "business"}
    concepts.save_concept(db, changed, author="ann")
    assert concepts.generation(db) > after_new
    import_(db, [record(term("en", "museum")), record(term("en", "gallery"))])
    assert concepts.generation(db) >= after_new + 3


def test_search_sees_a_change_at_once(db):
    lookup = Lookup()
    concept_id, _ = concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    [hit] = lookup.search(db, "creative industries")
    assert hit["id"] == concept_id
    assert not [
        r
        for r in lookup.search(db, "cultural industries")
        if r["match"]["text"] == "cultural industries"
    ]

    renamed = normalise_concept(
        {
            **concepts.load_record(db, concept_id),
            "terms": [term("en", "cultural industries")],
            "notes": [],
        }
    )
    concepts.save_concept(db, renamed, author="ann")

    results = lookup.search(db, "cultural industries")
    assert results[0]["id"] == concept_id
    assert results[0]["match"] == {
        "lang": "en",
        "text": "cultural industries",
        "how": "exact",
    }
    assert results[0]["terms"]["ru"] == []
    assert not [
        r
        for r in lookup.search(db, "креативные индустрии")
        if r["match"]["text"] == "креативные индустрии"
    ]


def test_search_sees_a_new_concept_at_once(db):
    lookup = Lookup()
    concepts.save_concept(db, CREATIVE_INDUSTRIES, author="ann")
    assert not [r for r in lookup.search(db, "мұражай") if r["match"]["how"] != "fuzzy"]
    import_(db, [record(term("en", "museum"), term("kk", "мұражай"))])
    results = lookup.search(db, "мұражай")
    assert results[0]["match"]["text"] == "мұражай"
    assert results[0]["match"]["how"] == "exact"
