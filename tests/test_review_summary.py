"""When an issue comes back for review, the reviewer sees on the issue page what changed since the last
submission: articles added, removed, moved and edited (each with its diff), credits and numbering —
exactly those, and nothing else."""

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter import review_snapshot, review_summary
from newsletter.models import Article, Editor, Figure, Issue, IssueCredit, IssueEvent, sections
from newsletter.workflow import perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status

BODY_BEFORE = "第一段：原来的写法。\n\n第二段保持不变。\n\n第三段也保持不变。"
BODY_AFTER = "第一段：改过的写法，补充了 2024 年的数据。\n\n第二段保持不变。\n\n第三段也保持不变。"


def page_of(client, issue):
    return client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()


def summary_of(html):
    """The change summary's parts as text: {list class: [item texts]}, plus its diff rows."""
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    section = next((node for node in tree.iter("section") if node.get("id") == "review-summary"), None)
    if section is None:
        return None
    parts = {}
    for ul in section.iter("ul"):
        parts[ul.get("class")] = ["".join(li.itertext()).strip() for li in ul.iter("li")]
    parts["edited"] = ["".join(node.itertext()).strip() for node in section.iter("summary")]
    parts["rows"] = [
        (row.get("class"), "".join(row.itertext()).strip()) for row in section.iter("tr") if row.get("class")
    ]
    parts["heading"] = "".join(next(section.iter("h2")).itertext())
    return parts


@pytest.fixture
def resubmitted(editor_user, reviewer_user):
    """Submitted, sent back, then: one body edited, one article moved, one added, one deleted, a credit
    and the number changed — and submitted again."""
    issue = factories.issue(status=S.DRAFT, year=2031, number=5, total_number=905)
    edited = factories.article(issue, section="上海", position=1, title="浦东数据跨境试点", body=BODY_BEFORE)
    factories.article(issue, section="上海", position=2, title="上海保持不动的一篇")
    moved = factories.article(issue, section="北京", position=1, title="中关村科创金融改革")
    deleted = factories.article(issue, section="北京", position=2, title="将被删去的文章")
    factories.article(issue, section="北京", position=3, title="北京保持不动的一篇")
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="请核对数据。")

    edited.body = BODY_AFTER
    edited.save()
    moved.section = factories.region("上海")
    moved.position = 3
    moved.save()
    factories.article(issue, section="北京", position=4, title="新增的雄安文章")
    deleted.delete()
    credit = IssueCredit.objects.get(issue=issue, editor__name="乙编辑")
    credit.editor = Editor.objects.create(name="丁编辑")
    credit.save()
    Issue.objects.filter(pk=issue.pk).update(number=6)
    issue.refresh_from_db()
    perform(issue, "submit", by=editor_user)
    return issue


def test_the_reviewer_sees_exactly_what_changed_since_the_last_submission(client, reviewer_user, resubmitted):
    client.force_login(reviewer_user)
    parts = summary_of(page_of(client, resubmitted))
    assert parts is not None
    assert parts["heading"] == "自上次提交以来的修改（有 6 处修改）"
    assert parts["review-summary-added"] == ["《新增的雄安文章》，【北京】第 2 篇"]
    assert parts["review-summary-removed"] == ["《将被删去的文章》，原为【北京】第 2 篇"]
    assert parts["review-summary-moved"] == ["《中关村科创金融改革》：【北京】第 1 篇 → 【上海】第 3 篇"]
    assert parts["review-summary-fields"] == ["期号：5 → 6"]
    assert parts["edited"] == ["《浦东数据跨境试点》（【上海】第 1 篇）：修改了正文"]
    rows = parts["rows"]
    assert ("diff-del", "−第一段：原来的写法。") in rows
    assert ("diff-add", "+第一段：改过的写法，补充了 2024 年的数据。") in rows
    # One unchanged paragraph of context, the other folded; the blank lines between them are not counted.
    assert rows[-2:] == [("diff-same", "第二段保持不变。"), ("diff-skip", "⋯（1 行未改动）")]
    assert ("diff-del", "−编辑：乙编辑") in rows and ("diff-add", "+编辑：丁编辑") in rows
    assert "保持不动" not in str(parts)
    html = page_of(client, resubmitted)
    for title in ("新增的雄安文章", "中关村科创金融改革", "浦东数据跨境试点"):  # each one a click away
        url = reverse("admin:newsletter_article_change", args=[Article.objects.get(title=title).pk])
        assert f'<a href="{url}">《{title}》</a>' in html


def test_the_body_diff_folds_long_unchanged_stretches(client, reviewer_user, editor_user):
    issue = factories.issue(status=S.DRAFT)
    paragraphs = [f"第 {n} 段，没有改动。" for n in range(1, 21)]
    article = factories.article(issue, body="\n".join(paragraphs))
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="改第十段。")
    article.body = "\n".join(paragraphs[:9] + ["第 10 段，改过了。"] + paragraphs[10:])
    article.save()
    perform(issue, "submit", by=editor_user)
    client.force_login(reviewer_user)
    rows = summary_of(page_of(client, issue))["rows"]
    texts = [text for _, text in rows]
    assert texts == [
        "⋯（8 行未改动）",
        "第 9 段，没有改动。",
        "−第 10 段，没有改动。",
        "+第 10 段，改过了。",
        "第 11 段，没有改动。",
        "⋯（9 行未改动）",
    ]


def test_a_first_submission_shows_no_change_summary(client, reviewer_user, editor_user):
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue)
    perform(issue, "submit", by=editor_user)
    client.force_login(reviewer_user)
    assert summary_of(page_of(client, issue)) is None


def test_a_resubmission_without_changes_says_so(client, reviewer_user, editor_user):
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue)
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="再看看。")
    perform(issue, "submit", by=editor_user)
    client.force_login(reviewer_user)
    html = page_of(client, issue)
    assert summary_of(html)["heading"] == "自上次提交以来的修改"
    assert "自上次提交以来没有修改。" in html


def test_the_editor_sees_the_changes_made_since_the_issue_was_sent_back_before_resubmitting(
    client, reviewer_user, editor_user
):
    issue = factories.issue(status=S.DRAFT)
    article = factories.article(issue, title="原来的标题")
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="标题太长。")
    article.title = "改短的标题"
    article.save()
    client.force_login(editor_user)
    parts = summary_of(page_of(client, issue))
    assert parts["edited"] == ["《改短的标题》（【区域】第 1 篇）：修改了标题"]
    assert ("diff-del", "−原来的标题") in parts["rows"] and ("diff-add", "+改短的标题") in parts["rows"]


def test_figure_captions_and_credits_are_compared(client, reviewer_user, editor_user):
    issue = factories.issue(status=S.DRAFT)
    article = factories.article(issue, body="正文。\n\n[[figure:1]]")
    figure = factories.figure(article, caption="港口吞吐量")
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="补图片来源。")
    Figure.objects.filter(pk=figure.pk).update(credit="新华社")
    perform(issue, "submit", by=editor_user)
    client.force_login(reviewer_user)
    parts = summary_of(page_of(client, issue))
    assert parts["edited"][0].endswith("修改了图片")
    added = [text for kind, text in parts["rows"] if kind == "diff-add"]
    assert len(added) == 1 and added[0].startswith("+港口吞吐量（图片来源：新华社；")


def test_a_change_of_the_issues_section_order_is_listed_with_the_order_before_and_after(
    client, reviewer_user, editor_user
):
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue, section="上海", title="浦东一篇")
    factories.article(issue, section="北京", title="海淀一篇")
    sections.reorder(issue.pk, [factories.region("上海").pk, factories.region("北京").pk])
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="北京放前面。")
    sections.reorder(issue.pk, [factories.region("北京").pk])
    perform(issue, "submit", by=editor_user)
    client.force_login(reviewer_user)
    parts = summary_of(page_of(client, issue))
    assert parts.get("review-summary-fields") == ["栏目顺序：【上海】、【北京】 → 【北京】、【上海】"]
    assert "review-summary-moved" not in parts and parts["edited"] == []


@pytest.mark.parametrize(
    "before, after, listed",
    [
        (["上海", "北京"], ["上海", "北京", "<i>雄安</i>"], False),  # a section added: its article is "added"
        (["上海", "<i>雄安</i>", "北京"], ["上海", "北京"], False),  # one removed
        (["上海", "北京", "<i>雄安</i>"], ["<i>雄安</i>", "北京"], True),
    ],
)
def test_only_a_new_order_of_the_sections_kept_counts_as_a_change_of_section_order(before, after, listed):
    summary = review_summary.compare({"sections": before}, {"sections": after})
    assert [label for label, _, _ in summary.issue_fields] == (["栏目顺序"] if listed else [])
    assert review_summary.compare({}, {"sections": after}).issue_fields == []  # an older snapshot lacks it


def test_each_submission_keeps_what_was_submitted(editor_user, reviewer_user):
    issue = factories.issue(status=S.DRAFT)
    article = factories.article(issue, title="提交时的标题")
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="改。")
    Article.objects.filter(pk=article.pk).update(title="之后改的标题")
    snapshot = IssueEvent.objects.get(issue=issue, action="submit").snapshot
    assert [a["title"] for a in snapshot["articles"]] == ["提交时的标题"]
    assert IssueEvent.objects.get(issue=issue, action="request_changes").snapshot is None


def test_hostile_text_in_the_summary_is_shown_as_text(client, reviewer_user, editor_user):
    issue = factories.issue(status=S.DRAFT)
    article = factories.article(issue, title="标题", body="正文。")
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="改。")
    article.title = '<script>alert("t")</script>标题'
    article.body = '正文。<img src=x onerror="alert(1)">'
    article.save()
    factories.article(issue, title="<b onmouseover=alert(2)>新增</b>")
    perform(issue, "submit", by=editor_user)
    client.force_login(reviewer_user)
    html = page_of(client, issue)
    summary = html[html.index('id="review-summary"') : html.index("</section>", html.index('id="review-summary"'))]
    assert "<script>" not in summary and "<img" not in summary and "<b " not in summary
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;标题" in summary
    assert "正文。&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in summary
    assert "&lt;b onmouseover=alert(2)&gt;新增&lt;/b&gt;" in summary


def _resubmitted_with(articles, editor_user, reviewer_user):
    issue = factories.issue(status=S.DRAFT)
    made = [factories.article(issue, sources=[("测试日报", None), ("另一报", None)]) for _ in range(articles)]
    for article in made:
        factories.figure(article)
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="改。")
    for article in made:
        article.body += "\n\n补充一段。"
        article.save()
    perform(issue, "submit", by=editor_user)
    return issue


def test_the_issue_page_costs_the_same_queries_however_many_articles_changed(client, editor_user, reviewer_user):
    client.force_login(reviewer_user)
    counts = []
    for articles in (2, 8):
        issue = _resubmitted_with(articles, editor_user, reviewer_user)
        with CaptureQueriesContext(connection) as queries:
            html = page_of(client, issue)
        assert summary_of(html)["heading"] == f"自上次提交以来的修改（有 {articles} 处修改）"
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_editors_page_reads_the_current_content_in_a_fixed_number_of_queries(client, editor_user, reviewer_user):
    counts = []
    for articles in (2, 8):
        issue = factories.issue(status=S.DRAFT)
        for _ in range(articles):
            factories.figure(factories.article(issue, topics=["口岸"]))
        perform(issue, "submit", by=editor_user)
        perform(issue, "request_changes", by=reviewer_user, comment="改。")
        client.force_login(editor_user)
        with CaptureQueriesContext(connection) as queries:
            review_snapshot.take(issue)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 7  # articles, sources, figures, two kinds of tags, credits, hosts


def test_my_work_tells_the_reviewer_how_many_changes_a_resubmitted_issue_has(client, reviewer_user, resubmitted):
    first = factories.issue(status=S.DRAFT)
    factories.article(first)
    perform(first, "submit", by=resubmitted.submitted_by)
    client.force_login(reviewer_user)
    html = client.get(reverse("admin:index")).content.decode()
    work = html[html.index('id="my-work"') :]
    items = work[: work.index("</ul>")].split("<li>")[1:]
    text = {item.split("</a>")[0]: item for item in items}
    again = next(item for label, item in text.items() if resubmitted.label in label)
    assert "有 6 处修改" in again and "#review-summary" in again
    once = next(item for label, item in text.items() if first.label in label)
    assert "处修改" not in once


def test_a_demo_issue_sent_back_and_resubmitted_shows_its_changes(client, demo):
    from django.contrib.auth.models import User

    issue = Issue.objects.get(status=S.IN_REVIEW)
    editor, reviewer = User.objects.get(username="editor"), User.objects.get(username="reviewer")
    perform(issue, "request_changes", by=reviewer, comment="请改标题。")
    article = issue.articles.order_by("pk").first()
    old_title = article.title
    article.title = old_title + "（修订）"
    article.save()
    perform(issue, "submit", by=editor)
    client.force_login(reviewer)
    parts = summary_of(page_of(client, issue))
    assert parts["heading"] == "自上次提交以来的修改（有 1 处修改）"
    assert ("diff-del", f"−{old_title}") in parts["rows"]


def test_the_reviewers_email_for_a_resubmission_says_how_much_changed(
    editor_user, reviewer_user, resubmitted, django_capture_on_commit_callbacks
):
    from django.core import mail

    perform(resubmitted, "request_changes", by=reviewer_user, comment="再改。")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        perform(resubmitted, "submit", by=editor_user)
    assert [message.body.splitlines()[-3] for message in mail.outbox] == ["与上次提交相比：没有修改。"]

    perform(resubmitted, "request_changes", by=reviewer_user, comment="再改。")
    Article.objects.get(issue=resubmitted, title="上海保持不动的一篇").delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        perform(resubmitted, "submit", by=editor_user)
    assert "与上次提交相比：有 1 处修改（删去 1 篇），详见期刊页顶部。" in mail.outbox[0].body
