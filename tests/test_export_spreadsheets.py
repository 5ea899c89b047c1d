"""CSV for spreadsheets in Russian and Kazakh locales: the semicolon variant.

Excel with Russian or Kazakh regional settings splits a double-clicked CSV on
the semicolon (the comma is their decimal sign); LibreOffice needs its
character set set to UTF-8. The export offers a semicolon file, the page and
README say what to choose, and LibreOffice (headless) opens the file with the
options the page recommends with Kazakh and Russian intact.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import zipfile

import pytest

REQUIRE_TOOLS = os.environ.get("GLOSSARY_REQUIRE_TOOLS") == "1"
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def rows(text: str, delimiter: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_semicolon_export_has_the_same_rows_as_the_comma_export(client):
    comma = client.get("/export.csv").get_data(as_text=True)
    response = client.get("/export.csv?excel=1&sep=semicolon")
    assert response.status_code == 200
    assert "semicolon" in response.headers["Content-Disposition"]
    semi = response.get_data(as_text=True)
    assert semi.startswith("\ufeffid;domain;term_en;term_ru;term_kk;")
    assert rows(semi.lstrip("\ufeff"), ";") == rows(comma, ",")


def test_export_form_offers_the_semicolon_file(client):
    response = client.get("/export/download?format=csv-excel-semicolon&domain=theatre")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffid;")
    assert {r["domain"] for r in rows(body.lstrip("\ufeff"), ";")} == {"theatre"}


def test_unknown_separator_is_a_clear_error(client):
    assert client.get("/export.csv?sep=pipe").status_code == 400


def test_cli_semicolon_export_reimports_unchanged(app, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "glossary.csv"
    result = runner.invoke(args=["export", str(path), "--excel", "--semicolon"])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8-sig").startswith("id;domain;")
    result = runner.invoke(args=["import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed" in result.output
    bad = runner.invoke(args=["export", "--format", "json", "--semicolon"])
    assert bad.exit_code != 0 and "--semicolon" in bad.output


@pytest.mark.parametrize(
    ("ui", "words"),
    [
        ("en", ["LibreOffice", "Unicode (UTF-8)", "semicolon"]),
        ("ru", ["LibreOffice", "Unicode (UTF-8)", "точк"]),
        ("kk", ["LibreOffice", "Unicode (UTF-8)", "нүкте"]),
    ],
)
def test_export_page_says_what_to_choose_for_excel_and_libreoffice(client, ui, words):
    page = client.get(f"/export?lang={ui}").get_data(as_text=True)
    for word in words:
        assert word in page
    assert "sep=semicolon" in page


@pytest.mark.slow
def test_semicolon_csv_opens_in_libreoffice_as_recommended(app, tmp_path):
    """The page's advice (UTF-8, semicolon) gives intact cells in LibreOffice."""
    if LIBREOFFICE is None:
        if REQUIRE_TOOLS:
            pytest.fail("GLOSSARY_REQUIRE_TOOLS=1 but libreoffice is not installed")
        pytest.skip("libreoffice is not installed (apt-get install libreoffice-calc)")
    path = tmp_path / "glossary.csv"
    result = app.test_cli_runner().invoke(
        args=["export", str(path), "--excel", "--semicolon", "--domain", "general"]
    )
    assert result.exit_code == 0, result.output
    # 59 = ';', 34 = '"', 76 = UTF-8: "Character set: Unicode (UTF-8)" and
    # "Separated by: Semicolon" in the Text Import window.
    subprocess.run(
        [
            LIBREOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--infilter=CSV:59,34,76,1",
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
    # One cell per column (split on ';'), no BOM in the first cell, Cyrillic intact.
    for cell in ("id", "domain", "term_en", "term_ru", "term_kk"):
        assert f"<text:p>{cell}</text:p>" in content
    for text in ("креативті индустриялар", "креативные индустрии"):
        assert f"<text:p>{text}</text:p>" in content
    assert "Ã" not in content and "Ð" not in content and "\ufeff" not in content
