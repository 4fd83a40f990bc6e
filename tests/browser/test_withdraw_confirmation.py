"""The chief withdraws a published issue in Chromium: the page first says what readers will lose, backing
out changes nothing, and only the confirmation takes the issue off the site."""

import pytest
from playwright.sync_api import expect

from newsletter.models import Issue

pytestmark = pytest.mark.browser

REASON = "第三篇数据有误，撤下核实。"


def workflow_button(page, label):
    return page.locator("#workflow").get_by_role("button", name=label, exact=True)


def test_the_chief_withdraws_a_published_issue_only_after_confirming_what_readers_will_lose(login, reader):
    issue = Issue.objects.published().order_by("-total_number").first()
    public_url = issue.get_absolute_url()
    assert reader.goto(public_url).status == 200

    chief = login("chief")
    chief.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    chief.locator("#comment-withdraw").fill(REASON)
    workflow_button(chief, "撤回").click()
    expect(chief.locator(".workflow-consequence")).to_contain_text("本期将立即从网站撤下")
    expect(chief.locator(".workflow-confirm")).to_contain_text(REASON)

    chief.get_by_role("link", name="取消，返回本期").click()  # backing out changes nothing
    expect(chief.locator("#workflow h2 .status-badge")).to_have_text("已发布")
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.PUBLISHED
    assert reader.goto(public_url).status == 200

    chief.locator("#comment-withdraw").fill(REASON)
    workflow_button(chief, "撤回").click()
    chief.get_by_role("button", name="确认撤回").click()
    expect(chief.locator(".messagelist .success")).to_contain_text("已撤回")
    expect(chief.locator("#workflow h2 .status-badge")).to_have_text("已撤回")
    assert reader.goto(public_url).status == 404
