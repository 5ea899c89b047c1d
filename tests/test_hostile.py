"""The hostile corpus: broken, oversized and malicious files and requests.

Every file goes through `flask import` (a clear one-line reason, exit 1, no
traceback) and through the web import page (a 4xx with the reason, no
traceback); every API request gets a 4xx in the error shape. The database file
is byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from glossary.model import MAX_ID
from tests.review_support import add_token, add_user, make_app, post_form, sign_in

HEADER = "id,domain,term_en,term_ru,term_kk,source_en"


def csv_rows(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def concept_json(**fields) -> dict:
    base = {
        "id": None,
        "domain": "design",
        "terms": [{"lang": "en", "text": "mood board", "status": "preferred"}],
    }
    return {**base, **fields}


def json_file(*concepts, **top) -> bytes:
    doc = {"format": "glossary", "version": 1, "concepts": list(concepts), **top}
    return json.dumps(doc).encode("utf-8")


TBX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<tbx type="TBX-Basic" style="dca" xml:lang="en" '
    'xmlns="urn:iso:std:iso:30042:ed-2"><tbxHeader><fileDesc><sourceDesc>'
    '<p type="generator">glossary</p></sourceDesc></fileDesc></tbxHeader>'
    "<text><body>"
)
TBX_TAIL = "</body></text></tbx>"


def tbx(body: str, head: str = TBX_HEAD) -> bytes:
    return (head + body + TBX_TAIL).encode("utf-8")


def tbx_entry(cid: str = "c1", term: str = "museum", extra: str = "") -> str:
    return (
        f'<conceptEntry id="{cid}">{extra}<langSec xml:lang="en"><termSec>'
        f"<term>{term}</term></termSec></langSec></conceptEntry>"
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]><tbx><text><body>&lol9;</body></text></tbx>"
)

# (name, bytes, a word the one-line reason must contain)
FILES: list[tuple[str, bytes, str]] = [
    # --- encodings
    ("utf16le.csv", "\ufeffterm_en\nmuseum\n".encode("utf-16-le"), "UTF-16"),
    ("utf16be.csv", "\ufeffterm_en\nmuseum\n".encode("utf-16-be"), "UTF-16"),
    ("utf32le.csv", "\ufeffterm_en\nmuseum\n".encode("utf-32-le"), "UTF-32"),
    ("utf32be.csv", "\ufeffterm_en\nmuseum\n".encode("utf-32-be"), "UTF-32"),
    ("cp1251.csv", "term_ru\nмузей\n".encode("cp1251"), "UTF-8"),
    ("latin1.tsv", "term_en\tdomain\ncafé\tdesign\n".encode("latin-1"), "UTF-8"),
    ("surrogate-bytes.csv", b"term_en\nmus\xed\xa0\x80eum\n", "UTF-8"),
    ("binary.csv", bytes(range(256)) * 4, ""),
    ("empty.csv", b"", "empty"),
    ("utf16.json", json_file(concept_json()).decode().encode("utf-16"), ""),
    ("cp1251.json", '{"format": "glossary", "x": "музей"}'.encode("cp1251"), ""),
    # --- broken CSV
    ("unknown-column.csv", b"term_en,colour\nmuseum,red\n", "colour"),
    ("duplicate-column.csv", b"term_en,term_en\nmuseum,museum\n", "term_en"),
    ("no-term-column.csv", b"domain\ndesign\n", "term"),
    ("unterminated-quote.csv", b'term_en\n"museum\n', ""),
    ("nul-byte.csv", b"term_en\nmus\x00eum\n", ""),
    ("all-empty-row.csv", csv_rows(",design,,,,"), ""),
    ("unknown-domain.csv", csv_rows(",sorcery,magic,,,"), "sorcery"),
    ("unknown-status.csv", b"term_en,status_en\nmuseum,bestTerm\n", "bestTerm"),
    ("huge-header.csv", (",".join(f"c{i}" for i in range(20_000)) + "\n").encode(), ""),
    ("cell-20001.csv", b"term_en\n" + b"a" * 20_001 + b"\n", "20000"),
    ("cell-131073.csv", b"term_en\n" + b"a" * 131_073 + b"\n", "20000"),
    ("term-301.csv", b"term_en\n" + b"a" * 301 + b"\n", "300"),
    ("rows-2000001.csv", b"term_en\n" + b"a\n" * 2_000_001, "2000000"),
    # --- ids
    ("id-5000-digits.csv", csv_rows("9" * 5000 + ",design,museum,,,"), "5000"),
    ("id-10e30.csv", csv_rows(str(10**30) + ",design,museum,,,"), str(MAX_ID)),
    ("id-2e63.csv", csv_rows(f"{2**63 - 1},design,museum,,,"), str(MAX_ID)),
    ("id-past-max.csv", csv_rows(f"{MAX_ID + 1},design,museum,,,"), str(MAX_ID)),
    ("id-negative.csv", csv_rows("-5,design,museum,,,"), "-5"),
    ("id-zero.csv", csv_rows("0,design,museum,,,"), "0"),
    ("id-float.csv", csv_rows("1.5,design,museum,,,"), "1.5"),
    ("id-hex.csv", csv_rows("0x10,design,museum,,,"), "0x10"),
    ("id-superscript.csv", csv_rows("²,design,museum,,,"), "²"),
    (
        "related-huge.csv",
        b"term_en,related\nmuseum," + str(10**30).encode() + b"\n",
        "",
    ),
    ("related-digits.csv", b"term_en,related\nmuseum," + b"7" * 5000 + b"\n", ""),
    ("related-missing.csv", b"term_en,related\nmuseum,999999\n", "999999"),
    ("duplicate-id.csv", csv_rows("5,design,a,,,", "5,design,b,,,"), "5"),
    # --- text inside terms
    ("control-esc.csv", b"term_en\nmuse\x1b[31mum\n", "control"),
    ("control-bell.csv", b"term_en\nmuse\x07um\n", "control"),
    ("rtl-override.csv", "term_en\nmuse\u202eum\n".encode(), "control"),
    ("word-joiner.csv", "term_en\nmuse\u2060um\n".encode(), "U+2060"),
    ("bom-inside.csv", "term_en\nmuse\ufeffum\n".encode(), "U+FEFF"),
    ("soft-hyphen.csv", "term_en\nmuse\u00adum\n".encode(), "U+00AD"),
    ("zero-width-space.csv", "term_en\nmuse\u200bum\n".encode(), "control"),
    ("tag-character.csv", "term_en\nmuseum\U000e0041\n".encode(), "U+E0041"),
    ("greek-omicron.csv", "term_en\nm\u03bfdel\n".encode(), "Greek"),
    ("latin-in-cyrillic.csv", "term_ru\nмузeй\n".encode(), "Latin"),
    ("cyrillic-in-english.csv", "term_en\nmusеum\n".encode(), "Cyrillic"),
    ("all-greek-english.csv", "term_en\n\u03bf\u03bf\n".encode(), "Greek"),
    ("zalgo.csv", ("term_en\nm" + "\u0301" * 200 + "useum\n").encode(), "combining"),
    ("kazakh-latin.csv", b"term_kk\nqazaq\n", "Cyrillic"),
    # --- TBX: XML attacks and broken files
    (
        "xxe.tbx",
        tbx(
            tbx_entry(term="&xxe;"),
            '<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY xxe SYSTEM '
            '"file:///etc/passwd">]>' + TBX_HEAD.split("?>", 1)[1],
        ),
        "",
    ),
    ("billion-laughs.tbx", BILLION_LAUGHS.encode(), ""),
    (
        "external-dtd.tbx",
        b'<?xml version="1.0"?><!DOCTYPE tbx SYSTEM "http://example.org/x.dtd"><tbx/>',
        "",
    ),
    (
        "parameter-entity.tbx",
        b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY % p SYSTEM '
        b'"http://example.org/p">%p;]><tbx/>',
        "",
    ),
    ("not-xml.tbx", b"this is not XML at all", ""),
    ("truncated.tbx", tbx(tbx_entry())[:-40], ""),
    ("wrong-root.tbx", b'<?xml version="1.0"?><html><body/></html>', ""),
    ("no-entries.tbx", tbx(""), ""),
    ("tbx-id-huge.tbx", tbx(tbx_entry(cid="c" + "9" * 30)), str(MAX_ID)),
    ("tbx-id-5000.tbx", tbx(tbx_entry(cid="c" + "9" * 5000)), ""),
    ("tbx-control.tbx", tbx(tbx_entry(term="muse&#x1b;um")), ""),
    ("tbx-format-char.tbx", tbx(tbx_entry(term="muse&#x2060;um")), "U+2060"),
    (
        "tbx-deep.tbx",
        tbx(
            '<conceptEntry id="c1">'
            + "<note>" * 50_000
            + "</note>" * 50_000
            + "</conceptEntry>"
        ),
        "",
    ),
    (
        "tbx-bad-status.tbx",
        tbx(
            '<conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>museum'
            '</term><termNote type="administrativeStatus">bestTerm</termNote>'
            "</termSec></langSec></conceptEntry>"
        ),
        "bestTerm",
    ),
    ("tbx-utf32.tbx", tbx(tbx_entry()).decode().encode("utf-32"), ""),
    # --- JSON
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, ""),
    ("deep-object.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, ""),
    ("not-object.json", b"[1, 2, 3]", ""),
    ("syntax.json", b'{"format": "glossary", ', ""),
    ("surrogate.json", json_file(concept_json()).replace(b"mood", b"mo\\ud800d"), ""),
    ("id-10e30.json", json_file(concept_json(id=10**30)), str(MAX_ID)),
    ("id-past-max.json", json_file(concept_json(id=MAX_ID + 1)), str(MAX_ID)),
    (
        "id-5000.json",
        b'{"format": "glossary", "version": 1, "concepts": [{"id": '
        + b"9" * 5000
        + b"}]}",
        "",
    ),
    ("id-exponent.json", json_file().replace(b"[]", b'[{"id": 1e400}]'), ""),
    ("id-nan.json", json_file().replace(b"[]", b'[{"id": NaN}]'), ""),
    ("id-true.json", json_file(concept_json(id=True)), ""),
    ("id-string.json", json_file(concept_json(id="17")), ""),
    ("id-negative.json", json_file(concept_json(id=-3)), ""),
    ("related-strings.json", json_file(concept_json(related=["x"])), "related"),
    ("related-huge.json", json_file(concept_json(related=[10**30])), "related"),
    ("unknown-key.json", json_file(concept_json(colour="red")), "colour"),
    ("concepts-not-list.json", json_file().replace(b"[]", b'{"a": 1}'), ""),
    ("wrong-format.json", json.dumps({"format": "other"}).encode(), ""),
    (
        "terms-wrong-types.json",
        json_file(concept_json(terms=[{"lang": ["en"], "text": {"a": 1}}])),
        "",
    ),
    (
        "term-control.json",
        json_file(concept_json(terms=[{"lang": "en", "text": "a\u0000b"}])),
        "control",
    ),
    (
        "term-format.json",
        json_file(concept_json(terms=[{"lang": "en", "text": "a\ufeffb"}])),
        "U+FEFF",
    ),
    (
        "term-too-long.json",
        json_file(concept_json(terms=[{"lang": "en", "text": "a" * 301}])),
        "300",
    ),
    ("domain-list.json", json_file(concept_json(domain=["design"])), "domain"),
    # --- names
    ("glossary.txt", b"term_en\nmuseum\n", ".csv"),
    ("glossary.exe", b"MZ\x90\x00", ".csv"),
    ("no-extension", b"term_en\nmuseum\n", ".csv"),
]
assert len({name for name, _, _ in FILES}) == len(FILES)
# Files of megabytes (2,000,001 rows) take seconds each: marked slow.
FILE_CASES = [
    pytest.param(*f, id=f[0], marks=[pytest.mark.slow] if len(f[1]) > 1_000_000 else [])
    for f in FILES
]


def checkpointed_hash(path: str) -> str:
    """Return the SHA-256 of the database file after a full WAL checkpoint."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("pragma wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One app with a signed-in reviewer (web) and tokens (API)."""
    app = make_app(tmp_path_factory.mktemp("hostile"))
    reviewer = add_user(app, "rustem", role="reviewer")
    translator = add_user(app, "tamara")
    web = app.test_client()
    assert sign_in(web, "rustem").status_code == 302
    files = tmp_path_factory.mktemp("files")
    for name, data, _ in FILES:
        (files / name).write_bytes(data)
    return {
        "app": app,
        "web": web,
        "files": files,
        "reviewer": add_token(app, reviewer),
        "translator": add_token(app, translator),
    }


@pytest.fixture
def unchanged(site):
    """Assert that the database file is byte-identical after the test."""
    path = site["app"].config["DATABASE"]
    before = checkpointed_hash(path)
    yield
    assert checkpointed_hash(path) == before, "the database file changed"


def test_the_corpus_is_large_enough():
    assert len(FILES) * 2 + len(REQUESTS) >= 100


@pytest.mark.parametrize(("name", "data", "word"), FILE_CASES)
def test_cli_import_gives_one_clear_line(site, unchanged, name, data, word):
    runner = site["app"].test_cli_runner()
    path = site["files"] / name
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: "), result.output
    assert "nothing was imported" in last or "cannot tell the format" in last
    assert word in result.output


@pytest.mark.parametrize(("name", "data", "word"), FILE_CASES)
def test_web_import_answers_4xx_with_the_reason(site, unchanged, name, data, word):
    web = site["web"]
    page = web.get("/import").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = web.post(
        "/import",
        data={
            "csrf_token": token,
            "mode": "merge",
            "file": (site["files"] / name).open("rb"),
        },
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, text[:500]
    assert "Traceback" not in text
    assert "Nothing was imported" in text or "cannot tell the format" in text
    assert word.replace("'", "&#39;") in text


def test_an_upload_name_with_bidi_controls_is_shown_escaped(site, unchanged):
    web = site["web"]
    response = post_form(
        web,
        "/import",
        {
            "mode": "merge",
            "file": (
                io.BytesIO(b"term_en\nmood board hostile\n"),
                "evil\u202egpj.csv",
            ),
        },
        token_page="/import",
    )
    text = response.get_data(as_text=True)
    assert "\u202e" not in text
    assert "evil\\u202egpj.csv" in text


HUGE = "9" * 5000
# (method, path, body, token, headers)
REQUESTS: list[tuple[str, str, object, str | None]] = [
    ("GET", "/api/v1/search?q=", None, None),
    ("GET", "/api/v1/search?q=" + "a" * 10_000, None, None),
    ("GET", "/api/v1/search?q=museum&lang=xx", None, None),
    ("GET", "/api/v1/search?q=museum&lang=", None, None),
    ("GET", "/api/v1/search?q=museum&domain=sorcery", None, None),
    ("GET", "/api/v1/search?q=museum&limit=-1", None, None),
    ("GET", "/api/v1/search?q=museum&limit=" + HUGE, None, None),
    ("GET", "/api/v1/search?q=museum&offset=" + str(10**30), None, None),
    ("GET", "/api/v1/search?q=museum&limit=1e3", None, None),
    ("GET", "/api/v1/suggest?q=", None, None),
    ("GET", "/api/v1/suggest?q=mu&limit=0", None, None),
    ("GET", "/api/v1/concepts/" + HUGE, None, None),
    ("GET", "/api/v1/concepts/-1", None, None),
    ("GET", "/api/v1/concepts/abc", None, None),
    ("GET", "/api/v1/concepts/0", None, None),
    ("GET", f"/api/v1/concepts/{MAX_ID + 1}/history", None, None),
    ("GET", f"/api/v1/proposals/{2**64}", None, "reviewer"),
    ("POST", f"/api/v1/proposals/{2**64}/approve", {}, "reviewer"),
    ("POST", f"/api/v1/proposals/{2**64}/reject", {"reason": "x"}, "reviewer"),
    ("POST", "/api/v1/proposals", None, None),
    ("POST", "/api/v1/proposals", {"kind": "note"}, None),
    ("POST", "/api/v1/proposals", b"[" * 200_000 + b"]" * 200_000, "translator"),
    ("POST", "/api/v1/proposals", b'{"a":' * 5000 + b"1" + b"}" * 5000, "translator"),
    (
        "POST",
        "/api/v1/proposals",
        b'{"kind": "note", "text": "a\\ud800b"}',
        "translator",
    ),
    ("POST", "/api/v1/proposals", b"\xff\xfe\x00", "translator"),
    (
        "POST",
        "/api/v1/proposals",
        b'{"concept_id": ' + HUGE.encode() + b"}",
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {"kind": "note", "concept_id": 10**30, "text": "x"},
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {"kind": "note", "concept_id": -1, "text": "x"},
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {
            "kind": "new_term",
            "concept_id": 1,
            "lang": "en",
            "text": "x",
            "status": ["x"],
            "source": "s",
        },
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {
            "kind": "new_concept",
            "domain": "design",
            "terms": {"en": ["muse\u2060um"]},
            "source": "s",
        },
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {
            "kind": "new_concept",
            "domain": "design",
            "terms": {"en": ["m\u03bfdel"]},
            "source": "s",
        },
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {
            "kind": "new_concept",
            "domain": "design",
            "terms": {"en": ["e" + "\u0301" * 200]},
            "source": "s",
        },
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {
            "kind": "new_concept",
            "domain": "design",
            "terms": {"en": ["x" * 100_000]},
            "source": "s",
        },
        "translator",
    ),
    (
        "POST",
        "/api/v1/proposals",
        {"kind": "new_concept", "comment": "x" * 900_000},
        "translator",
    ),
    ("POST", "/api/v1/proposals", b"x" * (1024 * 1024 + 1), "translator"),
    ("POST", "/api/v1/check", b"[" * 100_000 + b"]" * 100_000, None),
    ("POST", "/api/v1/check", {"text": ["a list"]}, None),
    (
        "POST",
        "/api/v1/qa",
        {"source": "a", "source_lang": "xx", "target": "b", "target_lang": "ru"},
        None,
    ),
    ("DELETE", "/api/v1/concepts/1", None, "reviewer"),
    ("GET", "/api/v1/nowhere", None, None),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "token"),
    REQUESTS,
    ids=[f"{r[0]} {r[1][:40]} {str(r[2])[:30]}" for r in REQUESTS],
)
def test_api_requests_get_4xx_in_the_error_shape(
    site, unchanged, method, path, body, token
):
    headers = {"Accept-Language": "ru"}
    if token:
        headers["Authorization"] = f"Bearer {site[token]}"
    data = body
    if isinstance(body, dict):
        data = json.dumps(body)
    if data is not None:
        headers["Content-Type"] = "application/json"
    response = (
        site["app"].test_client().open(path, method=method, data=data, headers=headers)
    )
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["ok"] is False
    assert answer["status"] == response.status_code
    assert answer["error"] and "Traceback" not in answer["error"]
    assert all({"code", "field", "message"} <= set(p) for p in answer["problems"])
