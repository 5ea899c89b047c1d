"""Search messages (issue 10): "did you mean" and autocomplete content.

"Did you mean" never offers the query itself: when the query is a term of
another language than the one filtered on, the page says so. It offers only
spellings really close to the query. Autocomplete answers carry the entry's
equivalents and the Kazakh Latin form.
"""

from __future__ import annotations

import pytest

from glossary.views.pages import close_suggestions
from tests.page_support import parse_html


def nothing_box(client, url: str):
    doc = parse_html(client.get(url).get_data(as_text=True))
    return doc.find("div", cls="nothing")


def suggested(box) -> list[str]:
    return [a.text() for a in box.find_all("a") if "/search?q=" in a.attrs["href"]]


@pytest.mark.parametrize("ui", ["en", "ru", "kk"])
def test_query_found_in_another_language_is_said_not_suggested(client, ui):
    box = nothing_box(client, f"/search?q=театр&in=en&lang={ui}")
    assert box is not None
    # neither the query itself nor terms of other languages that contain it
    assert "театр" not in suggested(box) and "театр афишасы" not in suggested(box)
    elsewhere = box.find("p", cls="elsewhere")
    assert elsewhere is not None
    names = {"en": "Russian", "ru": "Русский", "kk": "Орыс"}
    assert names[ui].lower() in elsewhere.text().lower()
    link = elsewhere.find("a")
    href = link.attrs["href"]
    assert href.startswith("/search?q=") and "in=" not in href


def test_no_absurd_suggestion(client):
    for url in ("/search?q=куратор", "/search?q=куратор&in=ru"):
        doc = parse_html(client.get(url).get_data(as_text=True))
        box = doc.find("div", cls="nothing")
        shown = suggested(box) if box else []
        assert "бизнес-инкубатор" not in shown, url


@pytest.mark.parametrize(
    ("query", "offered", "kept"),
    [
        ("куратор", ["бизнес-инкубатор"], []),
        ("театр", ["театр", "кинотеатр"], []),
        ("креатиффф", ["креативті сектор"], ["креативті сектор"]),
        ("musuem", ["museum"], ["museum"]),
        ("vuseum", ["museum"], ["museum"]),
        ("кітапхна", ["кітапхана"], ["кітапхана"]),
        ("kreativti", ["креативті"], ["креативті"]),
        ("Театр", ["театр"], []),
    ],
)
def test_close_suggestions(query, offered, kept):
    found = [{"text": t, "lang": "ru"} for t in offered]
    assert [s["text"] for s in close_suggestions(query, found)] == kept


def test_close_spelling_is_still_suggested(client):
    box = nothing_box(client, "/search?q=кітапхна")
    assert "кітапхана" in suggested(box)


def test_suggest_answer_carries_equivalents_and_latin(client):
    answer = client.get("/api/v1/suggest?q=kreativti").get_json()
    assert answer["ok"]
    first = answer["suggestions"][0]
    # the existing fields stay
    assert {"text", "lang", "how", "id", "url"} <= set(first)
    kk = [s for s in answer["suggestions"] if s["lang"] == "kk"]
    assert kk and all(s["latin"] for s in kk)
    assert kk[0]["latin"].startswith("kreativt")
    for s in answer["suggestions"]:
        assert set(s["terms"]) == {"en", "ru", "kk"}
        assert any(t["text"] == s["text"] for t in s["terms"][s["lang"]])
    entry1 = client.get("/api/v1/suggest?q=creative%20indus").get_json()
    one = next(s for s in entry1["suggestions"] if s["id"] == 1)
    assert one["terms"]["ru"][0]["text"] == "креативные индустрии"
    assert one["terms"]["kk"][0]["latin"] == "kreativtı industriialar"
