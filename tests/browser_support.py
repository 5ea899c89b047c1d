"""What every browser test shares: Debian's Chromium, its flags, the skip/fail rule.

Browser tests drive /usr/bin/chromium (never a downloaded browser). Where it or
the playwright package is missing, a browser test module is skipped with the
reason; with GLOSSARY_REQUIRE_BROWSER=1 (set by .ci/run) it fails instead.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# CI sets this: there a missing browser is a failure, not a skip.
REQUIRE_BROWSER = os.environ.get("GLOSSARY_REQUIRE_BROWSER") == "1"


def missing_browser() -> str | None:
    """Return why the browser tests cannot run here, or None if they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


MISSING_BROWSER = missing_browser()


def skip_module_without_browser() -> None:
    """Skip the importing test module when the browser is missing, except on CI."""
    if MISSING_BROWSER and not REQUIRE_BROWSER:
        pytest.skip(
            f"browser tests skipped: {MISSING_BROWSER}", allow_module_level=True
        )


@pytest.fixture(scope="module", autouse=True)
def require_browser():
    """Fail every test, with the reason, when CI demands a browser that is missing."""
    if MISSING_BROWSER:
        pytest.fail(f"GLOSSARY_REQUIRE_BROWSER=1 but {MISSING_BROWSER}", pytrace=False)


@pytest.fixture(scope="module")
def browser():
    """Launch Debian's headless Chromium once for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
