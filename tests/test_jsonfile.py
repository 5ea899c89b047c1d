"""JSON and CSV formats (pure): generated hostile glossaries survive unchanged."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings

from glossary.interchange.csvfile import (
    header_for,
    iter_concepts_csv,
    read_concepts_csv,
    slots_needed,
)
from glossary.interchange.formats import FileProblem, read_file
from glossary.interchange.jsonfile import iter_json, read_json
from glossary.search import to_kazakh_latin
from tests.glossaries import glossaries

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def json_text(records) -> str:
    return "".join(iter_json(records, to_latin=to_kazakh_latin))


def csv_text(records) -> str:
    header = header_for(*slots_needed(records))
    return "".join(iter_concepts_csv(records, header=header, to_latin=to_kazakh_latin))


@pytest.mark.slow
@SETTINGS
@given(glossaries())
def test_generated_glossaries_round_trip_in_json(records):
    text = json_text(records)
    back = read_json(io.StringIO(text))
    assert back.errors == []
    assert back.records == records
    assert json_text(back.records) == text


@pytest.mark.slow
@SETTINGS
@given(glossaries())
def test_generated_glossaries_round_trip_in_csv(records):
    text = csv_text(records)
    back = read_concepts_csv(io.StringIO(text, newline=""))
    assert back.errors == []
    assert back.records == records
    assert csv_text(back.records) == text


def test_json_is_one_concept_per_line_with_the_kazakh_latin_form():
    record = {
        "id": 4,
        "domain": "design",
        "terms": [
            {
                "lang": "kk",
                "text": "сән",
                "status": "preferred",
                "pos": "noun",
                "usage": "",
                "source": "x",
            }
        ],
        "definitions": {},
        "notes": [],
        "related": [],
    }
    text = json_text([record])
    lines = text.splitlines()
    assert lines[0] == '{"format": "glossary", "version": 1, "concepts": ['
    assert json.loads(lines[1])["terms"][0]["latin"] == "sän"
    assert lines[-1] == "]}"
    assert json.loads(text)["concepts"][0]["id"] == 4
    assert read_json(io.StringIO(text)).records == [record]


@pytest.mark.parametrize(
    "doc,message",
    [
        ("{", "line 1: malformed JSON"),
        ('{"concepts": []}', "not a glossary JSON file"),
        (
            '{"format": "glossary", "version": 9, "concepts": []}',
            "unsupported version 9",
        ),
        (
            '{"format": "glossary", "version": 1, '
            '"concepts": [{"id": 2, "terms": []}]}',
            "concept 1 (id 2): a concept needs at least one term",
        ),
        (
            '{"format": "glossary", "version": 1, "concepts": [{"terms": '
            '[{"lang": "en", "text": "x", "status": "best"}]}]}',
            "concept 1: en term 'x': unknown status 'best'",
        ),
        (
            '{"format": "glossary", "version": 1, "concepts": [{"domain": "astro", '
            '"terms": [{"lang": "en", "text": "x"}]}]}',
            "concept 1: unknown domain 'astro'",
        ),
        (
            '{"format": "glossary", "version": 1, "concepts": [{"terms": '
            '[{"lang": "en", "text": 5}]}]}',
            "each term must be an object of strings",
        ),
    ],
)
def test_bad_json_is_refused_with_its_reason(doc, message):
    result = read_json(io.StringIO(doc))
    assert result.records == []
    assert any(message in e for e in result.errors), result.errors


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("a.csv", "term_en\nпривет\n".encode("cp1251"), "not UTF-8 text"),
        ("a.csv", "term_en\nx\n".encode("utf-16"), "the file is UTF-16"),
        ("a.xlsx", b"PK\x03\x04", "must end in .csv, .tsv, .tbx or .json"),
        ("a.csv", b"", "the file is empty"),
        ("a.json", "{}".encode("latin-1") + b"\xff", "not UTF-8 text"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(FileProblem, match=message):
        read_file(io.BytesIO(data), name)


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(FileProblem, match="the limit is 10 bytes"):
        read_file(io.BytesIO(b"term_en\nsomething long\n"), "big.csv", max_bytes=10)


def test_tsv_and_semicolon_files_with_a_bom_and_multiline_cells_are_read():
    tsv = (
        "\ufeffterm_en\tterm_ru\tnote_1\tnote_1_lang\r\n"
        'layout\tмакет\t"two\nlines"\ten\r\n'
    )
    result = read_file(io.BytesIO(tsv.encode()), "g.tsv")
    assert result.errors == []
    assert result.records[0]["notes"][0]["text"] == "two\nlines"
    semi = "term_en;term_kk\n'-ness;-лық\n"
    result = read_file(io.BytesIO(semi.encode()), "g.csv")
    assert result.errors == []
    assert [t["text"] for t in result.records[0]["terms"]] == ["-ness", "-лық"]
