"""The article page's body editor, from the server's side: what it shows, what a POST stores.

The editor posts HTML; whatever is posted (a browser that bypasses the editor, a hostile account),
the stored body is Markdown holding only the allowed structure, and the public page shows nothing
that runs."""

import json
import re

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.admin.guards import FROZEN_STATES
from newsletter.body_format import markdown_to_editor_html
from newsletter.models import Article, Figure, Issue
from tests import factories
from tests.security.html_checks import inspect
from tests.security.xss_payloads import PAYLOADS
from tests.test_locking import article_form_data

pytestmark = pytest.mark.django_db

RENDERED_TAGS = {"p", "h3", "h4", "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr", "th", "td"}
RENDERED_TAGS |= {"strong", "em", "a", "span", "figure", "img", "figcaption"}


def post_body(client, article, body):
    article = Article.objects.get(pk=article.pk)
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    return client.post(url, article_form_data(article, body=body))


@pytest.fixture
def draft_article():
    issue = factories.issue(status=Issue.Status.DRAFT)
    return factories.article(issue=issue, body="原来的正文。")


def test_the_article_page_shows_the_stored_body_as_editor_html_with_its_figures(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    article = factories.article(issue=issue, body="导语。\n\n# 小标题\n\n[[figure:1]]\n\n- 甲\n- 乙")
    figure = factories.figure(article, caption="示意图")
    Figure.objects.filter(pk=figure.pk).update(credit="新华社")
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    textarea = document.find(".//textarea[@name='body']")
    assert textarea.text == (
        '<p>导语。</p><h2>小标题</h2><figure data-figure="1"></figure><ul><li><p>甲</p></li><li><p>乙</p></li></ul>'
    )
    assert textarea.get("data-django-prose-editor-configurable")
    figures = document.find(".//script[@id='newsletter-figures']")
    assert [
        (f["position"], f["number"], f["caption"], f["credit"], f["needs_image"]) for f in json.loads(figures.text)
    ] == [(1, 1, "示意图", "新华社", False)]
    assert "Markdown" not in page.split('name="body"')[0].rsplit("<label", 1)[-1]


def test_saving_the_page_unchanged_keeps_every_demo_body_byte_for_byte(client, chief_user):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))
    client.force_login(chief_user)
    # The chief may correct published issues; issues under review are frozen for everyone.
    articles = list(Article.objects.exclude(issue__status__in=FROZEN_STATES))
    assert len(articles) >= 5
    for article in articles:
        before = article.body
        response = post_body(client, article, markdown_to_editor_html(before))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Article.objects.get(pk=article.pk).body == before, article.title


def test_markdown_typed_into_the_editor_is_stored_as_text_and_shown_as_typed(client, editor_user, draft_article):
    client.force_login(editor_user)
    typed = "# 不是标题 **不是加粗** [[figure:1]] <b>不是标签</b> 1. 不是列表"
    html = "<p>" + typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
    assert post_body(client, draft_article, html).status_code == 302
    article = Article.objects.get(pk=draft_article.pk)
    text = "".join(html5lib.parse(article.body_html, namespaceHTMLElements=False).find("body").itertext())
    assert text == typed
    assert "<figure" not in article.body_html and "<b>" not in article.body_html


def test_every_structure_of_the_editor_is_stored_as_markdown(client, editor_user, draft_article):
    client.force_login(editor_user)
    html = (
        "<p>【湖北】武汉<strong>加粗</strong>与<em>斜体</em>，见<a href='https://example.com/a'>链接</a>。</p>"
        "<h2>小标题</h2><h3>二级小标题</h3><ol><li><p>一</p></li><li><p>二</p></li></ol>"
        "<ul><li><p>甲</p></li></ul><blockquote><p>引文</p></blockquote>"
        "<table><tbody><tr><th><p>指标</p></th></tr><tr><td><p>3.8</p></td></tr></tbody></table>"
    )
    assert post_body(client, draft_article, html).status_code == 302
    article = Article.objects.get(pk=draft_article.pk)
    assert article.body == (
        "【湖北】武汉**加粗**与*斜体*，见[链接](https://example.com/a)。\n\n# 小标题\n\n## 二级小标题\n\n"
        "1. 一\n2. 二\n\n- 甲\n\n> 引文\n\n| 指标 |\n| --- |\n| 3.8 |"
    )
    assert '<span class="region-marker">【湖北】</span>' in article.body_html
    assert "<h3>小标题</h3>" in article.body_html and "<h4>二级小标题</h4>" in article.body_html


def test_an_outside_image_left_in_the_body_is_refused_in_chinese_and_nothing_is_saved(
    client, editor_user, draft_article
):
    client.force_login(editor_user)
    html = '<p>新的正文。</p><img src="https://mmbiz.qpic.cn/a.png" alt="图">'
    response = post_body(client, draft_article, html)
    assert response.status_code == 200
    page = response.content.decode()
    assert "正文中有 1 张外部图片还没有上传" in page and "https://mmbiz.qpic.cn/a.png" in page
    assert Article.objects.get(pk=draft_article.pk).body == "原来的正文。"


def assert_only_allowed_structure(article, where):
    body = article.body
    assert not re.search(r"<[A-Za-z/!?]", body), (where, body)  # no raw HTML in the Markdown
    document = html5lib.parse(article.body_html, treebuilder="etree", namespaceHTMLElements=False)
    for element in document.find("body").iter():
        if not isinstance(element.tag, str) or element.tag == "body":
            continue
        assert element.tag in RENDERED_TAGS, (where, element.tag, body)
        for name, value in element.attrib.items():
            if element.tag == "a" and name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), (where, value)
            else:
                assert (element.tag, name) in {("a", "rel"), ("span", "class")}, (where, element.tag, name)
    found, _ = inspect(article.body_html)
    assert not found, (where, found)


def test_hostile_html_posted_past_the_editor_stores_only_text_and_allowed_structure(client, editor_user, draft_article):
    client.force_login(editor_user)
    for index, payload in enumerate(PAYLOADS):
        body = f'<p>第{index}段。</p>{payload}<p style="color:red" data-x="1" onclick="x()">尾{index}。</p>'
        response = post_body(client, draft_article, body)
        assert response.status_code in (200, 302), payload
        article = Article.objects.get(pk=draft_article.pk)
        if response.status_code == 200:  # refused (an outside image left in it): nothing was stored
            assert "外部图片" in response.content.decode(), payload
            continue
        assert article.body.startswith(f"第{index}段。"), (payload, article.body)
        # (What follows an unclosed <select> or <textarea> is inside it, as in a browser: not text.)
        assert_only_allowed_structure(article, payload)


def test_the_public_page_of_an_article_saved_with_every_payload_runs_nothing(client, editor_user, draft_article):
    client.force_login(editor_user)
    body = "".join(f"<p>段{i}：{payload}</p>" for i, payload in enumerate(PAYLOADS) if "https://" not in payload)
    assert post_body(client, draft_article, body).status_code == 302
    article = Article.objects.get(pk=draft_article.pk)
    assert_only_allowed_structure(article, "all payloads")
    Issue.objects.filter(pk=article.issue_id).update(status=Issue.Status.PUBLISHED, published_at=timezone.now())
    client.logout()
    response = client.get(Article.objects.get(pk=article.pk).get_absolute_url())
    assert response.status_code == 200
    found, text = inspect(response.content.decode())
    assert not found, found[:5]
    assert "段0：" in text


def test_an_article_page_that_cannot_be_changed_shows_the_body_as_readers_read_it(client, editor_user):
    issue = factories.issue(status=Issue.Status.IN_REVIEW)
    article = factories.article(issue=issue, body="冻结的**正文**。\n\n# 小标题")
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    assert 'name="body"' not in page
    assert "冻结的<strong>正文</strong>。" in page and "<h3>小标题</h3>" in page
    assert "**" not in page
