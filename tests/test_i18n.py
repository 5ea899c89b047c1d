"""Interface translations: catalogs complete and compiled, pages in en, ru and kk."""

from __future__ import annotations

import csv
import functools
import gettext
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from glossary import concepts, create_app, translate
from glossary.db import connect
from glossary.startup import ensure_ready

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "glossary" / "translations"
POT = TRANSLATIONS / "messages.pot"
CATALOG_LOCALES = ("ru", "kk")
UI_LOCALES = ("en", *CATALOG_LOCALES)
# pybabel's defaults plus lazy_gettext, imported as _l for module-level labels.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
UPDATE_HINT = "run `flask --app glossary translate update`, translate, then compile"

# What a reader sees on every page, per interface language.
SEARCH_WORD = {"en": "Search", "ru": "Поиск", "kk": "Іздеу"}
SITE_NAME = {
    "en": "Creative industries glossary",
    "ru": "Глоссарий креативных индустрий",
    "kk": "Креативті индустриялар глоссарийі",
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def ru_plural(n: int) -> int:
    """Return the Russian plural form of N: 0 one, 1 few, 2 many (GNU gettext rule)."""
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20):
        return 1
    return 2


# The Russian noun after a numeral: 1 понятие, 2 понятия, 5 понятий.
RU_CONCEPT_FORMS = ("понятие", "понятия", "понятий")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, locale: str | None = None):
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


@functools.cache
def extracted_messages() -> dict[tuple[str, str | None], str | None]:
    """Extract the UI strings in process: {(msgid, context): msgid_plural}."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            found[(message[0], context)] = message[1]
        else:
            found[(message, context)] = None
    return found


# --- the catalogs -----------------------------------------------------------


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_catalog_has_no_empty_or_fuzzy_entry(locale):
    catalog = read_catalog(po_path(locale), locale)
    assert not catalog.fuzzy, f"{locale}: the catalog header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if message.pluralizable else (message.string,)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(f"{message.id!r}: {len(strings)} plural forms")
        if not all(strings):
            problems.append(f"{message.id!r}: empty translation")
        if message.fuzzy:
            problems.append(f"{message.id!r}: fuzzy")
    assert not problems, f"{locale}: {UPDATE_HINT}\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_translations_keep_placeholders(locale):
    problems = []
    for message in read_catalog(po_path(locale), locale):
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"{ids[0]!r} -> {string!r}")
    assert not problems, f"{locale}: placeholders changed:\n" + "\n".join(problems)


def test_plural_rules():
    ru = read_catalog(po_path("ru"), "ru")
    assert ru.num_plurals == 3
    rule = gettext.c2py(ru.plural_expr)
    assert [rule(n) for n in range(1000)] == [ru_plural(n) for n in range(1000)]
    # Kazakh nouns do not take the plural after a numeral.
    kk = read_catalog(po_path("kk"), "kk")
    assert kk.num_plurals == 2
    for message in kk:
        if message.pluralizable:
            assert message.string[0] == message.string[1], message.id


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_mo_is_compiled_from_po(locale):
    # Read as `pybabel compile` reads it; fuzzy entries are left out of the .mo.
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(po_path(locale), locale))
    on_disk = po_path(locale).with_suffix(".mo").read_bytes()
    assert compiled.getvalue() == on_disk, (
        f"{locale}: messages.mo is stale; run `flask --app glossary translate compile`"
    )


def test_russian_mo_chooses_plural_forms():
    with open(po_path("ru").with_suffix(".mo"), "rb") as f:
        translations = gettext.GNUTranslations(f)
    for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 1001):
        text = translations.ngettext("%(num)d concept", "%(num)d concepts", n)
        assert text % {"num": n} == f"{n} {RU_CONCEPT_FORMS[ru_plural(n)]}"


def test_extraction_finds_lazy_and_plural_strings():
    found = extracted_messages()
    assert ("preferred", None) in found  # _l() in glossary/views/pages.py
    assert ("Kazakh", None) in found
    assert found[("%(num)d concept", None)] == "%(num)d concepts"  # ngettext


@pytest.mark.parametrize("name", ["messages.pot", *CATALOG_LOCALES])
def test_every_ui_string_is_in_the_catalogs(name):
    path = TRANSLATIONS / name if name.endswith(".pot") else po_path(name)
    catalog = read_catalog(path)
    missing = []
    for (msgid, context), plural in extracted_messages().items():
        message = catalog.get(msgid, context)
        if message is None:
            missing.append(msgid)
        elif plural is not None and (
            not message.pluralizable or message.id[1] != plural
        ):
            missing.append(f"{msgid} (plural {plural!r})")
    assert not missing, f"{name} lacks UI strings; {UPDATE_HINT}:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_catalogs_hold_no_string_the_ui_dropped(locale):
    used = {msgid for msgid, _context in extracted_messages()}
    stale = [
        repr(m.id)
        for m in read_catalog(po_path(locale), locale)
        if m.id and (m.id[0] if m.pluralizable else m.id) not in used
    ]
    assert not stale, f"{locale} has strings the UI dropped; {UPDATE_HINT}:\n" + (
        "\n".join(stale)
    )


# --- the pages ----------------------------------------------------------------

SEED_HEADER = [
    "id",
    "domain",
    "term_en",
    "term_ru",
    "term_kk",
    "source_en",
    "source_ru",
    "source_kk",
]
FIRST_CONCEPT = [
    "1",
    "general",
    "creative industries",
    "креативные индустрии",
    "креативті индустриялар",
    "https://kazakhstan.britishcouncil.org/programmes/arts/cultural-industries-report",
    "https://example.org/ru",
    "https://example.org/kk",
]


def write_seed(path: Path, concepts: int) -> Path:
    """Write a seed CSV of CONCEPTS concepts, the first being creative industries."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(SEED_HEADER)
        writer.writerow(FIRST_CONCEPT)
        for i in range(2, concepts + 1):
            domain = "design" if i % 2 else "general"
            writer.writerow(
                [i, domain, f"term {i}", f"термин {i}", f"термин {i}", "x", "y", "z"]
            )
    return path


@pytest.fixture
def app_factory(tmp_path):
    """Return a factory of apps on a fresh database seeded with N concepts."""

    def make(concepts: int = 3):
        seed = write_seed(tmp_path / f"seed{concepts}.csv", concepts)
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "DATABASE": str(tmp_path / f"g{concepts}.db"),
                "SEED_PATH": str(seed),
            }
        )

    return make


@pytest.fixture
def client(app_factory):
    """A client of an app seeded with three concepts (faster than terms.csv)."""
    return app_factory().test_client()


def page(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]*)">', html)
    assert found, "no <html lang> on the page"
    return found.group(1)


class SwitcherParser(HTMLParser):
    """Collect the language switcher: its links and the current language."""

    def __init__(self) -> None:
        super().__init__()
        self.in_switcher = False
        self.links: list[dict[str, str]] = []
        self.current: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "langs" in (attrs.get("class") or "").split():
            self.in_switcher = True
        elif self.in_switcher and tag == "a":
            self.links.append(attrs)
        elif self.in_switcher and tag == "strong":
            self.current.append(attrs)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switcher = False


def switcher(html: str) -> SwitcherParser:
    parser = SwitcherParser()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_home_page_in_each_language(client, locale):
    html = page(client, f"/?lang={locale}")
    assert html_lang(html) == locale
    assert f'<button type="submit">{SEARCH_WORD[locale]}</button>' in html
    assert f"<h1>{SITE_NAME[locale]}</h1>" in html


@pytest.mark.parametrize(
    ("url", "locale", "text"),
    [
        ("/about?lang=ru", "ru", "<h1>О глоссарии</h1>"),
        ("/about?lang=kk", "kk", "<h1>Глоссарий туралы</h1>"),
        ("/domains?lang=ru", "ru", "<h1>Предметные области</h1>"),
        ("/domains?lang=kk", "kk", "<h1>Салалар</h1>"),
        ("/search?q=zzqx&lang=ru", "ru", "По запросу «zzqx» ничего не найдено."),
        ("/search?q=zzqx&lang=kk", "kk", "«zzqx» бойынша ештеңе табылмады."),
        ("/concepts/1?lang=ru", "ru", "Предметная область:"),
        ("/concepts/1?lang=kk", "kk", "Сала:"),
    ],
)
def test_pages_in_each_language(client, url, locale, text):
    html = page(client, url)
    assert html_lang(html) == locale
    assert text in html
    assert f">{SEARCH_WORD[locale]}</button>" in html


@pytest.mark.parametrize(
    ("locale", "status", "language"),
    [
        ("en", "preferred", "English"),
        ("ru", "предпочтительный", "Английский"),
        ("kk", "басым", "Ағылшын тілі"),
    ],
)
def test_lazy_labels_follow_the_language_of_each_request(
    client, locale, status, language
):
    # The labels are module-level lazy strings: each request must see its own.
    for other in UI_LOCALES:
        page(client, f"/concepts/1?lang={other}")
    html = page(client, f"/concepts/1?lang={locale}")
    assert f'<span class="status status-preferred">{status}</span>' in html
    assert f'<h2 id="h-en">{language}</h2>' in html


def test_not_found_page_is_translated(client):
    response = client.get("/no-such-page?lang=kk")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert html_lang(html) == "kk"
    assert "<h1>Бет табылмады</h1>" in html


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_choice_of_language_is_remembered(client, locale):
    page(client, f"/?lang={locale}")
    html = page(client, "/about")
    assert html_lang(html) == locale
    assert f">{SEARCH_WORD[locale]}</button>" in html
    # ... until the reader chooses another one.
    assert html_lang(page(client, "/about?lang=en")) == "en"
    assert html_lang(page(client, "/domains")) == "en"


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("kk", "kk"),
        ("ru", "ru"),
        ("kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.7", "kk"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("fr-FR,fr;q=0.9", "en"),
        # The browser's order of preference decides, regional tags included.
        ("kk-KZ,ru;q=0.8", "kk"),
        ("en-US,kk;q=0.8", "en"),
    ],
)
def test_browser_language_when_none_was_chosen(client, header, locale):
    html = page(client, "/", headers={"Accept-Language": header})
    assert html_lang(html) == locale
    assert f">{SEARCH_WORD[locale]}</button>" in html


def test_chosen_language_beats_the_browser_language(client):
    page(client, "/?lang=ru")
    assert html_lang(page(client, "/", headers={"Accept-Language": "kk"})) == "ru"


@pytest.mark.parametrize("asked", ["fr", "", "KK", "en-US", "../kk"])
def test_unknown_language_falls_back_to_english(client, asked):
    html = page(client, "/", query_string={"lang": asked})
    assert html_lang(html) == "en"
    assert '<button type="submit">Search</button>' in html


def test_unknown_language_keeps_the_remembered_one(client):
    page(client, "/?lang=kk")
    assert html_lang(page(client, "/?lang=fr")) == "kk"


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_language_switcher(client, locale):
    html = page(client, f"/search?q=design&lang={locale}")
    found = switcher(html)
    assert found.current == [{"lang": locale, "aria-current": "true"}]
    others = [code for code in UI_LOCALES if code != locale]
    assert [(a["lang"], a["hreflang"]) for a in found.links] == [
        (code, code) for code in others
    ]
    for link in found.links:
        # The link keeps the page and its query, and switches the language.
        assert link["href"].startswith("/search?")
        assert "q=design" in link["href"]
        target = page(client, link["href"])
        assert html_lang(target) == link["lang"]
        assert switcher(target).current[0]["lang"] == link["lang"]


def test_language_switcher_names_each_language_in_itself(client):
    html = page(client, "/?lang=kk")
    # The full name in its own language (a short form beside it for narrow screens).
    current = '<strong lang="kk" aria-current="true"><span class="full">Қазақша</span>'
    assert current in html
    assert '<a lang="en" hreflang="en"' in html and ">English</span>" in html
    assert '<a lang="ru" hreflang="ru"' in html and ">Русский</span>" in html


@pytest.mark.parametrize("concepts", [1, 2, 3, 5, 11, 12, 21, 22, 25])
def test_concept_count_takes_the_right_russian_form(app_factory, concepts):
    client = app_factory(concepts).test_client()
    form = RU_CONCEPT_FORMS[ru_plural(concepts)]
    html = page(client, "/?lang=ru")
    assert f'<p class="counts">{concepts} {form}.' in html
    assert f"В глоссарии {concepts} {form}." in page(client, "/about")


@pytest.mark.parametrize(
    ("locale", "concepts", "expected"),
    [
        ("en", 1, "1 concept."),
        ("en", 3, "3 concepts."),
        ("kk", 1, "1 ұғым."),
        ("kk", 3, "3 ұғым."),
    ],
)
def test_concept_count_in_english_and_kazakh(app_factory, locale, concepts, expected):
    client = app_factory(concepts).test_client()
    html = page(client, f"/?lang={locale}")
    assert f'<p class="counts">{expected}' in html


@pytest.fixture(scope="module")
def seeded_client(tmp_path_factory):
    """Return a client of an app seeded from the repository's terms.csv."""
    database = tmp_path_factory.mktemp("seeded") / "g.db"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(database)})
    ensure_ready(app)
    return app.test_client()


def test_seed_glossary_count_in_each_language(seeded_client):
    app = seeded_client.application
    db = connect(app.config["DATABASE"])
    try:
        n = concepts.counts(db)["concepts"]
    finally:
        db.close()
    english = f"{n} concept" if n == 1 else f"{n} concepts"
    expected = {
        "en": english,
        "ru": f"{n} {RU_CONCEPT_FORMS[ru_plural(n)]}",
        "kk": f"{n} ұғым",
    }
    for locale, text in expected.items():
        html = page(seeded_client, f"/?lang={locale}")
        assert f'<p class="counts">{text}.' in html


@pytest.mark.slow
def test_translate_commands(app_factory, tmp_path, monkeypatch):
    # On a copy of the catalogs: the repository's files stay as they are.
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    monkeypatch.setattr(translate, "TRANSLATIONS", copy)
    monkeypatch.setattr(translate, "TEMPLATE", copy / "messages.pot")
    app = app_factory()
    translate.init_app(app)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["translate", "update"])
    assert result.exit_code == 0, result.output
    for locale in CATALOG_LOCALES:
        assert f"/{locale}/LC_MESSAGES/messages.po: 0 untranslated, 0 fuzzy." in (
            result.output
        )
    assert "Nothing to translate" in result.output
    updated = read_catalog(copy / "messages.pot")
    assert [m.id for m in updated] == [m.id for m in read_catalog(POT)]

    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    for locale in CATALOG_LOCALES:
        mo = copy / locale / "LC_MESSAGES" / "messages.mo"
        with open(mo, "rb") as f:
            compiled = gettext.GNUTranslations(f)
        assert compiled.gettext("Search") == SEARCH_WORD[locale]


@pytest.mark.slow
def test_translate_update_lists_what_is_left_to_translate(
    app_factory, tmp_path, monkeypatch
):
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    po = copy / "kk" / "LC_MESSAGES" / "messages.po"
    catalog = read_catalog(po, "kk")
    catalog["Search"].string = ""
    catalog["Letters"].flags.add("fuzzy")
    with open(po, "wb") as f:
        write_po(f, catalog)
    monkeypatch.setattr(translate, "TRANSLATIONS", copy)
    monkeypatch.setattr(translate, "TEMPLATE", copy / "messages.pot")
    app = app_factory()
    translate.init_app(app)

    result = app.test_cli_runner().invoke(args=["translate", "update"])
    assert result.exit_code == 0, result.output
    assert "kk/LC_MESSAGES/messages.po: 1 untranslated, 1 fuzzy." in result.output
    assert "untranslated: 'Search'" in result.output
    assert "fuzzy: 'Letters'" in result.output
