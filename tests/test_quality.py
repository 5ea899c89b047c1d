"""The quality board: each pure check, the /quality page and GET /api/v1/quality."""

from __future__ import annotations

import pytest

from glossary import quality
from tests.page_support import parse_html
from tests.review_support import add_token, add_user, make_app, sign_in

BUK = "github.com/Ravshanichk/buk-dic@9fff7c1 assets/enRuKz.js (word list)"
PRESS = "https://24.kz/kz/item/1"


def concept(cid, domain="general", terms=(), definitions=None, related=()):
    """Build a concept record; TERMS are (lang, text[, status[, source]])."""
    out = []
    for lang, text, *rest in terms:
        status = rest[0] if rest else "preferred"
        source = rest[1] if len(rest) > 1 else PRESS
        out.append(
            {
                "lang": lang,
                "text": text,
                "status": status,
                "pos": "",
                "usage": "",
                "source": source,
            }
        )
    return {
        "id": cid,
        "domain": domain,
        "terms": out,
        "definitions": definitions or {},
        "notes": [],
        "related": list(related),
    }


def ids(items):
    return [i["id"] for i in items]


def test_missing_language_lists_each_gap_by_domain():
    records = [
        concept(1, "film", [("en", "film"), ("ru", "фильм"), ("kk", "фильм")]),
        concept(2, "music", [("en", "song"), ("kk", "ән")]),
        concept(3, "film", [("ru", "кадр")]),
    ]
    items = quality.missing_language(records)
    assert [(i["id"], i["missing"]) for i in items] == [
        (2, ["ru"]),  # domains in their display order: music before film
        (3, ["en", "kk"]),
    ]
    cover = {row["domain"]: row for row in quality.coverage(records)}
    assert cover["film"] == {"domain": "film", "total": 2, "en": 1, "ru": 2, "kk": 1}
    assert cover["design"]["total"] == 0  # every domain has a row


def test_one_source_and_word_list_only():
    records = [
        concept(
            1, terms=[("en", "a", "preferred", BUK), ("ru", "б", "preferred", BUK)]
        ),
        concept(
            2, terms=[("en", "c", "preferred", BUK), ("ru", "д", "preferred", PRESS)]
        ),
        concept(3, terms=[("en", "e", "preferred", PRESS)]),
        concept(
            4,
            terms=[("en", "f", "preferred", BUK)],
            definitions={"en": {"text": "x", "source": "https://kk.wikipedia.org/w"}},
        ),
    ]
    one = quality.one_source(records)
    assert ids(one) == [1, 3]
    assert one[1]["kinds"] == ["press"]
    assert ids(quality.word_list_only(records)) == [1]


def test_undefined_one_word_headwords():
    records = [
        concept(1, terms=[("en", "event")]),
        concept(2, terms=[("en", "creative city")]),
        concept(
            3,
            terms=[("en", "plan")],
            definitions={"en": {"text": "A drawing.", "source": PRESS}},
        ),
        concept(4, terms=[("ru", "сцена")]),  # no English: its first term counts
        concept(5, terms=[("en", "e-book")]),
    ]
    assert ids(quality.undefined_one_word(records)) == [1, 4, 5]


@pytest.mark.parametrize(
    ("lang", "text", "problem"),
    [
        ("kk", "мурaжай", "latin_in_kazakh"),
        ("kk", "креативный", "russian_in_kazakh"),
        ("kk", "режиссёр", "russian_in_kazakh"),
        ("ru", "мұражай", "kazakh_in_russian"),
        ("ru", "музeй", "latin_in_russian"),
        ("en", "muzеum", "cyrillic_in_english"),
        ("kk", "концерт", None),  # a loanword spelled as in Russian is fine
        ("kk", "креативті индустрия", None),
        ("ru", "креативные индустрии", None),
        ("en", "creative industries", None),
    ],
)
def test_script_problem(lang, text, problem):
    assert quality.script_problem(lang, text) == problem


def test_wrong_script_skips_replaced_terms():
    records = [
        concept(1, terms=[("kk", "режиссер"), ("kk", "режиссёр", "deprecated")]),
        concept(2, terms=[("kk", "режиссёр")]),
    ]
    assert [(i["id"], i["term"]) for i in quality.wrong_script(records)] == [
        (2, "режиссёр")
    ]


def test_duplicates_same_term_and_inflected_forms():
    records = [
        concept(1, terms=[("en", "museum"), ("ru", "музей"), ("kk", "мұражай")]),
        concept(2, terms=[("en", "Museum"), ("ru", "музеи"), ("kk", "мұражайлар")]),
        concept(3, terms=[("en", "museums"), ("ru", "галерея")]),
        concept(4, terms=[("en", "gallery"), ("ru", "галерея", "deprecated")]),
    ]
    found = {
        (i["lang"], tuple(i["ids"]), i["kind"]) for i in quality.duplicates(records)
    }
    assert found == {
        ("en", (1, 2, 3), "inflected"),
        ("ru", (1, 2), "inflected"),
        ("kk", (1, 2), "inflected"),
    }


def test_spelling_uses_the_speller_and_skips_acronyms_and_replaced_terms():
    known = {("en", "creative"), ("en", "city"), ("ru", "сцена")}

    def speller(lang, word):
        if lang == "kk":
            return None  # no Kazakh dictionary: nothing is judged
        return (lang, word.lower()) in known

    records = [
        concept(1, terms=[("en", "creative citty"), ("ru", "сцена"), ("kk", "сахна")]),
        concept(2, terms=[("en", "UNESCO city"), ("en", "creatve", "deprecated")]),
        concept(3, terms=[("en", "city-creative"), ("ru", "сценна")]),
    ]
    items = quality.spelling(records, speller)
    assert [(i["id"], i["term"], i["words"]) for i in items] == [
        (1, "creative citty", ["citty"]),
        (3, "сценна", ["сценна"]),
    ]


def test_missing_references():
    records = [
        concept(1, terms=[("en", "a")], related=[2, 9]),
        concept(2, terms=[("en", "b")]),
    ]
    assert [
        (i["id"], i["missing_ids"]) for i in quality.missing_references(records)
    ] == [(1, [9])]


def test_run_checks_without_a_speller_says_why():
    report = quality.run_checks([concept(1, terms=[("en", "a")])], None, "kk_KZ")
    checks = {c["key"]: c for c in report["checks"]}
    assert list(checks) == list(quality.CHECKS)
    assert checks["spelling"] == {
        "key": "spelling",
        "count": None,
        "skipped": "kk_KZ",
        "items": [],
    }
    assert checks["undefined_one_word"]["count"] == 1
    assert report["concepts"] == 1


# ------------------------------------------------------------ page and API


@pytest.fixture(scope="module")
def board_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("quality"))
    add_user(app, "rita", "reviewer")
    add_user(app, "tom", "translator")
    return app


def test_quality_page_is_for_reviewers_only(board_app):
    client = board_app.test_client()
    response = client.get("/quality")
    assert response.status_code in (302, 303, 401, 403)
    sign_in(client, "tom")
    assert client.get("/quality").status_code == 403


def test_quality_page_shows_worklists_chart_and_table(board_app):
    client = board_app.test_client()
    sign_in(client, "rita")
    response = client.get("/quality")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse_html(html)
    svg = page.find("svg")
    assert svg is not None and svg.attrs.get("role") == "img"
    assert len(page.find_all("rect")) >= 13 * 3
    table = page.find("table", cls="coverage")
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == 13
    for key in quality.CHECKS:
        assert page.find("section", id=key) is not None
    # Every worklist item links to its entry.
    section = page.find("section", id="undefined_one_word")
    links = [a.attrs["href"] for a in section.find_all("a")]
    assert links and all(href.startswith("/concepts/") for href in links)


def test_quality_page_in_russian_and_kazakh(board_app):
    client = board_app.test_client()
    sign_in(client, "rita")
    ru = client.get("/quality?lang=ru", headers={"Accept-Language": "ru"})
    kk = client.get("/quality?lang=kk", headers={"Accept-Language": "kk"})
    assert "Панель качества" in ru.get_data(as_text=True)
    assert "Сапа тақтасы" in kk.get_data(as_text=True)


def test_quality_api_needs_a_reviewer_token(board_app):
    client = board_app.test_client()
    assert client.get("/api/v1/quality").status_code == 401
    tom = add_token(board_app, {"id": _user_id(board_app, "tom")})
    answer = client.get("/api/v1/quality", headers={"Authorization": f"Bearer {tom}"})
    assert answer.status_code == 403 and answer.get_json()["ok"] is False


def test_quality_api_reports_every_check(board_app):
    client = board_app.test_client()
    rita = add_token(board_app, {"id": _user_id(board_app, "rita")})
    answer = client.get("/api/v1/quality", headers={"Authorization": f"Bearer {rita}"})
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["ok"] is True and data["concepts"] > 300
    assert [c["key"] for c in data["checks"]] == list(quality.CHECKS)
    for check in data["checks"]:
        if check["count"] is not None:
            assert check["count"] == len(check["items"])
            for item in check["items"]:
                assert item["url"] == f"/concepts/{item['id']}"
    assert {row["domain"] for row in data["coverage"]} >= {"general", "business"}
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/quality" in doc["paths"] and "Quality" in doc["components"]["schemas"]


def _user_id(app, name):
    from tests.review_support import open_db

    db = open_db(app)
    try:
        return db.execute("select id from users where username = ?", [name]).fetchone()[
            0
        ]
    finally:
        db.close()


def test_spelling_check_is_skipped_with_a_visible_note_without_dictionaries(
    tmp_path, monkeypatch
):
    from glossary import spelling
    from glossary.views import quality as board

    monkeypatch.setattr(
        spelling, "missing_dictionaries", lambda: ("en_US", "ru_RU", "kk_KZ")
    )
    monkeypatch.setattr(board, "_cache", {})
    app = make_app(tmp_path)
    add_user(app, "rita", "reviewer")
    client = app.test_client()
    sign_in(client, "rita")
    page = parse_html(client.get("/quality").get_data(as_text=True))
    note = page.find("section", id="spelling").find("p", cls="notice")
    assert "hunspell-kk" in note.text() and "kk_KZ" in note.text()


def test_spelling_dictionaries_are_installed_where_required():
    """On CI (GLOSSARY_REQUIRE_TOOLS=1) a missing Hunspell dictionary fails."""
    import os

    from glossary import spelling

    missing = spelling.missing_dictionaries()
    if missing and not os.environ.get("GLOSSARY_REQUIRE_TOOLS"):
        pytest.skip(f"Hunspell dictionaries missing: {', '.join(missing)}")
    assert missing == ()
    assert spelling.check_word("kk", "мұражайлар") is True
    assert spelling.check_word("ru", "музей") is True
    assert spelling.check_word("en", "theatre") is True
    assert spelling.check_word("en", "thaetre") is False
