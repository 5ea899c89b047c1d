"""POST /api/v1/check and /api/v1/qa, the /check page and the job's glossary."""

from __future__ import annotations

import csv
import io
import re

import pytest
from defusedxml import ElementTree

from glossary import concepts
from glossary.db import connect
from tests.page_support import parse_html


def _check(client, text, lang=None, **extra):
    return client.post("/api/v1/check", json={"text": text, "lang": lang, **extra})


def test_check_answers_in_the_contract_shape(client):
    text = "Креативті индустриялардың дамуы. Креативті индустриялар!"
    r = _check(client, text, "kk")
    assert r.status_code == 200
    body = r.get_json()
    assert body == {
        "ok": True,
        "lang": "kk",
        "matches": [
            {
                "start": 0,
                "end": 25,
                "text": "Креативті индустриялардың",
                "concept_id": 1,
                "term": "креативті индустриялар",
                "status": "preferred",
                "how": "lemma",
            },
            {
                "start": 26,
                "end": 31,
                "text": "дамуы",
                "concept_id": 76,
                "term": "даму",
                "status": "preferred",
                "how": "lemma",
            },
            {
                "start": 33,
                "end": 55,
                "text": "Креативті индустриялар",
                "concept_id": 1,
                "term": "креативті индустриялар",
                "status": "preferred",
                "how": "exact",
            },
        ],
        "concepts": [{"id": 1, "count": 2}, {"id": 76, "count": 1}],
    }
    for m in body["matches"]:
        assert text[m["start"] : m["end"]] == m["text"]


def test_check_detects_the_language_when_lang_is_null_or_absent(client):
    assert (
        _check(client, "Концепция развития креативных индустрий").get_json()["lang"]
        == "ru"
    )
    r = client.post("/api/v1/check", json={"text": "libraries and museums"})
    assert r.get_json()["lang"] == "en"
    assert [m["concept_id"] for m in r.get_json()["matches"]] == [268, 279]


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("kreativti industriyalardyn damuy", "kk", 1),
        ("креативти индустриялардын дамуы", "kk", 1),
        ("креативных индустрий", "ru", 1),
        ("museums", "en", 279),
    ],
)
def test_language_left_open_by_letters_is_decided_by_the_terms(
    client, text, lang, concept
):
    body = _check(client, text).get_json()
    assert body["lang"] == lang
    assert body["matches"][0]["concept_id"] == concept


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json": {"lang": "kk"}}, "text is required"),
        ({"json": {"text": "   "}}, "text is required"),
        ({"json": {"text": 5}}, "text must be a string"),
        ({"json": {"text": "музей", "lang": "de"}}, "lang must be one of"),
        ({"json": {"text": "a" * 1_000_001}}, "longer than"),
        ({"json": {"text": "ә" * 500_001}}, "longer than"),
        ({"json": ["text"]}, "JSON object"),
        ({"data": "text=museum"}, "JSON object"),
        (
            {"data": b"{bad json", "content_type": "application/json"},
            "JSON object",
        ),
    ],
)
def test_check_refuses_bad_input_with_400_in_the_error_shape(client, kwargs, message):
    r = client.post("/api/v1/check", **kwargs)
    assert r.status_code == 400
    body = r.get_json()
    assert body["ok"] is False and body["status"] == 400
    assert message in body["error"]


@pytest.mark.slow
def test_a_text_of_exactly_1_mb_is_checked(client):
    text = ("museum " * 142_857)[:1_000_000]
    r = _check(client, text, "en")
    assert r.status_code == 200
    assert len(r.get_json()["matches"]) == 142_857


QA_SOURCE = "Training of professionals for the creative industries and museums."
QA_TARGET = "Креативті индустриялар үшін кәсіптік мамандар даярлау."


def test_qa_answers_in_the_contract_shape(client):
    source, target = QA_SOURCE, QA_TARGET
    r = client.post(
        "/api/v1/qa",
        json={
            "source": source,
            "source_lang": "en",
            "target": target,
            "target_lang": "kk",
        },
    )
    assert r.status_code == 200
    body = r.get_json()
    assert body["ok"] is True
    assert body["findings"] == [
        {
            "kind": "deprecated",
            "concept_id": 55,
            "source": {"start": 12, "end": 25, "text": "professionals"},
            "target": {"start": 28, "end": 36, "text": "кәсіптік"},
            "expected": ["кәсіби"],
        },
        {
            "kind": "missing",
            "concept_id": 279,
            "source": {"start": 58, "end": 65, "text": "museums"},
            "target": None,
            "expected": ["мұражай", "музей"],
        },
    ]
    assert [m["concept_id"] for m in body["matches"]["source"]] == [74, 55, 1, 279]
    assert [m["concept_id"] for m in body["matches"]["target"]] == [1, 55, 74]
    for side, text in (("source", source), ("target", target)):
        for m in body["matches"][side]:
            assert text[m["start"] : m["end"]] == m["text"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"source": "museum", "target": "мұражай", "target_lang": "xx"}, "target_lang"),
        ({"source": "", "target": "мұражай"}, "source is required"),
        ({"source": "museum"}, "target is required"),
        (
            {
                "source": "museum",
                "source_lang": "en",
                "target": "x",
                "target_lang": "en",
            },
            "different",
        ),
    ],
)
def test_qa_refuses_bad_input(client, body, message):
    r = client.post("/api/v1/qa", json=body)
    assert r.status_code == 400
    assert message in r.get_json()["error"]


def test_check_needs_no_account_and_no_csrf_token(client):
    r = client.post("/api/v1/check", json={"text": "museum"})
    assert r.status_code == 200


def test_openapi_describes_check_and_qa(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/check", "/qa"):
        post = doc["paths"][path]["post"]
        assert set(post["responses"]) >= {"200", "400"}
    match = doc["components"]["schemas"]["TextMatch"]
    assert match["required"] == [
        "start",
        "end",
        "text",
        "concept_id",
        "term",
        "status",
        "how",
    ]


def test_a_change_is_seen_by_the_next_check(app, client):
    assert (
        _check(client, "креативті хабтар", "kk").get_json()["matches"][0]["concept_id"]
        == 6
    )
    db = connect(app.config["DATABASE"])
    record = concepts.load_record(db, 6)
    # Test data, not glossary content: the Kazakh term is marked deprecated here.
    for t in record["terms"]:
        if t["text"] == "креативті хаб":
            t["status"] = "deprecated"
    concepts.save_concept(db, record, author="test", reason="test data")
    db.close()
    [m] = _check(client, "креативті хабтар", "kk").get_json()["matches"]
    assert (m["concept_id"], m["status"]) == (6, "deprecated")


# --- the page ----------------------------------------------------------------


def _token(client) -> str:
    html = client.get("/check").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_check_page_marks_terms_with_links_and_equivalents(client):
    token = _token(client)
    text = "Креативті индустриялардың дамуы.\nМұражайлардағы режиссёр"
    r = client.post("/check", data={"csrf_token": token, "text": text, "lang": ""})
    assert r.status_code == 200
    page = parse_html(r.get_data(as_text=True))
    marks = page.find_all("mark")
    assert [m.text() for m in marks] == [
        "Креативті индустриялардың",
        "дамуы",
        "Мұражайлардағы",
        "режиссёр",
    ]
    assert [m.find("a").attrs["href"] for m in marks] == [
        "/concepts/1",
        "/concepts/76",
        "/concepts/279",
        "/concepts/120",
    ]
    assert "term-deprecated" in marks[3].classes
    first = page.find(id=marks[0].find("a").attrs["aria-describedby"])
    assert "creative industries" in first.text()
    assert "креативные индустрии" in first.text()
    deprecated = page.find(id=marks[3].find("a").attrs["aria-describedby"])
    assert "режиссер" in deprecated.find(cls="instead").text()
    side = page.find("ol", cls="found-list")
    assert [li.find("a").text() for li in side.find_all("li")] == [
        "креативті индустриялар",
        "даму",
        "мұражай",
        "режиссёр",
    ]
    assert [li.find(cls="count").text() for li in side.find_all("li")] == ["×1"] * 4
    # the text itself is shown whole, line break included
    assert page.find(cls="checked-text").text().startswith("Креативті индустриялардың")


def test_check_page_shows_kazakh_latin_of_equivalents(client):
    token = _token(client)
    r = client.post(
        "/check",
        data={"csrf_token": token, "text": "creative industries", "lang": "en"},
    )
    page = parse_html(r.get_data(as_text=True))
    latin = [e.text() for e in page.find_all(cls="latin")]
    assert "kreativtı industriialar" in latin


def test_check_page_reads_an_uploaded_file(client):
    token = _token(client)
    data = {
        "csrf_token": token,
        "text": "",
        "lang": "",
        "file": (io.BytesIO("Театрдағы қойылым".encode()), "programme.txt"),
    }
    r = client.post("/check", data=data, content_type="multipart/form-data")
    assert r.status_code == 200
    marks = parse_html(r.get_data(as_text=True)).find_all("mark")
    assert [m.text() for m in marks] == ["Театрдағы", "қойылым"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste a text or choose a file."),
        (
            {"text": "", "file": (io.BytesIO(b"%PDF"), "a.pdf")},
            "choose a .txt, .srt or .docx file",
        ),
    ],
)
def test_check_page_says_what_is_wrong(client, data, message):
    r = client.post(
        "/check",
        data={"csrf_token": _token(client), **data},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)


def test_job_glossary_csv_has_the_concepts_found(client):
    token = _token(client)
    r = client.post("/check/glossary.csv", data={"csrf_token": token, "ids": "279 1"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["id"], row["term_en"], row["term_kk"]) for row in rows] == [
        ("279", "museum", "мұражай"),
        ("1", "creative industries", "креативті индустриялар"),
    ]
    assert rows[1]["latin_kk"] == "kreativtı industriialar"


def test_job_glossary_csv_imports_back(client, runner, tmp_path):
    r = client.get("/check/glossary.csv?ids=279,1")
    path = tmp_path / "job.csv"
    path.write_bytes(r.get_data())
    result = runner.invoke(args=["import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 unchanged" in result.output


def test_job_glossary_tbx(client):
    r = client.get("/check/glossary.tbx?ids=1")
    assert r.status_code == 200
    root = ElementTree.fromstring(r.get_data())
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    entries = root.findall(".//t:conceptEntry", ns)
    assert [e.get("id") for e in entries] == ["c1"]
    terms = [t.text for t in root.iter("{urn:iso:std:iso:30042:ed-2}term")]
    assert "креативті индустриялар" in terms


def test_translation_qa_page_lists_the_findings(client):
    token = _token(client)
    r = client.post(
        "/check/qa",
        data={
            "csrf_token": token,
            "source": QA_SOURCE,
            "target": QA_TARGET,
            "source_lang": "en",
            "target_lang": "kk",
        },
    )
    assert r.status_code == 200
    page = parse_html(r.get_data(as_text=True))
    rows = page.find("table", cls="findings").find("tbody").find_all("tr")
    assert [row.attrs["data-kind"] for row in rows] == ["deprecated", "missing"]
    assert "кәсіби" in rows[0].text()
    assert "museums" in rows[1].text()


def test_translation_qa_two_columns(client):
    token = _token(client)
    columns = (
        "The museum is open.\tКітапхана ашық.\nThe library is closed.\tМұражай жабық."
    )
    r = client.post(
        "/check/qa",
        data={
            "csrf_token": token,
            "columns": columns,
            "source_lang": "en",
            "target_lang": "kk",
        },
    )
    page = parse_html(r.get_data(as_text=True))
    rows = page.find("table", cls="findings").find("tbody").find_all("tr")
    assert [row.attrs["data-kind"] for row in rows] == ["missing", "missing"]
