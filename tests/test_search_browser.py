"""The search page and its autocomplete in headless Chromium, with and without JS."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import (  # noqa: E402, F401 (require_browser: autouse)
    MISSING_BROWSER,
    require_browser,
    skip_module_without_browser,
)
from tests.review_support import live_server as serve

pytestmark = pytest.mark.browser
skip_module_without_browser()
if MISSING_BROWSER is None:
    from playwright.sync_api import expect


from glossary import create_app  # noqa: E402


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path_factory.mktemp("sb") / "glossary.db"),
        }
    )
    with serve(app) as url:
        yield url


@pytest.fixture()
def page_for(browser, live_server):
    contexts = []

    def make(javascript=True):
        context = browser.new_context(
            base_url=live_server, locale="en-US", java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if m.type == "error" else None,
        )
        page.errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize(
    ("query", "first", "how"),
    [
        ("креативных индустрий", "креативные индустрии", "another form of the word"),
        ("r3nfg", "кітап", "wrong keyboard layout"),
        ("kıtaphana", "кітапхана", "match in Kazakh Latin script"),
        ("rhtfnbdyst bylecnhbb", "креативные индустрии", "wrong keyboard layout"),
        ("musuem", "museum", "similar spelling"),
    ],
)
def test_results_page_lists_the_intended_entry_first(page_for, query, first, how):
    page = page_for()
    page.goto(f"/search?q={query}")
    top = page.locator("ol.results > li").first
    expect(top.locator("h2")).to_have_text(first)
    expect(top.locator(".how")).to_contain_text(how)
    assert page.errors == []


def test_nothing_good_says_so_and_offers_did_you_mean(page_for):
    page = page_for()
    page.goto("/search?q=zzqxwv")
    expect(page.get_by_role("status")).to_contain_text("Nothing found")
    # only similar spellings: the page says so and links the closest one
    page.goto("/search?q=libary")
    status = page.get_by_role("status")
    expect(status).to_contain_text("No term matches “libary” as typed.")
    status.get_by_role("link", name="library").click()
    expect(page).to_have_url(re.compile(r"/search\?q=library$"))
    expect(page.locator("ol.results > li").first.locator(".how")).to_contain_text(
        "exact match"
    )
    expect(page.get_by_role("status")).to_have_count(0)


def test_autocomplete_keyboard(page_for):
    page = page_for()
    page.goto("/")
    box = page.get_by_role("combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("кітапх", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("кітапхана")
    expect(options.first).to_contain_text("Kazakh")
    # arrow keys move the highlight; the input points at it
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    option_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", option_id)
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    # Escape closes; Enter on a highlighted option opens its entry
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/concepts/268$"))
    assert page.errors == []


def test_autocomplete_finds_latin_and_layout_and_clicks(page_for):
    page = page_for()
    page.goto("/search?q=art")
    box = page.locator("#q-top")
    box.fill("")
    box.press_sequentially("r3nfg", delay=30)  # кітап typed on the English layout
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_contain_text("кітап")
    box.fill("")
    box.press_sequentially("mūraja", delay=30)
    expect(options.first).to_contain_text("мұражай")
    options.first.click()
    expect(page).to_have_url(re.compile(r"/concepts/279$"))


def test_enter_without_highlight_submits_the_search(page_for):
    page = page_for()
    page.goto("/")
    box = page.get_by_role("combobox")
    box.press_sequentially("museum", delay=20)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=museum"))
    expect(page.locator("ol.results > li").first.locator("h2")).to_have_text("museum")


def test_search_works_without_javascript(page_for):
    page = page_for(javascript=False)
    page.goto("/")
    box = page.locator("#q")
    assert box.get_attribute("role") is None  # no combobox without the script
    box.fill("mūrajai")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page.locator("ol.results > li").first.locator("h2")).to_have_text("мұражай")
