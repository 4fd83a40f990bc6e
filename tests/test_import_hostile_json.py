"""Hostile or wrong JSON files given to import_issue, and hostile files of every format given to the
admin upload: each gets one clear Chinese message and nothing of a refused file is written; text is
normalised where it enters and raw HTML never becomes live. (Word files: test_import_hostile_word.py.)"""

import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.importing.formats import ENCRYPTED
from newsletter.importing.json_input import MAX_ARTICLES
from newsletter.models import Article, Figure, Issue
from tests import import_file_helpers
from tests.import_file_helpers import LAUGHS, encrypted_office_file, import_file, refused_import, with_doctype
from tests.import_report_helpers import confirm_upload
from tests.importing_helpers import snapshot

world = import_file_helpers.world  # the shared fixture (the database these tests start from)


# ------------------------------------------------------------------------------------------------
# JSON.


def _issue_json(**changes):
    data = {
        "publication": "双周决策观察",
        "year": 2022,
        "number": 4,
        "total_number": 190,
        "issue_date": "2022-02-24",
        "sections": [
            {
                "region": "浙江",
                "articles": [
                    {"title": "杭州推进未来社区建设", "body_markdown": "杭州市发布未来社区建设方案。", "sources": []}
                ],
            }
        ],
    }
    data.update(changes)
    return data


def _json_bytes(data):
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _article_json(**fields):
    article = {"title": "杭州推进未来社区建设", "body_markdown": "杭州市发布未来社区建设方案。"}
    article.update(fields)
    return _issue_json(sections=[{"region": "浙江", "articles": [article]}])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 200000 + b"]" * 200000, "嵌套过深"),
        (b'{"a":' * 200000 + b"1" + b"}" * 200000, "嵌套过深"),
        (b'{"year": ' + b"9" * 20000 + b"}", "数字位数过多"),
        (_json_bytes(_issue_json(year=1e300)), "“year”应是整数"),
        (b'{"publication": "x", "year": ' + b"9" * 4000 + b"}", "“year”应在 1900 到 2200 之间，现在是 9999"),
        (b'{"publication": "x", "year": 1e999}', "“year”应是整数"),
        (b'{"publication": "x", "year": NaN}', "“year”应是整数"),
        (_json_bytes([_issue_json()]), "最外层应是一个对象"),
        (_json_bytes(_issue_json(publication=7)), "“publication”应是文字"),
        (_json_bytes(_issue_json(publication=None)), "缺少字段“publication”"),
        (_json_bytes(_issue_json(publication="\u0000\u200b\u2028")), "“publication”不能为空"),
        (_json_bytes(_issue_json(sections={"region": "浙江"})), "“sections”应是列表"),
        (_json_bytes(_issue_json(sections=[["浙江"]])), "“sections[0]”应是一个对象"),
        (_json_bytes(_issue_json(sections=[{"region": "浙江", "articles": [None]}])), "“sections[0].articles[0]”"),
        (_json_bytes(_article_json(title=["杭州"])), "“sections[0].articles[0].title”应是文字"),
        (_json_bytes(_article_json(sources=[3])), "“sections[0].articles[0].sources[0]”应是一个对象"),
        (_json_bytes(_article_json(sources=[{"outlet": {"name": "x"}}])), "sources[0].outlet”应是文字"),
        (_json_bytes(_article_json(figures="图 1")), "figures”应是列表"),
        (_json_bytes(_article_json(region_tags=[1, 2])), "region_tags”应是文字的列表"),
        (_json_bytes(_issue_json(issue_date="2024-02-30")), "“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (_json_bytes(_issue_json(issue_date="2024-W09-1")), "“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (_json_bytes(_issue_json(issue_date=20240224)), "“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (_json_bytes(_article_json(sources=[{"outlet": "人民日报", "date": "2024-13-01"}])), "sources[0].date"),
        ("\ufeff".encode() + _json_bytes(_issue_json()).replace(b"2022", b"x2022", 1), "不是有效的 JSON"),
        (json.dumps(_issue_json(), ensure_ascii=False).encode("utf-16"), "UTF-16"),
    ],
)
def test_a_hostile_or_wrong_json_file_gets_a_clear_message_and_nothing_is_written(world, tmp_path, content, message):
    out = refused_import(tmp_path, content, name="issue.json")
    assert message in out, out
    assert "Traceback" not in out and len(out) < 1000  # a wrong value is quoted cut short


def test_a_json_issue_with_more_articles_than_an_issue_has_is_refused(world, tmp_path):
    articles = [{"title": f"文章{n}", "body_markdown": "正文。"} for n in range(50000)]
    data = _issue_json(sections=[{"region": "浙江", "articles": articles}])
    out = refused_import(tmp_path, _json_bytes(data), name="issue.json")
    assert f"一期最多 {MAX_ARTICLES} 篇文章" in out


def test_a_json_issue_with_a_bom_imports(world, tmp_path):
    out, _, failed = import_file(tmp_path, "\ufeff".encode() + _json_bytes(_issue_json()), name="issue.json")
    assert failed is None, out
    assert Issue.objects.get().total_number == 190


def test_invisible_characters_and_lone_surrogates_in_a_json_issue_are_normalised_where_they_enter(world, tmp_path):
    article = {
        "title": "杭州\u2028推进\u0000未来\u202e社区\ud800建设\u200b",
        "body_markdown": "杭州市\u0000发布\ud800未来社区\u2028建设方案。\r\n\u2029第二段\ufeff。",
        "figures": [{"caption": "图\t1\x0b 社区\udfff分布", "alt": "\u0007地图"}],
    }
    content = json.dumps(_issue_json(sections=[{"region": "浙\u200b江", "articles": [article]}])).encode("ascii")
    assert b"\\ud800" in content and b"\\u0000" in content
    out, _, failed = import_file(tmp_path, content, name="issue.json")
    assert failed is None, out
    stored = Article.objects.get()
    assert stored.title.startswith("杭州 推进未来")
    assert "\x00" not in stored.body and "\ud800" not in stored.body and "\u2028" not in stored.body
    assert "第二段" in stored.body
    assert "\u202e" not in stored.title
    assert Figure.objects.get().caption == "图 1 社区分布"


def test_a_json_body_with_raw_html_and_script_links_is_stored_as_the_editors_markdown_and_never_live(
    world, tmp_path, client
):
    body = (
        "第一段<script>alert(1)</script>。\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[点我](javascript:alert(3)) 和 [链接](JaVaScRiPt:alert(4))\n\n"
        '<a href="javascript:alert(5)">锚</a>\n\n'
        "[正常](https://example.org/)"
    )
    out, _, failed = import_file(tmp_path, _json_bytes(_article_json(body_markdown=body)), name="issue.json")
    assert failed is None, out
    from newsletter.body_format import canonical_markdown

    article = Article.objects.get()
    assert article.body == canonical_markdown(article.body)  # the form the editor would store
    assert "<script" not in article.body and "javascript:" not in article.body.lower()
    assert "[正常](https://example.org/)" in article.body
    html = article.body_html.lower()
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert 'href="https://example.org/"' in html
    issue = article.issue
    issue.status, issue.published_at = Issue.Status.PUBLISHED, timezone.now()
    issue.save()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode().lower()
    assert "第一段" in page and "<script>alert" not in page and 'href="javascript' not in page
    assert not re.search(r"<[a-z]+[^>]*\sonerror", page)


def test_the_admin_upload_refuses_hostile_files_with_the_same_messages_and_confirming_writes_nothing(
    world, client, superuser, tmp_path, settings
):
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    hostile = {
        "laughs.docx": (with_doctype(LAUGHS, "&j;"), "内部含有文档类型声明（DOCTYPE）"),
        "locked.docx": (encrypted_office_file(), ENCRYPTED),
        "deep.json": (b"[" * 100000 + b"]" * 100000, "JSON 嵌套过深"),
        "bad-date.json": (_json_bytes(_issue_json(issue_date="2024-02-30")), "应是 YYYY-MM-DD 形式的日期"),
    }
    uploads = []
    for name, (content, _) in hostile.items():
        upload = io.BytesIO(content)
        upload.name = name
        uploads.append(upload)
    client.force_login(superuser)
    url = reverse("newsletter_import")
    response = client.post(url, {"step": "preview", "files": uploads})
    assert response.status_code == 200
    page = response.content.decode()
    assert "可以导入 0 个，有错误 4 个" in page
    for name, (_, message) in hostile.items():
        assert f"{name}：" in page and message in page
    before = snapshot()
    response = confirm_upload(client)
    assert "共 4 个文件：导入 0，失败 4。导入的期刊均为草稿。" in [str(m) for m in response.context["messages"]]
    assert snapshot() == before
