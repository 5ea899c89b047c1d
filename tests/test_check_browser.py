"""The /check page in headless Chromium, in English, Russian and Kazakh."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.browser_support import (  # noqa: E402, F401 (require_browser: autouse)
    MISSING_BROWSER,
    REQUIRE_BROWSER,
    require_browser,
    skip_module_without_browser,
)
from tests.review_support import live_server as serve

pytestmark = pytest.mark.browser
skip_module_without_browser()
if MISSING_BROWSER is None:
    from playwright.sync_api import expect

from glossary import create_app  # noqa: E402

PARAGRAPH = (
    "Мәдениет және ақпарат министрлігі креативті индустрияларды дамыту "
    "тұжырымдамасын талқылады. Театрдағы қойылымдар мен мұражайлардағы көрмелер\n"
    "креативті индустриялардың бір бөлігі."
)
HEADINGS = {
    "en": "Terms in the text",
    "ru": "Термины в тексте",
    "kk": "Мәтіндегі терминдер",
}
BUTTONS = {"en": "Check", "ru": "Проверить", "kk": "Тексеру"}
QA_BUTTONS = {
    "en": "Check the translation",
    "ru": "Проверить перевод",
    "kk": "Аударманы тексеру",
}
FINDINGS = {"en": "Findings", "ru": "Замечания", "kk": "Ескертулер"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path_factory.mktemp("cb") / "glossary.db"),
        }
    )
    with serve(app) as url:
        yield url


@pytest.fixture()
def page_for(browser, live_server):
    contexts = []

    def make(locale="en", javascript=True):
        context = browser.new_context(
            base_url=live_server,
            locale={"en": "en-US", "ru": "ru-RU", "kk": "kk-KZ"}[locale],
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console", lambda m: errors.append(m.text) if m.type == "error" else None
        )
        page.errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def _check(page, locale, text, lang=""):
    page.goto(f"/check?lang={locale}")
    page.locator("#check-text").fill(text)
    if lang:
        page.locator("#check-lang").select_option(lang)
    page.get_by_role("button", name=BUTTONS[locale], exact=True).click()
    expect(page.locator("h1")).to_have_text(HEADINGS[locale])


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
def test_kazakh_paragraph_marked_with_equivalents_on_hover(page_for, locale):
    page = page_for(locale)
    _check(page, locale, PARAGRAPH)
    marks = page.locator("mark.term-mark")
    texts = marks.all_inner_texts()
    assert "Мәдениет және ақпарат министрлігі" in texts
    assert "Театрдағы" in texts and "мұражайлардағы" in texts
    assert "креативті индустриялардың" in texts
    first = page.locator(".found", has=page.locator("mark", has_text="Театрдағы"))
    tip = first.locator(".eq")
    # with JavaScript the equivalents are a pop-up: hidden until hover or focus
    expect(tip).to_be_hidden()
    first.locator("mark a").hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("theatre")
    expect(tip).to_contain_text("театр")
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()
    # keyboard: focus shows it, Escape hides it
    link = first.locator("mark a")
    link.focus()
    expect(tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert link.get_attribute("aria-describedby") == tip.get_attribute("id")
    assert tip.get_attribute("role") == "tooltip"
    # the side list: concepts by first appearance, with counts
    side = page.locator("ol.found-list > li")
    expect(side.first.locator("a")).to_have_text("Мәдениет және ақпарат министрлігі")
    assert page.errors == []


def test_page_works_without_javascript(page_for):
    page = page_for("en", javascript=False)
    _check(page, "en", "Креативті индустриялардың дамуы", lang="kk")
    tip = page.locator(".found").first.locator(".eq")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("creative industries")
    expect(tip).to_contain_text("креативные индустрии")
    page.locator("mark a").first.click()
    expect(page).to_have_url(page.url.split("/concepts/")[0] + "/concepts/1")


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
def test_translation_qa_reports_missing_and_deprecated(page_for, locale):
    page = page_for(locale)
    page.goto(f"/check?lang={locale}")
    page.locator("#qa-source").fill(
        "Training of professionals for the creative industries and museums."
    )
    page.locator("#qa-target").fill(
        "Креативті индустриялар үшін кәсіптік мамандар даярлау."
    )
    page.locator("#qa-source-lang").select_option("en")
    page.locator("#qa-target-lang").select_option("kk")
    page.get_by_role("button", name=QA_BUTTONS[locale], exact=True).click()
    expect(page.locator("#findings-heading")).to_have_text(FINDINGS[locale])
    rows = page.locator("table.findings tbody tr")
    expect(rows).to_have_count(2)
    assert rows.nth(0).get_attribute("data-kind") == "deprecated"
    expect(rows.nth(0)).to_contain_text("кәсіптік")
    expect(rows.nth(0)).to_contain_text("кәсіби")
    assert rows.nth(1).get_attribute("data-kind") == "missing"
    expect(rows.nth(1)).to_contain_text("museums")
    assert page.errors == []


def test_job_glossary_downloads_as_csv(page_for):
    page = page_for("en")
    _check(page, "en", PARAGRAPH)
    with page.expect_download() as info:
        page.locator(".downloads button", has_text="CSV").click()
    download = info.value
    assert download.suggested_filename == "job-glossary.csv"
    rows = list(
        csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read()))
    )
    ids = [row["id"] for row in rows]
    found = page.locator("ol.found-list > li > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())"
    )
    assert ids == found
    assert "14" in ids and "108" in ids


AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def _axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP stays in force.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
@pytest.mark.parametrize("width", [1280, 390])
def test_check_pages_pass_axe(page_for, locale, width):
    if not AXE.exists():
        message = "axe-core is not installed (npm ci --prefix tests/axe)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    page = page_for(locale)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/check?lang={locale}")
    assert _axe_violations(page) == []
    _check(page, locale, PARAGRAPH + "\nрежиссёр")
    page.locator("mark a").first.focus()  # a pop-up open
    assert _axe_violations(page) == []
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0
    page.goto(f"/check?lang={locale}")
    page.locator("#qa-source").fill("Training of professionals and museums.")
    page.locator("#qa-target").fill("Кәсіптік мамандар даярлау.")
    page.get_by_role("button", name=QA_BUTTONS[locale], exact=True).click()
    assert _axe_violations(page) == []
