"""Messages from the data layer on pages, in the interface language (issue 10).

Covers what the catalog test of glossary.problems (tests/test_problems.py) does
not: the import readers still report problems as English text, so every
message they can show on the import page must be found back as a code and
rendered through the ru/kk catalogs; language codes in prose are words; the
forms (new concept, new term, request, sign-up, account, admin users) show no
English message in the ru and kk interfaces.
"""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.pofile import read_po

from glossary import ROOT, exchange
from glossary.db import connect
from glossary.problems import MESSAGES, Problem, render
from glossary.views.display import problem_from_text
from tests.review_support import add_token, add_user, csrf_from, post_form, sign_in

TRANSLATIONS = ROOT / "glossary" / "translations"

# Files an import can be given, each wrong in its own way (name, bytes).
BAD_FILES = [
    ("empty.csv", b""),
    ("header-only.csv", b"\n"),
    ("utf16.csv", "term_en\nx\n".encode("utf-16")),
    ("latin1.csv", "term_en,term_ru\nx,\xe9t\xe9\n".encode("latin-1")),
    ("columns.csv", b"term_en,foo\nx,y\n"),
    ("twice.csv", b"term_en,term_en\nx,y\n"),
    ("noterm.csv", b"domain\ndesign\n"),
    ("cells.csv", b"term_en,term_ru\nx,y,z\n"),
    ("quote.csv", b'term_en\n"x\n'),
    ("kk-latin.csv", b"term_en,term_kk\nscenography,scenografiia\n"),
    ("mixed.csv", "term_ru\nбaр\n".encode()),
    ("status.csv", b"term_en,status_en\nx,best\n"),
    ("domain.csv", b"term_en,domain\nx,cooking\n"),
    ("ids.csv", b"id,term_en\n5,x\n5,y\n"),
    ("bad.json", b'{"format": "glossary", "version": 1, "concepts": [}'),
    ("version.json", b'{"format": "glossary", "version": 7, "concepts": []}'),
    ("bad.tbx", b"<tbx"),
    ("none.tbx", b'<?xml version="1.0"?><tbx type="TBX-Basic" style="dca"></tbx>'),
    ("terms.txt", b"x"),
]


def import_errors(app, name: str, data: bytes) -> list[str]:
    db = connect(app.config["DATABASE"])
    try:
        report = exchange.import_file(
            db, io.BytesIO(data), name, author="test", dry_run=True
        )
    except ValueError as exc:  # a file refused before reading
        return [str(exc)]
    finally:
        db.close()
    return report["errors"]


@pytest.fixture(scope="module")
def shown_errors(tmp_path_factory):
    from tests.review_support import make_app

    app = make_app(tmp_path_factory.mktemp("messages"))
    found = {name: import_errors(app, name, data) for name, data in BAD_FILES}
    return found


def test_every_import_message_is_found_back_as_a_translated_code(shown_errors):
    """Fails when an import reader shows a message with no code (so no ru/kk)."""
    catalogs = {
        loc: read_po(
            open(TRANSLATIONS / loc / "LC_MESSAGES" / "messages.po", "rb"), locale=loc
        )
        for loc in ("ru", "kk")
    }
    missing = []
    for name, errors in shown_errors.items():
        assert errors, f"{name} was accepted"
        for text in errors:
            problem = problem_from_text(text)
            if problem is None or render(problem) != text:
                missing.append(f"{name}: {text!r} has no code")
                continue
            for loc, catalog in catalogs.items():
                entry = catalog.get(MESSAGES[problem.code])
                if entry is None or not entry.string or entry.fuzzy:
                    missing.append(f"{name}: {problem.code} has no {loc} translation")
    assert not missing, "\n".join(missing)


def _sample(template: str) -> dict:
    nested = Problem("part_term", "terms", {"lang": "kk", "text": "dizain"})
    values = {}
    for key in re.findall(r"%\((\w+)\)s", template):
        values[key] = nested if key in ("where", "what", "problem") else "7"
    return values


@pytest.mark.parametrize(
    "code", sorted(c for c in MESSAGES if c not in ("message", "http_error"))
)
def test_every_code_is_found_back_from_its_english(code):
    params = _sample(MESSAGES[code])
    if code == "not_found":  # "concept 7 does not exist": a one-word "what"
        params["what"] = Problem("word_concept")
    problem = Problem(code, "", params)
    text = render(problem)
    again = problem_from_text(text)
    assert again is not None and render(again) == text


@pytest.mark.parametrize(
    ("ui", "expected", "english"),
    [
        ("ru", "Строка 2: казахский термин «scenografiia»: казахский термин", "line"),
        ("kk", "2-жол: қазақша термин «scenografiia»: қазақша термин", "line"),
    ],
)
def test_import_preview_in_the_ui_language(app, client, ui, expected, english):
    add_user(app, "chief", role="reviewer")
    client.get(f"/?lang={ui}")
    sign_in(client, "chief")
    raw = b"term_en,term_kk\nscenography,scenografiia\n"
    token = csrf_from(client, "/import")
    page = client.post(
        "/import",
        data={"csrf_token": token, "mode": "merge", "file": (io.BytesIO(raw), "x.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    box = page[page.index('<div class="errors"') :]
    box = box[: box.index("</div>")]
    assert expected in box
    assert english not in box and "Kazakh" not in box and " kk " not in box
    for name in ("empty.csv", "columns.csv"):
        data = dict(BAD_FILES)[name]
        token = csrf_from(client, "/import")
        page = client.post(
            "/import",
            data={
                "csrf_token": token,
                "mode": "merge",
                "file": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        box = page[page.index('<div class="errors"') :]
        box = box[: box.index("</div>")]
        assert "the file" not in box and "unknown column" not in box, box


@pytest.mark.parametrize(
    ("ui", "word"),
    [("ru", "Казахский термин «scenografiia»"), ("kk", "Қазақша термин")],
)
def test_new_concept_form_names_languages_in_words(app, client, ui, word):
    add_user(app, "aigerim")
    client.get(f"/?lang={ui}")
    sign_in(client, "aigerim")
    page = post_form(
        client,
        "/propose",
        {"terms_kk": "scenografiia", "domain": "theatre"},
        token_page="/propose",
    ).get_data(as_text=True)
    box = page[page.index('<div class="errors"') :]
    box = box[: box.index("</div>")]
    assert word in box
    assert "kk термин" not in box and "source" not in box and "Kazakh" not in box


def test_new_term_form_in_kazakh(app, client):
    add_user(app, "aigerim")
    client.get("/?lang=kk")
    sign_in(client, "aigerim")
    page = post_form(
        client,
        "/concepts/1/propose",
        {"form": "new_term", "lang": "kk", "text": "scenografiia"},
        token_page="/concepts/1/propose",
    ).get_data(as_text=True)
    box = page[page.index('<div class="errors"') :]
    box = box[: box.index("</div>")]
    assert "дереккөзін көрсету керек" in box
    assert "қазақша термин «scenografiia»" in box.lower()
    assert not re.search(r"[a-z]{4,} [a-z]{3,}", box.replace("scenografiia", ""))


def test_api_names_languages_in_words_when_asked_for_russian(app):
    token = add_token(app, add_user(app, "writer"))
    answer = (
        app.test_client()
        .post(
            "/api/v1/proposals",
            json={
                "kind": "new_concept",
                "domain": "design",
                "terms": {"kk": ["dizain"]},
                "source": "https://example.org",
            },
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "ru"},
        )
        .get_json()
    )
    (problem,) = answer["problems"]
    assert problem["code"] == "kazakh_not_cyrillic"
    assert problem["message"].startswith("казахский термин «dizain»")
    english = (
        app.test_client()
        .post(
            "/api/v1/proposals",
            json={
                "kind": "new_concept",
                "domain": "design",
                "terms": {"kk": ["dizain"]},
                "source": "https://example.org",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        .get_json()
    )
    # English stays as it was (the codes, as in the README's examples)
    assert english["problems"][0]["message"].startswith("kk term 'dizain'")


def _flash_errors(page: str) -> str:
    return " ".join(re.findall(r'class="flash flash-error"[^>]*>([^<]*)<', page))


@pytest.mark.parametrize(
    ("ui", "expected"),
    [
        ("ru", "Пароль должен содержать не менее 10 символов."),
        ("kk", "Құпиясөз кемінде 10 таңбадан тұруы керек."),
    ],
)
def test_account_and_admin_problems_in_the_ui_language(app, client, ui, expected):
    add_user(app, "chief", role="admin")
    client.get(f"/?lang={ui}")
    sign_in(client, "chief")
    from tests.review_support import PASSWORD

    response = post_form(
        client,
        "/account/password",
        {"current": PASSWORD, "password": "short", "password2": "short"},
        token_page="/account",
    )
    page = client.get(response.headers.get("Location", "/account")).get_data(
        as_text=True
    )
    assert expected in _flash_errors(page)
    response = post_form(
        client,
        "/admin/users",
        {"username": "ab", "password": "short", "role": "reviewer"},
        token_page="/admin/users",
    )
    page = client.get(response.headers.get("Location", "/admin/users")).get_data(
        as_text=True
    )
    shown = _flash_errors(page)
    assert shown and not re.search(r"\b(the|a|is|must)\b", shown), shown
