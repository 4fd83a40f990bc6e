"""Who may open or post what: every admin URL, workflow action, preview, history and diff view ×
anonymous, 编辑, 审核, 主编 and a staff user in no group — including crafted POSTs the UI never offers.

Allowed means a 200 (or for POSTs, the change made); denied means the login page for anonymous
visitors and 403 for signed-in staff, and no change in the database.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from newsletter import previews, revisions, roles, workflow
from newsletter.models import Article, ArticleRevision, Issue, IssueEvent, PreviewLink
from tests import factories
from tests.security.admin_forms import form_data, single

pytestmark = pytest.mark.django_db

S = Issue.Status
ROLES = ["anonymous", "editor", "reviewer", "chief", "nogroup"]
E, R, C = "editor", "reviewer", "chief"
STAFF = {E, R, C}


def make_user(role):
    if role == "anonymous":
        return None
    user = User.objects.create_user(f"perm-{role}", f"{role}@example.com", "pw", is_staff=True)
    group = {E: roles.EDITOR, R: roles.REVIEWER, C: roles.CHIEF}.get(role)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


class Desk:
    """A draft, an issue in review, an approved one and a published one, each with an article and
    two revisions, plus a live preview link for the draft."""

    def __init__(self):
        self.author = User.objects.create_user("perm-author", "a@example.com", "pw", is_staff=True)
        self.draft = factories.issue(status=S.DRAFT, year=2030, number=1)
        self.published = factories.issue(status=S.PUBLISHED, year=2030, number=2)
        self.draft_article = factories.article(issue=self.draft, title="草稿里的文章")
        self.published_article = factories.article(issue=self.published, title="已发布的文章")
        self.unplaced = factories.article(issue=None, title="未编入期刊的文章")
        self.revisions = {}
        for article in (self.draft_article, self.published_article):
            first = revisions.record(article, by=self.author)
            Article.objects.filter(pk=article.pk).update(body="改过的正文")
            article.refresh_from_db()
            second = revisions.record(article, by=self.author)
            self.revisions[article.pk] = (first, second)
        self.link = previews.create_link(self.draft, self.author)
        self.figure = factories.figure(self.draft_article, with_image=False)

    def urls(self):
        d, p, da, pa = self.draft, self.published, self.draft_article, self.published_article
        first, second = self.revisions[da.pk]
        pfirst, psecond = self.revisions[pa.pk]
        admin = "admin:newsletter_"
        return {
            # name: (url, roles allowed to GET it)
            "admin index": (reverse("admin:index"), STAFF | {"nogroup"}),
            "issue list": (reverse(admin + "issue_changelist"), STAFF),
            "article list": (reverse(admin + "article_changelist"), STAFF),
            "outlet list": (reverse(admin + "outlet_changelist"), STAFF),
            "topic list": (reverse(admin + "topic_changelist"), STAFF),
            "editor list": (reverse(admin + "editor_changelist"), STAFF),
            "publication list": (reverse(admin + "publication_changelist"), STAFF),
            "region list": (reverse("admin:regions_region_changelist"), STAFF),
            "issue add": (reverse(admin + "issue_add"), {E, C}),
            "article add": (reverse(admin + "article_add"), {E, C}),
            "outlet add": (reverse(admin + "outlet_add"), {E, C}),
            "topic add": (reverse(admin + "topic_add"), {E, C}),
            "region add": (reverse("admin:regions_region_add"), {E, C}),
            "editor add": (reverse(admin + "editor_add"), {C}),
            "publication add": (reverse(admin + "publication_add"), {C}),
            "draft issue change": (reverse(admin + "issue_change", args=[d.pk]), STAFF),
            "published issue change (read-only for most)": (reverse(admin + "issue_change", args=[p.pk]), STAFF),
            "draft issue delete": (reverse(admin + "issue_delete", args=[d.pk]), {C}),
            "published issue delete": (reverse(admin + "issue_delete", args=[p.pk]), {C}),
            "draft issue history": (reverse(admin + "issue_history", args=[d.pk]), STAFF),
            "draft article change": (reverse(admin + "article_change", args=[da.pk]), STAFF),
            "published article change": (reverse(admin + "article_change", args=[pa.pk]), STAFF),
            "unplaced article change": (reverse(admin + "article_change", args=[self.unplaced.pk]), STAFF),
            "draft article delete": (reverse(admin + "article_delete", args=[da.pk]), {E, C}),
            "published article delete": (reverse(admin + "article_delete", args=[pa.pk]), {C}),
            "draft article history": (reverse(admin + "article_history", args=[da.pk]), STAFF),
            "draft article revisions": (reverse(admin + "article_revisions", args=[da.pk]), STAFF),
            "published article revisions": (reverse(admin + "article_revisions", args=[pa.pk]), STAFF),
            "draft article diff": (
                reverse(admin + "article_revision_diff", args=[da.pk]) + f"?a={first.pk}&b={second.pk}",
                STAFF,
            ),
            "published article diff": (
                reverse(admin + "article_revision_diff", args=[pa.pk]) + f"?a={pfirst.pk}&b={psecond.pk}",
                STAFF,
            ),
            "draft issue admin preview": (reverse(admin + "issue_preview", args=[d.pk]), STAFF),
            "import page": (reverse("newsletter_import"), {E, C}),
            "export markdown": (reverse("newsletter_issue_export", args=[d.pk, "markdown"]), STAFF),
            "export json": (reverse("newsletter_issue_export", args=[p.pk, "json"]), STAFF),
            "issue wechat": (reverse("newsletter_issue_wechat", args=[d.pk]), STAFF),
            "article wechat": (reverse("newsletter_article_wechat", args=[da.pk]), STAFF),
        }


@pytest.fixture
def desk(db):
    return Desk()


def assert_denied(response, role, what):
    if role == "anonymous":
        assert response.status_code == 302, (what, response.status_code)
        assert response["Location"].startswith("/admin/login/"), (what, response["Location"])
    else:
        assert response.status_code == 403, (what, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_opens_exactly_for_the_roles_that_may_see_it(client, desk, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    wrong = []
    for name, (url, allowed) in desk.urls().items():
        response = client.get(url)
        if role in allowed:
            if response.status_code != 200:
                wrong.append(f"{name}: expected 200, got {response.status_code}")
        else:
            try:
                assert_denied(response, role, name)
            except AssertionError as error:
                wrong.append(f"{name}: expected denial, got {error}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_the_draft_never_leaks_to_those_who_may_not_see_it(client, desk, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    for name, (url, allowed) in desk.urls().items():
        if role in allowed or "draft" not in name:
            continue
        body = client.get(url).content.decode()
        assert "草稿里的文章" not in body and "改过的正文" not in body, name


@pytest.mark.parametrize("role", ROLES)
def test_the_print_pdf_preview_is_for_editorial_staff_only(client, desk, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    url = reverse("newsletter_issue_pdf_preview", args=[desk.draft.pk])
    if role in STAFF:
        return  # rendering is covered by tests/test_pdf_*.py; here only the refusals matter
    assert_denied(client.get(url), role, "pdf preview")


# --- workflow actions -----------------------------------------------------------------------------

ACTION_CASES = [
    # action, state before, who may
    (workflow.SUBMIT, S.DRAFT, STAFF),
    (workflow.SUBMIT, S.CHANGES_REQUESTED, STAFF),
    (workflow.REQUEST_CHANGES, S.IN_REVIEW, {R, C}),
    (workflow.REQUEST_CHANGES, S.APPROVED, {R, C}),
    (workflow.APPROVE, S.IN_REVIEW, {R, C}),
    (workflow.SCHEDULE, S.APPROVED, {C}),
    (workflow.PUBLISH, S.APPROVED, {C}),
    (workflow.PUBLISH, S.SCHEDULED, {C}),
    (workflow.WITHDRAW, S.PUBLISHED, {C}),
    (workflow.REOPEN, S.WITHDRAWN, {C}),
    (workflow.REOPEN, S.APPROVED, {C}),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_workflow_action_url_moves_the_issue_only_for_the_roles_allowed(client, role):
    import datetime

    from django.utils import timezone

    author = User.objects.create_user("perm-submitter", "s@example.com", "pw", is_staff=True)
    user = make_user(role)
    if user:
        client.force_login(user)
    wrong = []
    for number, (action, state, allowed) in enumerate(ACTION_CASES, start=1):
        published_at = timezone.now() + datetime.timedelta(days=3) if state == S.SCHEDULED else None
        issue = factories.issue(status=state, year=2031, number=number, published_at=published_at)
        Issue.objects.filter(pk=issue.pk).update(submitted_by=author)  # nobody approves their own
        factories.article(issue=issue)
        events = IssueEvent.objects.count()
        data = {"comment": "请修改。", "confirmed": "True"}  # past the confirmation step, to the rule itself
        if action == workflow.SCHEDULE:
            data["publish_at"] = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(reverse("admin:newsletter_issue_transition", args=[issue.pk, action]), data)
        issue.refresh_from_db()
        moved = issue.status == workflow.RULES[action].target
        if role in allowed and not moved:
            wrong.append(f"{action} from {state}: expected to move, still {issue.status}")
        if role not in allowed:
            if moved or IssueEvent.objects.count() != events:
                wrong.append(f"{action} from {state}: moved although {role} may not")
            if role == "anonymous" and not response["Location"].startswith("/admin/login/"):
                wrong.append(f"{action}: anonymous not sent to login")
            if role == "nogroup" and response.status_code not in (302, 403):
                wrong.append(f"{action}: {response.status_code}")
    assert wrong == []


def test_an_editor_calling_the_publish_url_directly_is_refused_with_a_message(client):
    editor = make_user(E)
    issue = factories.issue(status=S.APPROVED)
    factories.article(issue=issue)
    client.force_login(editor)
    response = client.post(reverse("admin:newsletter_issue_transition", args=[issue.pk, "publish"]), {}, follow=True)
    issue.refresh_from_db()
    assert issue.status == S.APPROVED and issue.published_at is None
    assert "只有主编可以立即发布" in response.content.decode()
    assert not IssueEvent.objects.filter(issue=issue).exists()


def test_an_unknown_action_name_is_refused(client):
    chief = make_user(C)
    issue = factories.issue(status=S.DRAFT)
    client.force_login(chief)
    response = client.post(reverse("admin:newsletter_issue_transition", args=[issue.pk, "publish_due"]), {})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.DRAFT and not IssueEvent.objects.filter(issue=issue).exists()


# --- crafted POSTs --------------------------------------------------------------------------------


def test_a_reviewer_posting_status_published_in_the_issue_form_changes_no_status(client, desk):
    reviewer = make_user(R)
    client.force_login(reviewer)
    url = reverse("admin:newsletter_issue_change", args=[desk.draft.pk])
    data = single(form_data(client.get(url).content.decode()))
    data.update(
        status="published", published_at="2024-01-01 00:00:00", submitted_by=str(reviewer.pk), theme="审核改的主题"
    )
    response = client.post(url, {**data, "_continue": "1"})
    assert response.status_code == 302
    desk.draft.refresh_from_db()
    assert desk.draft.theme == "审核改的主题"  # the allowed part of the form was saved …
    assert desk.draft.status == S.DRAFT  # … the status, a read-only field, was not
    assert desk.draft.published_at is None and desk.draft.submitted_by is None
    assert not Issue.objects.published().filter(pk=desk.draft.pk).exists()


def test_an_editor_posting_to_an_article_of_a_published_issue_is_refused(client, desk):
    editor = make_user(E)
    client.force_login(editor)
    url = reverse("admin:newsletter_article_change", args=[desk.published_article.pk])
    # The form an editor may fill in for a draft article, sent to the published one.
    draft_url = reverse("admin:newsletter_article_change", args=[desk.draft_article.pk])
    data = single(form_data(client.get(draft_url).content.decode()))
    data.update(title="编辑偷改的标题", issue=str(desk.published.pk), seen_version=str(desk.published_article.version))
    response = client.post(url, data)
    assert response.status_code == 403
    desk.published_article.refresh_from_db()
    assert desk.published_article.title == "已发布的文章"


def test_an_editor_cannot_move_a_draft_article_into_a_published_issue(client, desk):
    editor = make_user(E)
    client.force_login(editor)
    url = reverse("admin:newsletter_article_change", args=[desk.draft_article.pk])
    data = single(form_data(client.get(url).content.decode()))
    data.update(issue=str(desk.published.pk), title="塞进已发布期刊")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "只有主编可以向其中添加或更正文章" in response.content.decode()
    desk.draft_article.refresh_from_db()
    assert desk.draft_article.issue_id == desk.draft.pk and desk.draft_article.title == "草稿里的文章"


def test_an_editor_cannot_add_an_article_to_a_published_issue(client, desk):
    editor = make_user(E)
    client.force_login(editor)
    url = reverse("admin:newsletter_article_add")
    data = single(form_data(client.get(url).content.decode()))
    data.update(issue=str(desk.published.pk), title="新加进已发布期刊", section=str(desk.draft_article.section_id))
    count = Article.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "只有主编可以向其中添加或更正文章" in response.content.decode()
    assert Article.objects.count() == count


def test_an_editor_cannot_post_the_published_issue_form_or_delete_issues(client, desk):
    editor = make_user(E)
    client.force_login(editor)
    url = reverse("admin:newsletter_issue_change", args=[desk.draft.pk])
    data = single(form_data(client.get(url).content.decode()))
    data.update(theme="编辑改已发布期刊", seen_version=str(desk.published.version))
    response = client.post(reverse("admin:newsletter_issue_change", args=[desk.published.pk]), data)
    assert response.status_code == 403
    desk.published.refresh_from_db()
    assert desk.published.theme != "编辑改已发布期刊"
    for issue in (desk.draft, desk.published):
        response = client.post(reverse("admin:newsletter_issue_delete", args=[issue.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert Issue.objects.filter(pk=issue.pk).exists()


def test_an_editor_cannot_delete_an_article_of_a_published_issue(client, desk):
    client.force_login(make_user(E))
    url = reverse("admin:newsletter_article_delete", args=[desk.published_article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=desk.published_article.pk).exists()


@pytest.mark.parametrize("role, allowed", [("editor", False), ("reviewer", False), ("nogroup", False), ("chief", True)])
def test_restoring_a_revision_of_a_published_article_is_for_the_chief_only(client, desk, role, allowed):
    client.force_login(make_user(role))
    first, _ = desk.revisions[desk.published_article.pk]
    count = ArticleRevision.objects.count()
    url = reverse("admin:newsletter_article_revision_restore", args=[desk.published_article.pk, first.pk])
    response = client.post(url)
    desk.published_article.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and ArticleRevision.objects.count() == count + 1
    else:
        assert response.status_code == 403 and ArticleRevision.objects.count() == count
        assert desk.published_article.body == "改过的正文"


def test_restore_by_get_and_revisions_of_another_article_are_refused(client, desk):
    client.force_login(make_user(C))
    first, _ = desk.revisions[desk.draft_article.pk]
    restore = reverse("admin:newsletter_article_revision_restore", args=[desk.draft_article.pk, first.pk])
    assert client.get(restore).status_code == 403  # state changes need a POST (and its CSRF token)
    # A revision id of the draft article through the published article's URL.
    crossed = reverse("admin:newsletter_article_revision_restore", args=[desk.published_article.pk, first.pk])
    assert client.post(crossed).status_code == 404
    pfirst, psecond = desk.revisions[desk.published_article.pk]
    diff = reverse("admin:newsletter_article_revision_diff", args=[desk.draft_article.pk])
    assert client.get(diff + f"?a={pfirst.pk}&b={psecond.pk}").status_code == 404


@pytest.mark.parametrize("role, allowed", [("editor", False), ("nogroup", False), ("reviewer", True), ("chief", True)])
def test_preview_links_are_created_and_revoked_only_by_reviewers_and_the_chief(client, desk, role, allowed):
    client.force_login(make_user(role))
    count = PreviewLink.objects.count()
    create = client.post(reverse("admin:newsletter_issue_preview_link_create", args=[desk.draft.pk]))
    revoke = client.post(reverse("admin:newsletter_issue_preview_link_revoke", args=[desk.draft.pk, desk.link.pk]))
    desk.link.refresh_from_db()
    if allowed:
        assert create.status_code == revoke.status_code == 302
        assert PreviewLink.objects.count() == count + 1 and desk.link.revoked_at is not None
    else:
        assert create.status_code == revoke.status_code == 403
        assert PreviewLink.objects.count() == count and desk.link.revoked_at is None


def test_a_shared_preview_link_shows_the_draft_only_while_valid(client, desk):
    url = previews.url_for(desk.link)
    response = client.get(url)
    assert response.status_code == 200 and "草稿里的文章" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"] and "no-store" in response["Cache-Control"]
    token = previews.token_for(desk.link)
    for forged in [token[:-1] + ("A" if token[-1] != "A" else "B"), "1", "1:abc", token + "x", "../" + token]:
        assert client.get(f"/preview/{forged}/").status_code == 404, forged
    other = previews.create_link(desk.published, desk.author)
    assert "草稿里的文章" not in client.get(previews.url_for(other)).content.decode()
    previews.revoke(desk.link)
    assert client.get(url).status_code == 404


def test_a_staff_user_in_no_group_cannot_import_or_export(client, desk):
    client.force_login(make_user("nogroup"))
    upload = client.post(reverse("newsletter_import"), {"step": "confirm"})
    assert upload.status_code == 403
    action = client.post(
        reverse("admin:newsletter_issue_changelist"),
        {"action": "export_json", "_selected_action": [desk.draft.pk], "index": "0"},
    )
    assert action.status_code == 403
