"""axe-core on every page a reader, a translator and a reviewer sees.

Each page is opened in headless Chromium in English, Russian and Kazakh, at
1280 px and at 390 px (a phone), and axe-core (the npm package installed in
tests/axe/ by `npm ci`, injected into the page by the test; never a CDN) checks
it. No violation of impact serious or critical may remain. The result table is
printed whatever the outcome.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary import proposals
from glossary.db import connect
from glossary.search import to_kazakh_latin
from tests.browser_support import (  # noqa: F401 (require_browser: autouse)
    MISSING_BROWSER,
    REQUIRE_BROWSER,
    require_browser,
    skip_module_without_browser,
)
from tests.review_support import NEW_CONCEPT, PASSWORD, add_user, live_server, make_app

pytestmark = pytest.mark.browser

skip_module_without_browser()

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LOCALES = {"en": "en-US", "ru": "ru-RU", "kk": "kk-KZ"}
WIDTHS = {1280: 900, 390: 844}
BLOCKING = {"serious", "critical"}

READER_PAGES = [
    "/",
    "/search?q=%D1%82%D0%B5%D0%B0%D1%82%D1%80",
    "/search?q=qqqqzzzz",
    "/concepts/1",
    "/concepts/1/history",
    "/domains",
    "/domains/theatre",
    "/browse/kk",
    "/about",
    "/export",
    "/request",
    "/signin",
    "/signup",
    "/check",
    "/no/such/page",
]
TRANSLATOR_PAGES = [
    "/my/proposals",
    "/propose",
    "/concepts/1/propose",
    "/requests",
    "/account",
    "/concepts/1",
]
REVIEWER_PAGES = [
    "/review",
    "/proposals/{note}",
    "/proposals/{concept}",
    "/import",
    "/admin/users",
    "/concepts/1/history",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A live server with a translator, an admin reviewer and two pending proposals."""
    if not AXE.exists():
        why = f"axe-core is not installed: run `npm ci --prefix tests/axe` ({AXE})"
        if REQUIRE_BROWSER:
            pytest.fail(f"GLOSSARY_REQUIRE_BROWSER=1 but {why}", pytrace=False)
        pytest.skip(why)
    app = make_app(tmp_path_factory.mktemp("a11y"))
    translator = add_user(app, "translator")
    add_user(app, "chief", role="admin")
    db = connect(app.config["DATABASE"])
    try:
        note = proposals.submit(
            db,
            {"kind": "note", "concept_id": 1, "text": "Used in the 2016 report."},
            translator,
        )
        concept = proposals.submit(db, NEW_CONCEPT, translator)
    finally:
        db.close()
    with live_server(app) as url:
        yield url, {"note": note["id"], "concept": concept["id"]}


def _sign_in(page, name: str) -> None:
    page.goto("/signin")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _axe(page, source: str) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self')
    # stays in force for everything else.
    page.evaluate(source)
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact,
              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
        }"""
    )


def _submit_check(page, _tmp) -> None:
    page.goto("/check")
    page.fill("#check-text", "Креативті индустриялар мен театр туралы мәтін.")
    page.locator("form.check-form button[type=submit]").first.click()
    page.wait_for_load_state()


def _submit_bad_request(page, _tmp) -> None:
    page.goto("/request")
    page.fill("#text", "scenografiia")
    page.select_option("#lang", "kk")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _submit_bad_concept(page, _tmp) -> None:
    page.goto("/propose")
    page.fill("#terms_kk", "scenografiia")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _upload(page, path) -> None:
    page.goto("/import")
    page.set_input_files("#import-file", str(path))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _preview_import(page, tmp) -> None:
    path = tmp / "import.csv"
    path.write_text("term_en,term_ru,term_kk\nmood board,мудборд,мудборд\n")
    _upload(page, path)


def _preview_bad_import(page, tmp) -> None:
    path = tmp / "bad.csv"
    path.write_text("term_en,term_ru,term_kk\nscenography,сценография,scenografiia\n")
    _upload(page, path)


ACTIONS = {
    "reader": [
        ("POST /check", _submit_check),
        ("POST /request (invalid)", _submit_bad_request),
    ],
    "translator": [("POST /propose (invalid)", _submit_bad_concept)],
    "reviewer": [
        ("POST /import (preview)", _preview_import),
        ("POST /import (invalid file)", _preview_bad_import),
    ],
}


def test_axe_has_no_serious_or_critical_violations(browser, site, capsys, tmp_path):
    """axe: 0 serious/critical violations on every page, 3 languages, 2 widths."""
    base, ids = site
    roles = {
        "reader": (None, READER_PAGES),
        "translator": ("translator", TRANSLATOR_PAGES),
        "reviewer": ("chief", REVIEWER_PAGES),
    }
    rows, failures = [], []
    source = AXE.read_text(encoding="utf-8")

    def check(page, role, ui, width, path):
        found = _axe(page, source)
        bad = [v for v in found if v["impact"] in BLOCKING]
        # Nothing is wider than the screen (the page never scrolls sideways).
        wider = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        if wider > 0:
            bad.append({"id": f"page-wider-than-screen-by-{wider}px", "nodes": []})
        rows.append((role, ui, width, path, len(found), len(bad), bad))
        failures.extend((role, ui, width, path, v) for v in bad)

    for role, (user, paths) in roles.items():
        for ui, locale in LOCALES.items():
            context = browser.new_context(base_url=base, locale=locale)
            context.set_default_timeout(20_000)
            page = context.new_page()
            if user:
                _sign_in(page, user)
            for width, height in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                for path in paths:
                    path = path.format(**ids)
                    response = page.goto(path)
                    expected = 404 if path == "/no/such/page" else 200
                    assert response.status == expected, f"{path} ({ui})"
                    check(page, role, ui, width, path)
                # Pages that only a form's answer shows.
                for name, act in ACTIONS.get(role, []):
                    act(page, tmp_path)
                    check(page, role, ui, width, name)
            context.close()
    with capsys.disabled():
        print("\n\naxe-core results (violations: all / serious or critical)")
        print(f"{'role':<11}{'ui':<4}{'width':>6}  {'all':>3} {'s/c':>3}  page")
        for role, ui, width, path, n_all, n_bad, bad in rows:
            ids_ = ", ".join(v["id"] for v in bad)
            print(f"{role:<11}{ui:<4}{width:>6}  {n_all:>3} {n_bad:>3}  {path} {ids_}")
        print(f"{len(rows)} page views checked, {len(failures)} serious/critical\n")
    assert failures == []


# --- phone layout and the header ---------------------------------------------

WORDS_BROKEN_JS = """() => {
  // Every word in a diff (links aside: addresses may wrap) sits on one line.
  const broken = [];
  for (const cell of document.querySelectorAll('.diff th, .diff td')) {
    // the column heads hidden on a phone (1 px, clipped) are read, not seen
    const head = cell.closest('thead');
    if (head && head.getBoundingClientRect().width < 2) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('a')) continue;
      // a line may break after a hyphen (Восточно-|Казахстанской), not inside
      const re = /[^\\s\\-\u2010]+[\\-\u2010]?/g;
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()]
          .filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def _signed_in_page(browser, base, locale, width, user="chief"):
    context = browser.new_context(
        base_url=base, locale=locale, viewport={"width": width, "height": 844}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    _sign_in(page, user)
    return context, page


@pytest.mark.parametrize("ui", ["ru", "kk"])
@pytest.mark.parametrize("width", [390, 1280])
def test_diffs_fit_the_screen_scroll_by_keyboard_and_keep_words_whole(
    browser, site, ui, width
):
    base, ids = site
    context, page = _signed_in_page(browser, base, LOCALES[ui], width)
    try:
        for path in ("/concepts/1/history", f"/proposals/{ids['note']}"):
            page.goto(path)
            regions = page.locator(".table-scroll")
            assert regions.count() > 0, path
            for i in range(regions.count()):
                region = regions.nth(i)
                assert region.get_attribute("tabindex") == "0"
                assert region.get_attribute("role") == "region"
                assert region.get_attribute("aria-label")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} is {overflow} px wider than the screen"
            assert page.evaluate(WORDS_BROKEN_JS) == [], path
    finally:
        context.close()


def _rows(page, selector: str) -> int:
    """Count the lines the visible elements of SELECTOR sit on (by their middles)."""
    return page.evaluate(
        """(sel) => {
          const mids = [...document.querySelectorAll(sel)]
            .filter(e => e.checkVisibility())
            .map(e => e.getBoundingClientRect())
            .map(r => r.top + r.height / 2)
            .sort((a, b) => a - b);
          let rows = 0, last = -1e9;
          for (const m of mids) { if (m - last > 12) rows++; last = m; }
          return rows;
        }""",
        selector,
    )


@pytest.mark.parametrize("ui", ["en", "ru", "kk"])
def test_signed_in_header_is_compact(browser, site, ui):
    base, _ids = site
    context, page = _signed_in_page(browser, base, LOCALES[ui], 1280)
    try:
        page.goto("/concepts/1")
        items = "header.site .brand, header.site nav li, header.site summary"
        assert _rows(page, items) == 1
        # The language switcher never wraps.
        assert _rows(page, "nav.langs li") == 1
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/concepts/1")
        assert _rows(page, items) <= 3
        assert _rows(page, "nav.langs li") == 1
        height = page.locator("header.site").bounding_box()["height"]
        assert height < 125, height
        # Short language names on screen, the full ones for screen readers.
        names = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
        for code, name in names.items():
            link = page.locator(f"nav.langs [lang={code}]")
            assert link.evaluate("e => e.textContent").startswith(name)
        # The menu opens with the keyboard and holds the account's links.
        page.locator("header.site summary").focus()
        page.keyboard.press("Enter")
        menu = page.locator(".account-menu ul")
        assert menu.is_visible()
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()


def test_ru_language_switcher_stays_on_one_line_signed_out(browser, site):
    base, _ids = site
    context = browser.new_context(
        base_url=base, locale="ru-RU", viewport={"width": 1280, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto("/")
        assert _rows(page, "nav.langs li") == 1
        assert _rows(page, "header.site .brand, header.site nav li") == 1
    finally:
        context.close()


@pytest.mark.parametrize("ui", ["ru", "kk"])
def test_autocomplete_shows_equivalents_and_latin_within_a_phone_screen(
    browser, site, ui
):
    base, _ids = site
    context = browser.new_context(
        base_url=base, locale=LOCALES[ui], viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto("/about")
        page.locator("#q-top").press_sequentially("kreativti", delay=20)
        options = page.locator(".suggestions [role=option]")
        options.first.wait_for()
        box = page.locator(".suggestions").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        # (which entry comes first is the ranking's business, not this test's)
        first = options.first
        text = first.locator(".text").inner_text()
        assert text.startswith("креативті")
        assert first.locator(".latin").inner_text() == to_kazakh_latin(text)
        others = first.locator(".others").inner_text()
        assert "creative" in others and "креатив" in others
        for i in range(options.count()):
            option = options.nth(i).bounding_box()
            assert option["x"] + option["width"] <= 390
    finally:
        context.close()
