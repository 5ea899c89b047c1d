"""Browser test of a web import job: upload, preview, confirm, watch it finish.

Headless Debian Chromium through Playwright (tests/browser_support.py: skipped
with the reason where the browser is missing, a failure when
GLOSSARY_REQUIRE_BROWSER=1). With JavaScript the job page polls its JSON and
reloads itself when the job ends; without it, it refreshes itself.
"""

from __future__ import annotations

import pytest

from tests.browser_support import (  # noqa: E402, F401 (require_browser: autouse)
    MISSING_BROWSER,
    require_browser,
    skip_module_without_browser,
)
from tests.review_support import PASSWORD, add_user, live_server, make_app
from tests.test_import_jobs import big_csv

pytestmark = pytest.mark.browser
skip_module_without_browser()
if MISSING_BROWSER is None:
    from playwright.sync_api import expect


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("browser-import"))
    add_user(app, "reviewer1", role="reviewer")
    with live_server(app) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False])
def test_upload_preview_confirm_and_watch_the_job(
    browser, server, tmp_path, javascript
):
    context = browser.new_context(
        base_url=server, locale="en-US", java_script_enabled=javascript
    )
    context.set_default_timeout(60_000)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto("/signin")
        page.get_by_label("Username").fill("reviewer1")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        prefix = "js" if javascript else "nojs"
        upload = tmp_path / f"{prefix}.csv"
        upload.write_bytes(big_csv(3000, prefix=prefix))
        page.goto("/import")
        page.get_by_label("File (.csv, .tsv, .tbx or .json, UTF-8)").set_input_files(
            upload
        )
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_text("New concepts: 3000")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Import now").click()
        page.wait_for_url("**/import/jobs/*")
        expect(
            page.get_by_role("heading", name=f"Import of {prefix}.csv")
        ).to_be_visible()
        # The page updates itself (JSON polling, or a refresh) until the job ends.
        expect(page.locator(".flash")).to_contain_text(
            f"Imported 3000 concepts from {prefix}.csv: 3000 new, 0 changed",
            timeout=120_000,
        )
        page.get_by_role("link", name="Recent imports").click()
        row = page.get_by_role("row").filter(has_text=f"{prefix}.csv")
        expect(row).to_contain_text("Done (3000 new, 0 changed, 0 removed)")
    finally:
        context.close()
    assert errors == []
