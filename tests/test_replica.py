"""A read node (GLOSSARY_READ_ONLY=true): reads served, writes refused with 503."""

from __future__ import annotations

import sqlite3

import pytest

from glossary.db import get_db
from tests.page_support import make_app
from tests.review_support import copy_database

PRIMARY = "https://glossary.example.kz"


@pytest.fixture
def replica(tmp_path, seeded_database):
    copy_database(seeded_database, tmp_path / "glossary.db")
    return make_app(tmp_path, READ_ONLY=True, PRIMARY_URL=PRIMARY + "/")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=museum",
        "/concepts/1",
        "/concepts/1/history",
        "/domains",
        "/browse/ru",
        "/export",
        "/export.json",
        "/api/v1/search?q=мұражай",
        "/api/v1/suggest?q=mus",
        "/api/v1/concepts/1",
        "/api/v1/concepts/1/history",
        "/api/v1/domains",
        "/api/v1/openapi.json",
        "/check",
    ],
)
def test_a_read_node_serves_reads(replica, url):
    assert replica.test_client().get(url).status_code == 200


def test_a_text_check_is_served_by_a_read_node(replica):
    answer = replica.test_client().post(
        "/api/v1/check", json={"text": "The museum opened.", "lang": "en"}
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["ok"] is True


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/proposals"),
        ("post", "/api/v1/proposals/1/approve"),
        ("post", "/api/v1/proposals/1/reject"),
        ("get", "/api/v1/proposals"),
        ("get", "/api/v1/proposals/1"),
    ],
)
def test_api_writes_get_503_in_the_error_shape_naming_the_primary(replica, method, url):
    answer = getattr(replica.test_client(), method)(
        url, json={}, headers={"Authorization": "Bearer x"}
    )
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["ok"] is False and body["status"] == 503
    assert "GLOSSARY_PRIMARY_URL" in body["error"] and PRIMARY in body["error"]
    assert answer.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/signin"),
        ("post", "/signin"),
        ("get", "/signup"),
        ("get", "/propose"),
        ("get", "/concepts/1/propose"),
        ("get", "/request"),
        ("post", "/request"),
        ("get", "/review"),
        ("get", "/import"),
        ("post", "/concepts/1/notes"),
        ("get", "/account"),
    ],
)
def test_write_pages_get_503_linking_the_primary(replica, method, url):
    answer = getattr(replica.test_client(), method)(url)
    assert answer.status_code == 503
    page = answer.get_data(as_text=True)
    assert f'href="{PRIMARY}{url}"' in page


def test_pages_link_sign_in_and_propose_to_the_primary(replica):
    client = replica.test_client()
    page = client.get("/concepts/1").get_data(as_text=True)
    assert f'href="{PRIMARY}/signin"' in page
    assert f'href="{PRIMARY}/concepts/1/propose"' in page
    assert 'href="/concepts/1/history"' in page  # reads stay on the replica
    search = client.get("/search?q=zzzzqqq").get_data(as_text=True)
    assert f'href="{PRIMARY}/request?text=zzzzqqq"' in search


def test_the_database_is_opened_read_only(replica):
    with replica.app_context():
        db = get_db()
        assert db["concepts"].count > 300
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only"):
            db.execute("update meta set value = value + 1")


def test_cli_writes_are_refused_on_a_read_node(replica, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("term_en,term_ru,term_kk\nscenography,,\n", encoding="utf-8")
    result = replica.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "read-only replica" in result.output and PRIMARY in result.output
    exported = replica.test_cli_runner().invoke(args=["export", "--format", "json"])
    assert exported.exit_code == 0 and '"id": 1' in exported.output
