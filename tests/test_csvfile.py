"""CSV interchange: write → read is the identity, and readable errors on bad files."""

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.interchange.csvfile import (
    MAX_CELL,
    guard_cell,
    header_for,
    read_concepts_csv,
    slots_needed,
    unguard_cell,
    write_concepts_csv,
)
from glossary.model import (
    DOMAIN_KEYS,
    LANGS,
    MAX_TERM,
    PARTS_OF_SPEECH,
    STATUSES,
    normalise_concept,
    validate_concept,
)
from glossary.search.latin import to_kazakh_latin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write(records, header=None):
    records = list(records)
    if header is None:
        header = header_for(*slots_needed(records))
    out = io.StringIO(newline="")
    count = write_concepts_csv(records, out, header=header, to_latin=to_kazakh_latin)
    assert count == len(records)
    return out.getvalue()


def read(text):
    return read_concepts_csv(io.StringIO(text, newline=""))


def read_ok(text):
    result = read(text)
    assert result.errors == []
    return result.records


def errors_of(text):
    return read(text).errors


def term(lang, text, status="preferred", **extra):
    return {"lang": lang, "text": text, "status": status, **extra}


SAMPLE = normalise_concept(
    {
        "id": 17,
        "domain": "general",
        "terms": [
            term("en", "creative industries", source="UNCTAD 2008"),
            term("ru", "креативные индустрии"),
            term("ru", "творческие индустрии", "admitted"),
            term("kk", "креативті индустриялар", pos="noun"),
            term("kk", "-лар", "deprecated", usage="=SUM(A1)\nnot a formula"),
        ],
        "definitions": {
            "en": {"text": 'Industries that, "quoted";\nspan lines.', "source": ""},
            "kk": {"text": "Шығармашылыққа негізделген салалар.", "source": "@gov"},
        },
        "notes": [
            {
                "text": "+7 727 000 00 00, call",
                "lang": "en",
                "author": "'editor'",
                "date": "2026-11-29T10:15:00Z",
                "term": "ru:творческие индустрии",
            },
            {"text": "Жалпы ескерту", "lang": "kk"},
        ],
        "related": [41, 3],
    }
)


def test_sample_is_valid():
    assert validate_concept(SAMPLE) == []


# --- the writer -------------------------------------------------------------


def test_header_for_the_minimal_layout():
    assert header_for({}, 0) == [
        "id",
        "domain",
        "term_en",
        "term_ru",
        "term_kk",
        "status_en",
        "pos_en",
        "usage_en",
        "source_en",
        "status_ru",
        "pos_ru",
        "usage_ru",
        "source_ru",
        "status_kk",
        "pos_kk",
        "usage_kk",
        "source_kk",
        "latin_kk",
        "definition_en",
        "definition_source_en",
        "definition_ru",
        "definition_source_ru",
        "definition_kk",
        "definition_source_kk",
        "related",
    ]


def test_slots_needed_and_numbered_columns():
    assert slots_needed([SAMPLE]) == ({"en": 1, "ru": 2, "kk": 2}, 2)
    assert slots_needed([]) == ({"en": 1, "ru": 1, "kk": 1}, 0)
    header = header_for(*slots_needed([SAMPLE]))
    assert "term_ru_2" in header and "term_en_2" not in header
    assert header[-10:] == [
        "note_1",
        "note_1_lang",
        "note_1_term",
        "note_1_author",
        "note_1_date",
        "note_2",
        "note_2_lang",
        "note_2_term",
        "note_2_author",
        "note_2_date",
    ]
    i = header.index("term_kk_2")
    assert header[i : i + 6] == [
        "term_kk_2",
        "status_kk_2",
        "pos_kk_2",
        "usage_kk_2",
        "source_kk_2",
        "latin_kk_2",
    ]


def test_written_file_as_a_spreadsheet_sees_it():
    text = write([SAMPLE])
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "17"
    assert row["term_en"] == "creative industries"
    assert row["term_ru_2"] == "творческие индустрии"
    assert row["status_ru_2"] == "admitted"
    assert row["latin_kk"] == "kreativtı industriialar"
    assert row["term_kk_2"] == "'-лар"  # guarded against formula injection
    assert row["latin_kk_2"] == "'-lar"
    assert row["usage_kk_2"] == "'=SUM(A1)\nnot a formula"
    assert row["definition_en"] == 'Industries that, "quoted";\nspan lines.'
    assert row["definition_source_kk"] == "'@gov"
    assert row["note_1"] == "'+7 727 000 00 00, call"
    assert row["note_1_term"] == "ru:творческие индустрии"
    assert row["note_1_author"] == "'editor'"
    assert row["note_2_term"] == "" and row["note_2_date"] == ""
    assert row["related"] == "3 41"
    for cell in row.values():
        assert not cell.startswith(FORMULA_STARTS)


def test_sample_round_trips():
    text = write([SAMPLE])
    assert read_ok(text) == [SAMPLE]
    assert write(read_ok(text)) == text


# --- write → read is the identity (property) -----------------------------------

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüçñäöşğıİ"
CYRILLIC = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
)
HOSTILE = "=+-@'\",;:\t\r\n «»“”„’!?()[]{}<>#$%&*/\\|~^`_0123456789"
LEADING = ["", "", "=", "+", "-", "@", "'", "'=", "''-", "'@", '"', ",", ";", " "]
SEPARATORS = [" ", "-", ", ", "; ", "'", '"', " = ", "+", "@", " — ", "/", ") (", "1"]

latin_word = st.text(alphabet=LATIN, min_size=1, max_size=12)
cyrillic_word = st.text(alphabet=CYRILLIC, min_size=1, max_size=12)


@st.composite
def term_texts(draw, lang):
    """A valid term text of LANG: words of one script each, hostile punctuation."""
    if lang == "en":
        first = latin_word
        word = latin_word
    elif lang == "ru":
        first = st.one_of(cyrillic_word, latin_word)
        word = st.one_of(cyrillic_word, latin_word)
    else:
        first = cyrillic_word  # a Kazakh term needs Cyrillic
        word = st.one_of(cyrillic_word, cyrillic_word, latin_word)
    if draw(st.integers(0, 9)) == 0:
        # very long but valid
        alphabet = LATIN if lang == "en" else CYRILLIC
        return draw(
            st.text(alphabet=alphabet, min_size=MAX_TERM - 20, max_size=MAX_TERM)
        )
    parts = [draw(st.sampled_from(LEADING)), draw(first)]
    for w in draw(st.lists(word, max_size=4)):
        parts += [draw(st.sampled_from(SEPARATORS)), w]
    return "".join(parts)


block_text = st.builds(
    lambda lead, body, tail: lead + body + tail,
    st.sampled_from(LEADING + ["\n", "\r\n", "\t"]),
    st.text(alphabet=LATIN + CYRILLIC + HOSTILE, max_size=120),
    st.text(alphabet=LATIN + CYRILLIC, min_size=1, max_size=5),
)
# very long but valid (a definition holds up to MAX_TEXT = 5000 characters)
long_block = st.builds(
    lambda piece, n: (("ж" + piece) * n)[:4999] + "ж",
    st.text(alphabet=CYRILLIC + LATIN + HOSTILE, max_size=40),
    st.integers(100, 5000),
)
line_text = st.builds(
    lambda lead, body: lead + body,
    st.sampled_from(LEADING),
    st.text(alphabet=LATIN + CYRILLIC + HOSTILE.replace("\r", ""), max_size=60),
)
dates = st.sampled_from(
    [
        None,
        "2026-11-29",
        "2026-11-29T10:15:00Z",
        "2026-11-29 10:15",
        "2026-11-29T10:15:00.123+05:00",
    ]
)


@st.composite
def concept_records(draw, concept_id):
    terms, seen = [], set()
    for lang in LANGS:
        for _ in range(draw(st.integers(0, 3))):
            text = draw(term_texts(lang))
            key = lang + ":" + " ".join(text.split()).casefold()
            if not key or key in seen:
                continue
            seen.add(key)
            terms.append(
                {
                    "lang": lang,
                    "text": text,
                    "status": draw(st.sampled_from(STATUSES)),
                    "pos": draw(st.sampled_from(("", *PARTS_OF_SPEECH))),
                    "usage": draw(st.one_of(st.just(""), block_text)),
                    "source": draw(st.one_of(st.just(""), line_text)),
                }
            )
    if not terms:
        terms.append({"lang": "en", "text": draw(term_texts("en"))})
    definitions = {}
    for lang in draw(st.lists(st.sampled_from(LANGS), unique=True)):
        definitions[lang] = {
            "text": draw(st.one_of(block_text, long_block)),
            "source": draw(st.one_of(st.just(""), line_text)),
        }
    keys = [f"{t['lang']}:{' '.join(t['text'].split())}" for t in terms]
    notes = []
    for _ in range(draw(st.integers(0, 3))):
        notes.append(
            {
                "text": draw(block_text),
                "lang": draw(st.sampled_from(LANGS)),
                "author": draw(st.one_of(st.just(""), line_text)),
                "date": draw(dates),
                "term": draw(st.one_of(st.none(), st.sampled_from(keys))),
            }
        )
    related = draw(st.lists(st.integers(1, 10**6), max_size=4))
    record = normalise_concept(
        {
            "id": concept_id,
            "domain": draw(st.sampled_from(DOMAIN_KEYS)),
            "terms": terms,
            "definitions": definitions,
            "notes": notes,
            "related": [r for r in related if r != concept_id],
        }
    )
    assert validate_concept(record) == [], record  # the generator makes valid ones
    return record


@st.composite
def record_lists(draw):
    n = draw(st.integers(0, 4))
    ids = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n, unique=True))
    return [
        draw(concept_records(None if draw(st.booleans()) else concept_id))
        for concept_id in ids
    ]


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(record_lists())
def test_write_then_read_is_the_identity(records):
    text = write(records)
    result = read(text)
    assert result.errors == []
    assert result.records == records
    # and writing what was read gives the same bytes
    assert write(result.records) == text
    assert header_for(*slots_needed(result.records)) == header_for(
        *slots_needed(records)
    )


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(record_lists())
def test_no_written_cell_starts_like_a_formula(records):
    for row in csv.reader(io.StringIO(write(records), newline="")):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


# --- guard_cell / unguard_cell ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "guarded"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+77270000000", "'+77270000000"),
        ("-лар", "'-лар"),
        ("@gov", "'@gov"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already", "''=already"),
        ("''-twice", "'''-twice"),
        ("'quoted'", "'quoted'"),
        ("дизайн", "дизайн"),
        ("a=b", "a=b"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_guard_cell(value, guarded):
    assert guard_cell(value) == guarded
    assert unguard_cell(guarded) == value


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.builds(
            lambda a, b, c: a + b + c,
            st.text(alphabet="'", max_size=3),
            st.sampled_from(["", *FORMULA_STARTS]),
            st.text(max_size=10),
        ),
    )
)
def test_guard_and_unguard_are_inverse(value):
    guarded = guard_cell(value)
    assert unguard_cell(guarded) == value
    assert not guarded.startswith(FORMULA_STARTS)


# --- reading ----------------------------------------------------------------------


def test_minimal_header():
    records = read_ok(
        "term_en,term_ru,term_kk\r\ndesign,дизайн,дизайн\r\nfashion,мода,\r\n,,сән\r\n"
    )
    assert [[(t["lang"], t["text"]) for t in r["terms"]] for r in records] == [
        [("en", "design"), ("ru", "дизайн"), ("kk", "дизайн")],
        [("en", "fashion"), ("ru", "мода")],
        [("kk", "сән")],
    ]
    first = records[0]
    assert first["id"] is None
    assert first["domain"] == "general"
    assert {t["status"] for t in first["terms"]} == {"preferred"}
    assert first["definitions"] == {} and first["notes"] == []


def test_bom_is_stripped():
    result = read("\ufeffterm_en,term_ru\r\ndesign,дизайн\r\n")
    assert result.errors == []
    assert result.records[0]["terms"][0]["text"] == "design"


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_delimiter_is_detected(delimiter):
    d = delimiter
    text = (
        f"id{d}domain{d}term_en{d}term_ru{d}definition_en\n"
        f'5{d}business{d}"Business, funding; IP"{d}бизнес{d}"a\tb, c; d"\n'
    )
    [record] = read_ok(text)
    assert record["id"] == 5
    assert record["domain"] == "business"
    assert record["terms"][0]["text"] == "Business, funding; IP"
    assert record["definitions"]["en"]["text"] == "a\tb, c; d"


def test_semicolon_file_with_commas_in_cells():
    [record] = read_ok(
        "term_en;term_ru;term_kk\n"
        "Business, funding and IP;Бизнес, финансирование и ИС;"
        "Бизнес, қаржыландыру және зияткерлік меншік\n"
    )
    assert [t["text"] for t in record["terms"]] == [
        "Business, funding and IP",
        "Бизнес, финансирование и ИС",
        "Бизнес, қаржыландыру және зияткерлік меншік",
    ]


def test_quoted_multi_line_cells_and_line_numbers():
    text = (
        "term_en,definition_en\n"
        '"design","The plan\nfor making\nthings"\n'
        "fashion,Clothes\n"
        "bad\n"
    )
    result = read(text)
    assert result.records[0]["definitions"]["en"]["text"] == (
        "The plan\nfor making\nthings"
    )
    assert result.lines == [2, 5]
    assert result.errors == ["line 6: 1 cells where the header has 2"]


def test_blank_lines_are_skipped():
    result = read("term_en,term_ru\n\ndesign,дизайн\n\n,\n   ,  \nfashion,мода\n\n")
    assert result.errors == []
    assert [r["terms"][0]["text"] for r in result.records] == ["design", "fashion"]
    assert result.lines == [3, 7]


def test_columns_in_any_order():
    [record] = read_ok(
        "definition_ru,term_ru_2,status_ru,term_ru,id,related\n"
        "Определение,творческие индустрии,admitted,креативные индустрии,9,3 5\n"
    )
    assert record["id"] == 9
    assert record["related"] == [3, 5]
    assert [(t["text"], t["status"]) for t in record["terms"]] == [
        ("креативные индустрии", "admitted"),
        ("творческие индустрии", "admitted"),
    ]
    assert record["definitions"] == {"ru": {"text": "Определение", "source": ""}}


def test_default_status_of_further_terms_is_admitted():
    [record] = read_ok("term_ru,term_ru_2,status_ru_2\nдизайн,оформление,\n")
    assert [t["status"] for t in record["terms"]] == ["preferred", "admitted"]


def test_latin_column_is_ignored():
    [record] = read_ok("term_kk,latin_kk\nқала,nonsense\n")
    assert record["terms"][0]["text"] == "қала"


def test_guarded_cells_are_unguarded():
    [record] = read_ok("term_kk,usage_kk,term_en\n'-лар,'=1+1,'quoted'\n")
    assert record["terms"][0]["text"] == "'quoted'"
    assert record["terms"][1]["text"] == "-лар"
    assert record["terms"][1]["usage"] == "=1+1"


def test_related_separated_by_spaces_or_commas():
    [record] = read_ok('term_en,related\ndesign,"41, 3 7"\n')
    assert record["related"] == [3, 7, 41]


def test_note_language_taken_from_its_term():
    [record] = read_ok("term_ru,note_1,note_1_term\nдизайн,Заметка,ru:дизайн\n")
    assert record["notes"] == [
        {
            "text": "Заметка",
            "lang": "ru",
            "author": "",
            "date": None,
            "term": "ru:дизайн",
        }
    ]


# --- errors, with line numbers ----------------------------------------------------


def test_empty_file():
    assert errors_of("") == ["line 1: the file is empty (a header row is needed)"]
    assert errors_of("\ufeff") == ["line 1: the file is empty (a header row is needed)"]


def test_header_only_is_no_records():
    result = read("term_en,term_ru,term_kk\r\n")
    assert result.errors == [] and result.records == []


def test_wrong_cell_count():
    assert errors_of("term_en,term_ru\ndesign\n") == [
        "line 2: 1 cells where the header has 2"
    ]
    assert errors_of("term_en,term_ru\ndesign,дизайн\nfashion,мода,сән\n") == [
        "line 3: 3 cells where the header has 2"
    ]


def test_unknown_column():
    assert errors_of("term_en,colour\ndesign,red\n") == [
        "line 1: unknown column 'colour' (the layout is in README.md)"
    ]
    assert errors_of("term_de\nDesign\n")[0] == (
        "line 1: unknown column 'term_de' (the layout is in README.md)"
    )
    # slots are numbered from 2: a "_1" column would silently replace term_en
    result = read("term_en,term_en_1\ndesign,styling\n")
    assert result.records == []
    assert result.errors and result.errors[0].startswith("line 1: ")


def test_duplicate_column():
    assert errors_of("term_en,term_ru,term_en\ndesign,дизайн,design\n") == [
        "line 1: column 'term_en' appears twice"
    ]


def test_no_term_column():
    assert errors_of("id,domain\n1,design\n") == [
        "line 1: no term column: the header needs term_en, term_ru or term_kk"
    ]
    # a term in a second slot only is not enough
    assert errors_of("term_en_2\ndesign\n") == [
        "line 1: no term column: the header needs term_en, term_ru or term_kk"
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "line 2: id 'abc' is not a whole number from 1 to 9007199254740991"),
        ("1.5", "line 2: id '1.5' is not a whole number from 1 to 9007199254740991"),
        ("-3", "line 2: id '-3' is not a whole number from 1 to 9007199254740991"),
        ("0", "line 2: id '0' is not a whole number from 1 to 9007199254740991"),
        (
            "9" * 5000,
            "line 2: id '99999999999999999999…' (5000 characters) "
            "is not a whole number from 1 to 9007199254740991",
        ),
        (
            "9223372036854775807",
            "line 2: id '9223372036854775807' is not a whole number "
            "from 1 to 9007199254740991",
        ),
        # str.isdigit() is true for a superscript two, but int() rejects it
        ("²", "line 2: id '²' is not a whole number from 1 to 9007199254740991"),
    ],
)
def test_bad_id(cell, message):
    assert errors_of(f"id,term_en\n{cell},design\n") == [message]


def test_bad_related_id():
    assert errors_of("term_en,related\ndesign,3 x\n") == [
        "line 2: related id 'x' is not a whole number from 1 to 9007199254740991"
    ]
    # str.isdigit() is true for a superscript two, but int() rejects it
    assert errors_of("term_en,related\ndesign,3 ²\n") == [
        "line 2: related id '²' is not a whole number from 1 to 9007199254740991"
    ]


def test_duplicate_id():
    assert errors_of("id,term_en\n7,design\n8,fashion\n7,music\n") == [
        "line 4: id 7 is also on line 2"
    ]


def test_attributes_given_for_an_empty_term():
    errors = errors_of("term_en,term_ru,status_ru,source_ru\ndesign,,admitted,БСЭ\n")
    assert len(errors) == 1
    assert re.fullmatch(
        r"line 2: .*status.*source.* given for an empty term_ru", errors[0]
    )
    errors = errors_of("term_ru,term_ru_2,usage_ru_2\nдизайн,,заметка\n")
    assert len(errors) == 1
    assert re.fullmatch(r"line 2: .*usage.* given for an empty term_ru_2", errors[0])


def test_row_without_any_term():
    assert errors_of("domain,term_en,term_ru\ndesign,,\n") == [
        "line 2: a concept needs at least one term"
    ]


def test_validation_errors_carry_the_line():
    errors = errors_of(
        "term_en,term_ru,domain\ndesign,дизайн,design\nbar,бaр,cooking\n"
    )
    assert errors == [
        "line 3: unknown domain 'cooking' (allowed: " + ", ".join(DOMAIN_KEYS) + ")",
        "line 3: ru term 'бaр': the word 'бaр' mixes Latin and Cyrillic letters",
    ]


def test_invalid_rows_are_not_returned_but_valid_ones_are():
    result = read("term_en,term_kk\ndesign,дизайн\nfashion,fashion\nmusic,музыка\n")
    assert [r["terms"][0]["text"] for r in result.records] == ["design", "music"]
    assert result.lines == [2, 4]
    assert result.errors == [
        "line 3: kk term 'fashion': a Kazakh term is stored in Cyrillic "
        "(its Latin form is derived)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('term_en,term_ru\n"design"x,дизайн\n', "line 2: malformed CSV: "),
        ('term_en,term_ru\ndesign,дизайн\n"fashion,мода\n', "line 3: malformed CSV: "),
    ],
)
def test_malformed_quoting(text, message):
    errors = errors_of(text)
    assert len(errors) == 1
    assert errors[0].startswith(message)


def test_cell_too_long():
    long_cell = "д" * (MAX_CELL + 1)
    assert errors_of(f"term_ru,definition_ru\nдизайн,{long_cell}\n") == [
        f"line 2: a cell is longer than {MAX_CELL} characters"
    ]
