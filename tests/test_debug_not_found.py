"""With DEBUG=1 (what `make run` uses) an unknown address shows the site's own Chinese 404 page with a
note for developers, not Django's English technical page that lists every URL pattern. Production
(DEBUG=0) is unchanged: the same page without the note."""

import html5lib
import pytest
from django.test import Client, override_settings

from newsletter.models import Issue

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]
NS = {"h": "http://www.w3.org/1999/xhtml"}


def get(path, debug):
    # A new client per setting: the middleware chain is built on a client's first request.
    with override_settings(DEBUG=debug):
        return Client().get(path)


def parse(response):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(response.content)


def assert_site_404_page(response):
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    document = parse(response)
    assert document.get("lang") == "zh-CN"
    assert ["".join(h.itertext()) for h in document.findall(".//h:h1", NS)] == ["没有找到这一页"]
    html = response.content.decode()
    assert '<header class="site-header">' in html
    # Nothing of Django's technical page: not its title, nor the list of URL patterns it walks.
    for technical in ("Page not found", "Using the URLconf", "config.urls", "admin/newsletter/tools/", "DEBUG = True"):
        assert technical not in html
    return document


def developer_note(document):
    return document.find(".//h:aside[@class='debug-note']", NS)


def test_unknown_address_with_debug_shows_the_chinese_404_page_with_a_developer_note(db):
    document = assert_site_404_page(get("/no-such-page/", debug=True))
    note = developer_note(document)
    assert note is not None
    text = "".join(note.itertext())
    assert "开发模式" in text and "/no-such-page/" in text


def test_missing_issue_with_debug_shows_the_chinese_404_page_with_a_developer_note(db):
    draft = f.issue(status=Issue.Status.DRAFT, year=2024, number=7)
    document = assert_site_404_page(get(draft.get_absolute_url(), debug=True))
    assert "/issues/2024/7/" in "".join(developer_note(document).itertext())


def test_unknown_address_in_production_shows_the_same_page_without_the_developer_note(db):
    document = assert_site_404_page(get("/no-such-page/", debug=False))
    assert developer_note(document) is None
    assert "开发模式" not in "".join(document.itertext())


def test_address_without_its_final_slash_still_redirects_with_debug(db):
    f.issue(year=2024, number=3)
    response = get("/issues/2024/3", debug=True)
    assert response.status_code == 301
    assert response["Location"] == "/issues/2024/3/"
