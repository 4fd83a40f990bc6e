"""A scheduled issue can be given a new time (修改发布时间) or taken off the schedule (取消定时发布) while its
time is still ahead, by the chief, after a confirmation that says what readers will see. Once the time
has passed the issue is live for readers and the admin says so everywhere, whether or not the
``publish_scheduled`` job has run yet."""

import datetime
import threading

import pytest
import time_machine
from django.core.cache import cache as default_cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from newsletter import roles, workflow
from newsletter.models import Issue, IssueEvent
from newsletter.signals import public_content_changed
from newsletter.workflow import TransitionError, perform, publish_due
from tests import factories
from tests.factories import role_user

S = Issue.Status
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2031, 3, 2, 10, 0, tzinfo=BEIJING)
FIRST_TIME = datetime.datetime(2031, 3, 6, 9, 0, tzinfo=BEIJING)
TITLE = "临港新片区试行跨境数据流动白名单"


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def scheduled_issue(chief, at=FIRST_TIME):
    issue = factories.issue(status=S.APPROVED, year=2031, number=5, total_number=905)
    factories.article(issue=issue, section="上海", title=TITLE)
    perform(issue, workflow.SCHEDULE, by=chief, publish_at=at)
    return issue


def move_url(issue, action):
    return reverse("admin:newsletter_issue_transition", args=[issue.pk, action])


def issue_page(client, issue):
    return client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()


# --- the moves themselves -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_chief_can_move_a_scheduled_issue_to_a_new_time_and_it_goes_live_then(travel, chief_user):
    issue = scheduled_issue(chief_user)
    later = FIRST_TIME + datetime.timedelta(days=2)
    event = perform(issue, workflow.RESCHEDULE, by=chief_user, publish_at=later)
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == (S.SCHEDULED, later)
    assert (event.action, event.from_status, event.to_status) == ("reschedule", "scheduled", "scheduled")

    travel.move_to(FIRST_TIME + datetime.timedelta(minutes=1))
    assert publish_due() == []
    assert not Issue.objects.published().filter(pk=issue.pk).exists()
    travel.move_to(later + datetime.timedelta(minutes=1))
    assert Issue.objects.published().filter(pk=issue.pk).exists()


@pytest.mark.django_db
def test_cancelling_a_schedule_returns_the_issue_to_approved_and_it_never_goes_live(travel, chief_user):
    issue = scheduled_issue(chief_user)
    perform(issue, workflow.UNSCHEDULE, by=chief_user)
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == (S.APPROVED, None)
    travel.move_to(FIRST_TIME + datetime.timedelta(days=1))
    assert publish_due() == []
    assert not Issue.objects.published().filter(pk=issue.pk).exists()
    assert workflow.available_actions(issue, chief_user) == ["request_changes", "schedule", "publish", "reopen"]


@pytest.mark.django_db
@pytest.mark.parametrize("when", [NOW - datetime.timedelta(minutes=1), NOW, None], ids=["past", "now", "missing"])
def test_a_new_time_must_be_given_and_lie_in_the_future(travel, chief_user, when):
    issue = scheduled_issue(chief_user)
    before = Issue.objects.filter(pk=issue.pk).values_list("published_at", "version").get()
    with pytest.raises(TransitionError, match="修改发布时间"):
        perform(issue, workflow.RESCHEDULE, by=chief_user, publish_at=when)
    assert Issue.objects.filter(pk=issue.pk).values_list("published_at", "version").get() == before
    assert not IssueEvent.objects.filter(issue=issue, action="reschedule").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.EDITOR, roles.REVIEWER])
@pytest.mark.parametrize("action", [workflow.RESCHEDULE, workflow.UNSCHEDULE])
def test_only_those_who_may_schedule_may_reschedule_or_cancel(travel, chief_user, role, action):
    issue = scheduled_issue(chief_user)
    user = role_user("someone", role)
    with pytest.raises(TransitionError, match="只有主编可以"):
        perform(issue, action, by=user, publish_at=FIRST_TIME + datetime.timedelta(days=1))
    assert Issue.objects.get(pk=issue.pk).published_at == FIRST_TIME
    assert action not in workflow.available_actions(issue, user)


@pytest.mark.django_db
@pytest.mark.parametrize("action", [workflow.RESCHEDULE, workflow.UNSCHEDULE, workflow.PUBLISH])
def test_once_the_time_has_passed_the_issue_is_live_and_only_withdrawing_takes_it_back(travel, chief_user, action):
    issue = scheduled_issue(chief_user)
    travel.move_to(FIRST_TIME + datetime.timedelta(seconds=1))  # the job has not run: still "scheduled" in the row
    with pytest.raises(TransitionError, match="已于 2031-03-06 09:00（北京时间）按计划上线.*撤回"):
        perform(issue, action, by=chief_user, publish_at=FIRST_TIME + datetime.timedelta(days=1))
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.status, stored.published_at) == (S.SCHEDULED, FIRST_TIME)
    assert workflow.available_actions(stored, chief_user) == ["withdraw"]


# --- confirmation in the admin ----------------------------------------------------------------------


@pytest.mark.django_db
def test_rescheduling_in_the_admin_shows_old_and_new_time_and_waits_for_confirmation(travel, client, chief_user):
    issue = scheduled_issue(chief_user)
    client.force_login(chief_user)
    page = issue_page(client, issue)
    assert f'action="{move_url(issue, "reschedule")}"' in page and f'action="{move_url(issue, "unschedule")}"' in page
    assert 'name="publish_at" required value="2031-03-06T09:00"' in page  # the new time starts from the old one

    fields = {"publish_at": "2031-03-08T07:30", "comment": ""}
    asked = client.post(move_url(issue, "reschedule"), fields)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "确认修改发布时间" in html and "在新时间之前读者仍看不到本期" in html
    assert "原定上线时间：2031-03-06 09:00" in html and "新的上线时间：2031-03-08 07:30" in html
    assert Issue.objects.get(pk=issue.pk).published_at == FIRST_TIME

    done = client.post(move_url(issue, "reschedule"), {**fields, "confirmed": "True"})
    assert done.status_code == 302
    assert Issue.objects.get(pk=issue.pk).published_at == datetime.datetime(2031, 3, 8, 7, 30, tzinfo=BEIJING)


@pytest.mark.django_db
def test_cancelling_in_the_admin_says_readers_will_not_see_the_issue_and_waits_for_confirmation(
    travel, client, chief_user
):
    issue = scheduled_issue(chief_user)
    client.force_login(chief_user)
    asked = client.post(move_url(issue, "unschedule"), {"comment": ""})
    html = asked.content.decode()
    assert "确认取消定时发布" in html and "读者在网站、订阅和检索中都看不到本期" in html and "已通过" in html
    assert Issue.objects.get(pk=issue.pk).status == S.SCHEDULED

    client.post(move_url(issue, "unschedule"), {"comment": "", "confirmed": "True"})
    assert Issue.objects.get(pk=issue.pk).status == S.APPROVED


@pytest.mark.django_db
def test_rescheduling_without_a_time_is_refused_before_the_confirmation(travel, client, chief_user):
    issue = scheduled_issue(chief_user)
    client.force_login(chief_user)
    response = client.post(move_url(issue, "reschedule"), {"comment": "", "publish_at": ""}, follow=True)
    html = response.content.decode()
    assert "修改发布时间需要填写发布时间。" in html and "确认修改发布时间" not in html
    assert Issue.objects.get(pk=issue.pk).published_at == FIRST_TIME


# --- shown as live everywhere in the admin ---------------------------------------------------------


@pytest.mark.django_db
def test_a_scheduled_issue_shows_as_live_in_the_admin_once_its_time_has_passed(travel, client, chief_user):
    issue = scheduled_issue(chief_user)
    client.force_login(chief_user)
    changelist = reverse("admin:newsletter_issue_changelist")
    home = reverse("admin:index")

    before = [client.get(changelist).content.decode(), issue_page(client, issue), client.get(home).content.decode()]
    for html in before:
        assert 'class="status-badge status-scheduled">定时发布</span>' in html
        assert 'status-badge status-published"' not in html
    assert "计划于 2031-03-06 09:00 上线" in before[1] and "计划于 2031-03-06 09:00 上线" in before[2]

    travel.move_to(FIRST_TIME + datetime.timedelta(minutes=5))  # publish_scheduled has not run
    assert Issue.objects.get(pk=issue.pk).status == S.SCHEDULED
    after = [client.get(changelist).content.decode(), issue_page(client, issue), client.get(home).content.decode()]
    for html in after:
        assert (
            'class="status-badge status-published" title="定时发布，已于 2031-03-06 09:00 上线">已发布</span>' in html
        )
        assert "status-badge status-scheduled" not in html
    assert "已于 2031-03-06 09:00 上线" in after[1] and "已于 2031-03-06 09:00 上线" in after[2]
    assert 'data-action="reschedule"' not in after[1] and 'data-action="unschedule"' not in after[1]
    assert 'data-action="withdraw"' in after[1]


# --- caches and previews ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", [workflow.RESCHEDULE, workflow.UNSCHEDULE])
def test_a_new_or_cancelled_time_is_announced_after_commit_like_the_other_moves(
    travel, chief_user, action, django_capture_on_commit_callbacks
):
    issue = scheduled_issue(chief_user)
    received = []

    def listener(sender, issue, reason, **kwargs):
        received.append((issue.pk, reason))

    public_content_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            perform(issue, action, by=chief_user, publish_at=FIRST_TIME + datetime.timedelta(hours=3))
        assert received == []  # nothing said before the commit
        for callback in callbacks:
            callback()
    finally:
        public_content_changed.disconnect(listener)
    assert received == [(issue.pk, {"reschedule": "schedule", "unschedule": "unschedule"}[action])]


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    default_cache.clear()
    yield
    default_cache.clear()


@pytest.mark.django_db
def test_an_earlier_new_time_reaches_readers_at_that_time_through_the_page_cache(
    travel, client, chief_user, page_cache_on, django_capture_on_commit_callbacks
):
    # Within the cache's lifetime (an hour), so that only the content version can make the page fresh.
    issue = scheduled_issue(chief_user, at=NOW + datetime.timedelta(minutes=50))
    assert TITLE not in client.get(reverse("newsletter:home")).content.decode()
    assert client.get(reverse("newsletter:home"))["X-Page-Cache"] == "hit"
    earlier = NOW + datetime.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        perform(issue, workflow.RESCHEDULE, by=chief_user, publish_at=earlier)
    assert TITLE not in client.get(reverse("newsletter:home")).content.decode()  # cached again, still hidden
    assert client.get(reverse("newsletter:home"))["X-Page-Cache"] == "hit"

    travel.move_to(earlier + datetime.timedelta(minutes=1))  # no save, no job: only the clock moved
    assert TITLE in client.get(reverse("newsletter:home")).content.decode()
    assert TITLE in client.get(issue.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_cancelled_schedule_keeps_the_issue_hidden_at_the_old_time_through_the_page_cache(
    travel, client, chief_user, page_cache_on, django_capture_on_commit_callbacks
):
    first_time = NOW + datetime.timedelta(minutes=10)
    issue = scheduled_issue(chief_user, at=first_time)
    with django_capture_on_commit_callbacks(execute=True):
        perform(issue, workflow.UNSCHEDULE, by=chief_user)
    assert TITLE not in client.get(reverse("newsletter:home")).content.decode()
    travel.move_to(first_time + datetime.timedelta(minutes=1))
    assert TITLE not in client.get(reverse("newsletter:home")).content.decode()
    assert client.get(issue.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_share_links_keep_working_after_a_reschedule_or_cancel(travel, client, chief_user):
    """Unlike 撤回, nothing was taken back from readers: the people given a preview link still see it."""
    from newsletter import previews

    issue = scheduled_issue(chief_user)
    link = previews.create_link(issue, chief_user)
    url = previews.url_for(link)
    perform(issue, workflow.RESCHEDULE, by=chief_user, publish_at=FIRST_TIME + datetime.timedelta(days=1))
    perform(issue, workflow.UNSCHEDULE, by=chief_user)
    assert TITLE in client.get(url).content.decode()


# --- racing the scheduled publication ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_reschedule_made_from_a_page_loaded_before_the_issue_went_live_is_refused(chief_user):
    with time_machine.travel(NOW, tick=False):
        issue = scheduled_issue(chief_user)
    with time_machine.travel(FIRST_TIME + datetime.timedelta(minutes=1), tick=False):
        publish_due()
        with pytest.raises(TransitionError):
            perform(issue, workflow.RESCHEDULE, by=chief_user, publish_at=FIRST_TIME + datetime.timedelta(days=1))
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.status, stored.published_at) == (S.PUBLISHED, FIRST_TIME)
    assert not IssueEvent.objects.filter(issue=issue, action="reschedule").exists()


ROW_LOCK_REASON = "两个连接之间的行锁只在 PostgreSQL 上有意义；SQLite 串行写入。CI 会在 PostgreSQL 上运行此测试。"


def _in_thread(target):
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except Exception as error:  # noqa: BLE001 - the other side's refusal is what the test checks
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    return thread, outcome


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason=ROW_LOCK_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_reschedule_holding_the_row_wins_over_the_job_that_would_publish_at_the_old_time():
    chief = role_user("chief_race", roles.CHIEF)
    due_soon = timezone.now() + datetime.timedelta(seconds=2)
    issue = scheduled_issue(chief, at=due_soon)
    later = timezone.now() + datetime.timedelta(days=1)
    job, outcome = _in_thread(lambda: publish_due(now=due_soon + datetime.timedelta(seconds=1)))
    with transaction.atomic():
        perform(issue, workflow.RESCHEDULE, by=chief, publish_at=later)  # holds the issue row until commit
        job.start()
        job.join(timeout=3)  # the job has listed the issue as due and waits for the row
    job.join(timeout=30)

    assert outcome == {"result": []}
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.status, stored.published_at) == (S.SCHEDULED, later)
    assert not IssueEvent.objects.filter(issue=issue, action=workflow.PUBLISH_DUE).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason=ROW_LOCK_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_reschedule_that_waits_for_the_job_publishing_the_issue_is_refused():
    chief = role_user("chief_race", roles.CHIEF)
    due_soon = timezone.now() + datetime.timedelta(seconds=2)
    issue = scheduled_issue(chief, at=due_soon)
    opened = Issue.objects.get(pk=issue.pk)  # the chief's page, loaded while the time was ahead
    later = timezone.now() + datetime.timedelta(days=1)
    chief_moves, outcome = _in_thread(lambda: perform(opened, workflow.RESCHEDULE, by=chief, publish_at=later))
    with transaction.atomic():
        assert len(publish_due(now=due_soon + datetime.timedelta(seconds=1))) == 1  # holds the row
        chief_moves.start()
        chief_moves.join(timeout=3)
    chief_moves.join(timeout=30)

    assert isinstance(outcome.get("error"), TransitionError), outcome
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.status, stored.published_at) == (S.PUBLISHED, due_soon)
    assert not IssueEvent.objects.filter(issue=issue, action=workflow.RESCHEDULE).exists()
