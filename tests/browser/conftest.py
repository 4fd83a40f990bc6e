"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against pytest-django's live server.

Without Chromium or Playwright, ``make test`` skips this folder with one line saying why (from
test_browser_available.py). With ``REQUIRE_BROWSER=1`` (``make test-browser``) or ``CI`` set, they are
required: the availability test fails with the reason instead. Playwright's browser download is never used.
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests and by
# the live server are still synchronous (pytest-django's advice for Playwright).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _flag(name):
    return os.environ.get(name, "").strip().lower() not in {"", "0", "false", "no", "off"}


def _missing():
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"没有找到 Chromium（{CHROMIUM}），在 Debian/Ubuntu 上可用 apt-get install chromium 安装"
    for module in ("playwright", "axe_playwright_python"):
        try:
            __import__(module)
        except ImportError:
            return f"没有安装 Python 包 {module}（.venv/bin/pip install -r requirements-dev.txt）"
    return None


BROWSER_REQUIRED = _flag("REQUIRE_BROWSER") or _flag("CI")
BROWSER_MISSING = _missing()

if BROWSER_MISSING:
    # Only test_browser_available.py (which imports no Playwright) is collected: it skips with the
    # reason in one line, or fails with it when the browser tests are required.
    collect_ignore = [path.name for path in Path(__file__).parent.glob("test_*.py")]
    collect_ignore.remove("test_browser_available.py")


@pytest.fixture(scope="session")
def browser():
    if BROWSER_MISSING:
        pytest.fail(BROWSER_MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def ensure_role_groups():
    """Transactional tests flush the database, taking the migration-made groups with them; a flush
    re-creates permissions, so the groups are rebuilt from newsletter.roles as the migration does.
    (No serialized rollback: its flush skips re-creating permissions, which breaks later tests.)"""
    from django.contrib.auth.models import Group, Permission

    from newsletter import roles

    for name in (roles.EDITOR, roles.REVIEWER, roles.CHIEF):
        group, created = Group.objects.get_or_create(name=name)
        if created:
            for app_label, codename in roles.permissions_for(name):
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture
def demo_site(live_server, transactional_db, settings):
    """A live server with the demo content and an empty page cache, so no page from an earlier test is served."""
    from django.core.cache import caches
    from django.core.management import call_command

    ensure_role_groups()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    caches[settings.PAGE_CACHE_ALIAS].clear()
    return live_server


@pytest.fixture
def new_context(browser, demo_site, request):
    """Open browser contexts (one per person) on the live server; screenshots of their pages on failure."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(base_url=demo_site.url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_context

    failed = any(
        getattr(request.node, f"report_{when}", None) is not None and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    for index, context in enumerate(contexts):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
            for page_index, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(SCREENSHOTS / f"{name}-{index}-{page_index}.png"), full_page=True)
                except Exception:  # noqa: BLE001 - a broken page must not hide the test's own failure
                    pass
        context.close()


@pytest.fixture
def reader(new_context):
    """An anonymous reader's page."""
    return new_context().new_page()


DEMO_PASSWORDS = {"editor": "demo-editor-pass", "reviewer": "demo-reviewer-pass", "chief": "demo-chief-pass"}


@pytest.fixture
def login(new_context):
    """Sign a demo account in through the real admin login form; returns its page."""
    from playwright.sync_api import expect

    def sign_in(username):
        page = new_context().new_page()
        page.goto("/admin/login/?next=/admin/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORDS[username])
        page.locator("input[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        return page

    return sign_in
