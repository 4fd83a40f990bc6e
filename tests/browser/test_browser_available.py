"""The one browser test that needs no browser: when the browser tests are required (CI, make
test-browser), a missing Chromium or Playwright fails here with the reason instead of skipping."""

import pytest

from .conftest import BROWSER_MISSING, BROWSER_REQUIRED, CHROMIUM

pytestmark = pytest.mark.browser

if BROWSER_MISSING and not BROWSER_REQUIRED:
    pytest.skip(f"浏览器测试已跳过：{BROWSER_MISSING}。装好后运行 make test-browser。", allow_module_level=True)


def test_chromium_and_playwright_are_available():
    assert BROWSER_MISSING is None, BROWSER_MISSING


def test_chromium_starts_and_renders_a_page(browser):
    page = browser.new_page()
    page.set_content("<p id='x'>双周决策观察</p>")
    assert page.inner_text("#x") == "双周决策观察"
    assert browser.version, CHROMIUM
    page.close()
