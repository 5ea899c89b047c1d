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
from review_support import NEW_CONCEPT, PASSWORD, add_user, live_server, make_app

from glossary import proposals
from glossary.db import connect
from tests.browser_support import (  # noqa: F401 (require_browser: autouse)
    MISSING_BROWSER,
    REQUIRE_BROWSER,
    require_browser,
    skip_module_without_browser,
)

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


def test_axe_has_no_serious_or_critical_violations(browser, site, capsys):
    """axe: 0 serious/critical violations on every page, 3 languages, 2 widths."""
    base, ids = site
    roles = {
        "reader": (None, READER_PAGES),
        "translator": ("translator", TRANSLATOR_PAGES),
        "reviewer": ("chief", REVIEWER_PAGES),
    }
    rows, failures = [], []
    source = AXE.read_text(encoding="utf-8")
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
                    assert response.status < 400, f"{path} ({ui}): {response.status}"
                    found = _axe(page, source)
                    bad = [v for v in found if v["impact"] in BLOCKING]
                    rows.append((role, ui, width, path, len(found), len(bad), bad))
                    failures += [(role, ui, width, path, v) for v in bad]
            context.close()
    with capsys.disabled():
        print("\n\naxe-core results (violations: all / serious or critical)")
        print(f"{'role':<11}{'ui':<4}{'width':>6}  {'all':>3} {'s/c':>3}  page")
        for role, ui, width, path, n_all, n_bad, bad in rows:
            ids_ = ", ".join(v["id"] for v in bad)
            print(f"{role:<11}{ui:<4}{width:>6}  {n_all:>3} {n_bad:>3}  {path} {ids_}")
        print(f"{len(rows)} page views checked, {len(failures)} serious/critical\n")
    assert failures == []
