"""A figure's credit and alt text survive an export and a re-import, in Markdown and in JSON, and an
imported file's credits and alt texts are stored on the figures."""

import io
import json

import pytest
from django.core.management import call_command

from newsletter.models import Figure, Issue
from tests import factories


def export(*args):
    out = io.StringIO()
    call_command("export_issue", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def issue_with_credited_figures(db):
    publication = factories.publication()
    region = factories.region("上海", order=20)
    issue = factories.issue(status=Issue.Status.DRAFT, year=2023, number=7, total_number=261, pub=publication)
    article = factories.article(
        issue=issue,
        section=region,
        title="临港新片区发布算力券",
        body="临港新片区发布算力券实施细则。\n\n[[figure:1]]\n\n首批发放 5000 万元。",
    )
    figure = factories.figure(article, caption="临港算力中心外景", with_image=False)
    figure.credit = "上海临港集团"
    figure.alt_text = "一座玻璃幕墙的数据中心"
    figure.save()
    factories.figure(article, caption="算力券申领流程", position=2, with_image=False)
    return issue


def _figures():
    return [(f.caption, f.credit, f.alt_text) for f in Figure.objects.order_by("number", "pk")]


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_a_figures_credit_survives_export_and_reimport(issue_with_credited_figures, tmp_path, fmt):
    exported = export("2023-7", "--format", fmt)
    before = _figures()
    assert before[0][1] == "上海临港集团"
    Issue.objects.all().delete()  # articles go with an explicit delete in the loader's replace; here all
    Figure.objects.all().delete()
    path = tmp_path / ("issue.md" if fmt == "markdown" else "issue.json")
    path.write_text(exported, encoding="utf-8")
    call_command("import_issue", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    after = _figures()
    assert [(caption, credit) for caption, credit, _ in after] == [(c, r) for c, r, _ in before]
    if fmt == "json":  # the print text has no place for alt text; the JSON does
        assert after == before


def test_the_json_export_names_each_figures_credit_and_alt_text(issue_with_credited_figures):
    data = json.loads(export("2023-7", "--format", "json"))
    (figure, second) = data["sections"][0]["articles"][0]["figures"]
    assert figure == {"caption": "临港算力中心外景", "credit": "上海临港集团", "alt": "一座玻璃幕墙的数据中心"}
    assert second == {"caption": "算力券申领流程", "credit": "", "alt": "算力券申领流程的示意"}


def test_the_markdown_export_prints_the_credit_under_its_caption_and_the_source_line_stays_apart(
    issue_with_credited_figures,
):
    text = export("2023-7")
    assert "图 1 临港算力中心外景\n图片来源：上海临港集团" in text
