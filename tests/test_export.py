"""export_issue and the admin's import page and 导出 actions."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes, parse_text
from newsletter.models import Issue
from tests import factories
from tests.import_report_helpers import confirm_upload
from tests.importing_helpers import snapshot

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def sample_issue(db):
    publication = factories.publication()
    data = parse_bytes((SAMPLES / "issue_2023_03.txt").read_bytes(), "issue_2023_03.txt")
    return load_issue(data, publication=publication).issue


def export(*args):
    out = io.StringIO()
    call_command("export_issue", *args, stdout=out)
    return out.getvalue()


def test_markdown_export_has_the_print_layout_clean(sample_issue):
    text = export("2023-3")
    assert text.startswith(
        "2023 年第 3 期\n\n(总第 258 期)\n\n2 月 9 日印发\n\n# 双周决策观察\n\n## 地方工作亮点追踪\n\n"
    )
    assert '- 【区域】 2月多地发布"数字乡村"建设清单  \n两部门推进冷链物流骨干网\n- 【北京】' in text
    assert "编辑  \n王一鸣 李晓雪  \n统筹  \n赵子恒" in text
    assert "## 【北京】\n\n### 北京试点社区食堂运营补贴\n\n" in text
    assert "#### 先行地区的经验" in text  # a subheading, one level below the title
    assert "图 1 国家骨干冷链物流基地分布示意" in text
    assert "老年人优先等要求。（北京日报 新京报 20230203）" in text
    assert "研究院微信" not in text and "\n12\n" not in text
    assert text.rstrip().endswith("# 双周决策观察\n\n## —— 地方工作亮点追踪 ——\n\n洞悉基层创新 启迪新政新思")


def test_json_export_matches_the_import_schema(sample_issue):
    exported = json.loads(export("2023-3", "--format", "json"))
    parsed = parse_bytes((SAMPLES / "issue_2023_03.txt").read_bytes(), "x").to_json()
    for key in ("year", "number", "total_number", "issue_date", "editors", "coordinators", "sections"):
        assert exported[key] == parsed[key], key
    # The masthead is the issue's, as printed, not the publication's settings (测试研究院 …).
    for key in ("hosts", "phone", "fax"):
        assert exported[key] == parsed[key], key
    assert exported["hosts"] != ["测试研究院", "测试档案馆"]


def test_exported_markdown_imports_back_to_the_same_issue(sample_issue):
    before = export("2023-3", "--format", "json")
    data = parse_text(export("2023-3"), "export.md")
    load_issue(data, publication=sample_issue.publication, replace=True)
    assert export("2023-3", "--format", "json") == before


def test_unknown_or_malformed_key_is_a_clear_error(db):
    with pytest.raises(CommandError, match="没有找到 2023-9 这一期"):
        export("2023-9")
    with pytest.raises(CommandError, match="格式不对"):
        export("第三期")


def test_several_publications_need_publication_option(sample_issue):
    other = factories.publication("other")
    factories.issue(year=2023, number=3, total_number=5, pub=other)
    with pytest.raises(CommandError, match="--publication"):
        export("2023-3")
    assert export("2023-3", "--publication", "sszjc").startswith("2023 年第 3 期")


def test_admin_export_action_downloads_one_file_or_a_zip(client, superuser, sample_issue):
    client.force_login(superuser)
    url = reverse("admin:newsletter_issue_changelist")
    response = client.post(url, {"action": "export_markdown", "_selected_action": [sample_issue.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sszjc-2023-03.md"'
    assert response.content.decode().startswith("2023 年第 3 期")
    second = factories.issue(year=2024, number=1, total_number=400)
    response = client.post(url, {"action": "export_json", "_selected_action": [sample_issue.pk, second.pk]})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["sszjc-2023-03.json", "sszjc-2024-01.json"]
    assert json.loads(archive.read("sszjc-2023-03.json"))["total_number"] == 258


def test_issue_page_links_to_export_and_the_link_downloads(client, superuser, sample_issue):
    client.force_login(superuser)
    page = client.get(reverse("admin:newsletter_issue_change", args=[sample_issue.pk])).content.decode()
    link = reverse("newsletter_issue_export", args=[sample_issue.pk, "json"])
    assert link in page and reverse("newsletter_import") in page
    assert json.loads(client.get(link).content)["number"] == 3


def test_admin_upload_previews_without_writing_then_imports_on_confirm(client, superuser, db):
    factories.publication()
    client.force_login(superuser)
    url = reverse("newsletter_import")
    assert "检查文件" in client.get(url).content.decode()
    before = snapshot()
    with open(SAMPLES / "issue_2023_03.txt", "rb") as good, open(SAMPLES / "issue_2025_12.md", "rb") as other:
        bad = io.BytesIO(b"\x00\x01\x02binary")
        bad.name = "scan.txt"
        response = client.post(url, {"step": "preview", "files": [good, other, bad]})
    page = response.content.decode()
    assert "可以导入 2 个，有错误 1 个" in page
    assert "2月多地发布&quot;数字乡村&quot;建设清单" in page and "北京日报 20230203；新京报 20230203" in page
    assert "scan.txt：这不是文本文件" in page
    assert snapshot() == before
    response = confirm_upload(client)
    assert "共 3 个文件：导入 2，失败 1" in response.content.decode()
    assert sorted(Issue.objects.values_list("total_number", flat=True)) == [258, 311]


def test_import_page_needs_add_issue_permission(client, db):
    from django.contrib.auth.models import User

    staff = User.objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("newsletter_import")).status_code == 403
    client.logout()
    assert client.get(reverse("newsletter_import")).status_code == 302  # to the admin login
