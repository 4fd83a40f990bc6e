"""The chief moves a scheduled issue to a new time and then cancels the schedule, in Chromium: each move
says what readers will see and happens only when confirmed."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Issue
from newsletter.workflow import perform

pytestmark = pytest.mark.browser


def workflow_button(page, label):
    return page.locator("#workflow").get_by_role("button", name=label, exact=True)


def test_the_chief_reschedules_then_cancels_a_scheduled_issue_after_confirming_each(login):
    from django.contrib.auth.models import User

    issue = Issue.objects.get(status=Issue.Status.APPROVED)
    first = timezone.localtime() + datetime.timedelta(days=3)
    first = first.replace(second=0, microsecond=0)
    perform(issue, "schedule", by=User.objects.get(username="chief"), publish_at=first)
    new_time = (first + datetime.timedelta(days=1)).replace(hour=7, minute=30)

    chief = login("chief")
    chief.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    expect(chief.locator("#workflow h2").first).to_contain_text(f"计划于 {first:%Y-%m-%d %H:%M} 上线")
    form = chief.locator("form[data-action=reschedule]")
    expect(form.locator("input[name=publish_at]")).to_have_value(f"{first:%Y-%m-%dT%H:%M}")
    form.locator("input[name=publish_at]").fill(f"{new_time:%Y-%m-%dT%H:%M}")
    workflow_button(chief, "修改发布时间").click()

    expect(chief.locator(".workflow-consequence")).to_contain_text("在新时间之前读者仍看不到本期")
    expect(chief.locator(".workflow-confirm")).to_contain_text(f"原定上线时间：{first:%Y-%m-%d %H:%M}")
    expect(chief.locator(".workflow-confirm")).to_contain_text(f"新的上线时间：{new_time:%Y-%m-%d %H:%M}")
    assert Issue.objects.get(pk=issue.pk).published_at == first  # nothing happens before confirming
    chief.get_by_role("button", name="确认修改发布时间").click()
    expect(chief.locator(".messagelist .success")).to_contain_text("已修改发布时间")
    expect(chief.locator("#workflow h2").first).to_contain_text(f"计划于 {new_time:%Y-%m-%d %H:%M} 上线")

    workflow_button(chief, "取消定时发布").click()
    expect(chief.locator(".workflow-consequence")).to_contain_text("读者在网站、订阅和检索中都看不到本期")
    chief.get_by_role("link", name="取消，返回本期").click()
    expect(chief.locator("#workflow h2 .status-badge")).to_have_text("定时发布")
    workflow_button(chief, "取消定时发布").click()
    chief.get_by_role("button", name="确认取消定时发布").click()
    expect(chief.locator(".messagelist .success")).to_contain_text("已取消定时发布")
    expect(chief.locator("#workflow h2 .status-badge")).to_have_text("已通过")
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.status, stored.published_at) == (Issue.Status.APPROVED, None)
