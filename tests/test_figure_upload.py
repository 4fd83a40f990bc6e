"""The article editor's figure endpoints: an uploaded image becomes a numbered Figure of the article
with the admin's validation and re-encoding; captions are edited in place; bad input, a frozen issue
or a stale page write nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsletter.models import Article, ArticleRevision, Figure, Issue
from tests import factories

pytestmark = pytest.mark.django_db
S = Issue.Status


def upload_url(article):
    return reverse("admin:newsletter_article_figure_upload", args=[article.pk])


def update_url(article, figure):
    return reverse("admin:newsletter_article_figure_update", args=[article.pk, figure.pk])


def png(name="照片.png", size=(60, 40)):
    return SimpleUploadedFile(name, factories.png_bytes(size), content_type="image/png")


def draft_article(**fields):
    issue = factories.issue(status=S.DRAFT, credits=False)
    return factories.article(issue, body="第一段。\n\n[[figure:1]]", **fields)


@pytest.fixture
def editor(client, editor_user):
    client.force_login(editor_user)
    return client


def test_an_uploaded_image_becomes_the_articles_next_figure_numbered_through_the_issue(editor):
    article = draft_article(position=2)
    earlier = factories.article(article.issue, position=1)
    factories.figure(earlier, caption="前一篇的图")
    factories.figure(article, caption="本文第一张图", position=1)
    version = Article.objects.get(pk=article.pk).version

    response = editor.post(
        upload_url(article),
        {"image": png(), "caption": "新上传的图", "credit": "新华社", "alt_text": "柱状图", "version": version},
    )

    assert response.status_code == 200, response.content.decode()
    data = response.json()
    figure = Figure.objects.get(pk=data["id"])
    assert (data["position"], data["number"]) == (2, 3)  # [[figure:2]] of this article, 图 3 of the issue
    assert (data["caption"], data["credit"], data["alt_text"]) == ("新上传的图", "新华社", "柱状图")
    assert data["thumbnail"] == figure.image.url and figure.image.name.startswith("figures/")
    assert (figure.width, figure.height) == (60, 40)
    stored = Article.objects.get(pk=article.pk)
    assert data["version"] == stored.version == version + 1
    assert "图 3 新上传的图" in stored.body_html and "图片来源：新华社" in stored.body_html
    assert stored.revisions.latest("pk").note == "添加图片"


def test_the_uploaded_file_is_re_encoded_without_its_metadata(editor):
    article = draft_article()
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    Image.new("RGB", (30, 20), (1, 2, 3)).save(buffer, format="JPEG", exif=exif, comment=b"<script>x</script>")
    upload = SimpleUploadedFile("a.jpg", buffer.getvalue() + b"<html><script>alert(1)</script></html>")

    response = editor.post(upload_url(article), {"image": upload, "caption": "图注"})

    assert response.status_code == 200
    stored = Figure.objects.get(pk=response.json()["id"]).image.read()
    assert b"SecretCam" not in stored and b"<script" not in stored and b"<html" not in stored


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"caption": "图注"}, "请选择要上传的图片文件。"),
        ({"image": "png", "caption": "  "}, "请填写图注"),
        ({"image": "svg", "caption": "图注"}, "不接受 SVG 图片"),
        ({"image": "text", "caption": "图注"}, "无法识别的图片文件"),
        ({"image": "png", "caption": "长" * 301}, "图注："),
        ({"image": "png", "caption": "图注", "version": "abc"}, "版本号无效"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(editor, fields, message):
    article = draft_article()
    files = {
        "png": png(),
        "svg": SimpleUploadedFile("x.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        "text": SimpleUploadedFile("x.png", "这不是图片".encode()),
    }
    data = {**fields}
    if "image" in data:
        data["image"] = files[data["image"]]
    before = Article.objects.get(pk=article.pk)

    response = editor.post(upload_url(article), data)

    assert response.status_code == 400
    assert message in response.json()["error"] and response.json()["error"].endswith("。")
    assert not Figure.objects.filter(article=article).exists()
    after = Article.objects.get(pk=article.pk)
    assert (after.version, after.body_html) == (before.version, before.body_html)
    assert not ArticleRevision.objects.filter(article=article).exists()


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.APPROVED])
def test_nobody_adds_or_changes_figures_of_an_article_in_a_frozen_issue(client, chief_user, status):
    article = draft_article()
    figure = factories.figure(article, caption="原图注")
    Issue.objects.filter(pk=article.issue_id).update(status=status)
    client.force_login(chief_user)

    uploaded = client.post(upload_url(article), {"image": png(), "caption": "新图"})
    changed = client.post(update_url(article, figure), {"caption": "改过的图注"})

    assert (uploaded.status_code, changed.status_code) == (403, 403)
    assert "内容已冻结" in uploaded.json()["error"]
    assert list(Figure.objects.filter(article=article).values_list("caption", flat=True)) == ["原图注"]


def test_an_editor_may_not_add_figures_to_a_published_issue_but_the_chief_may(client, editor_user, chief_user):
    issue = factories.issue(status=S.PUBLISHED, credits=False)
    article = factories.article(issue)
    client.force_login(editor_user)
    assert client.post(upload_url(article), {"image": png(), "caption": "图"}).status_code == 403
    client.force_login(chief_user)
    response = client.post(upload_url(article), {"image": png(), "caption": "更正时补的图"})
    assert response.status_code == 200
    assert ArticleRevision.objects.filter(article=article, is_correction=True).exists()


def test_a_reviewer_may_correct_a_caption_but_not_add_figures_as_in_the_admin(client, reviewer_user):
    article = draft_article()
    figure = factories.figure(article, caption="原图注")
    client.force_login(reviewer_user)

    uploaded = client.post(upload_url(article), {"image": png(), "caption": "图"})
    corrected = client.post(update_url(article, figure), {"caption": "审核改过的图注"})

    assert uploaded.status_code == 403 and uploaded.json()["error"] == "您没有修改这篇文章图片的权限。"
    assert corrected.status_code == 200
    assert list(Figure.objects.filter(article=article).values_list("caption", flat=True)) == ["审核改过的图注"]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    article = draft_article()
    response = client.post(upload_url(article), {"image": png(), "caption": "图"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Figure.objects.exists()


def test_an_upload_from_a_page_opened_before_someone_elses_save_is_refused(editor):
    article = draft_article()
    seen = Article.objects.get(pk=article.pk).version
    Article.objects.filter(pk=article.pk).update(version=seen + 1)  # another editor saved meanwhile

    response = editor.post(upload_url(article), {"image": png(), "caption": "图", "version": seen})

    assert response.status_code == 409
    assert "其他人已修改并保存了这篇文章" in response.json()["error"]
    assert not Figure.objects.filter(article=article).exists()


def test_the_article_form_saves_after_an_upload_with_the_version_the_upload_returned(editor):
    article = draft_article()
    response = editor.post(upload_url(article), {"image": png(), "caption": "图", "version": article.version})
    new_version = response.json()["version"]
    assert new_version == article.version + 1
    page = editor.get(reverse("admin:newsletter_article_change", args=[article.pk]))
    assert f'name="seen_version" value="{new_version}"' in page.content.decode()


def test_caption_credit_and_alt_text_are_changed_in_place(editor):
    article = draft_article()
    figure = factories.figure(article, caption="旧图注")

    response = editor.post(update_url(article, figure), {"caption": "新图注", "credit": "<b>人民视觉</b>"})

    assert response.status_code == 200
    data = response.json()
    assert (data["caption"], data["credit"], data["number"], data["position"]) == ("新图注", "<b>人民视觉</b>", 1, 1)
    figure.refresh_from_db()
    assert figure.alt_text == "旧图注的示意"  # not sent, not changed
    body_html = Article.objects.get(pk=article.pk).body_html
    assert "图 1 新图注" in body_html and "图片来源：&lt;b&gt;人民视觉&lt;/b&gt;" in body_html


def test_a_figure_of_another_article_cannot_be_changed_through_this_one(editor):
    article, other = draft_article(), draft_article()
    figure = factories.figure(other, caption="别人的图")
    response = editor.post(update_url(article, figure), {"caption": "改"})
    assert response.status_code == 404
    figure.refresh_from_db()
    assert figure.caption == "别人的图"


def test_an_empty_caption_is_refused_in_place(editor):
    article = draft_article()
    figure = factories.figure(article, caption="原图注")
    response = editor.post(update_url(article, figure), {"caption": ""})
    assert response.status_code == 400 and "请填写图注" in response.json()["error"]
    figure.refresh_from_db()
    assert figure.caption == "原图注"


def test_the_endpoints_answer_only_post(editor):
    article = draft_article()
    response = editor.get(upload_url(article))
    assert response.status_code == 405 and response.json()["error"].endswith("。")


def test_an_unknown_article_answers_404_in_chinese(editor):
    response = editor.post(reverse("admin:newsletter_article_figure_upload", args=[999999]), {"caption": "图"})
    assert response.status_code == 404 and "找不到这篇文章" in response.json()["error"]


def test_a_post_without_the_csrf_token_is_refused(editor_user):
    from django.test import Client

    article = draft_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_user)
    response = client.post(upload_url(article), {"image": png(), "caption": "图"})
    assert response.status_code == 403
    assert not Figure.objects.filter(article=article).exists()


def test_the_body_field_tells_the_editor_its_figure_endpoints_and_figures(editor):
    import html as html_lib
    import json
    import re

    article = draft_article()
    factories.figure(article, caption="已有的图")
    page = editor.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    raw = re.search(
        r'<textarea[^>]*name="body"[^>]*data-figure-upload="([^"]*)"|'
        r'<textarea[^>]*data-figure-upload="([^"]*)"[^>]*name="body"',
        page,
    )
    config = json.loads(html_lib.unescape(raw.group(1) or raw.group(2)))
    assert config["saved"] is True
    assert config["upload"] == upload_url(article)
    assert config["update"].replace("{id}", "7") == reverse(
        "admin:newsletter_article_figure_update", args=[article.pk, 7]
    )
    assert [(f["position"], f["number"], f["caption"]) for f in config["figures"]] == [(1, 1, "已有的图")]


def test_a_new_article_tells_the_editor_to_save_before_inserting_images(editor):
    article = draft_article()
    editor.get(reverse("admin:newsletter_article_change", args=[article.pk]))  # no attributes carried over
    page = editor.get(reverse("admin:newsletter_article_add")).content.decode()
    assert "请先保存文章，再插入图片。" in page
    assert upload_url(article) not in page
