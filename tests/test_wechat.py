"""「复制为公众号文章」: HTML that survives the WeChat editor, checked on the demo issue and on edge cases."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from newsletter.models import Issue
from newsletter.printing import pdf, wechat
from tests import factories

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def demo_issue():
    return pdf.print_queryset().get(year=2024, number=22)


def test_demo_issue_html_has_no_style_script_class_or_div(demo):
    html = wechat.build_issue(demo_issue()).html
    for forbidden in ("<style", "<script", "class=", "<div", " id="):
        assert forbidden not in html
    tags = {tag for tag, _ in Elements(html).elements}
    assert {"section", "p"} <= tags
    assert not tags & {"div", "figure", "figcaption", "article", "header", "nav", "main", "style", "script"}


def test_every_element_carries_its_styles_inline(demo):
    elements = Elements(wechat.build_issue(demo_issue()).html).elements
    unstyled = [(tag, attrs) for tag, attrs in elements if tag != "br" and not attrs.get("style")]
    assert unstyled == []
    # The classes of our template became concrete declarations, e.g. the red section head.
    assert any(tag == "p" and "color: #b3171d" in attrs["style"] for tag, attrs in elements)


def test_no_position_or_background_survives(demo):
    html = wechat.build_issue(demo_issue()).html
    styles = " ".join(attrs.get("style", "") for _, attrs in Elements(html).elements)
    assert not re.search(r"(^|[;\s])(position|background[\w-]*|z-index|float)\s*:", styles)


def test_demo_issue_keeps_titles_sections_and_source_lines_in_print_order(demo):
    issue = demo_issue()
    text = wechat.build_issue(issue).text
    position = 0
    for section, articles in issue.sections():
        position = text.index(f"【{section.name}】", position)
        for article in articles:
            position = text.index(article.title, position)
            position = text.index(article.source_line(), position)
    assert "<" not in text


def test_external_links_become_numbered_references_and_wechat_links_stay():
    issue = factories.issue(status=Issue.Status.DRAFT)
    factories.article(
        issue,
        title="链接测试",
        body="见[国务院政策文件库](https://www.gov.cn/zhengce/)，另见[同一文件库](https://www.gov.cn/zhengce/)"
        "和[上一期推送](https://mp.weixin.qq.com/s/abcdef)。",
    )
    result = wechat.build_issue(pdf.print_queryset().get(pk=issue.pk))
    assert 'href="https://www.gov.cn' not in result.html
    assert '<a href="https://mp.weixin.qq.com/s/abcdef">上一期推送</a>' in result.html
    assert result.references[0] == (1, "国务院政策文件库", "https://www.gov.cn/zhengce/")
    assert "国务院政策文件库<sup" in result.html and "同一文件库<sup" in result.html
    assert result.html.count(">[1]</sup>") == 2  # the same address keeps its number
    assert "参考资料" in result.text and "[1] 国务院政策文件库：https://www.gov.cn/zhengce/" in result.text
    # The issue's own web address is a reference too: WeChat refuses links to our site as well.
    assert any(url == f"http://testserver/issues/{issue.year}/{issue.number}/" for _, _, url in result.references)


def test_images_are_referenced_by_absolute_url(demo):
    result = wechat.build_issue(demo_issue())
    images = [attrs for tag, attrs in Elements(result.html).elements if tag == "img"]
    assert images and all(attrs["src"].startswith("http://testserver/media/figures/") for attrs in images)
    assert [url for url, _ in result.images] == [attrs["src"] for attrs in images]


def test_an_issue_over_the_wechat_limit_says_which_article_to_split():
    issue = factories.issue(status=Issue.Status.DRAFT)
    paragraph = "这是一段用于测试公众号字数上限的正文内容。" * 40  # 800 characters
    for n, title in enumerate(["第一篇长文", "第二篇长文", "第三篇长文"], start=1):
        factories.article(issue, title=title, position=n, body="\n\n".join([paragraph] * 10))
    result = wechat.build_issue(pdf.print_queryset().get(pk=issue.pk))
    assert result.char_count > wechat.WECHAT_CHAR_LIMIT
    assert len(result.warnings) == 1
    assert "请从《第三篇长文》起拆分" in result.warnings[0]


def test_an_issue_within_the_limit_has_no_warning(demo):
    result = wechat.build_issue(demo_issue())
    assert 0 < result.char_count < wechat.WECHAT_CHAR_LIMIT
    assert result.warnings == []


def test_issue_copy_page_has_the_button_script_file_preview_and_upload_note(demo, admin_client):
    issue = Issue.objects.get(year=2024, number=22)
    response = admin_client.get(reverse("newsletter_issue_wechat", args=[issue.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="wechat-copy"' in page and 'id="wechat-plain"' in page
    assert "js/wechat_copy.js" in page
    for script in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in script or "application/json" in script  # no inline script
    assert "图片需要上传到公众号" in page
    assert "http://testserver/media/figures/" in page
    assert "多地探索养老服务时间银行" in page


def test_article_copy_page_shows_one_article(demo, admin_client):
    issue = Issue.objects.get(year=2024, number=22)
    article = issue.articles.get(title="县域商业体系建设提速")
    response = admin_client.get(reverse("newsletter_article_wechat", args=[article.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "县域商业体系建设提速" in page
    assert "多地探索养老服务时间银行" not in page
    assert f"http://testserver{article.get_absolute_url()}" in page


def test_copy_pages_need_permission_to_view_the_content(client, django_user_model):
    issue = factories.issue(status=Issue.Status.DRAFT)
    article = factories.article(issue)
    client.force_login(django_user_model.objects.create_user("bystander", password="pw", is_staff=True))
    assert client.get(reverse("newsletter_issue_wechat", args=[issue.pk])).status_code == 403
    assert client.get(reverse("newsletter_article_wechat", args=[article.pk])).status_code == 403
