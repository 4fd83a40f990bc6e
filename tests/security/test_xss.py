"""Stored XSS: every editor-controlled string carries hostile payloads, and no page that shows it runs them.

The payloads (tests/security/xss_payloads.py) are packed into every string an editor controls —
article title, short title, summary and body, figure caption and alt text, outlet, region, topic,
editor name, review comment, issue theme — and every page that shows those strings is parsed with
html5lib and searched for scripts, event handlers and dangerous URLs (tests/security/html_checks.py).
Each page must also show the marker of the strings it is meant to show, so a page that silently
dropped the content cannot pass.
"""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from newsletter import previews, revisions, workflow
from newsletter.models import Article, Editor, Issue, IssueCredit, Outlet, Source
from newsletter.printing import pdf
from newsletter.text_input import single_line
from regions.models import Region
from tests import factories
from tests.security.admin_forms import form_data, single
from tests.security.html_checks import inspect, problems, text_of
from tests.security.xss_payloads import PAYLOADS, chunks

pytestmark = pytest.mark.django_db

S = Issue.Status
ALL = "\n\n".join(PAYLOADS)
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def part(i, count):
    """Every count-th payload from the i-th: the bodies of ``count`` articles hold every payload once."""
    return "\n\n".join(PAYLOADS[i % count :: count])


class World:
    """One archive whose every editor-controlled string is hostile."""

    def __init__(self):
        self.superuser = User.objects.create_superuser("root", "root@example.com", "pw")
        self.editor_user = User.objects.get_or_create(username="xss-editor", defaults={"is_staff": True})[0]
        self.reviewer_user = User.objects.create_superuser("xss-reviewer", "r@example.com", "pw")
        pub = factories.publication()
        self.editors = [Editor.objects.create(name=name) for name in chunks(50, prefix="编{n} ")]
        self.regions = [factories.region(name, order=10 + i) for i, name in enumerate(chunks(100, prefix="地{n} "))]
        self.topics = chunks(100, prefix="题{n} ")
        self.outlets = [Outlet.get_for_name(name) for name in chunks(100, prefix="媒{n} ")]
        themes = chunks(200, prefix="期{n} ")
        self.issues = []
        for i, theme in enumerate(themes):
            issue = factories.issue(status=S.PUBLISHED, year=2024, number=i + 1, theme=theme, credits=False, pub=pub)
            self.issues.append(issue)
        for i, editor in enumerate(self.editors):
            issue = self.issues[i % len(self.issues)]
            role = IssueCredit.Role.EDITOR if i % 2 else IssueCredit.Role.COORDINATOR
            IssueCredit.objects.create(issue=issue, editor=editor, role=role, position=i)

        titles = chunks(200, prefix="标{n} ")
        short_titles = chunks(200, prefix="目{n} ")
        captions = chunks(290, prefix="注{n} ")  # the figure factory adds to the caption for its alt text
        alts = chunks(300, prefix="替{n} ")
        # Each article shows three regions (section and two tags) and three topics.
        count = max(
            len(titles), len(short_titles), len(captions), -(-len(self.regions) // 3), -(-len(self.topics) // 3)
        )
        self.articles = []
        for i in range(count):
            article = factories.article(
                issue=self.issues[i % len(self.issues)],
                section=self.regions[i % len(self.regions)],
                title=titles[i % len(titles)],
                short_title=short_titles[i % len(short_titles)],
                summary=" ".join(PAYLOADS[(i + 1) % count :: count]),
                body=f"检索词{i:03d}乙 开头。\n\n{part(i, count)}\n\n[[figure:1]]\n\n结尾。",
                position=i,
                sources=(),
            )
            Source.objects.create(
                article=article, outlet=self.outlets[i % len(self.outlets)], date=datetime.date(2024, 12, 1)
            )
            Source.objects.create(
                article=article,
                outlet=self.outlets[(i + count) % len(self.outlets)],
                date=datetime.date(2024, 12, 2),
                url="https://example.org/news",
                position=1,
            )
            article.regions.set([self.regions[j % len(self.regions)] for j in (i + count, i + 2 * count)])
            article.topics.add(*[self.topics[j % len(self.topics)] for j in (i, i + count, i + 2 * count)])
            self.articles.append(article)
        for i, caption in enumerate(captions):
            figure = factories.figure(self.articles[i % count], caption=caption, position=1 + i // count)
            figure.alt_text = alts[i % len(alts)]
            figure.save()
        # Every title and region must be covered; more strings than articles would go untested.
        assert count >= len(titles) and count >= len(short_titles) and count >= len(captions)
        assert 3 * count >= len(self.regions) and 3 * count >= len(self.topics)

        # A draft sent back with hostile review comments, shared by a preview link.
        self.draft = factories.issue(status=S.DRAFT, year=2025, number=1, theme=themes[0], credits=False, pub=pub)
        factories.article(issue=self.draft, section=self.regions[0], title=titles[0], body=ALL)
        workflow.perform(self.draft, workflow.SUBMIT, by=self.superuser)
        self.comments = chunks(2000, prefix="评{n} ")
        workflow.perform(self.draft, workflow.REQUEST_CHANGES, by=self.reviewer_user, comment=self.comments[0])
        for comment in self.comments[1:]:
            workflow.perform(self.draft, workflow.SUBMIT, by=self.superuser)
            workflow.perform(self.draft, workflow.REQUEST_CHANGES, by=self.reviewer_user, comment=comment)
        self.preview_link = previews.create_link(self.draft, self.superuser)

        # Two revisions per article, so history and diff pages show every title and the whole body.
        for article in self.articles:
            stored = Article.objects.get(pk=article.pk)
            Article.objects.filter(pk=article.pk).update(title="修改前的标题", body="修改前的正文")
            article.refresh_from_db()
            revisions.record(article, by=self.superuser, note=stored.title[:100])
            Article.objects.filter(pk=article.pk).update(title=stored.title, body=stored.body)
            article.refresh_from_db()
            revisions.record(article, by=self.superuser)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test
    runs in its own savepoint within it, as pytest-django's ``db`` fixture does."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def assert_clean(html, where, *markers):
    found, text = inspect(html)
    assert not found, f"{where}: {found[:5]}"
    missing = [m for m in markers if m not in text]
    assert not missing, f"{where}: the page does not show {missing}, so it tested nothing"


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def marker(value):
    return value.split(" ", 1)[0]


def test_public_pages_show_hostile_strings_as_text(client, world):
    for issue in world.issues:
        html = get_ok(client, issue.get_absolute_url())
        articles = [a for a in world.articles if a.issue_id == issue.pk]
        assert_clean(html, issue, marker(issue.theme), *[marker(a.title) for a in articles])
        editors = [c.editor.name for c in issue.credits.all()]
        assert_clean(html, issue, *[marker(name) for name in editors])
    for article in world.articles:
        html = get_ok(client, article.get_absolute_url())
        names = [marker(r.name) for r in article.regions.all()] + [marker(t.name) for t in article.topics.all()]
        outlets = [marker(s.outlet.name) for s in article.sources.all()]
        captions = [marker(f.caption) for f in article.figures.all()]
        assert_clean(html, article, marker(article.title), marker(article.section.name), *names, *outlets, *captions)
        for figure in article.figures.all():
            assert f'alt="{figure.alt_text}"' not in html  # raw, unescaped alt text would break out
    for region in world.regions:
        html = get_ok(client, region.get_absolute_url())
        assert_clean(html, region, marker(region.name))
    topics = {t.name: t for a in world.articles for t in a.topics.all()}
    assert set(topics) == {single_line(name) for name in world.topics}  # tabs and line breaks: one space
    for topic in topics.values():
        html = get_ok(client, topic.get_absolute_url())
        assert_clean(html, topic, marker(topic.name))
    for i, article in enumerate(world.articles):
        html = get_ok(client, reverse("newsletter:search") + f"?q=检索词{i:03d}乙")
        assert_clean(html, f"search {i}", marker(article.title), "alert(1)")
    for url in ["/", reverse("newsletter:issue_archive"), reverse("newsletter:issue_year", args=[2024])]:
        assert_clean(get_ok(client, url), url, marker(world.issues[-1].theme))
    assert_clean(get_ok(client, reverse("regions:list")), "regions", *[marker(r.name) for r in world.regions])
    assert_clean(get_ok(client, reverse("feeds:index")), "feeds page", marker(world.regions[0].name))


def _feed_html_parts(xml_bytes):
    """(item titles, HTML fragments) from an RSS or Atom document: the HTML inside each item's
    description, content:encoded and Atom content/summary, as a feed reader renders it. (The
    channel's own title and description are plain text in both formats.)"""
    root = ET.fromstring(xml_bytes)
    titles, fragments = [], []
    for item in [*root.iter("item"), *root.iter(f"{ATOM}entry")]:
        for element in item:
            if element.tag in ("title", f"{ATOM}title"):
                titles.append(element.text or "")
                assert element.get("type") in (None, "text"), "titles must be plain text"
            if element.tag in ("description", CONTENT_ENCODED):
                fragments.append(element.text or "")
            if element.tag in (f"{ATOM}content", f"{ATOM}summary"):
                assert element.get("type") in (None, "text", "html"), element.get("type")
                if element.get("type") == "html":
                    fragments.append(element.text or "")
    for element in root.iter(f"{ATOM}subtitle"):
        assert element.get("type") in (None, "text")
    return titles, fragments


def test_feeds_carry_hostile_strings_only_as_text(client, world):
    urls = [
        reverse("feeds:issues_rss"),
        reverse("feeds:issues_atom"),
        reverse("feeds:articles_rss"),
        reverse("feeds:articles_atom"),
    ]
    # Region and topic feeds carry the same item HTML as the article feed (which holds every
    # article); their own strings (the name) are in the channel title and each item's section label.
    slugs = sorted({t.slug for a in world.articles for t in a.topics.all()})
    for kind, subjects in [("region", [r.slug for r in world.regions]), ("tag", slugs)]:
        for slug in subjects[:: max(1, len(subjects) // 6)]:
            urls += [
                reverse(f"feeds:{kind}_rss", kwargs={"slug": slug}),
                reverse(f"feeds:{kind}_atom", kwargs={"slug": slug}),
            ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        titles, fragments = _feed_html_parts(response.content)
        assert fragments, url
        for fragment in fragments:
            assert not problems(fragment), (url, problems(fragment)[:3])
        # The feed's items are there, with their hostile titles kept as text.
        assert any(t.startswith("标") or "期" in t for t in titles), url
    _, fragments = _feed_html_parts(client.get(reverse("feeds:issues_rss")).content)
    shown = text_of("".join(fragments))
    for issue in world.issues:
        assert marker(issue.theme) in shown
    for article in world.articles:
        assert marker(article.title) in shown


def test_admin_pages_history_diffs_and_previews_show_hostile_strings_as_text(client, world):
    client.force_login(world.superuser)
    for model in ["issue", "article", "outlet", "topic", "editor"]:
        url = reverse(f"admin:newsletter_{model}_changelist") + "?all="
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response.content.decode(), url)
    editors_page = get_ok(client, reverse("admin:newsletter_editor_changelist") + "?all=")
    assert_clean(editors_page, "editors", *[marker(e.name) for e in world.editors])
    regions_page = get_ok(client, reverse("admin:regions_region_changelist") + "?all=")
    assert_clean(regions_page, "regions", *[marker(r.name) for r in world.regions])
    outlets_page = get_ok(client, reverse("admin:newsletter_outlet_changelist") + "?all=")
    assert_clean(outlets_page, "outlets", *[marker(o.name) for o in world.outlets])

    for issue in [*world.issues, world.draft]:
        html = get_ok(client, reverse("admin:newsletter_issue_change", args=[issue.pk]))
        assert_clean(html, f"admin issue {issue.pk}", marker(issue.theme))
    draft_page = get_ok(client, reverse("admin:newsletter_issue_change", args=[world.draft.pk]))
    assert_clean(draft_page, "review comments", *[marker(c) for c in world.comments])

    for article in world.articles:
        html = get_ok(client, reverse("admin:newsletter_article_change", args=[article.pk]))
        captions = [marker(f.caption) for f in article.figures.all()]
        assert_clean(html, f"admin article {article.pk}", marker(article.title), *captions)
        if article.pk % 4 == 0:  # the list shows titles only as the revision note; a sample is enough
            history = get_ok(client, reverse("admin:newsletter_article_revisions", args=[article.pk]))
            assert_clean(history, f"revisions {article.pk}", marker(article.title))
        old, new = article.revisions.order_by("created_at", "pk")[:2]
        diff = get_ok(
            client, reverse("admin:newsletter_article_revision_diff", args=[article.pk]) + f"?a={old.pk}&b={new.pk}"
        )
        assert_clean(diff, f"diff {article.pk}", marker(article.title), "alert(1)")
        wechat = get_ok(client, reverse("newsletter_article_wechat", args=[article.pk]))
        assert_clean(wechat, f"wechat article {article.pk}", marker(article.title))

    for region in world.regions[:5]:
        assert_clean(
            get_ok(client, reverse("admin:regions_region_change", args=[region.pk])), region, marker(region.name)
        )
    for editor in world.editors[:5]:
        html = get_ok(client, reverse("admin:newsletter_editor_change", args=[editor.pk]))
        assert_clean(html, editor, marker(editor.name))

    for issue in [world.issues[0], world.draft]:
        wechat = get_ok(client, reverse("newsletter_issue_wechat", args=[issue.pk]))
        assert_clean(wechat, f"wechat issue {issue.pk}", "alert(1)")
        print_html = pdf.render_issue_html(pdf.print_queryset().get(pk=issue.pk), preview=True)
        assert_clean(print_html, f"print HTML {issue.pk}", "alert(1)")

    preview = get_ok(client, reverse("admin:newsletter_issue_preview", args=[world.draft.pk]))
    assert_clean(preview, "admin preview", marker(world.draft.theme))
    client.logout()
    shared = get_ok(client, previews.url_for(world.preview_link))
    assert_clean(shared, "shared preview", marker(world.draft.theme))


def test_admin_messages_after_saving_hostile_strings_are_escaped(client, world):
    client.force_login(world.superuser)
    article = factories.article(issue=world.draft, section=world.regions[0], title="普通标题")
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    data = single(form_data(get_ok(client, url)))
    for title in chunks(200, prefix="存{n} "):
        data.update(title=title, seen_version=str(article.version), _save="1")
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "messagelist" in html, "no admin message after save"
        assert_clean(html, "message after save", marker(title))
        article.refresh_from_db()
        assert article.title == single_line(title)
    history = get_ok(client, reverse("admin:newsletter_article_history", args=[article.pk]))
    assert_clean(history, "admin history", "修改")

    theme_url = reverse("admin:newsletter_issue_change", args=[world.draft.pk])
    data = single(form_data(get_ok(client, theme_url)))
    data["theme"] = chunks(200, prefix="改{n} ")[0]
    response = client.post(theme_url, {**data, "_continue": "1"}, follow=True)
    assert_clean(response.content.decode(), "issue message after save", "改1")

    region_url = reverse("admin:regions_region_add")
    response = client.post(region_url, {"name": PAYLOADS[0], "order": "5", "description": ALL}, follow=True)
    assert response.status_code == 200
    assert Region.objects.filter(name=PAYLOADS[0]).exists()
    assert_clean(response.content.decode(), "region message after add", PAYLOADS[0])


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def test_exports_hand_hostile_strings_back_verbatim_as_downloads_never_as_html(client, world):
    client.force_login(world.superuser)
    issue = world.issues[0]
    for fmt, content_type in [("json", "application/json"), ("markdown", "text/markdown")]:
        response = client.get(reverse("newsletter_issue_export", args=[issue.pk, fmt]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        text = response.content.decode()
        article = next(a for a in world.articles if a.issue_id == issue.pk)
        if fmt == "json":
            strings = set(json_strings(json.loads(text)))
            assert article.title in strings and article.body in strings
        else:
            assert article.title in text
    changelist = reverse("admin:newsletter_issue_changelist")
    response = client.post(
        changelist,
        {"action": "export_json", "_selected_action": [i.pk for i in world.issues[:3]], "index": "0"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")


def test_feed_url_rewriting_never_reads_inside_attribute_values():
    from newsletter.feed_generators import absolutize_urls

    fragment = '<img src="/media/a.png" alt="x src=y onerror=alert(1) <img src=x onerror=alert(1)>"><a href="#a" title=" href=z onclick=alert(1)">链接</a>'
    rewritten = absolutize_urls(fragment, "https://example.org/issues/2024/1/")
    assert problems(rewritten) == []
    assert 'src="https://example.org/media/a.png"' in rewritten
    assert 'href="https://example.org/issues/2024/1/#a"' in rewritten
    assert text_of(rewritten).count("onerror=alert(1)") == 2  # both still inside the alt text
