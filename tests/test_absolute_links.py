"""Links the app writes point where the reader is (issue 14).

A link shown in a response uses the host the reader asked (``127.0.0.1:8101`` under ``PORT=8101 make run``,
or any other name the site answers to). A link made for someone who is not asking (e-mail, the print
edition and its QR code, what a command prints) uses ``SITE_URL``, which ``make run`` sets from ``PORT``.

The e-mail, PDF and bootstrap tests take ``SITE_URL`` from what ``make run PORT=8101`` really gives Django:
the dry run's environment for ``manage.py runserver``, read back by the real settings module.
"""

import io
import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from newsletter import roles, workflow
from newsletter.models import Issue, PreviewLink
from tests import factories
from tests.factories import role_user
from tests.test_pdf_layout import qr_payload, require_pdf_tools

ROOT = Path(__file__).resolve().parent.parent
PORT = "8101"
SITE = f"http://127.0.0.1:{PORT}"
OTHER_HOST = "localhost:8102"  # a reader who reached the same server by another name
ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.django_db


def make_run_environment(port, **environ):
    """The variables `make run PORT=<port>` sets for `manage.py runserver`, read from a dry run."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(environ)
    dry_run = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in dry_run.splitlines() if "manage.py runserver" in line)
    assignments = {}
    for word in shlex.split(line):
        name, equals, value = word.partition("=")
        if not equals or not name.isidentifier():
            break
        assignments[name] = value
    return env, assignments


def site_url_under_make_run(port, **environ):
    """settings.SITE_URL as the real settings module computes it in the server `make run` starts."""
    env, assignments = make_run_environment(port, **environ)
    env = {**env, **assignments, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def make_run_site_url():
    return site_url_under_make_run(PORT)


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def values(self, tag, attribute):
        return [attrs[attribute] for name, attrs in self.tags if name == tag and attrs.get(attribute)]


def hosts_in(urls):
    return {urlsplit(url).netloc for url in urls if urlsplit(url).scheme}


# --- make run ---------------------------------------------------------------------------------------------


def test_make_run_on_another_port_gives_the_server_a_site_url_on_that_port():
    assert site_url_under_make_run(PORT) == SITE
    # Someone who set SITE_URL (a public address, a tunnel) keeps it.
    assert site_url_under_make_run(PORT, SITE_URL="https://zhoukan.example.org") == "https://zhoukan.example.org"


def test_bootstrap_prints_the_address_make_run_serves(make_run_site_url, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)  # the address comes from settings, whatever the shell says
    out = io.StringIO()
    with override_settings(SITE_URL=make_run_site_url):
        call_command("bootstrap", stdout=out)
    assert f"{SITE}/admin/" in out.getvalue()
    assert ":8000" not in out.getvalue()


# --- links shown in a response: the request's host -----------------------------------------------------


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", OTHER_HOST])
def test_the_share_preview_link_shown_in_the_admin_uses_the_host_the_editor_asked(make_run_site_url, client, host):
    issue = factories.issue(status=Issue.Status.IN_REVIEW)
    factories.article(issue)
    client.force_login(role_user("rev", roles.REVIEWER))
    with override_settings(SITE_URL=make_run_site_url):
        response = client.post(
            reverse("admin:newsletter_issue_preview_link_create", args=[issue.pk]), follow=True, headers={"host": host}
        )
    assert response.status_code == 200
    token_path = reverse("preview:issue", kwargs={"token": _token(PreviewLink.objects.get(issue=issue))})
    page = response.content.decode()
    expected = f"http://{host}{token_path}"
    assert f"：{expected}" in page  # the success message
    shown = [value for value in Tags(page).values("input", "value") if token_path in value]
    assert shown == [expected]  # the list of links on the issue page
    assert page.count(token_path) == page.count(expected)  # no copy of it on another host
    # The link really opens the preview for someone without an account.
    client.logout()
    assert client.get(token_path, headers={"host": host}).status_code == 200


def _token(link):
    from newsletter import previews

    return previews.token_for(link)


@override_settings(SITE_URL=SITE)
def test_the_wechat_html_of_an_issue_uses_the_host_the_editor_asked(demo, admin_client):
    issue = Issue.objects.get(year=2024, number=22)
    response = admin_client.get(reverse("newsletter_issue_wechat", args=[issue.pk]), headers={"host": OTHER_HOST})
    assert response.status_code == 200
    page = response.content.decode()
    images = Tags(page).values("img", "src")
    assert images and hosts_in(images) == {OTHER_HOST}
    assert all(src.startswith(f"http://{OTHER_HOST}/media/figures/") for src in images)
    # The list of figures to upload and the 参考资料 entry for the issue's own page.
    assert hosts_in(Tags(page).values("a", "href")) <= {OTHER_HOST}
    assert f"http://{OTHER_HOST}/issues/2024/22/" in page
    assert "127.0.0.1:8101" not in page and "testserver" not in page


@override_settings(SITE_URL=SITE)
def test_the_wechat_html_of_an_article_links_its_page_on_the_host_the_editor_asked(admin_client):
    issue = factories.issue(status=Issue.Status.DRAFT, year=2024, number=5)
    earlier = factories.issue(status=Issue.Status.PUBLISHED, year=2024, number=4)
    article = factories.article(issue, title="站内链接", body=f"另见[上一期]({earlier.get_absolute_url()})。")
    response = admin_client.get(reverse("newsletter_article_wechat", args=[article.pk]), headers={"host": OTHER_HOST})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"http://{OTHER_HOST}{article.get_absolute_url()}" in page
    assert f"[1] 上一期：http://{OTHER_HOST}/issues/2024/4/" in page
    assert "127.0.0.1:8101" not in page and "testserver" not in page


# --- links made outside a request: SITE_URL ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_workflow_emails_link_the_site_url_make_run_sets_even_when_sent_from_another_host(make_run_site_url, client):
    editor = role_user("editor", roles.EDITOR)
    reviewer = role_user("reviewer", roles.REVIEWER)
    chief = role_user("chief", roles.CHIEF)
    issue = factories.issue(status=Issue.Status.DRAFT, year=2024, number=24)
    factories.article(issue)
    change_path = reverse("admin:newsletter_issue_change", args=[issue.pk])
    bodies = {}
    # The print edition renders in-line (settings_test): a background render would outlive the test
    # and hold the shared in-memory SQLite database while the next test starts.
    with override_settings(SITE_URL=make_run_site_url):
        for user, action in ((editor, workflow.SUBMIT), (reviewer, workflow.APPROVE), (chief, workflow.PUBLISH)):
            client.force_login(user)
            mail.outbox.clear()
            response = client.post(
                reverse("admin:newsletter_issue_transition", args=[issue.pk, action]),
                {"confirmed": "True"},  # publishing asks first (tests/test_workflow_confirmation.py)
                headers={"host": OTHER_HOST},
            )
            assert response.status_code == 302
            issue.refresh_from_db()
            assert mail.outbox, f"no e-mail for {action}"
            bodies[action] = [message.body for message in mail.outbox]
    assert issue.status == Issue.Status.PUBLISHED
    for action, texts in bodies.items():
        for body in texts:
            assert f"在后台查看：{SITE}{change_path}" in body, action
            assert OTHER_HOST not in body and ":8000" not in body
    assert all(f"公开页面：{SITE}/issues/2024/24/" in body for body in bodies[workflow.PUBLISH])


def test_the_pdf_qr_code_opens_the_issue_at_the_site_url_make_run_sets(
    make_run_site_url, client, tmp_path, django_capture_on_commit_callbacks
):
    require_pdf_tools()
    chief = role_user("chief", roles.CHIEF)
    issue = factories.issue(status=Issue.Status.APPROVED, year=2024, number=24)
    factories.article(issue, section="上海", title="上海发布并购重组行动方案")
    with override_settings(SITE_URL=make_run_site_url):
        with django_capture_on_commit_callbacks(execute=True):  # the stored PDF is made after the commit
            workflow.perform(issue, workflow.PUBLISH, by=chief)
        # A reader downloads it from another host: the print edition is the same file for everyone.
        response = client.get(reverse("newsletter:issue_pdf", kwargs={"year": 2024, "number": 24}))
        assert response.status_code == 200
        stored = b"".join(response.streaming_content)
        assert qr_payload(stored, tmp_path) == f"{SITE}/issues/2024/24/"

        # The staff preview is rendered in a request but is a print artefact: its QR code is the public
        # address the printed copy will be read with, not the host the reviewer happens to use.
        client.force_login(chief)
        preview = client.get(reverse("newsletter_issue_pdf_preview", args=[issue.pk]), headers={"host": OTHER_HOST})
        assert preview.status_code == 200
        assert qr_payload(preview.content, tmp_path) == f"{SITE}/issues/2024/24/"


# --- public pages and feeds: the request's host (guards) -----------------------------------------------


@override_settings(SITE_URL=SITE)
def test_feeds_sitemap_and_canonical_links_use_the_host_the_reader_asked(client):
    issue = factories.issue(status=Issue.Status.PUBLISHED, year=2024, number=7)
    article = factories.article(issue, title="站内外链接", body=f"另见[本期]({issue.get_absolute_url()})。")
    headers = {"host": OTHER_HOST}

    rss = ET.fromstring(client.get(reverse("feeds:articles_rss"), headers=headers).content)
    rss_links = [rss.findtext("channel/link"), *(item.findtext("link") for item in rss.iter("item"))]
    assert f"http://{OTHER_HOST}{article.get_absolute_url()}" in rss_links
    assert hosts_in(rss_links) == {OTHER_HOST}

    atom = ET.fromstring(client.get(reverse("feeds:issues_atom"), headers=headers).content)
    atom_links = [link.get("href") for link in atom.iter(f"{ATOM}link")]
    assert f"http://{OTHER_HOST}{issue.get_absolute_url()}" in atom_links
    assert hosts_in(atom_links) == {OTHER_HOST}
    content = "".join(element.text or "" for element in atom.iter(f"{ATOM}content"))
    assert f'href="http://{OTHER_HOST}{issue.get_absolute_url()}"' in content

    feeds_page = client.get(reverse("feeds:index"), headers=headers).content.decode()
    assert f"http://{OTHER_HOST}{reverse('feeds:issues_rss')}" in feeds_page

    sitemap = ET.fromstring(client.get(reverse("sitemap"), headers=headers).content)
    locations = [element.text for element in sitemap.iter() if element.tag.endswith("loc")]
    assert locations and hosts_in(locations) == {OTHER_HOST}

    page = client.get(issue.get_absolute_url(), headers=headers).content.decode()
    assert f'<link rel="canonical" href="http://{OTHER_HOST}{issue.get_absolute_url()}">' in page
    assert "127.0.0.1:8101" not in page
