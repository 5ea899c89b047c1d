"""Interchange through the term base: CLI export/import, web downloads, Excel CSV.

Every file format goes file → database → file unchanged, on the real term base
and on generated hostile glossaries; bad files are refused with their reasons
and change nothing.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from werkzeug.serving import make_server

from glossary import ROOT, concepts, create_app, exchange
from glossary.db import connect
from glossary.interchange.csvfile import (
    header_for,
    iter_concepts_csv,
    read_concepts_csv,
    slots_needed,
)
from glossary.interchange.jsonfile import iter_json
from glossary.interchange.tbx import iter_tbx
from glossary.search import to_kazakh_latin
from glossary.startup import ensure_ready, prepare_database
from tests.glossaries import glossaries

TERMS_CSV = (ROOT / "terms.csv").read_bytes()
# The number of concepts in the seed glossary (one row each; no cell spans lines).
N = TERMS_CSV.decode("utf-8").count("\r\n") - 1
FORMATS = {"csv": "g.csv", "tbx": "g.tbx", "tbx2": "g-v2.tbx", "json": "g.json"}
# CI sets this: there a missing libreoffice is a failure, not a skip.
REQUIRE_TOOLS = os.environ.get("GLOSSARY_REQUIRE_TOOLS") == "1"


def make_app(path: Path, seed: bool = True):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATABASE": str(path),
            "SEED_PATH": str(ROOT / "terms.csv") if seed else None,
        }
    )


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "g.db"
    ensure_ready(make_app(path))
    return path


@pytest.fixture
def app(tmp_path, seeded_db):
    """An app on a private copy of the seeded term base."""
    path = tmp_path / "g.db"
    shutil.copy(seeded_db, path)
    return make_app(path)


@pytest.fixture
def empty_app(tmp_path):
    return make_app(tmp_path / "empty.db", seed=False)


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def state(app) -> tuple:
    """Everything an import could change: counts, history size, change counter."""
    db = connect(app.config["DATABASE"])
    try:
        return (
            concepts.counts(db),
            db["history"].count,
            concepts.generation(db),
            db.execute("select count(*) from notes").fetchone()[0],
        )
    finally:
        db.close()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_import_export_is_byte_identical_on_the_term_base(
    fmt, app, empty_app, tmp_path
):
    first, second = tmp_path / ("1" + FORMATS[fmt]), tmp_path / ("2" + FORMATS[fmt])
    result = cli(app, "export", str(first), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert f"Exported {N} concepts" in result.output
    # Into an empty term base: the same glossary comes out again.
    result = cli(empty_app, "import", str(first))
    assert result.exit_code == 0, result.output
    assert f"Importing {N} concepts" in result.output  # the progress bar's label
    assert f"{N} new, 0 changed, 0 unchanged" in result.output
    assert cli(empty_app, "export", str(second), "--format", fmt).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    if fmt == "csv":
        assert first.read_bytes() == TERMS_CSV
    # Back into the term base it came from: nothing changes.
    before = state(app)
    result = cli(app, "import", str(first))
    assert f"0 new, 0 changed, {N} unchanged" in result.output, result.output
    assert state(app) == before


def _with_defaults(records: list[dict]) -> list[dict]:
    """The term base dates and signs every note: give generated notes both."""
    for r in records:
        for n in r["notes"]:
            n["author"] = n["author"] or "editor"
            n["date"] = n["date"] or "2026-11-29"
    return records


def _pure(records, fmt) -> str:
    if fmt == "csv":
        header = header_for(*slots_needed(records))
        return "".join(
            iter_concepts_csv(records, header=header, to_latin=to_kazakh_latin)
        )
    if fmt == "json":
        return "".join(iter_json(records, to_latin=to_kazakh_latin))
    version = 3 if fmt == "tbx" else 2
    return "".join(iter_tbx(records, version=version, to_latin=to_kazakh_latin))


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(glossaries(max_concepts=5))
def test_generated_glossaries_go_through_the_term_base_unchanged(records):
    records = _with_defaults(records)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, name in FORMATS.items():
            path = Path(tmp) / f"{fmt}.db"
            prepare_database(path, None)
            db = connect(path)
            try:
                text = _pure(records, fmt)
                report = exchange.import_file(
                    db, io.BytesIO(text.encode()), name, author="t"
                )
                assert report["ok"], report["errors"]
                assert report["new"] == len(records)
                out = "".join(exchange.export_chunks(db, fmt))
                assert out == text
            finally:
                db.close()


HOSTILE_CSV = (
    "id,domain,term_en,term_ru,status_ru,term_kk\r\n"
    "1,general,creative industries,креативные индустрии,preferred,"
    "креативті индустриялар\r\n"
    ",general,layout,мaкет,,макет\r\n"  # Latin "a" hidden in a Russian word
    ',design,=HYPERLINK("http://x"),дизайн,best,дизайн\r\n'
    ",astrology,star,звезда,,жұлдыз\r\n"
    ",general,,,preferred,\r\n"
    ",general,one,two\r\n"
)


def test_a_hostile_csv_is_refused_line_by_line_and_changes_nothing(app, tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_text(HOSTILE_CSV, encoding="utf-8")
    before = state(app)
    result = cli(app, "import", str(path))
    assert result.exit_code != 0
    err = result.output
    assert "line 3: ru term 'мaкет': the word 'мaкет' mixes Latin and Cyrillic" in err
    assert "line 4: ru term 'дизайн': unknown status 'best'" in err
    assert "line 5: unknown domain 'astrology'" in err
    assert "line 6: status given for an empty term_ru" in err
    assert "line 7: 4 cells where the header has 6" in err
    assert "problem(s) in" in err and "nothing was imported" in err
    assert state(app) == before


@pytest.mark.slow
def test_dry_run_reports_new_changed_unchanged_and_writes_nothing(app, tmp_path):
    path = tmp_path / "g.csv"
    cli(app, "export", str(path))
    text = path.read_bytes().decode("utf-8")
    text = text.replace("креативные индустрии", "креативные индустрии (КИ)", 1)
    width = len(text.split("\r\n", 1)[0].split(","))
    text += ",".join(["", "design", "moodboard"] + [""] * (width - 3)) + "\r\n"
    path.write_text(text, encoding="utf-8")
    before = state(app)
    result = cli(app, "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"Would import {N + 1} concepts" in result.output
    assert f"1 new, 1 changed, {N - 1} unchanged" in result.output
    assert state(app) == before
    result = cli(app, "import", str(path), "--author", "Aigerim")
    assert f"Imported {N + 1} concepts" in result.output
    assert f"1 new, 1 changed, {N - 1} unchanged" in result.output
    db = connect(app.config["DATABASE"])
    try:
        (last,) = concepts.history(db, 1, limit=1)
        assert (last["action"], last["author"]) == ("import", "Aigerim")
        assert last["reason"] == "imported from g.csv"
        ru = [t for t in concepts.load_record(db, 1)["terms"] if t["lang"] == "ru"]
        assert ru[0]["text"] == "креативные индустрии (КИ)"
    finally:
        db.close()


@pytest.mark.slow
def test_replace_makes_the_glossary_exactly_the_file(app, tmp_path):
    path = tmp_path / "g.csv"
    cli(app, "export", str(path))
    db = connect(app.config["DATABASE"])
    referenced = {r[0] for r in db.execute("select related_id from relations")}
    db.close()
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    # Drop three concepts that nothing refers to.
    dropped = [
        line for line in lines[1:] if line and int(line.split(",")[0]) not in referenced
    ][:3]
    ids = sorted(int(line.split(",")[0]) for line in dropped)
    path.write_text(
        "\r\n".join(line for line in lines if line not in dropped), encoding="utf-8"
    )
    merge = cli(app, "import", str(path))
    assert f"0 new, 0 changed, {N - 3} unchanged." in merge.output
    result = cli(app, "import", str(path), "--replace")
    assert result.exit_code == 0, result.output
    assert f"{N - 3} unchanged, 3 removed." in result.output
    db = connect(app.config["DATABASE"])
    try:
        assert concepts.counts(db)["concepts"] == N - 3
        for i in ids:
            (h,) = concepts.history(db, i, limit=1)
            assert h["action"] == "import" and "(replace)" in h["reason"]
            row = db.execute(
                "select before, after from history where id = ?", [h["id"]]
            ).fetchone()
            assert row[0] and row[1] is None  # what it was is kept
    finally:
        db.close()
    again = tmp_path / "again.csv"
    cli(app, "export", str(again))
    # The same concepts as the file (the header may have fewer note slots now).
    with (
        open(again, encoding="utf-8", newline="") as a,
        open(path, encoding="utf-8", newline="") as b,
    ):
        assert read_concepts_csv(a).records == read_concepts_csv(b).records


def test_replace_refuses_a_file_whose_references_it_would_break(app, tmp_path):
    path = tmp_path / "g.csv"
    cli(app, "export", str(path))
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    kept = [line for line in lines if not line.startswith("17,")]
    path.write_text("\r\n".join(kept), encoding="utf-8")
    before = state(app)
    result = cli(app, "import", str(path), "--replace")
    assert result.exit_code != 0
    assert "related id 17 is not in the file (replace removes it)" in result.output
    assert state(app) == before


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("g.csv", "term_en,term_ru\nx,привет\n".encode("cp1251"), "not UTF-8 text"),
        ("g.xlsx", b"PK", "must end in .csv, .tsv, .tbx or .json"),
        ("g.tbx", b"<tbx><text><body><conceptEntry>", "malformed XML"),
        (
            "g.tbx",
            b'<!DOCTYPE tbx [<!ENTITY e SYSTEM "file:///etc/passwd">]><tbx>&e;</tbx>',
            "refused for safety",
        ),
        (
            "g.json",
            b'{"format": "glossary", "version": 1, "concepts": [{}]}',
            "concept 1: a concept needs at least one term",
        ),
    ],
)
def test_bad_files_are_refused_by_the_cli_with_their_reason(
    app, tmp_path, name, data, message
):
    path = tmp_path / name
    path.write_bytes(data)
    before = state(app)
    result = cli(app, "import", str(path))
    assert result.exit_code != 0
    assert message in result.output
    assert state(app) == before


def test_import_file_is_callable_with_an_upload_stream(app):
    db = connect(app.config["DATABASE"])
    seen = []
    try:
        report = exchange.import_file(
            db,
            io.BytesIO("term_en,term_kk\nmoodboard,мудборд\n".encode()),
            "upload.csv",
            author="reviewer",
            progress=seen.append,
        )
        assert report["ok"] and report["new"] == 1 and seen == [1]
        too_big = exchange.import_file(
            db, io.BytesIO(b"term_en\nx\n"), "big.csv", author="r", max_bytes=4
        )
        assert not too_big["ok"]
        assert too_big["errors"] == ["the file is 10 bytes; the limit is 4 bytes"]
    finally:
        db.close()


def test_export_filters_and_excel(app, tmp_path):
    path = tmp_path / "kk.csv"
    result = cli(
        app,
        "export",
        str(path),
        "--domain",
        "design",
        "--lang",
        "kk",
        "--status",
        "preferred",
        "--excel",
    )
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header, *rows = [line for line in text.split("\r\n") if line]
    assert header.startswith("id,domain,term_kk,status_kk,")
    assert "term_en" not in header and "term_ru" not in header
    assert rows and all(",design," in row for row in rows)
    assert ",admitted," not in text
    result = cli(app, "export", str(path), "--format", "tbx", "--excel")
    assert result.exit_code != 0 and "--excel applies to --format csv" in result.output


def test_filtered_tbx_leaves_out_references_to_concepts_not_in_it(app, tmp_path):
    from lxml import etree

    path = tmp_path / "design.tbx"
    result = cli(app, "export", str(path), "--format", "tbx", "--domain", "design")
    assert result.exit_code == 0, result.output
    db = connect(app.config["DATABASE"])
    outside = db.execute(
        "select count(*) from relations r join concepts a on a.id = r.concept_id "
        "join concepts b on b.id = r.related_id "
        "where a.domain = 'design' and b.domain != 'design'"
    ).fetchone()[0]
    db.close()
    assert outside  # design concepts do refer to concepts of other domains
    tree = etree.parse(str(path))
    ids = set(tree.xpath("//@id"))
    targets = tree.xpath("//@target")
    assert targets and set(targets) <= ids
    schema = ROOT.parent / "shared/data/tbx/TBXcoreStructV03.rng"
    if not schema.exists():
        reason = f"the TBX-Basic schema is not at {schema}"
        if REQUIRE_TOOLS:
            pytest.fail(f"GLOSSARY_REQUIRE_TOOLS=1 but {reason}")
        pytest.skip(reason)
    rng = etree.RelaxNG(etree.parse(str(schema)))
    assert rng.validate(tree), rng.error_log


@pytest.fixture(scope="module")
def server(seeded_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "g.db"
    shutil.copy(seeded_db, path)
    srv = make_server("127.0.0.1", 0, make_app(path), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", make_app(path)
    srv.shutdown()


def get(url: str):
    with urllib.request.urlopen(url) as response:
        return response.status, dict(response.headers), response.read()


def test_web_downloads_are_the_same_files_as_the_cli(server, tmp_path):
    base, app = server
    status, _, body = get(f"{base}/export")
    page = body.decode()
    assert status == 200 and 'action="/export/download"' in page
    assert "/export.csv?excel=1" in page and "/export.tbx?version=2" in page
    status, headers, body = get(f"{base}/export.csv")
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="glossary.csv"' in headers["Content-Disposition"]
    assert body == TERMS_CSV
    _, _, excel = get(f"{base}/export.csv?excel=1")
    assert excel == b"\xef\xbb\xbf" + TERMS_CSV
    for url, fmt in [
        ("/export.tbx", "tbx"),
        ("/export.tbx?version=2", "tbx2"),
        ("/export.json", "json"),
        ("/export/download?format=json&domain=film&lang=ru", None),
    ]:
        _, _, body = get(base + url)
        if fmt:
            path = tmp_path / FORMATS[fmt]
            cli(app, "export", str(path), "--format", fmt)
            assert body == path.read_bytes()
    assert b'"domain": "design"' not in body and b'"domain": "film"' in body
    assert b'"lang": "en"' not in body
    with pytest.raises(urllib.error.HTTPError) as bad:
        get(f"{base}/export.csv?status=best")
    assert bad.value.code == 400


def test_the_export_page_is_translated(server):
    base, _ = server
    _, _, body = get(f"{base}/export?lang=kk")
    assert "Глоссарийді жүктеп алу" in body.decode()


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.slow
def test_excel_csv_opens_in_libreoffice_with_the_cyrillic_intact(app, tmp_path):
    if LIBREOFFICE is None:
        if REQUIRE_TOOLS:
            pytest.fail("GLOSSARY_REQUIRE_TOOLS=1 but libreoffice is not installed")
        pytest.skip("libreoffice is not installed (apt-get install libreoffice-calc)")
    path = tmp_path / "glossary.csv"
    cli(app, "export", str(path), "--excel")
    # The charset LibreOffice's text import chooses for a file with a UTF-8
    # BOM (76 = UTF-8); LibreOffice 7.4 headless does not detect it on its own.
    subprocess.run(
        [
            LIBREOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    content = zipfile.ZipFile(tmp_path / "glossary.ods").read("content.xml").decode()
    # The BOM is not taken into the first cell; Kazakh and Russian are intact.
    assert "<text:p>id</text:p>" in content
    for text in ("креативті индустриялар", "креативные индустрии", "шығармашылық"):
        assert text in content
    assert "Ã" not in content and "Ð" not in content


def test_export_without_a_path_writes_to_standard_output(app):
    result = cli(app, "export", "--format", "json", "--domain", "music")
    assert result.exit_code == 0
    assert result.output.startswith('{"format": "glossary", "version": 1')
    assert '"domain": "music"' in result.output
    assert '"domain": "film"' not in result.output
