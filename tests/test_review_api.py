"""The review workflow through the JSON API, over real HTTP with personal tokens."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.review_support import NEW_CONCEPT, add_token, add_user, live_server, make_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A seeded app served over HTTP, with a translator, a reviewer and tokens."""
    app = make_app(tmp_path_factory.mktemp("api"))
    translator = add_user(app, "tamara")
    other = add_user(app, "oleg")
    reviewer = add_user(app, "rustem", role="reviewer")
    with live_server(app) as url:
        yield {
            "url": url,
            "app": app,
            "translator": add_token(app, translator),
            "other": add_token(app, other),
            "reviewer": add_token(app, reviewer),
        }


def call(site, method: str, path: str, body=None, token: str | None = None):
    """Send one request; return (status, parsed JSON, headers)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(site["url"] + path, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {site[token]}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), error.headers


def propose(site, body=None, token="translator") -> int:
    status, answer, _ = call(
        site, "POST", "/api/v1/proposals", body or NEW_CONCEPT, token
    )
    assert status == 201, answer
    return answer["proposal"]["id"]


def test_create_proposal_answers_201_with_the_exact_shape(site):
    status, answer, headers = call(
        site, "POST", "/api/v1/proposals", NEW_CONCEPT, "translator"
    )
    assert status == 201
    assert answer == {
        "ok": True,
        "proposal": {"id": answer["proposal"]["id"], "status": "pending"},
    }
    assert isinstance(answer["proposal"]["id"], int)
    assert headers["Location"] == f"/api/v1/proposals/{answer['proposal']['id']}"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/v1/proposals", NEW_CONCEPT),
        ("GET", "/api/v1/proposals?status=pending", None),
        ("GET", "/api/v1/proposals/1", None),
        ("POST", "/api/v1/proposals/1/approve", {}),
        ("POST", "/api/v1/proposals/1/reject", {"reason": "no"}),
    ],
)
def test_without_a_valid_token_the_answer_is_401(site, method, path, body):
    status, answer, headers = call(site, method, path, body)
    assert status == 401
    assert answer["ok"] is False and answer["status"] == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    site["bad"] = "glo_not-a-token"
    status, answer, _ = call(site, method, path, body, "bad")
    assert status == 401


def test_a_translator_cannot_approve_or_reject(site):
    pid = propose(site)
    for action, body in (("approve", {}), ("reject", {"reason": "no"})):
        status, answer, _ = call(
            site, "POST", f"/api/v1/proposals/{pid}/{action}", body, "translator"
        )
        assert status == 403, answer
        assert answer == {
            "ok": False,
            "error": "only reviewers can decide proposals",
            "status": 403,
            "problems": [
                {
                    "code": "reviewers_only",
                    "field": "",
                    "message": "only reviewers can decide proposals",
                }
            ],
        }
    status, answer, _ = call(site, "GET", f"/api/v1/proposals/{pid}", None, "reviewer")
    assert answer["proposal"]["status"] == "pending"


def test_approve_publishes_the_concept_and_writes_history(site):
    pid = propose(
        site, {**NEW_CONCEPT, "terms": {"en": ["zine fair"], "ru": ["ярмарка зинов"]}}
    )
    status, answer, _ = call(
        site, "POST", f"/api/v1/proposals/{pid}/approve", {}, "reviewer"
    )
    assert status == 200, answer
    proposal = answer["proposal"]
    assert proposal["status"] == "approved" and proposal["reviewer"] == "rustem"
    concept_id = proposal["result_concept_id"]
    assert proposal["result_url"] == f"/concepts/{concept_id}"

    status, found, _ = call(site, "GET", "/api/v1/search?q=zine%20fair")
    assert found["results"][0]["id"] == concept_id
    status, history, _ = call(site, "GET", f"/api/v1/concepts/{concept_id}/history")
    assert status == 200 and history["ok"] is True
    [entry] = history["history"]
    assert entry["author"] == "rustem"
    assert entry["proposal_id"] == pid
    assert entry["proposal"]["author"] == "tamara"
    assert entry["action"] == "create" and entry["at"].endswith("Z")
    assert entry["before"] is None
    assert [t["text"] for t in entry["after"]["terms"]] == [
        "zine fair",
        "ярмарка зинов",
    ]
    assert entry["reason"] == f"proposal {pid} by tamara"


def test_second_decision_is_409(site):
    pid = propose(site)
    status, _, _ = call(
        site,
        "POST",
        f"/api/v1/proposals/{pid}/reject",
        {"reason": "duplicate"},
        "reviewer",
    )
    assert status == 200
    for action, body in (("approve", {}), ("reject", {"reason": "again"})):
        status, answer, _ = call(
            site, "POST", f"/api/v1/proposals/{pid}/{action}", body, "reviewer"
        )
        assert status == 409
        assert "already rejected by rustem" in answer["error"]


def test_reject_needs_a_reason_and_the_author_sees_it(site):
    pid = propose(site)
    status, answer, _ = call(
        site, "POST", f"/api/v1/proposals/{pid}/reject", {"reason": "  "}, "reviewer"
    )
    assert status == 400 and "reason" in answer["error"]
    status, answer, _ = call(
        site,
        "POST",
        f"/api/v1/proposals/{pid}/reject",
        {"reason": "Not attested in any source."},
        "reviewer",
    )
    assert status == 200
    status, answer, _ = call(
        site, "GET", f"/api/v1/proposals/{pid}", None, "translator"
    )
    assert answer["proposal"]["status"] == "rejected"
    assert answer["proposal"]["reason"] == "Not attested in any source."


def test_approve_with_edits_keeps_the_raw_submission(site):
    body = {
        "kind": "new_term",
        "concept_id": 1,
        "lang": "ru",
        "text": "креативная экономика индустрий",
        "source": "somewhere",
    }
    pid = propose(site, body)
    status, answer, _ = call(
        site,
        "POST",
        f"/api/v1/proposals/{pid}/approve",
        {"text": "индустрии креатива", "status": "deprecated", "reason": "shorter"},
        "reviewer",
    )
    assert status == 200, answer
    proposal = answer["proposal"]
    assert proposal["submitted"] == body
    assert proposal["applied"]["text"] == "индустрии креатива"
    assert proposal["edited"] is True
    status, concept, _ = call(site, "GET", "/api/v1/concepts/1")
    ru = {t["text"]: t["status"] for t in concept["concept"]["terms"]["ru"]}
    assert ru["индустрии креатива"] == "deprecated"
    assert "креативная экономика индустрий" not in ru


def test_listing_reviewers_see_all_translators_their_own(site):
    mine = propose(site)
    theirs = propose(site, token="other")
    status, answer, _ = call(
        site, "GET", "/api/v1/proposals?status=pending", None, "translator"
    )
    ids = {p["id"] for p in answer["proposals"]}
    assert mine in ids and theirs not in ids
    assert all(p["status"] == "pending" for p in answer["proposals"])
    status, answer, _ = call(
        site, "GET", "/api/v1/proposals?status=pending", None, "reviewer"
    )
    ids = [p["id"] for p in answer["proposals"]]
    assert {mine, theirs} <= set(ids) and ids == sorted(ids)
    status, answer, _ = call(
        site, "GET", f"/api/v1/proposals/{theirs}", None, "translator"
    )
    assert status == 403
    status, answer, _ = call(
        site, "GET", "/api/v1/proposals?status=maybe", None, "reviewer"
    )
    assert status == 400


def test_unknown_proposal_is_404(site):
    status, answer, _ = call(
        site, "POST", "/api/v1/proposals/999999/approve", {}, "reviewer"
    )
    assert status == 404 and answer["status"] == 404


@pytest.mark.parametrize(
    "body, expected",
    [
        ({**NEW_CONCEPT, "source": ""}, "a source is required for every new term"),
        ({**NEW_CONCEPT, "domain": "cooking"}, "unknown domain 'cooking'"),
        ({**NEW_CONCEPT, "terms": {"de": ["Moodboard"]}}, "unknown language 'de'"),
        ({**NEW_CONCEPT, "terms": {"ru": ["мудбoрд"]}}, "mixes Latin and Cyrillic"),
        ({**NEW_CONCEPT, "terms": {"kk": ["moodboard"]}}, "stored in Cyrillic"),
        ({**NEW_CONCEPT, "terms": {"en": ["x" * 100_000]}}, "at most 300"),
        ({**NEW_CONCEPT, "terms": {"en": ["mood\x00board"]}}, "control characters"),
        ({**NEW_CONCEPT, "terms": {}}, "terms must be an object"),
        ({**NEW_CONCEPT, "extra": 1}, "unknown field(s) for new_concept: extra"),
        ({"kind": "merge"}, "kind must be one of"),
        (
            {"kind": "new_term", "concept_id": 1, "lang": "en", "text": "x y z"},
            "a source is required",
        ),
        (
            {
                "kind": "new_term",
                "concept_id": 1,
                "lang": "en",
                "text": "art",
                "status": "approved",
                "source": "s",
            },
            "unknown status 'approved'",
        ),
        (
            {
                "kind": "change",
                "concept_id": 1,
                "term": "en:no such term",
                "status": "admitted",
            },
            "the entry has no term 'en:no such term'",
        ),
        (
            {
                "kind": "change",
                "concept_id": 1,
                "term": "en:creative industries",
                "pos": "gerund",
            },
            "unknown part of speech 'gerund'",
        ),
        (
            {"kind": "change", "concept_id": 1, "term": "en:creative industries"},
            "changes nothing",
        ),
        (
            {"kind": "note", "concept_id": "1; drop table concepts", "text": "hi"},
            "concept_id must name an existing entry",
        ),
        ({"kind": "note", "concept_id": 1, "text": ""}, "the note is empty"),
    ],
)
def test_invalid_proposals_are_refused_with_the_reason(site, body, expected):
    status, answer, _ = call(site, "POST", "/api/v1/proposals", body, "translator")
    assert status == 400, answer
    assert expected in answer["error"]
    assert answer["ok"] is False and answer["status"] == 400


def test_proposal_for_a_missing_concept_is_404(site):
    status, answer, _ = call(
        site,
        "POST",
        "/api/v1/proposals",
        {"kind": "note", "concept_id": 999999, "text": "hello"},
        "translator",
    )
    assert status == 404


def test_body_must_be_json(site):
    request = urllib.request.Request(
        site["url"] + "/api/v1/proposals",
        data=b"kind=new_concept",
        method="POST",
        headers={"Authorization": f"Bearer {site['translator']}"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400


def test_history_of_missing_concept_is_404(site):
    status, answer, _ = call(site, "GET", "/api/v1/concepts/999999/history")
    assert status == 404 and answer["ok"] is False


def test_hostile_text_is_stored_as_text_and_returned_escaped_in_json(site):
    body = {
        "kind": "note",
        "concept_id": 3,
        "text": "<script>alert(1)</script> '); DROP TABLE concepts; --",
    }
    pid = propose(site, body)
    status, answer, _ = call(
        site, "POST", f"/api/v1/proposals/{pid}/approve", {}, "reviewer"
    )
    assert status == 200
    status, concept, _ = call(site, "GET", "/api/v1/concepts/3")
    assert concept["concept"]["notes"][-1]["text"] == body["text"]
    status, found, _ = call(site, "GET", "/api/v1/search?q=creative")
    assert found["results"]


def test_openapi_describes_the_review_endpoints(site):
    status, doc, _ = call(site, "GET", "/api/v1/openapi.json")
    for path in (
        "/proposals",
        "/proposals/{id}",
        "/proposals/{id}/approve",
        "/proposals/{id}/reject",
        "/concepts/{id}/history",
    ):
        assert path in doc["paths"], path
    assert "201" in doc["paths"]["/proposals"]["post"]["responses"]
    for code in ("401", "403", "409"):
        assert code in doc["paths"]["/proposals/{id}/approve"]["post"]["responses"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_openapi_proposal_schema_comes_from_the_field_table_and_limits():
    from glossary import model, proposals
    from glossary.views.openapi_review import kind_schema, proposal_input_schema

    schema = proposal_input_schema()
    assert schema["discriminator"]["propertyName"] == "kind"
    assert [r["$ref"] for r in schema["oneOf"]] == [
        f"#/components/schemas/Proposal_{kind}" for kind in proposals.KINDS
    ]
    for kind, fields in proposals.FIELDS.items():
        body = kind_schema(kind)
        # Exactly the fields the validation accepts for this kind, no others.
        assert set(body["properties"]) == fields
        assert body["additionalProperties"] is False
        assert body["properties"]["kind"] == {"const": kind}
        assert set(body["required"]) <= fields
        if "comment" in fields:
            assert body["properties"]["comment"]["maxLength"] == model.MAX_TEXT
    new_concept = kind_schema("new_concept")["properties"]
    assert new_concept["source"]["maxLength"] == model.MAX_SOURCE
    item = new_concept["terms"]["properties"]["kk"]["oneOf"][1]
    assert item["maxItems"] == proposals.MAX_TERMS_PER_LANG
    assert item["items"]["oneOf"][0]["maxLength"] == model.MAX_TERM
    assert "source" in kind_schema("new_term")["required"]
    assert "concept_id" in kind_schema("note")["required"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"definition": ""}, "definition"),  # the data layer reads it as none
        ({"domain": " design "}, "domain"),  # it would strip it
        ({"terms": {"en": ["  "]}, "source": "s"}, "terms"),  # only blank terms
    ],
)
def test_a_body_the_schema_refuses_is_refused_by_the_api(site, change, field):
    """The API keeps to its OpenAPI document where the data layer is lenient."""
    status, answer, _ = call(
        site, "POST", "/api/v1/proposals", {**NEW_CONCEPT, **change}, "translator"
    )
    assert status == 400, answer
    assert answer["problems"][0]["field"] == field


def test_a_concept_id_in_quotes_is_refused_and_one_like_12_0_accepted(site):
    body = {"kind": "note", "concept_id": "1", "text": "A note in quotes."}
    status, answer, _ = call(site, "POST", "/api/v1/proposals", body, "translator")
    assert status == 400
    assert answer["problems"] == [
        {
            "code": "body_schema",
            "field": "concept_id",
            "message": "concept_id does not match the schema of a note proposal "
            "(see /api/v1/openapi.json)",
        }
    ]
    body["concept_id"] = 1.0  # JSON Schema's integer
    status, answer, _ = call(site, "POST", "/api/v1/proposals", body, "translator")
    assert status == 201, answer


def test_listing_proposals_refuses_an_unknown_parameter(site):
    status, answer, _ = call(
        site, "GET", "/api/v1/proposals?statu=pending", token="translator"
    )
    assert status == 400
    assert answer["problems"][0]["code"] == "param_unknown"
    assert answer["problems"][0]["field"] == "statu"
