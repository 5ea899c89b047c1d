"""HTTP caching: ETags from the glossary's generation, Cache-Control, 304."""

from __future__ import annotations

import pytest

from glossary import concepts
from glossary.db import connect
from tests.review_support import add_user, sign_in

PUBLIC = [
    "/",
    "/search?q=museum",
    "/concepts/1",
    "/concepts/1/history",
    "/domains",
    "/browse/kk",
    "/api/v1/search?q=museum",
    "/api/v1/suggest?q=mus",
    "/api/v1/concepts/1",
    "/api/v1/domains",
    "/export.csv",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_an_anonymous_get_is_public_with_an_etag_and_revalidates_to_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert {"Accept-Language", "Cookie"} <= set(first.vary)

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_a_change_to_the_glossary_changes_the_etag(app, client):
    etag = client.get("/concepts/1").headers["ETag"]
    db = connect(app.config["DATABASE"])
    record = concepts.load_record(db, 1)
    concepts.save_concept(db, {**record, "domain": "business"}, author="t")
    db.close()
    answer = client.get("/concepts/1", headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.headers["ETag"] != etag


def test_the_interface_language_is_part_of_the_etag(client):
    en = client.get("/", headers={"Accept-Language": "en"}).headers["ETag"]
    kk = client.get("/", headers={"Accept-Language": "kk"})
    assert kk.headers["ETag"] != en
    assert (
        client.get(
            "/", headers={"Accept-Language": "kk", "If-None-Match": en}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("url", ["/signin", "/signup", "/request"])
def test_pages_with_a_form_token_are_never_stored(client, url):
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in answer.headers


def test_a_signed_in_user_gets_private_answers(app, client):
    add_user(app, "rita", "reviewer")
    sign_in(client, "rita")
    answer = client.get("/concepts/1")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in answer.headers
    anonymous_etag = app.test_client().get("/concepts/1").headers["ETag"]
    # the anonymous ETag does not get a signed-in user a 304
    again = client.get("/concepts/1", headers={"If-None-Match": anonymous_etag})
    assert again.status_code == 200


def test_errors_and_writes_are_not_stored(client):
    assert (
        client.get("/concepts/999999").headers["Cache-Control"] == "private, no-store"
    )
    answer = client.get("/api/v1/search")
    assert answer.status_code == 400
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert (
        client.post("/api/v1/proposals", json={}).headers["Cache-Control"]
        == "private, no-store"
    )


def test_an_api_call_with_a_token_is_private(client):
    answer = client.get(
        "/api/v1/search?q=museum", headers={"Authorization": "Bearer nothing"}
    )
    assert answer.headers["Cache-Control"] == "private, no-store"
