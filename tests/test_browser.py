"""Browser tests: real user paths through the pages in headless Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

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

from babel.messages.pofile import read_po  # noqa: E402

from glossary import ROOT, create_app  # noqa: E402
from glossary.search.collation import sort_key  # noqa: E402
from glossary.views.pages import HOW_LABELS  # noqa: E402

KK_CATALOG = ROOT / "glossary" / "translations" / "kk" / "LC_MESSAGES" / "messages.po"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 700}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Return an app seeded from terms.csv in a temporary database."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path_factory.mktemp("browser") / "glossary.db"),
        }
    )


@pytest.fixture(scope="module")
def live_server(app):
    """Serve APP on a free loopback port; yield its base URL."""
    with serve(app) as url:
        yield url


@pytest.fixture()
def new_page(browser, live_server):
    """Return a factory of pages, each in a fresh context (own cookies) on the app."""
    contexts = []

    def make(viewport=DESKTOP, javascript=True):
        context = browser.new_context(
            base_url=live_server,
            viewport=viewport,
            locale="en-US",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def kk_ui():
    """Return the Kazakh translations of some interface strings, from the catalog."""
    with open(KK_CATALOG, "rb") as f:
        catalog = read_po(f, locale="kk")
    wanted = ["Search", "Domains", "Creative industries glossary", "About"]
    found = {}
    for msgid in wanted:
        message = catalog.get(msgid)
        if message and message.string and not message.fuzzy:
            found[msgid] = message.string
    assert found, f"{KK_CATALOG} translates none of {wanted}"
    return found


@pytest.fixture(scope="module")
def how_labels(app):
    """Return the English "how it matched" labels shown on the results page."""
    with app.test_request_context("/"):
        return {str(label) for label in HOW_LABELS.values()}


def search_from_home(page, query: str) -> None:
    """Type QUERY into the home page's search box and press Enter."""
    page.goto("/")
    # a searchbox, or with static/suggest.js an ARIA combobox (autocomplete)
    box = page.locator("input[type=search][name=q]")
    expect(box).to_be_visible()
    box.fill(query)
    box.press("Enter")
    page.wait_for_url("**/search?*")


def first_result(page):
    """Return the first result on a results page."""
    return page.locator("ol.results > li.result").first


def test_search_concept_and_kazakh_interface(new_page, how_labels, kk_ui):
    page = new_page()
    console_errors = []

    def record_error(message) -> None:
        # CSP violations are reported to the console as errors too.
        if message.type == "error":
            console_errors.append(f"{message.text} at {message.location['url']}")

    page.on("console", record_error)
    page.on("pageerror", lambda error: console_errors.append(str(error)))

    search_from_home(page, "креативті индустриялар")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "креативті индустриялар"
    )
    result = first_result(page)
    expect(result.get_by_role("link").first).to_have_attribute("href", "/concepts/1")
    for text in (
        "creative industries",
        "креативные индустрии",
        "креативті индустриялар",
    ):
        expect(result).to_contain_text(text)
    how = result.locator(".how").inner_text()
    assert how.split(" · ")[0] in how_labels, how

    result.get_by_role("link").first.click()
    page.wait_for_url("**/concepts/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("creative industries")
    article = page.locator("article.concept")
    expect(article).to_contain_text("креативные индустрии")
    expect(article).to_contain_text("креативті индустриялар")
    expect(article.locator(".latin").first).to_have_text("kreativtı industriialar")
    statuses = article.locator(".status").all_inner_texts()
    assert "preferred" in statuses and "admitted" in statuses, statuses
    expect(article.locator(".note").first).to_contain_text("British Council")

    page.get_by_role("navigation", name="Interface language").get_by_role(
        "link", name="Қазақша"
    ).click()
    page.wait_for_url("**/concepts/1?lang=kk")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    body = page.locator("body")
    for translation in kk_ui.values():
        expect(body).to_contain_text(translation)
    if "Domains" in kk_ui:
        expect(page.locator("header.site")).not_to_contain_text("Domains")

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    for translation in kk_ui.values():
        expect(body).to_contain_text(translation)

    assert console_errors == []


@pytest.mark.parametrize(
    "query", ["kreativtı industriialar", "creative industries", "креативные индустрии"]
)
def test_search_reaches_concept_1_first(new_page, query):
    page = new_page()
    search_from_home(page, query)
    result = first_result(page)
    expect(result.get_by_role("link").first).to_have_attribute("href", "/concepts/1")
    expect(result).to_contain_text("creative industries")


def test_nonsense_query_says_nothing_found(new_page):
    page = new_page()
    search_from_home(page, "qzxwvj kkpfqq")
    nothing = page.get_by_role("status")
    expect(nothing).to_contain_text("Nothing found for “qzxwvj kkpfqq”.")
    expect(page.locator("ol.results")).to_have_count(0)


def test_browse_kazakh_a_to_z(new_page):
    page = new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="A–Z").click()
    page.locator("p.sortby").get_by_role("link", name="Kazakh").click()
    page.wait_for_url("**/browse/kk")

    letters = page.get_by_role("navigation", name="Letters").locator("li")
    shown = [text.strip() for text in letters.all_inner_texts()]
    assert len(shown) > 5, shown
    assert shown == sorted(shown, key=lambda c: (c == "#", sort_key(c, "kk")))
    # Kazakh letters sit inside the Cyrillic order, not after я.
    for kazakh, after in (("Қ", "К"), ("Ә", "А"), ("Ұ", "У")):
        if kazakh in shown and after in shown:
            assert shown.index(after) < shown.index(kazakh) < shown.index(after) + 3

    letter = "Қ" if "Қ" in shown else shown[1]
    page.get_by_role("navigation", name="Letters").get_by_role(
        "link", name=letter, exact=True
    ).click()
    page.wait_for_url(f"**/browse/kk/{quote(letter)}")
    current = page.get_by_role("navigation", name="Letters").locator(
        "[aria-current=page]"
    )
    expect(current).to_have_text(letter)
    terms = page.locator("ul.az .term").all_inner_texts()
    assert terms, f"no terms listed under {letter}"
    for term in terms:
        initial = next(c for c in term if c.isalpha())
        assert initial.upper() == letter, term
    assert terms == sorted(terms, key=lambda t: sort_key(t, "kk"))


def _no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: scrollWidth, innerWidth = {widths}"


def test_mobile_layout(new_page):
    page = new_page(viewport=MOBILE)
    search_from_home(page, "креативные индустрии")
    expect(page.locator("input[type=search][name=q]")).to_be_visible()
    expect(first_result(page)).to_be_visible()
    expect(first_result(page).get_by_role("link").first).to_be_in_viewport()
    _no_horizontal_scroll(page)
    for path in ("/", "/concepts/1", "/browse/kk", "/domains", "/about"):
        page.goto(path)
        _no_horizontal_scroll(page)


def test_works_without_javascript(new_page):
    page = new_page(javascript=False)
    search_from_home(page, "creative industries")
    result = first_result(page)
    expect(result).to_contain_text("креативті индустриялар")
    result.get_by_role("link").first.click()
    page.wait_for_url("**/concepts/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("creative industries")


def test_screenshots(new_page):
    page = new_page()
    page.goto("/concepts/1")
    page.screenshot(path="/tmp/glossary-concept.png", full_page=True)

    mobile = new_page(viewport=MOBILE)
    search_from_home(mobile, "креативті индустриялар")
    mobile.screenshot(path="/tmp/glossary-mobile.png", full_page=True)

    for path in ("/tmp/glossary-concept.png", "/tmp/glossary-mobile.png"):
        assert Path(path).stat().st_size > 0
