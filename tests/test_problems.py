"""Errors as codes with parameters: every message translated, rendered per language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from glossary import proposals
from glossary.problems import MESSAGES, Problem, ProblemError, not_found, render
from tests.review_support import NEW_CONCEPT, add_token, add_user, csrf_from

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "glossary" / "translations"
PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)s")


def catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_every_problem_message_is_translated(locale):
    """Fails when a message of the table lacks a ru or kk translation."""
    found = catalog(locale)
    bad = []
    for code, template in MESSAGES.items():
        message = found.get(template)
        if message is None or not message.string or message.fuzzy:
            bad.append(f"{code}: {template!r} untranslated")
        elif sorted(PLACEHOLDER.findall(message.string)) != sorted(
            PLACEHOLDER.findall(template)
        ):
            bad.append(f"{code}: {message.string!r} has other placeholders")
        elif (
            locale == "kk"
            and template != "%(text)s"
            and template != ("%(description)s")
        ):
            if not re.search(r"[а-яәғқңөұүһі]", message.string, re.IGNORECASE):
                bad.append(f"{code}: {message.string!r} is not Kazakh")
    assert not bad, "\n".join(bad)


def test_every_template_takes_only_named_text_placeholders():
    for code, template in MESSAGES.items():
        assert "%" not in PLACEHOLDER.sub("", template), code


def translations(locale: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [locale])


def test_render_in_each_language():
    problem = Problem(
        "mixed_script",
        "terms",
        {
            "where": Problem("part_term", "terms", {"lang": "kk", "text": "диzайн"}),
            "word": "диzайн",
        },
    )
    assert str(problem) == (
        "kk term 'диzайн': the word 'диzайн' mixes Latin and Cyrillic letters"
    )
    # (pages and the API put the language as a word there: "казахский термин")
    assert render(problem, translations("ru").gettext) == (
        "kk термин «диzайн»: в слове «диzайн» смешаны латинские и кириллические буквы"
    )
    assert "латын және кирилл" in render(problem, translations("kk").gettext)
    assert render(not_found("concept", 7), translations("kk").gettext) == (
        "7 нөмірлі ұғым жоқ"
    )


def test_invisible_characters_are_shown_escaped():
    problem = Problem("control_characters", "", {"what": "a\u200bb"})
    assert str(problem) == "a\\u200bb contains control characters"


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        Problem("no_such_code")


def test_the_exception_keeps_every_problem_with_its_code(db):
    with pytest.raises(proposals.ProposalError) as caught:
        proposals.build(db, {"kind": "new_concept", "terms": {"kk": ["dizain"]}}, "u")
    error = caught.value
    assert isinstance(error, ProblemError)
    assert set(error.codes) == {"source_required", "kazakh_not_cyrillic"}
    assert error.has("source_required")


def test_views_never_look_at_message_text():
    for path in (ROOT / "glossary" / "views").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "str(exc)" not in source, path
        assert not re.search(r"exc\)?\.startswith|message\.startswith", source), path


# --- the API: English by default, ru or kk on request -----------------------


def test_api_problems_follow_accept_language(client):
    english = client.get("/api/v1/search?q=art&lang=de").get_json()
    assert english["problems"] == [
        {
            "code": "param_choice",
            "field": "lang",
            "message": "lang must be one of: en, ru, kk",
        }
    ]
    kazakh = client.get(
        "/api/v1/search?q=art&lang=de", headers={"Accept-Language": "kk-KZ,ru;q=0.8"}
    ).get_json()
    assert kazakh["problems"][0]["code"] == "param_choice"
    assert kazakh["problems"][0]["message"] == (
        "lang мына мәндердің бірі болуы керек: en, ru, kk"
    )
    assert kazakh["error"] == kazakh["problems"][0]["message"]
    russian = client.get(
        "/api/v1/concepts/999999", headers={"Accept-Language": "ru"}
    ).get_json()
    assert russian["error"] == "понятие № 999999 не существует"
    # A language the API has no messages in falls back to English.
    german = client.get(
        "/api/v1/concepts/999999", headers={"Accept-Language": "de"}
    ).get_json()
    assert german["error"] == "concept 999999 does not exist"


def test_a_bad_proposal_lists_each_problem_in_russian(app):
    token = add_token(app, add_user(app, "writer"))
    body = {**NEW_CONCEPT, "terms": {"kk": ["dizain"]}}
    del body["source"]
    answer = app.test_client().post(
        "/api/v1/proposals",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "ru"},
    )
    assert answer.status_code == 400
    problems = answer.get_json()["problems"]
    assert {p["code"]: p["field"] for p in problems} == {
        "source_required": "source",
        "kazakh_not_cyrillic": "terms",
    }
    messages = {p["code"]: p["message"] for p in problems}
    assert messages["source_required"] == (
        "для каждого нового термина нужно указать источник"
    )


# --- pages: in the interface language ---------------------------------------


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "Say which term is missing."),
        ("ru", "Укажите, какого термина не хватает."),
        ("kk", "Қай термин жетіспейтінін жазыңыз."),
    ],
)
def test_a_page_shows_data_layer_problems_in_the_ui_language(client, lang, expected):
    client.get(f"/?lang={lang}")
    token = csrf_from(client)
    page = client.post(
        "/request", data={"csrf_token": token, "text": "", "lang": "en"}
    ).get_data(as_text=True)
    assert expected in page


def test_sign_up_problems_in_kazakh(client):
    client.get("/?lang=kk")
    token = csrf_from(client, "/signup")
    page = client.post(
        "/signup",
        data={
            "csrf_token": token,
            "username": "жаңа",
            "password": "short",
            "password2": "short",
        },
    ).get_data(as_text=True)
    assert "Құпиясөз кемінде 10 таңбадан тұруы керек." in page
