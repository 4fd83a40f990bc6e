"""The masthead (主办, 电话, 传真) and the 编者按 belong to the issue: proposed from the previous issue, stored
by the importer, shown, printed and exported from the issue, never from the publication's settings."""

import importlib
import json
import re

import feedparser
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from newsletter import review_snapshot, review_summary
from newsletter.importing.exporter import export_json, export_markdown, load_for_export
from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_text
from newsletter.models import Article, Issue, IssueHost, IssueSection, Publication
from newsletter.printing import pdf, wechat
from regions.models import Region
from tests import factories
from tests.test_issue_sections import issue_data

fill_migration = importlib.import_module("newsletter.migrations.0015_issue_masthead_sections_fill")

HOSTILE_NOTE = (
    '编者按\n\n本期<script>alert("编者")</script>聚焦**城市更新**。\n\n<img src=x onerror=alert(1)>第二段 & 结语。'
)


def printed_issue(**fields):
    """A published issue whose masthead differs from its publication's settings."""
    issue = factories.issue(
        hosts=["本期主办研究院", "本期协办中心"], phone="023-7777", fax="023-8888", editor_note=HOSTILE_NOTE, **fields
    )
    factories.article(issue=issue, section="上海", title="上海推进城市更新")
    return issue


def assert_safe_note(html):
    """The note is there, as Markdown paragraphs, and the HTML typed into it is text, not markup."""
    note = re.search(r'<section class="(?:editor-note|wx-note)"[^>]*>(.*?)</section>', html, re.S)
    assert note, "the 编者按 is shown"
    assert "<p>编者按</p>" in note.group(1) and "<strong>城市更新</strong>" in note.group(1)
    assert "&lt;script&gt;" in note.group(1) and "第二段 &amp; 结语。" in note.group(1)
    assert '<script>alert("编者")' not in html and "<img src=x" not in html


def test_propose_next_proposes_the_previous_issues_masthead_and_the_publication_s_for_the_first(db):
    publication = factories.publication()
    first = Issue.objects.propose_next(publication)
    assert (first["hosts"], first["phone"], first["fax"]) == (
        ["测试研究院", "测试档案馆"],
        "022-11112222",
        "022-11113333",
    )
    factories.issue(pub=publication, year=2024, number=3, hosts=["新主办单位"], phone="010-1", fax="010-2")
    proposal = Issue.objects.propose_next(publication)
    assert (proposal["hosts"], proposal["phone"], proposal["fax"]) == (["新主办单位"], "010-1", "010-2")


def test_the_new_issue_form_proposes_the_previous_issues_hosts_phone_and_fax(client, superuser):
    publication = factories.publication()
    factories.issue(pub=publication, year=2024, number=3, hosts=["甲主办", "乙主办"], phone="010-31", fax="010-32")
    client.force_login(superuser)
    html = client.get(reverse("admin:newsletter_issue_add")).content.decode()
    assert 'name="hosts-TOTAL_FORMS" value="2"' in html
    assert 'value="甲主办"' in html and 'value="乙主办"' in html
    assert re.search(r'name="phone"[^>]*value="010-31"', html)
    assert re.search(r'name="fax"[^>]*value="010-32"', html)
    assert 'name="editor_note"' in html


def test_the_issue_admin_saves_hosts_phone_fax_and_the_editors_note(client, superuser):
    issue = factories.issue(status=Issue.Status.DRAFT, hosts=[])
    client.force_login(superuser)
    data = {
        "publication": issue.publication_id,
        "year": issue.year,
        "number": issue.number,
        "total_number": issue.total_number,
        "issue_date": issue.issue_date.isoformat(),
        "theme": "",
        "phone": "０２２－１２３",
        "fax": "",
        "editor_note": HOSTILE_NOTE,
        "seen_version": issue.version,
        "hosts-TOTAL_FORMS": 1,
        "hosts-INITIAL_FORMS": 0,
        "hosts-0-name": "新主办研究院",
        "hosts-0-position": 0,
        "credits-TOTAL_FORMS": 0,
        "credits-INITIAL_FORMS": 0,
        "articles-TOTAL_FORMS": 0,
        "articles-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:newsletter_issue_change", args=[issue.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    issue.refresh_from_db()
    assert issue.host_names() == ["新主办研究院"]
    assert issue.editor_note.startswith("编者按")
    assert issue.phone  # stored, normalised where it entered


def test_a_frozen_issues_masthead_cannot_be_changed_in_the_admin(client, superuser):
    issue = factories.issue(status=Issue.Status.IN_REVIEW, hosts=["原主办"])
    client.force_login(superuser)
    data = {
        "publication": issue.publication_id,
        "year": issue.year,
        "number": issue.number,
        "total_number": issue.total_number,
        "issue_date": issue.issue_date.isoformat(),
        "phone": "999",
        "seen_version": issue.version,
        "hosts-TOTAL_FORMS": 1,
        "hosts-INITIAL_FORMS": 0,
        "hosts-0-name": "冒名主办",
        "hosts-0-position": 1,
    }
    response = client.post(reverse("admin:newsletter_issue_change", args=[issue.pk]), data)
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.host_names() == ["原主办"] and issue.phone != "999"


@pytest.mark.usefixtures("no_page_cache")
def test_the_issue_page_shows_the_issues_masthead_and_its_note_escaped(client, db):
    issue = printed_issue()
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "本期主办研究院" in html and "023-7777" in html and "023-8888" in html
    assert "测试研究院" not in html and "022-11112222" not in html
    assert_safe_note(html)
    assert html.index("editor-note") < html.index("上海推进城市更新</a></h3>")


def test_the_print_edition_and_wechat_print_the_issues_masthead_and_the_note_before_the_first_section(db):
    issue = printed_issue()
    html = pdf.render_issue_html(pdf.print_queryset().get(pk=issue.pk))
    assert "本期主办研究院" in html and "023-7777" in html and "023-8888" in html
    assert "测试研究院" not in html
    assert_safe_note(html)
    assert html.index('class="editor-note"') < html.index('class="issue-section"')
    result = wechat.build_issue(pdf.print_queryset().get(pk=issue.pk))
    text = result.html if hasattr(result, "html") else str(result)
    assert "本期主办研究院" in text and "测试研究院" not in text
    assert "&lt;script&gt;" in text and '<script>alert("编者")' not in text and "<img src=x" not in text


def test_the_issue_feed_names_the_issues_hosts_and_carries_the_note_escaped(client, db):
    printed_issue()
    entry = feedparser.parse(client.get("/feeds/issues/").content).entries[0]
    content = entry.content[0].value
    assert "本期主办研究院" in content and "测试研究院" not in content
    assert "<script" not in content and "城市更新" in content


def test_export_writes_the_issues_masthead_and_the_note_between_masthead_and_first_section(db):
    issue = printed_issue()
    exported = load_for_export(issue)
    data = json.loads(export_json(exported))
    assert data["hosts"] == ["本期主办研究院", "本期协办中心"]
    assert (data["phone"], data["fax"]) == ("023-7777", "023-8888")
    assert data["editor_note"].startswith("编者按\n\n本期")
    text = export_markdown(exported)
    assert text.index("传真  \n023-8888") < text.index("编者按\n\n本期") < text.index("## 【上海】")
    assert "\n\n<img src=x onerror=alert(1)>第二段 & 结语。\n\n" in text  # Markdown as stored, blank lines between


def test_the_loader_stores_the_files_masthead_and_note_on_the_issue_and_leaves_the_publication_alone(db):
    publication = factories.publication()
    data = issue_data(
        21, ["上海"], hosts=("文件主办甲", "文件主办乙"), phone="021-1", fax="021-2", note="编者按\n\n一段话。"
    )
    issue = load_issue(data, publication=publication).issue
    assert issue.host_names() == ["文件主办甲", "文件主办乙"]
    assert (issue.phone, issue.fax, issue.editor_note) == ("021-1", "021-2", "编者按\n\n一段话。")
    publication.refresh_from_db()
    assert publication.host_names() == ["测试研究院", "测试档案馆"] and publication.phone == "022-11112222"


def test_an_exported_issue_imports_back_with_its_masthead(db):
    issue = printed_issue(status=Issue.Status.DRAFT, year=2021, number=4)
    exported = load_for_export(issue)
    text = export_markdown(exported)
    data = parse_text(text, "export.md")
    assert (data.hosts, data.phone, data.fax) == (["本期主办研究院", "本期协办中心"], "023-7777", "023-8888")
    load_issue(data, publication=issue.publication, replace=True)
    again = Issue.objects.get(publication=issue.publication, year=2021, number=4)
    assert again.host_names() == ["本期主办研究院", "本期协办中心"] and again.phone == "023-7777"


def test_the_data_migration_gives_existing_issues_their_publications_masthead_and_the_order_readers_saw(db):
    publication = factories.publication()
    issue = factories.issue(pub=publication, hosts=[], phone="", fax="")
    # Written in bulk, as before the migration: no section rows yet. 广东 before 上海 in the file,
    # 上海 before 广东 site-wide: readers saw 上海 first.
    Article.objects.bulk_create(
        Article(issue=issue, section=Region.objects.get(name=name), position=1, title=name, slug=name)
        for name in ("广东", "上海")
    )
    kept = factories.issue(pub=publication, hosts=["已有主办"], phone="1", fax="2")
    fill_migration.fill(apps, None)
    issue.refresh_from_db()
    assert issue.host_names() == ["测试研究院", "测试档案馆"]
    assert (issue.phone, issue.fax) == ("022-11112222", "022-11113333")
    rows = IssueSection.objects.filter(issue=issue).order_by("position")
    assert [row.region.name for row in rows] == ["上海", "广东"]
    kept.refresh_from_db()
    assert kept.host_names() == ["已有主办"] and (kept.phone, kept.fax) == ("1", "2")
    fill_migration.fill(apps, None)  # running again adds nothing
    assert IssueHost.objects.filter(issue=issue).count() == 2
    assert Publication.objects.get().phone == "022-11112222"


def test_hosts_are_unique_per_issue_with_a_chinese_message(db):
    issue = factories.issue(hosts=["同一主办"])
    with pytest.raises(ValidationError, match="同一期中同一主办单位只能列一次"):
        IssueHost(issue=issue, name="同一主办", position=2).validate_constraints()


def test_a_resubmission_lists_the_masthead_and_note_changes_and_older_snapshots_show_none(db):
    issue = factories.issue(status=Issue.Status.DRAFT, hosts=["原主办"], phone="010-1")
    factories.article(issue=issue, section="上海")
    before = review_snapshot.take(issue)
    IssueHost.objects.filter(issue=issue).update(name="新主办")
    Issue.objects.filter(pk=issue.pk).update(phone="010-2", editor_note="编者按\n\n新写的一段。")
    after = review_snapshot.take(Issue.objects.get(pk=issue.pk))
    fields = review_summary.compare(before, after).issue_fields
    assert ("主办单位", "原主办", "新主办") in fields
    assert ("电话", "010-1", "010-2") in fields
    assert ("编者按", "", "编者按\n\n新写的一段。") in fields
    older = {key: value for key, value in before.items() if key not in ("hosts", "phone", "fax", "editor_note")}
    assert review_summary.compare(older, after).issue_fields == []


def test_a_feeds_author_is_the_newest_public_issues_hosts(client, db):
    publication = factories.publication()
    factories.issue(pub=publication, year=2024, number=1, total_number=1, hosts=["旧一期主办"])
    factories.issue(pub=publication, year=2024, number=2, total_number=2, hosts=["新一期主办", "新一期协办"])
    factories.issue(pub=publication, year=2024, number=3, total_number=3, hosts=["草稿主办"], status=Issue.Status.DRAFT)
    feed = feedparser.parse(client.get("/feeds/articles/atom/").content).feed
    assert feed.author_detail.name == "新一期主办、新一期协办"
