"""/api/v1/search and /api/v1/suggest over real HTTP, and their OpenAPI description."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from glossary import create_app
from glossary.search.engine import HOW_DESCRIPTIONS, HOWS


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path_factory.mktemp("api") / "glossary.db"),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join(timeout=10)


def get(base, path, **params):
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_suggest_completes_a_prefix(base):
    status, body = get(base, "/suggest", q="кітапх")
    assert status == 200 and body["ok"] and body["query"] == "кітапх"
    first = body["suggestions"][0]
    assert first == {
        "text": "кітапхана",
        "lang": "kk",
        "how": "prefix",
        "id": 268,
        "url": "/concepts/268",
        "latin": "kıtaphana",
        "terms": {
            "en": [{"text": "library", "status": "preferred"}],
            "ru": [{"text": "библиотека", "status": "preferred"}],
            "kk": [{"text": "кітапхана", "status": "preferred", "latin": "kıtaphana"}],
        },
    }
    ids = [s["id"] for s in body["suggestions"]]
    assert len(ids) == len(set(ids))  # one per concept


@pytest.mark.parametrize(
    ("q", "text", "how"),
    [
        ("mūraja", "мұражай", "latin"),
        ("r3nfg", "кітап", "layout"),
        ("biblio", "библиотека", "translit"),
        ("архит", "архитектор", "prefix"),  # shorter first
    ],
)
def test_suggest_understands_scripts_and_layouts(base, q, text, how):
    _, body = get(base, "/suggest", q=q)
    assert (body["suggestions"][0]["text"], body["suggestions"][0]["how"]) == (
        text,
        how,
    )


def test_suggest_limit_and_lang(base):
    _, body = get(base, "/suggest", q="кре", limit=2)
    assert len(body["suggestions"]) == 2
    _, body = get(base, "/suggest", q="кре", lang="kk")
    assert body["suggestions"] and {s["lang"] for s in body["suggestions"]} == {"kk"}


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({}, "q is required"),
        ({"q": "  "}, "q is required"),
        ({"q": "x" * 201}, "q is longer than 200 characters"),
        ({"q": "art", "limit": "0"}, "limit must be between 1 and 20"),
        ({"q": "art", "limit": "many"}, "limit must be a whole number"),
        ({"q": "art", "lang": "de"}, "lang"),
    ],
)
def test_suggest_rejects_bad_input(base, params, error):
    status, body = get(base, "/suggest", **params)
    assert status == 400
    assert body["ok"] is False and body["status"] == 400
    assert error in body["error"]


def test_search_reports_how_and_paginates(base):
    _, body = get(base, "/search", q="креативных индустрий")
    assert body["results"][0]["id"] == 1
    assert body["results"][0]["match"]["how"] == "lemma"
    _, page1 = get(base, "/search", q="кре", limit=3)
    _, page2 = get(base, "/search", q="кре", limit=3, offset=3)
    _, both = get(base, "/search", q="кре", limit=6)
    assert [r["id"] for r in page1["results"] + page2["results"]] == [
        r["id"] for r in both["results"]
    ]


def test_openapi_documents_suggest_and_every_how(base):
    _, doc = get(base, "/openapi.json")
    assert "/suggest" in doc["paths"]
    schema = doc["components"]["schemas"]["SearchResults"]
    how = schema["properties"]["results"]["items"]["properties"]["match"]["properties"][
        "how"
    ]
    assert how["enum"] == list(HOWS) == list(HOW_DESCRIPTIONS)
    for value in HOWS:
        assert value in how["description"]
