"""Browser tests of the review workflow: new users propose, a reviewer decides.

Headless Debian Chromium through Playwright, like tests/test_browser.py (same
launch flags and the same rule: skipped with the reason where the browser is
missing, a failure when GLOSSARY_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import (  # noqa: E402, F401 (require_browser: autouse)
    MISSING_BROWSER,
    require_browser,
    skip_module_without_browser,
)
from tests.review_support import PASSWORD, add_user, live_server, make_app

pytestmark = pytest.mark.browser
skip_module_without_browser()
if MISSING_BROWSER is None:
    from playwright.sync_api import expect


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("browser-review"))
    add_user(app, "reviewer1", role="reviewer")
    add_user(app, "admin1", role="admin")
    with live_server(app) as url:
        yield url


@pytest.fixture()
def person(browser, server):
    """Return a factory of pages, each a separate person (own cookies)."""
    contexts, errors = [], []

    def make():
        context = browser.new_context(base_url=server, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
    # CSP violations would show up here as console errors.
    assert errors == []


def account_menu(page):
    """Open the signed-in account menu (a <details>) and return its navigation."""
    nav = page.get_by_role("navigation", name="Account")
    if nav.locator("details.account-menu").get_attribute("open") is None:
        nav.locator("summary").click()
    return nav


def sign_up(page, name: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(name)
    page.get_by_label("E-mail (optional)").fill(f"{name}@example.org")
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/my/proposals")
    expect(page.locator(".flash")).to_contain_text(f"Welcome, {name}")


def sign_in(page, name: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Sign in"
    ).click()
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(
        account_menu(page).get_by_role("button", name=f"Sign out {name}")
    ).to_be_visible()


def open_pending(reviewer, proposal_id: str) -> None:
    account_menu(reviewer).get_by_role("link", name="Review").click()
    reviewer.wait_for_url("**/review")
    reviewer.get_by_role("link", name=f"Proposal {proposal_id}", exact=True).click()
    reviewer.wait_for_url(f"**/proposals/{proposal_id}")


def test_propose_review_publish_and_reject_with_reason(person):
    translator = person()
    sign_up(translator, "tatiana")

    # Propose a new concept; the page first asks "Is it one of these?".
    account_menu(translator).get_by_role("link", name="Propose", exact=True).click()
    translator.wait_for_url("**/propose")
    translator.get_by_label("English").first.fill("risograph printing")
    translator.get_by_label("Russian").first.fill("ризографическая печать")
    translator.get_by_label("Domain").select_option("publishing")
    translator.get_by_label("Source (required)").fill("https://example.org/riso")
    translator.get_by_role("button", name="Send for review").click()
    # "printing" is in the glossary: the proposal is held until the translator
    # says it is none of the similar entries shown.
    expect(
        translator.get_by_role("heading", name="Is it one of these?")
    ).to_be_visible()
    translator.get_by_role("button", name="None of these: send my proposal").click()
    translator.wait_for_url("**/my/proposals")
    flash = translator.locator(".flash").inner_text()
    new_id = re.search(r"Proposal (\d+) was sent for review", flash).group(1)
    expect(translator.locator(".proposals")).to_contain_text("pending")

    # Nothing is public before review.
    translator.goto("/search?q=risograph+printing")
    expect(translator.locator(".result", has_text="risograph printing")).to_have_count(
        0
    )

    # A new term for an existing entry, to be rejected.
    translator.goto("/concepts/1")
    translator.get_by_role("link", name="Propose a change").click()
    form = translator.locator("form").filter(
        has=translator.locator("input[name=form][value=new_term]")
    )
    form.get_by_label("Language").select_option("ru")
    form.get_by_label("Term").fill("индустрия креатива")
    form.get_by_label("Source (required)").fill("a blog post")
    form.get_by_role("button", name="Send for review").click()
    translator.wait_for_url("**/my/proposals")
    flash = translator.locator(".flash").inner_text()
    reject_id = re.search(r"Proposal (\d+) was sent for review", flash).group(1)

    # The reviewer approves the first and rejects the second with a reason.
    reviewer = person()
    sign_in(reviewer, "reviewer1")
    open_pending(reviewer, new_id)
    expect(reviewer.locator("table.diff")).to_contain_text("risograph printing")
    reviewer.get_by_role("button", name="Approve and publish").click()
    reviewer.wait_for_url(re.compile(r".*/concepts/\d+$"))
    concept_url = reviewer.url
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("risograph printing")

    open_pending(reviewer, reject_id)
    reviewer.get_by_label("Reason for rejecting").fill(
        "Not attested; a blog post is not a source."
    )
    reviewer.get_by_role("button", name="Reject").click()
    reviewer.wait_for_url("**/review")
    expect(reviewer.locator(".flash")).to_contain_text(f"Proposal {reject_id} rejected")

    # The new term is published and found by search.
    translator.goto("/")
    box = translator.locator("input[type=search]").first
    box.fill("risograph printing")
    box.press("Enter")
    translator.wait_for_url("**/search?*")
    first = translator.locator("ol.results > li.result").first
    expect(first).to_contain_text("risograph printing")
    expect(first).to_contain_text("ризографическая печать")

    # The translator sees both outcomes and the reviewer's reason.
    account_menu(translator).get_by_role("link", name="My proposals").click()
    items = translator.locator(".proposal-item")
    approved = items.filter(has_text=f"Proposal {new_id}")
    expect(approved).to_contain_text("approved")
    link = approved.get_by_role("link", name="See the published entry")
    expect(link).to_have_attribute("href", re.compile(r"^/concepts/\d+$"))
    assert concept_url.endswith(link.get_attribute("href"))
    rejected = items.filter(has_text=f"Proposal {reject_id}")
    expect(rejected).to_contain_text("rejected")
    expect(rejected).to_contain_text("Not attested; a blog post is not a source.")

    # The history shows both: the approval on the new entry, the rejection on 1.
    translator.goto(concept_url + "/history")
    expect(translator.locator(".history-full")).to_contain_text("approved by reviewer1")
    expect(translator.locator(".history-full")).to_contain_text(f"{new_id}")
    translator.goto("/concepts/1/history")
    expect(translator.get_by_role("heading", name="Rejected proposals")).to_be_visible()
    expect(translator.locator("main")).to_contain_text(
        "Not attested; a blog post is not a source."
    )


def test_similar_entries_appear_while_typing(person):
    page = person()
    sign_up(page, "typist")
    page.goto("/propose")
    page.get_by_label("English").first.press_sequentially("creative industr")
    similar = page.locator("#live-similar")
    expect(similar).to_contain_text("Is it one of these?")
    expect(similar.locator('a[href="/concepts/1"]')).to_have_count(1)


def test_anonymous_reader_is_sent_to_sign_in(person):
    page = person()
    page.goto("/review")
    page.wait_for_url(re.compile(r".*/signin\?next=/review$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/concepts/1")
    expect(page.get_by_role("button", name="Hide note")).to_have_count(0)


def test_workflow_pages_fit_a_phone(browser, server):
    context = browser.new_context(
        base_url=server, locale="en-US", viewport={"width": 375, "height": 700}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "admin1")
        for path in (
            "/admin/users",
            "/review",
            "/concepts/1/history",
            "/propose",
            "/account",
            "/requests",
            "/concepts/1/propose",
            "/my/proposals",
        ):
            page.goto(path)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], f"{path}: {widths}"
    finally:
        context.close()
