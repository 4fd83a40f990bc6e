"""The article editor's live preview: the change form's fields rendered as readers will see them,
without saving anything."""

import datetime

import html5lib
import pytest
from django.urls import reverse

from newsletter.models import Article, ArticleRevision, Issue, Outlet, Source
from tests import factories
from tests.security.html_checks import problems, text_of
from tests.security.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db


def _url(article=None):
    if article is None:
        return reverse("admin:newsletter_article_preview")
    return reverse("admin:newsletter_article_preview", args=[article.pk])


def _fields(article, **overrides):
    data = {
        "issue": article.issue_id or "",
        "section": article.section_id or "",
        "position": article.position,
        "title": article.title,
        "short_title": article.short_title,
        "summary": article.summary,
        "body": "<p>正文。</p>",
        "regions": "",
        "topics": "",
        "source_line": article.source_line(),
    }
    data.update(overrides)
    return data


def _snapshot():
    return (
        list(Article.objects.order_by("pk").values()),
        list(Source.objects.order_by("pk").values()),
        list(Outlet.objects.order_by("pk").values()),
        ArticleRevision.objects.count(),
    )


def _element(html, tag, css_class):
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return [e for e in document.iter(tag) if css_class in (e.get("class") or "").split()]


def test_the_preview_is_the_public_article_page_with_the_typed_text_and_saves_nothing(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    article = factories.article(issue=issue, title="原来的标题", body="原来的正文。")
    before = _snapshot()
    client.force_login(editor_user)
    response = client.post(
        _url(article),
        _fields(
            article,
            title="新标题",
            body="<h2>小标题</h2><p>【湖北】刚刚输入的<strong>正文</strong>。</p><ul><li><p>一条</p></li></ul>",
            source_line="（金融时报 中央财经大学绿色金融国际研究院 20241210）",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The public article page's own template and the site's stylesheet.
    assert 'class="article-page' in page and "/static/" in page and 'rel="stylesheet"' in page
    title = _element(page, "h1", "article-title")
    assert [t.text for t in title] == ["新标题"]
    body = _element(page, "div", "article-body")[0]
    body_html = "".join(html5lib.serializer.serialize(child, tree="etree") for child in body)
    assert "<h2>小标题</h2>" in body_html  # the editor's 小标题, at the level the public page gives it
    assert [e.text for e in _element(page, "span", "region-marker")] == ["【湖北】"]
    assert "<strong>正文</strong>" in body_html
    assert "（金融时报 中央财经大学绿色金融国际研究院 20241210）" in text_of(page)
    assert _snapshot() == before


def _article_body(html):
    body = _element(html, "div", "article-body")[0]
    return "".join(html5lib.serializer.serialize(child, tree="etree") for child in body)


def test_the_preview_shows_the_body_exactly_as_the_public_page_shows_it_once_saved(client, chief_user):
    from newsletter.body_format import editor_html_to_markdown

    issue = factories.issue(status=Issue.Status.PUBLISHED)
    article = factories.article(issue=issue)
    factories.figure(article, caption="碳市场成交量")
    editor_html = (
        '<p>第一段<em>强调</em>，<a href="https://example.com/a">链接</a>。</p><figure data-figure="1"></figure>'
        "<h3>二级小标题</h3><blockquote><p>引文。</p></blockquote>"
        "<table><tbody><tr><th><p>地区</p></th><th><p>数量</p></th></tr><tr><td><p>湖北</p></td><td><p>3</p></td></tr></tbody></table>"
        "<ol><li><p>一</p></li><li><p>二</p></li></ol>"
    )
    client.force_login(chief_user)  # a published issue is corrected by the chief editor
    preview = client.post(_url(article), _fields(article, body=editor_html)).content.decode()

    article.body = editor_html_to_markdown(editor_html)
    article.save()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200, response.status_code
    public = response.content.decode()
    assert "碳市场成交量" in _article_body(public)
    assert _article_body(preview) == _article_body(public)


def test_the_issue_view_shows_the_article_in_its_issue_among_the_others(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    first = factories.article(issue=issue, title="第一篇", position=1)
    article = factories.article(issue=issue, title="第二篇旧标题", position=2)
    factories.article(issue=issue, title="第三篇", position=3)
    client.force_login(editor_user)
    response = client.post(
        _url(article), _fields(article, title="第二篇新标题", body="<p>新的正文。</p>", view="issue")
    )
    page = response.content.decode()
    titles = [e.findtext("a") for e in _element(page, "h3", "article-title")]
    assert titles == ["第一篇", "第二篇新标题", "第三篇"]
    assert "第二篇旧标题" not in page and "新的正文。" in text_of(page)
    assert first.title in page
    assert 'class="issue-page' in page


def test_a_new_article_can_be_previewed_before_it_exists(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    factories.article(issue=issue, title="已有的文章", position=1)
    section = factories.region("区域")
    before = _snapshot()
    client.force_login(editor_user)
    data = {"issue": issue.pk, "section": section.pk, "position": 5, "title": "还没保存的文章", "body": "<p>草稿。</p>"}
    page = client.post(_url(), data).content.decode()
    assert [t.text for t in _element(page, "h1", "article-title")] == ["还没保存的文章"]
    issue_page = client.post(_url(), {**data, "view": "issue"}).content.decode()
    assert [e.findtext("a") for e in _element(issue_page, "h3", "article-title")] == ["已有的文章", "还没保存的文章"]
    unplaced = client.post(_url(), {"title": "未编入期刊", "body": "<p>x</p>", "view": "issue"}).content.decode()
    assert "本文尚未编入期刊" in unplaced
    assert _snapshot() == before


def test_hostile_bodies_titles_and_source_lines_never_run_in_the_preview(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    article = factories.article(issue=issue)
    client.force_login(editor_user)
    for payload in PAYLOADS:
        for view in ("article", "issue"):
            response = client.post(
                _url(article),
                _fields(
                    article,
                    title=payload[:200],
                    summary=payload,
                    body=f"<p>{payload}</p>{payload}",
                    source_line=payload,
                    view=view,
                ),
            )
            assert response.status_code == 200
            assert problems(response.content.decode()) == [], payload


def test_the_preview_response_forbids_scripts_and_may_be_framed_only_by_the_admin(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    response = client.post(_url(article), _fields(article))
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'self'" in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_only_a_post_with_a_csrf_token_is_answered(editor_user):
    from django.test import Client

    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor_user)
    assert strict.post(_url(article), _fields(article)).status_code == 403
    assert strict.get(_url(article)).status_code == 405


def test_readers_and_staff_without_change_permission_get_no_preview(client, reviewer_user, django_user_model):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    response = client.post(_url(article), _fields(article))
    assert response.status_code == 302 and "/login/" in response["Location"]  # anonymous: to the sign-in page
    outsider = django_user_model.objects.create_user("staff_only", password="x", is_staff=True)
    client.force_login(outsider)
    assert client.post(_url(article), _fields(article)).status_code == 403
    assert client.post(_url(), _fields(article)).status_code == 403


def test_an_article_whose_issue_is_frozen_gets_no_preview_of_edits(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.IN_REVIEW))
    client.force_login(editor_user)
    assert client.post(_url(article), _fields(article)).status_code == 403


def test_a_missing_article_is_404(client, editor_user):
    client.force_login(editor_user)
    assert client.post(reverse("admin:newsletter_article_preview", args=[987654]), {"title": "x"}).status_code == 404


def test_a_bad_source_line_keeps_the_current_sources_in_the_preview(client, editor_user):
    article = factories.article(
        issue=factories.issue(status=Issue.Status.DRAFT), sources=(("测试日报", datetime.date(2024, 12, 1)),)
    )
    client.force_login(editor_user)
    page = client.post(_url(article), _fields(article, source_line="（新报 20241332）")).content.decode()
    assert "（测试日报 20241201）" in text_of(page)
    assert not Outlet.objects.filter(name="新报").exists()


def test_the_change_page_offers_the_preview(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    assert f'data-preview-url="{_url(article)}"' in page
    assert "newsletter/editor/preview.js" in page
    assert f'formaction="{_url(article)}"' in page  # works without JavaScript too: opens in a new tab
    add_page = client.get(reverse("admin:newsletter_article_add")).content.decode()
    assert f'data-preview-url="{_url()}"' in add_page
