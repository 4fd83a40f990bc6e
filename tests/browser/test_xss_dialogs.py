"""Hostile strings in Chromium: whatever an editor pastes, no script of theirs ever runs.

The HTML-level XSS suite (tests/security/test_xss.py) checks the markup; this checks the outcome
a reader would suffer: a dialog opened by alert()/confirm()/prompt() on any page that shows the strings.
Two layers stand in the way, the sanitiser and the Content-Security-Policy; with both removed this
test sees some fifty dialogs on the public pages alone.
"""

import pytest

from newsletter.models import Article, Issue
from tests import factories
from tests.security.xss_payloads import PAYLOADS, chunks

pytestmark = pytest.mark.browser


@pytest.fixture
def hostile_issue(demo_site):
    issue = Issue.objects.published().order_by("-published_at").first()
    titles = list(chunks(190, prefix="危险标题"))
    articles = []
    for index, title in enumerate(titles[:6]):
        article = factories.article(
            issue=issue,
            section="区域",
            title=title,
            short_title=PAYLOADS[index],
            summary=" ".join(PAYLOADS[index::6]),
            body="危险正文 " + "\n\n".join(PAYLOADS[index::6]),
            topics=[PAYLOADS[index][:90]],
        )
        factories.figure(article, caption=PAYLOADS[index + 6][:250])
        articles.append(article)
    return issue, articles


def _visit_all(page, paths):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # let onload/onerror handlers of broken images fire
    return dialogs


def test_no_dialog_fires_on_public_pages_showing_hostile_strings(reader, hostile_issue):
    issue, articles = hostile_issue
    topic = articles[0].topics.first()
    paths = ["/", issue.get_absolute_url(), "/search/?q=危险正文", topic.get_absolute_url(), "/feeds/"]
    paths += [article.get_absolute_url() for article in articles]
    assert _visit_all(reader, paths) == []


def test_no_dialog_fires_in_the_admin_showing_hostile_strings(login, hostile_issue):
    issue, articles = hostile_issue
    page = login("chief")
    paths = [
        f"/admin/newsletter/issue/{issue.pk}/change/",
        "/admin/newsletter/article/",
        f"/admin/newsletter/article/{articles[0].pk}/change/",
        f"/admin/newsletter/article/{articles[0].pk}/history/",
    ]
    assert Article.objects.filter(pk=articles[0].pk).exists()
    assert _visit_all(page, paths) == []
