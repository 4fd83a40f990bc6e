"""The editors' admin: every page answers, in Chinese, with query counts that do not grow with rows."""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db


def _admin_urls(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        # Some third-party admins (django-axes' login records) allow no manual adding at all.
        if model_admin.has_add_permission(request):
            yield reverse("admin:{}_{}_add".format(*info))
        obj = model._default_manager.first()
        if obj is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


def test_superuser_gets_200_on_every_changelist_add_and_change_page(client, superuser, demo):
    client.force_login(superuser)
    urls = list(_admin_urls(superuser))
    assert len(urls) >= 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_admin_speaks_chinese(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "编辑工作台" in html and "双周决策观察" in html and 'lang="zh-hans"' in html


def test_admin_shows_a_clear_message_for_a_duplicate_issue_number(client, superuser):
    pub = factories.publication()
    factories.issue(pub=pub, year=2024, number=24, total_number=298, credits=False)
    client.force_login(superuser)
    data = {
        "publication": pub.pk,
        "year": 2024,
        "number": 24,
        "total_number": 500,
        "issue_date": "2024-12-19",
        "theme": "",
        "hosts-TOTAL_FORMS": 0,
        "hosts-INITIAL_FORMS": 0,
        "credits-TOTAL_FORMS": 0,
        "credits-INITIAL_FORMS": 0,
        "articles-TOTAL_FORMS": 0,
        "articles-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:newsletter_issue_add"), data)
    assert response.status_code == 200
    assert "当年已有相同期号" in response.content.decode()
    assert Issue.objects.count() == 1


def test_new_issue_form_proposes_the_next_numbers_and_previous_credits(client, superuser):
    pub = factories.publication()
    factories.issue(pub=pub, year=2024, number=23, total_number=297, issue_date=datetime.date(2024, 12, 5))
    client.force_login(superuser)
    html = client.get(reverse("admin:newsletter_issue_add")).content.decode()
    assert re.search(r'name="number"[^>]*value="24"', html)
    assert re.search(r'name="total_number"[^>]*value="298"', html)
    assert re.search(r'name="issue_date" value="2024[-/]12[-/]19"', html)
    assert html.count('name="credits-') >= 3 * 3  # three proposed credit rows
    assert 'name="credits-TOTAL_FORMS" value="3"' in html


@pytest.mark.parametrize("url_name", ["admin:newsletter_article_changelist", "admin:newsletter_issue_changelist"])
def test_changelist_queries_do_not_grow_with_rows(client, superuser, url_name):
    client.force_login(superuser)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    issue = factories.issue()
    factories.article(issue=issue)
    few = count()
    for _ in range(8):
        i = factories.issue()
        for _ in range(3):
            factories.article(issue=i, topics=["测试"])
    assert count() == few
