"""The article editor's paste endpoint: staff who may change articles get the cleaned HTML; nobody else does."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from newsletter.admin.paste import MAX_PASTE_BYTES
from newsletter.roles import EDITOR
from tests import factories
from tests.paste_helpers import expectations, problems, sample_dir

pytestmark = pytest.mark.django_db
URL = "/admin/newsletter/article/paste/clean/"


@pytest.fixture
def editor_client(client):
    client.force_login(factories.role_user("paste-editor", EDITOR))
    return client


def test_the_endpoint_lives_where_the_editor_posts_to():
    assert reverse("admin:newsletter_article_paste_clean") == URL


def test_an_editor_gets_a_word_clipboard_back_in_the_editors_schema(editor_client):
    raw = (sample_dir() / "word-1.html").read_text(encoding="utf-8")
    response = editor_client.post(URL, {"html": raw, "text": "纯文本"})
    assert response.status_code == 200
    assert problems(response.json()["html"], expectations()["word-1.html"]) == []


def test_plain_text_alone_is_rejoined_into_paragraphs(editor_client):
    response = editor_client.post(URL, {"html": "", "text": "第一行很长，没有在\n这里结束，第二行结束。\n\n新段落。"})
    assert response.json() == {"html": "<p>第一行很长，没有在这里结束，第二行结束。</p><p>新段落。</p>"}


def test_over_size_input_is_refused_with_a_chinese_message_and_not_cleaned(editor_client):
    response = editor_client.post(URL, {"html": "<p>字</p>" * (MAX_PASTE_BYTES // 10 + 1), "text": ""})
    assert response.status_code == 400
    assert response.json()["error"] == "粘贴的内容太大（超过 2 MB），请您分几次粘贴。"


def test_a_request_larger_than_both_fields_together_is_refused_before_it_is_read(editor_client):
    response = editor_client.post(URL, {"html": "a" * (MAX_PASTE_BYTES * 2 + 100_000)})
    assert response.status_code == 400
    assert "2 MB" in response.json()["error"]


def test_get_is_not_allowed(editor_client):
    assert editor_client.get(URL).status_code == 405


def test_staff_without_the_change_article_permission_is_refused(client):
    client.force_login(User.objects.create_user("visitor", "v@example.com", "pw", is_staff=True))
    response = client.post(URL, {"html": "<p>文</p>"})
    assert response.status_code == 403
    assert "权限" in response.json()["error"]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.post(URL, {"html": "<p>文</p>"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_post_without_the_csrf_token_is_refused(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(factories.role_user("paste-csrf", EDITOR))
    assert csrf_client.post(URL, {"html": "<p>文</p>"}).status_code == 403


def test_the_sample_files_answer_through_the_endpoint_as_they_do_directly(editor_client):
    for name, expected in expectations().items():
        raw = (sample_dir() / name).read_text(encoding="utf-8")
        html = editor_client.post(URL, {"html": raw}).json()["html"]
        assert problems(html, expected) == [], name
