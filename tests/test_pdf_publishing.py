"""The stored print edition follows the workflow; the download and preview URLs; the issue page's link."""

import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from newsletter import workflow
from newsletter.models import Issue
from newsletter.signals import public_content_changed
from tests import factories
from tests.test_pdf_layout import normalise, pdf_text, require_pdf_tools

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_tools():
    require_pdf_tools()


def approved_issue():
    issue = factories.issue(status=Issue.Status.APPROVED, year=2024, number=24, total_number=298)
    factories.article(issue, section="区域", title="全国碳市场交易活跃", position=1)
    factories.article(issue, section="上海", title="上海发布并购重组行动方案", position=1)
    return issue


def publish(issue, user, capture):
    with capture(execute=True):
        workflow.perform(issue, workflow.PUBLISH, by=user)
    issue.refresh_from_db()
    return issue


def pdf_url(issue):
    return reverse("newsletter:issue_pdf", kwargs={"year": issue.year, "number": issue.number})


def test_publishing_stores_the_pdf_only_after_the_transaction_commits(
    pdf_tools, chief_user, django_capture_on_commit_callbacks
):
    issue = approved_issue()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.perform(issue, workflow.PUBLISH, by=chief_user)
    issue.refresh_from_db()
    assert issue.pdf.name == ""
    with django_capture_on_commit_callbacks(execute=True):  # the commit: the signal, then the receiver's own hook
        for callback in callbacks:
            callback()
    issue.refresh_from_db()
    assert issue.pdf.name.endswith(".pdf")
    with default_storage.open(issue.pdf.name, "rb") as handle:
        data = handle.read()
    text = normalise(pdf_text(data))
    assert "2024年第24期" in text and "（总第298期）" in text
    assert "全国碳市场交易活跃" in text and "上海发布并购重组行动方案" in text


def test_published_pdf_downloads_with_the_newsletter_name_as_file_name(
    pdf_tools, client, chief_user, django_capture_on_commit_callbacks
):
    issue = publish(approved_issue(), chief_user, django_capture_on_commit_callbacks)
    response = client.get(pdf_url(issue))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('双周决策观察-2024-24.pdf')}" in disposition
    assert 'filename="' in disposition  # ASCII fallback for clients without RFC 5987
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) >= 3


def test_a_correction_regenerates_the_stored_pdf(pdf_tools, chief_user, django_capture_on_commit_callbacks):
    issue = publish(approved_issue(), chief_user, django_capture_on_commit_callbacks)
    article = issue.articles.get(title="全国碳市场交易活跃")
    article.title = "全国碳市场交易量创新高"
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        public_content_changed.send(sender=Issue, issue=issue, reason="correction")
    issue.refresh_from_db()
    with default_storage.open(issue.pdf.name, "rb") as handle:
        text = normalise(pdf_text(handle.read()))
    assert "全国碳市场交易量创新高" in text
    assert "全国碳市场交易活跃" not in text


def test_a_withdrawn_issue_has_no_pdf_and_its_url_answers_404(
    pdf_tools, client, chief_user, django_capture_on_commit_callbacks
):
    issue = publish(approved_issue(), chief_user, django_capture_on_commit_callbacks)
    stored = issue.pdf.name
    assert client.get(pdf_url(issue)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(issue, workflow.WITHDRAW, by=chief_user, comment="数据有误，撤回核实")
    issue.refresh_from_db()
    assert issue.pdf.name == ""
    assert not default_storage.exists(stored)
    assert client.get(pdf_url(issue)).status_code == 404


@pytest.mark.parametrize("status", [s for s in Issue.Status.values if s not in ("published", "scheduled")])
def test_readers_get_404_for_the_pdf_of_an_issue_that_is_not_public(client, status):
    issue = factories.issue(status=status)
    factories.article(issue)
    assert client.get(pdf_url(issue)).status_code == 404


def test_a_public_issue_without_a_stored_pdf_gets_one_on_first_download(pdf_tools, client):
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    factories.article(issue, title="按需生成的印刷版")
    assert issue.pdf.name == ""
    response = client.get(pdf_url(issue))
    assert response.status_code == 200
    assert "按需生成的印刷版" in normalise(pdf_text(b"".join(response.streaming_content)))
    issue.refresh_from_db()
    assert default_storage.exists(issue.pdf.name)


def test_reviewers_and_editors_can_preview_the_pdf_of_a_draft(pdf_tools, client, reviewer_user, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    factories.article(issue, title="尚未发布的稿件")
    url = reverse("newsletter_issue_pdf_preview", args=[issue.pk])
    for user in (reviewer_user, editor_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert quote("预览") in response["Content-Disposition"]
        text = normalise(pdf_text(response.content))
        assert "尚未发布的稿件" in text and "预览稿" in text
    issue.refresh_from_db()
    assert issue.pdf.name == ""  # previews are never stored


def test_preview_pdf_is_for_staff_with_editorial_permissions_only(client, django_user_model):
    issue = factories.issue(status=Issue.Status.DRAFT)
    url = reverse("newsletter_issue_pdf_preview", args=[issue.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("staff-only", password="pw", is_staff=True))
    assert client.get(url).status_code == 403


def test_the_public_issue_page_links_its_pdf(client):
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    factories.article(issue)
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert f'href="{pdf_url(issue)}"' in response.content.decode()


def test_the_pdf_link_explains_what_to_install_when_no_cjk_font_is_found(tmp_path):
    # A real fontconfig with no font directories: what a fresh laptop without fonts-noto-cjk looks like.
    (tmp_path / "fonts.conf").write_text(
        "<?xml version='1.0'?><fontconfig><cachedir>" + str(tmp_path) + "</cachedir></fontconfig>"
    )
    script = (
        "import django; django.setup();"
        "from django.template.loader import render_to_string;"
        "from newsletter.models import Issue, Publication;"
        "issue = Issue(year=2024, number=24, publication=Publication(name='双周决策观察'));"
        "print(render_to_string('newsletter/_issue_pdf_link.html', {'issue': issue}))"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "印刷版 PDF 暂不可用" in result.stdout
    assert "fonts-noto-cjk" in result.stdout
    assert "/pdf/" not in result.stdout


def test_admin_change_pages_offer_the_pdf_preview_and_wechat_tools(admin_client):
    issue = factories.issue(status=Issue.Status.DRAFT)
    article = factories.article(issue)
    page = admin_client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    assert reverse("newsletter_issue_pdf_preview", args=[issue.pk]) in page
    assert reverse("newsletter_issue_wechat", args=[issue.pk]) in page
    page = admin_client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    assert reverse("newsletter_article_wechat", args=[article.pk]) in page
