"""The entry model: normalise_concept, validate_concept and script_problem."""

import copy
import unicodedata

import pytest

from glossary.model import (
    DOMAIN_KEYS,
    MAX_AUTHOR,
    MAX_SOURCE,
    MAX_TERM,
    MAX_TEXT,
    normalise_concept,
    script_problem,
    terms_signature,
)
from glossary.model import validate_concept as problems_of


def validate_concept(record: dict) -> list[str]:
    """The English messages of RECORD's problems (the default rendering)."""
    return [str(p) for p in problems_of(record)]


def test_problems_carry_codes_fields_and_parameters():
    problems = problems_of(
        normalise_concept(
            {"domain": "cooking", "terms": [{"lang": "kk", "text": "dizain"}]}
        )
    )
    assert [(p.code, p.field) for p in problems] == [
        ("unknown_domain", "domain"),
        ("kazakh_not_cyrillic", "terms"),
    ]
    assert problems[0].params["value"] == "cooking"
    assert problems[1].params["where"].params == {"lang": "kk", "text": "dizain"}


RAW = {
    "id": 17,
    "domain": "general",
    "terms": [
        {"lang": "en", "text": "creative industries", "status": "preferred"},
        {"lang": "ru", "text": "креативные индустрии", "status": "preferred"},
        {"lang": "ru", "text": "творческие индустрии", "status": "admitted"},
        {"lang": "kk", "text": "креативті индустриялар", "status": "preferred"},
    ],
    "definitions": {
        "en": {"text": "Industries based on creativity.", "source": "UNCTAD"}
    },
    "notes": [
        {
            "text": "Used in the 2021 concept.",
            "lang": "en",
            "author": "editor",
            "date": "2026-11-29T10:15:00Z",
            "term": "ru:творческие индустрии",
        }
    ],
    "related": [3, 41],
}
STATUSES = "preferred, admitted, deprecated, superseded"


def concept(**changes):
    """Return a normalised copy of RAW with top-level CHANGES applied."""
    raw = copy.deepcopy(RAW)
    raw.update(changes)
    return normalise_concept(raw)


def with_term(index, **changes):
    raw = copy.deepcopy(RAW)
    raw["terms"][index].update(changes)
    return normalise_concept(raw)


def with_note(**changes):
    raw = copy.deepcopy(RAW)
    raw["notes"][0].update(changes)
    return normalise_concept(raw)


def test_the_sample_is_valid():
    assert validate_concept(concept()) == []


# --- normalise_concept --------------------------------------------------------


def test_normalise_fills_defaults():
    record = normalise_concept({"terms": [{"lang": "en", "text": "design"}]})
    assert record == {
        "id": None,
        "domain": "general",
        "terms": [
            {
                "lang": "en",
                "text": "design",
                "status": "preferred",
                "pos": "",
                "usage": "",
                "source": "",
            }
        ],
        "definitions": {},
        "notes": [],
        "related": [],
    }
    assert validate_concept(record) == []


def test_normalise_cleans_text():
    record = normalise_concept(
        {
            "domain": " design ",
            "terms": [
                {
                    "lang": "ru",
                    "text": "  новогодняя \t\n ёлка ",
                    "status": " admitted ",
                    "usage": "\r\n line one\r\nline two\rthree \n",
                },
                {"lang": "kk", "text": unicodedata.normalize("NFD", "Йод")},
            ],
            "definitions": {
                "en": {"text": "  ", "source": ""},
                "ru": {"text": " Дерево. ", "source": " БСЭ "},
            },
            "notes": [{"text": " note ", "lang": "en", "date": "", "term": " "}],
            "related": ["5", 3, 5],
        }
    )
    assert record["domain"] == "design"
    assert record["terms"][0]["text"] == "новогодняя ёлка"
    assert record["terms"][0]["status"] == "admitted"
    assert record["terms"][0]["usage"] == "line one\nline two\nthree"
    assert record["terms"][1]["text"] == "Йод"
    assert len(record["terms"][1]["text"]) == 3  # composed again
    assert record["definitions"] == {"ru": {"text": "Дерево.", "source": "БСЭ"}}
    assert record["notes"][0]["date"] is None
    assert record["notes"][0]["term"] is None
    assert record["notes"][0]["text"] == "note"
    assert record["related"] == [3, 5]


def test_normalise_groups_terms_by_language_keeping_their_order():
    record = normalise_concept(
        {
            "terms": [
                {"lang": "kk", "text": "дизайн"},
                {"lang": "ru", "text": "дизайн"},
                {"lang": "en", "text": "design"},
                {"lang": "ru", "text": "оформление"},
                {"lang": "en", "text": "styling"},
            ]
        }
    )
    assert [(t["lang"], t["text"]) for t in record["terms"]] == [
        ("en", "design"),
        ("en", "styling"),
        ("ru", "дизайн"),
        ("ru", "оформление"),
        ("kk", "дизайн"),
    ]


def test_normalise_is_idempotent():
    once = concept()
    assert normalise_concept(once) == once


# --- validate_concept: one rule at a time ------------------------------------


def test_unknown_status():
    errors = validate_concept(with_term(0, status="approved"))
    assert errors == [
        f"en term 'creative industries': unknown status 'approved' "
        f"(allowed: {STATUSES})"
    ]


def test_unknown_domain():
    errors = validate_concept(concept(domain="cooking"))
    assert errors == [f"unknown domain 'cooking' (allowed: {', '.join(DOMAIN_KEYS)})"]


def test_every_domain_is_allowed():
    for key in DOMAIN_KEYS:
        assert validate_concept(concept(domain=key)) == []


def test_unknown_language():
    errors = validate_concept(with_term(0, lang="de", text="Kreativwirtschaft"))
    assert errors == ["unknown language 'de' (allowed: en, ru, kk)"]


def test_unknown_part_of_speech():
    errors = validate_concept(with_term(0, pos="gerund"))
    assert len(errors) == 1
    assert errors[0].startswith(
        "en term 'creative industries': unknown part of speech 'gerund' (allowed: "
    )
    assert validate_concept(with_term(0, pos="noun")) == []


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_term(text):
    assert validate_concept(with_term(1, text=text)) == ["ru term is empty"]


def test_no_terms():
    errors = validate_concept(concept(terms=[], notes=[]))
    assert errors == ["a concept needs at least one term"]


def test_term_too_long():
    long_text = "д" * (MAX_TERM + 1)
    errors = validate_concept(with_term(1, text=long_text))
    assert errors == [
        f"ru term {long_text!r} is {MAX_TERM + 1} characters long (at most {MAX_TERM})"
    ]
    assert validate_concept(with_term(1, text="д" * MAX_TERM)) == []


def test_other_texts_too_long():
    errors = validate_concept(with_term(0, usage="u" * (MAX_TEXT + 1)))
    assert errors == [
        f"en term 'creative industries': usage note is {MAX_TEXT + 1} characters "
        f"long (at most {MAX_TEXT})"
    ]
    errors = validate_concept(with_term(0, source="s" * (MAX_SOURCE + 1)))
    assert errors == [
        f"en term 'creative industries': source is {MAX_SOURCE + 1} characters "
        f"long (at most {MAX_SOURCE})"
    ]
    errors = validate_concept(with_note(author="a" * (MAX_AUTHOR + 1)))
    assert errors == [
        f"note 1 author is {MAX_AUTHOR + 1} characters long (at most {MAX_AUTHOR})"
    ]
    errors = validate_concept(with_note(text="n" * (MAX_TEXT + 1)))
    assert errors == [f"note 1 is {MAX_TEXT + 1} characters long (at most {MAX_TEXT})"]


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x1b", "\x7f", "\x9f", "\u200b", "\u200e", "\u202e", "\u2066"],
)
def test_control_characters_in_a_term(char):
    text = f"креативные{char}индустрии"
    errors = validate_concept(with_term(1, text=text))
    assert errors == [f"ru term {text!r} contains control characters"]


def test_control_characters_in_blocks_and_lines():
    # line breaks and tabs are fine in a usage note, not NUL or bidi overrides
    assert validate_concept(with_term(0, usage="one\n\ttwo")) == []
    errors = validate_concept(with_term(0, usage="one\x00two"))
    assert errors == [
        "en term 'creative industries': usage note contains control characters"
    ]
    errors = validate_concept(with_note(author="ed\u202eitor"))
    assert errors == ["note 1 author contains control characters"]


@pytest.mark.parametrize(
    ("index", "text", "word"),
    [
        (1, "креативнaя индустрия", "креативнaя"),  # Latin a
        (1, "дизаин-мышлeние", "мышлeние"),  # Latin e
        (3, "креативтi индустриялар", "креативтi"),  # Latin i for і
        (3, "қазaқ", "қазaқ"),
        (0, "dеsign", "dеsign"),  # Cyrillic е in English
    ],
)
def test_mixed_script_homoglyphs(index, text, word):
    errors = validate_concept(with_term(index, text=text))
    lang = RAW["terms"][index]["lang"]
    assert errors == [
        f"{lang} term {text!r}: the word {word!r} mixes Latin and Cyrillic letters"
    ]


def test_cyrillic_in_an_english_term():
    errors = validate_concept(with_term(0, text="дизайн"))
    assert errors == [
        "en term 'дизайн': an English term must not contain Cyrillic letters"
    ]


def test_kazakh_term_in_latin():
    errors = validate_concept(with_term(3, text="kreativtı industriialar"))
    assert errors == [
        "kk term 'kreativtı industriialar': a Kazakh term is stored in Cyrillic "
        "(its Latin form is derived)"
    ]


@pytest.mark.parametrize(
    ("index", "text"),
    [
        (1, "IT-парк"),
        (3, "IT-парк"),
        (1, "3D-печать"),
        (0, "Café culture"),
        (0, "3D printing"),
        (3, "ЮНЕСКО"),
        (1, "«арт-объект»"),
    ],
)
def test_acceptable_scripts(index, text):
    assert validate_concept(with_term(index, text=text)) == []


def test_duplicate_term_within_a_concept():
    raw = copy.deepcopy(RAW)
    raw["terms"].append({"lang": "ru", "text": "Креативные  индустрии"})
    errors = validate_concept(normalise_concept(raw))
    assert errors == [
        "ru term 'Креативные индустрии' appears twice in the same concept"
    ]


def test_same_text_in_two_languages_is_not_a_duplicate():
    record = normalise_concept(
        {"terms": [{"lang": "ru", "text": "дизайн"}, {"lang": "kk", "text": "дизайн"}]}
    )
    assert validate_concept(record) == []


def test_note_pointing_to_a_missing_term():
    errors = validate_concept(with_note(term="ru:культурные индустрии"))
    assert errors == [
        "note 1 refers to term 'ru:культурные индустрии', which this concept lacks"
    ]
    assert validate_concept(with_note(term="kk:креативті индустриялар")) == []
    assert validate_concept(with_note(term=None)) == []


@pytest.mark.parametrize(
    "date",
    [
        "29.11.2026",
        "yesterday",
        "2026/11/29",
        "2026-11-29T10",
        "26-11-29",
        # well-formed but impossible dates
        "2026-13-01",
        "2026-11-32",
    ],
)
def test_bad_date(date):
    errors = validate_concept(with_note(date=date))
    assert errors == [f"note 1: date {date!r} is not an ISO 8601 date"]


@pytest.mark.parametrize(
    "date",
    [
        None,
        "",
        "2026-11-29",
        "2026-11-29T10:15",
        "2026-11-29T10:15:00Z",
        "2026-11-29 10:15:00",
        "2026-11-29T10:15:00.123+05:00",
        "2026-11-29T10:15:00+0500",
    ],
)
def test_good_date(date):
    assert validate_concept(with_note(date=date)) == []


def test_note_rules():
    assert validate_concept(with_note(text=" ")) == ["note 1 is empty"]
    assert validate_concept(with_note(lang="de")) == [
        "note 1: unknown language 'de' (allowed: en, ru, kk)"
    ]


def test_definition_rules():
    errors = validate_concept(
        concept(definitions={"ru": {"text": "", "source": "БСЭ"}})
    )
    assert errors == ["ru definition has a source but no text"]
    errors = validate_concept(concept(definitions={"de": {"text": "x", "source": ""}}))
    assert errors == ["definition in unknown language 'de'"]


@pytest.mark.parametrize("bad_id", [0, -1, "17", 1.5, 2**53, 2**63 - 1, 10**30])
def test_bad_id(bad_id):
    assert validate_concept(concept(id=bad_id)) == [
        f"id {bad_id!r} is not a whole number from 1 to 9007199254740991"
    ]


def test_concept_referring_to_itself():
    assert validate_concept(concept(related=[17])) == [
        "a concept cannot refer to itself"
    ]


def test_several_errors_are_all_reported():
    raw = copy.deepcopy(RAW)
    raw["domain"] = "cooking"
    raw["terms"][0]["text"] = "дизайн"
    raw["terms"][1]["status"] = "approved"
    errors = validate_concept(normalise_concept(raw))
    assert len(errors) == 3


# --- script_problem and terms_signature ---------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "creative industries"),
        ("en", "naïve art"),
        ("ru", "креативные индустрии"),
        ("ru", "IT-парк"),
        ("kk", "креативті индустриялар"),
        ("kk", "Қазақстан"),
        ("kk", "3D-басып шығару"),
    ],
)
def test_script_problem_none(lang, text):
    assert script_problem(lang, text) is None


def test_terms_signature_ignores_order_and_case():
    a = normalise_concept(
        {"terms": [{"lang": "en", "text": "Design"}, {"lang": "ru", "text": "Дизайн"}]}
    )
    b = normalise_concept(
        {"terms": [{"lang": "ru", "text": "дизайн"}, {"lang": "en", "text": "design"}]}
    )
    assert terms_signature(a) == terms_signature(b)
