"""A name or text longer than its column refuses the file with a clear Chinese sentence naming the field
and the limit, and nothing of the file is written (on every database, not only where SQLite would
have stored it anyway)."""

import pytest

from newsletter.importing.loader import load_issue
from newsletter.importing.schema import FigureData, ImportFailure, SourceData
from newsletter.models import Editor, Issue, IssueHost, Outlet
from regions.models import Region
from tests import factories
from tests.test_issue_sections import issue_data

HOSTILE = "<b>某&amp;某</b>"


def too_long(limit):
    return (HOSTILE * limit)[: limit + 1]


def long_host(data):
    data.hosts = [too_long(100)]


def long_editor(data):
    data.editors = [too_long(50)]


def long_coordinator(data):
    data.coordinators = [too_long(50)]


def long_section(data):
    data.sections[0].region = too_long(100)


def long_tag(data):
    data.sections[0].articles[0].region_tags = [too_long(100)]


def long_title(data):
    data.sections[0].articles[0].title = too_long(200)


def long_caption(data):
    data.sections[0].articles[0].figures = [FigureData(caption=too_long(300))]


def long_outlet(data):
    data.sections[0].articles[0].sources = [SourceData(outlet=too_long(100))]


@pytest.mark.parametrize(
    "make, message",
    [
        (long_host, "主办单位名称超过 100 字"),
        (long_editor, "编辑姓名超过 50 字"),
        (long_coordinator, "统筹姓名超过 50 字"),
        (long_section, "栏目名称超过 100 字"),
        (long_tag, "地区标签名称超过 100 字"),
        (long_title, "文章标题超过 200 字"),
        (long_caption, "图注超过 300 字"),
        (long_outlet, "来源媒体名称超过 100 字"),
    ],
)
def test_a_name_longer_than_its_column_refuses_the_file_with_a_sentence_and_writes_nothing(db, make, message):
    publication = factories.publication()
    data = issue_data(21, ["上海", "广东"])
    make(data)
    counts = [model.objects.count() for model in (Issue, IssueHost, Editor, Region, Outlet)]
    with pytest.raises(ImportFailure) as failure:
        load_issue(data, publication=publication, filename="长名.json")
    assert message in failure.value.message
    assert failure.value.message.endswith("”。")
    assert str(failure.value).startswith("长名.json：")
    assert [model.objects.count() for model in (Issue, IssueHost, Editor, Region, Outlet)] == counts
