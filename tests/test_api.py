"""The JSON API under /api/v1: shapes, filters, errors, OpenAPI, real HTTP."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from glossary.model import DOMAINS, LANGS, STATUSES
from glossary.search import to_kazakh_latin
from glossary.search.engine import HOWS as ALL_HOWS

CONCEPT_1 = {
    "en": "creative industries",
    "ru": "креативные индустрии",
    "kk": "креативті индустриялар",
}
# Every documented way a query can meet a term (the engine's tiers).
HOWS = set(ALL_HOWS)


def search(client, **params) -> dict:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_terms_shape(terms: dict) -> None:
    assert list(terms) == list(LANGS)
    for lang, items in terms.items():
        for item in items:
            assert isinstance(item["text"], str) and item["text"]
            assert item["status"] in STATUSES
            if lang == "kk":
                assert item["latin"] == to_kazakh_latin(item["text"])


# --- search --------------------------------------------------------------------


def test_search_answer_has_the_documented_shape(client, seed_by_id):
    body = search(client, q="creative industries")
    assert list(body) == ["ok", "query", "results"]
    assert body["ok"] is True
    assert body["query"] == "creative industries"
    assert body["results"]
    for result in body["results"]:
        assert list(result) == ["id", "url", "domain", "score", "match", "terms"]
        assert isinstance(result["id"], int)
        assert result["url"] == f"/concepts/{result['id']}"
        assert result["domain"] == seed_by_id[result["id"]]["domain"]
        assert isinstance(result["score"], int | float)
        assert list(result["match"]) == ["lang", "text", "how"]
        assert result["match"]["lang"] in LANGS
        assert result["match"]["how"] in HOWS
        assert_terms_shape(result["terms"])
        # The matched term is one of the concept's terms in that language.
        assert result["match"]["text"] in [
            t["text"] for t in result["terms"][result["match"]["lang"]]
        ]


def test_search_results_carry_every_term_of_the_concept(client, seed_by_id):
    [first, *_] = search(client, q="creative industries")["results"]
    seed = seed_by_id[first["id"]]
    assert {
        lang: [{"text": t["text"], "status": t["status"]} for t in items]
        for lang, items in first["terms"].items()
    } == {
        lang: [
            {"text": t["text"], "status": t["status"]}
            for t in seed["terms"]
            if t["lang"] == lang
        ]
        for lang in LANGS
    }


@pytest.mark.parametrize("query", ["creative", "креатив", "kreativ", "театр"])
def test_search_results_are_best_first(client, query):
    results = search(client, q=query, limit=100)["results"]
    assert results
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert len({r["id"] for r in results}) == len(results)


@pytest.mark.parametrize(
    "query, how",
    [
        ("creative industries", "exact"),
        ("креативные индустрии", "exact"),
        ("креативті индустриялар", "exact"),
        ("kreativtı industriialar", "latin"),
        ("Creative Industries", "exact"),
        ("КРЕАТИВНЫЕ ИНДУСТРИИ", None),
        ("  creative   industries ", None),
        ("креативти индустриялар", None),  # Russian letters for Kazakh ones
        ("kreativti industriyalar", None),  # informal ASCII Latin
        ("креативных индустрий", None),  # inflected Russian
        ("креативті индустрияларды", None),  # inflected Kazakh
        ("creativ industries", None),  # a typo
    ],
)
def test_concept_1_comes_first(client, query, how):
    results = search(client, q=query)["results"]
    assert results, f"nothing found for {query!r}"
    assert results[0]["id"] == 1
    assert results[0]["url"] == "/concepts/1"
    if how:
        assert results[0]["match"]["how"] == how


@pytest.mark.parametrize(
    "query, lang",
    [
        ("creative industries", "en"),
        ("креатив", "ru"),
        ("креатив", "kk"),
        ("kreativ", "kk"),
        ("дизайн", "ru"),
        ("дизайн", "kk"),
    ],
)
def test_lang_filters_the_matches(client, query, lang):
    results = search(client, q=query, lang=lang, limit=100)["results"]
    assert results
    assert {r["match"]["lang"] for r in results} == {lang}


def test_lang_filter_skips_the_other_languages_terms(client):
    results = search(client, q="creative industries", lang="kk", limit=100)["results"]
    assert all(r["match"]["lang"] == "kk" for r in results)
    assert all(r["match"]["text"] != "creative industries" for r in results)


def test_domain_filters_the_results(client, seed_records):
    domains = sorted({r["domain"] for r in seed_records})
    assert len(domains) > 1
    for key in domains:
        sample = next(r for r in seed_records if r["domain"] == key)
        query = sample["terms"][0]["text"]
        results = search(client, q=query, domain=key, limit=100)["results"]
        assert sample["id"] in [r["id"] for r in results], (key, query)
        assert {r["domain"] for r in results} == {key}


def test_domain_filter_excludes_other_domains(client, seed_by_id):
    other = next(k for k, _, _, _ in DOMAINS if k != seed_by_id[1]["domain"])
    results = search(client, q="creative industries", domain=other, limit=100)[
        "results"
    ]
    assert 1 not in [r["id"] for r in results]
    assert all(r["domain"] == other for r in results)


@pytest.fixture(scope="module")
def broad_query(seed_records) -> str:
    """Return the three-letter beginning shared by the terms of the most concepts."""
    concepts_by_prefix: dict[str, set[int]] = {}
    for record in seed_records:
        for t in record["terms"]:
            prefix = t["text"][:3].lower()
            if len(prefix) == 3 and prefix.isalpha():
                concepts_by_prefix.setdefault(prefix, set()).add(record["id"])
    prefix = max(concepts_by_prefix, key=lambda p: len(concepts_by_prefix[p]))
    assert len(concepts_by_prefix[prefix]) > 10
    return prefix


def test_limit_defaults_to_10_and_is_respected(client, broad_query):
    everything = search(client, q=broad_query, limit=100)["results"]
    assert len(everything) > 10
    default = search(client, q=broad_query)["results"]
    assert len(default) == 10
    assert [r["id"] for r in default] == [r["id"] for r in everything[:10]]
    three = search(client, q=broad_query, limit=3)["results"]
    assert [r["id"] for r in three] == [r["id"] for r in everything[:3]]
    assert len(search(client, q=broad_query, limit=1)["results"]) == 1


def test_offset_pages_through_the_results(client, broad_query):
    everything = search(client, q=broad_query, limit=100)["results"]
    second_page = search(client, q=broad_query, limit=5, offset=5)["results"]
    assert [r["id"] for r in second_page] == [r["id"] for r in everything[5:10]]


def test_cyrillic_is_not_escaped(client):
    response = client.get(
        "/api/v1/search", query_string={"q": "креативті индустриялар"}
    )
    raw = response.get_data()
    assert "креативті индустриялар".encode() in raw
    assert b"\\u04" not in raw
    assert response.mimetype == "application/json"
    assert response.mimetype_params.get("charset", "utf-8").lower() == "utf-8"


# --- errors ----------------------------------------------------------------------


def assert_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["ok", "error", "status", "problems"]
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert body["problems"] and all(
        list(p) == ["code", "field", "message"] for p in body["problems"]
    )
    assert body["error"] == "; ".join(p["message"] for p in body["problems"])
    return body


@pytest.mark.parametrize(
    "url, status, mentions",
    [
        ("/api/v1/search", 400, "q"),
        ("/api/v1/search?q=", 400, "q"),
        ("/api/v1/search?q=%20%20", 400, "q"),
        ("/api/v1/search?q=" + "a" * 201, 400, "q"),
        ("/api/v1/search?q=art&lang=de", 400, "lang"),
        ("/api/v1/search?q=art&lang=EN", 400, "lang"),
        ("/api/v1/search?q=art&domain=cooking", 400, "domain"),
        ("/api/v1/search?q=art&limit=abc", 400, "limit"),
        ("/api/v1/search?q=art&limit=0", 400, "limit"),
        ("/api/v1/search?q=art&limit=-1", 400, "limit"),
        ("/api/v1/search?q=art&limit=101", 400, "limit"),
        ("/api/v1/search?q=art&limit=1.5", 400, "limit"),
        ("/api/v1/search?q=art&offset=-1", 400, "offset"),
        ("/api/v1/concepts/999999", 404, "999999"),
        ("/api/v1/concepts/0", 404, None),
        ("/api/v1/concepts/abc", 404, None),
        ("/api/v1/nowhere", 404, None),
        ("/api/v1/", 404, None),
        ("/api/v2/search?q=art", 404, None),
    ],
)
def test_errors_have_one_shape(client, url, status, mentions):
    body = assert_error(client.get(url), status)
    if mentions:
        assert mentions in body["error"]


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/api/v1/search?q=art"),
        ("put", "/api/v1/concepts/1"),
        ("delete", "/api/v1/concepts/1"),
        ("post", "/api/v1/domains"),
    ],
)
def test_wrong_method_is_405_in_the_error_shape(client, method, url):
    response = getattr(client, method)(url)
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_500_in_the_error_shape(app, client, monkeypatch):
    from glossary.lookup import Lookup

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Lookup, "search", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = assert_error(client.get("/api/v1/search?q=art"), 500)
    assert "disk on fire" not in body["error"]


# --- concepts ------------------------------------------------------------------


def test_concept_1_is_the_whole_entry(client, seed_by_id):
    response = client.get("/api/v1/concepts/1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    concept = body["concept"]
    seed = seed_by_id[1]

    assert concept["id"] == 1
    assert concept["url"] == "/concepts/1"
    assert concept["domain"]["key"] == seed["domain"]
    assert concept["terms"]["en"][0]["text"] == CONCEPT_1["en"]
    assert concept["terms"]["ru"][0]["text"] == CONCEPT_1["ru"]
    assert concept["terms"]["kk"][0]["text"] == CONCEPT_1["kk"]
    assert concept["terms"]["kk"][0]["latin"] == "kreativtı industriialar"
    assert concept["terms"]["ru"][0]["status"] == "preferred"
    assert "творческие индустрии" in [t["text"] for t in concept["terms"]["ru"]]
    assert {t["text"]: t["status"] for t in concept["terms"]["ru"]}[
        "творческие индустрии"
    ] == "admitted"

    # Every term of terms.csv, with its status, details and Latin form.
    for lang in LANGS:
        expected = [t for t in seed["terms"] if t["lang"] == lang]
        got = concept["terms"][lang]
        assert [t["text"] for t in got] == [t["text"] for t in expected]
        for g, e in zip(got, expected, strict=True):
            for key in ("status", "pos", "usage", "source"):
                assert g[key] == e[key]
            if lang == "kk":
                assert g["latin"] == to_kazakh_latin(g["text"])
            else:
                assert "latin" not in g

    # Every note, on the concept or on its term.
    shown = [n["text"] for n in concept["notes"]] + [
        n["text"] for lang in LANGS for t in concept["terms"][lang] for n in t["notes"]
    ]
    assert sorted(shown) == sorted(n["text"] for n in seed["notes"])
    assert seed["notes"], "concept 1 has a note in terms.csv"

    assert concept["definitions"] == seed["definitions"]
    assert [r["id"] for r in concept["related"]] == seed["related"]
    for r in concept["related"]:
        assert r["url"] == f"/concepts/{r['id']}"
        assert_terms_shape(r["terms"])

    assert concept["history"], "the seeding is in the history"
    entry = concept["history"][-1]
    assert {"at", "author", "action", "reason"} <= set(entry)
    assert entry["author"] == "seed"
    assert concept["changes"] >= len(concept["history"])


def test_every_seeded_concept_is_served(client, seed_records):
    for record in seed_records[:: max(1, len(seed_records) // 25)]:
        response = client.get(f"/api/v1/concepts/{record['id']}")
        assert response.status_code == 200
        concept = response.get_json()["concept"]
        assert concept["domain"]["key"] == record["domain"]
        assert sum(len(v) for v in concept["terms"].values()) == len(record["terms"])


# --- domains -----------------------------------------------------------------------


def test_domains_list_all_13_with_names_in_three_languages(client, seed_records):
    body = client.get("/api/v1/domains").get_json()
    assert body["ok"] is True
    domains = body["domains"]
    assert [d["key"] for d in domains] == [k for k, *_ in DOMAINS]
    assert len(domains) == 13
    for d, (key, en, ru, kk) in zip(domains, DOMAINS, strict=True):
        assert d["names"] == {"en": en, "ru": ru, "kk": kk}
        assert d["concepts"] == sum(1 for r in seed_records if r["domain"] == key)
        assert d["url"] == f"/domains/{key}"


# --- OpenAPI ---------------------------------------------------------------------


def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def rule_to_template(rule: str) -> str:
    """Turn a Flask rule (/concepts/<int:concept_id>) into a bare path template."""
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "{}", rule)


def test_openapi_is_3_1(client):
    doc = openapi(client)
    assert doc["openapi"].startswith("3.1.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": "/api/v1"}]


def test_openapi_describes_every_api_route(app, client):
    doc = openapi(client)
    prefix = doc["servers"][0]["url"]
    documented = {
        re.sub(r"\{[^}]+\}", "{}", path): {m.upper() for m in operations}
        for path, operations in doc["paths"].items()
    }
    routes = [r for r in app.url_map.iter_rules() if r.rule.startswith(prefix + "/")]
    assert routes
    for rule in routes:
        path = rule_to_template(rule.rule[len(prefix) :])
        assert path in documented, f"{rule.rule} is not in the OpenAPI document"
        methods = rule.methods - {"HEAD", "OPTIONS"}
        assert methods <= documented[path], rule.rule
    # ...and describes nothing that is not there.
    served = {rule_to_template(r.rule[len(prefix) :]) for r in routes}
    assert set(documented) <= served


def test_openapi_operations_are_complete(client):
    doc = openapi(client)
    for path, operations in doc["paths"].items():
        names = re.findall(r"\{([^}]+)\}", path)
        for method, operation in operations.items():
            assert operation.get("summary"), (path, method)
            success = [c for c in operation["responses"] if c.startswith("2")]
            assert success, (path, method)
            path_params = [
                p["name"] for p in operation.get("parameters", []) if p["in"] == "path"
            ]
            assert sorted(path_params) == sorted(names), (path, method)


def test_openapi_search_parameters_match_the_endpoint(client):
    operation = openapi(client)["paths"]["/search"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"q", "lang", "domain", "limit"} <= set(parameters)
    assert parameters["q"]["required"] is True
    assert parameters["lang"]["schema"]["enum"] == list(LANGS)
    assert parameters["domain"]["schema"]["enum"] == [k for k, *_ in DOMAINS]
    assert parameters["limit"]["schema"]["default"] == 10


def test_openapi_references_resolve(client):
    doc = openapi(client)

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(doc))
    assert found
    for ref in found:
        assert ref.startswith("#/")
        node = doc
        for part in ref[2:].split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]


def test_openapi_how_values_are_those_the_search_gives(client):
    doc = openapi(client)
    result = doc["components"]["schemas"]["SearchResults"]["properties"]["results"]
    how = result["items"]["properties"]["match"]["properties"]["how"]["enum"]
    assert set(how) == HOWS


# --- every answer ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/search?q=art",
        "/api/v1/concepts/1",
        "/api/v1/domains",
        "/api/v1/nowhere",
    ],
)
def test_api_answers_carry_security_headers(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# --- over real HTTP ----------------------------------------------------------------


@pytest.fixture
def server(app):
    """Serve APP on a free loopback port in a thread; yield its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("lang", LANGS)
def test_search_over_http(server, lang):
    query = urllib.parse.quote(CONCEPT_1[lang])
    status, headers, raw = fetch(f"{server}/api/v1/search?q={query}")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    body = json.loads(raw.decode("utf-8"))
    assert body["ok"] is True
    assert body["query"] == CONCEPT_1[lang]
    assert body["results"][0]["id"] == 1
    assert body["results"][0]["match"] == {
        "lang": lang,
        "text": CONCEPT_1[lang],
        "how": "exact",
    }
    assert CONCEPT_1[lang].encode() in raw


def test_errors_over_http(server):
    status, headers, raw = fetch(f"{server}/api/v1/concepts/999999")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    body = json.loads(raw)
    assert body == {
        "ok": False,
        "error": "concept 999999 does not exist",
        "status": 404,
        "problems": [
            {
                "code": "not_found",
                "field": "",
                "message": "concept 999999 does not exist",
            }
        ],
    }
    status, _, raw = fetch(f"{server}/api/v1/search?q=art&limit=x")
    assert status == 400
    assert json.loads(raw)["status"] == 400


def test_concurrent_requests_over_http(server):
    from concurrent.futures import ThreadPoolExecutor

    urls = [
        f"{server}/api/v1/search?q={urllib.parse.quote(CONCEPT_1[lang])}"
        for lang in LANGS
    ] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(fetch, urls))
    assert [status for status, _, _ in answers] == [200] * len(urls)
    assert {json.loads(raw)["results"][0]["id"] for _, _, raw in answers} == {1}


def test_an_oversized_body_is_refused_before_it_is_read(client):
    response = client.post(
        "/api/v1/proposals",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json() == {
        "ok": False,
        "error": "the request body is larger than 1048576 bytes",
        "status": 413,
        "problems": [
            {
                "code": "body_too_large",
                "field": "",
                "message": "the request body is larger than 1048576 bytes",
            }
        ],
    }
