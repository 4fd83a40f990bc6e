"""Import files that are not what they seem: a NUL deep inside, a name that is not UTF-8.

Each gets a clear refusal naming the file, writes nothing, and leaves the other files of the same
import alone (the command's folder import, the admin's upload and confirm steps).
"""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsletter.models import Issue
from tests import factories
from tests.import_report_helpers import confirm_upload
from tests.importing_helpers import snapshot

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
NUL_AT = 10_000
BINARY_REFUSAL = "这不是文本文件"


def file_with_nul_deep_inside():
    """The 2023-03 sample with a long Latin paragraph in its first article and a NUL at byte 10,000:
    past the first 8 KB the old check looked at, in the middle of that paragraph."""
    text = (SAMPLES / "issue_2023_03.txt").read_text("utf-8")
    anchor = "涉农数据共享。"
    filler = " ".join(["The county data platform links village information points."] * 200) + "。"
    data = bytearray(text.replace(anchor, f"{anchor}\n\n{filler}", 1).encode("utf-8"))
    assert data[NUL_AT - 5 : NUL_AT + 5].isascii() and b"\x00" not in data[:8192]
    data[NUL_AT] = 0
    return bytes(data)


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_issue", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue() + err.getvalue(), error
    return out.getvalue() + err.getvalue(), None


def test_a_nul_after_the_first_8_kb_is_refused_like_one_at_the_start_and_the_rest_of_the_folder_imports(tmp_path):
    factories.publication()
    (tmp_path / "a_nul.txt").write_bytes(file_with_nul_deep_inside())
    shutil.copy(SAMPLES / "issue_2025_12.md", tmp_path / "b_good.md")
    (tmp_path / "c_nul_at_start.txt").write_bytes(b"\x00" + (SAMPLES / "issue_2022_01_gb18030.txt").read_bytes())

    output, error = run_import(str(tmp_path))

    assert error is not None, output  # exit status non-zero
    assert "2 个文件导入失败" in str(error)
    refusals = [line for line in output.splitlines() if BINARY_REFUSAL in line]
    assert any("a_nul.txt" in line for line in refusals), output
    assert any("c_nul_at_start.txt" in line for line in refusals), output
    assert "Traceback" not in output
    assert list(Issue.objects.values_list("total_number", flat=True)) == [311]  # b_good.md only
    assert not Issue.objects.filter(total_number=258).exists()


def test_a_nul_deep_inside_an_admin_upload_is_refused_at_preview_and_at_confirm(client, superuser):
    factories.publication()
    client.force_login(superuser)
    url = reverse("newsletter_import")
    before = snapshot()
    upload = io.BytesIO(file_with_nul_deep_inside())
    upload.name = "deep_nul.txt"
    with open(SAMPLES / "issue_2025_12.md", "rb") as good:
        response = client.post(url, {"step": "preview", "files": [upload, good]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "可以导入 1 个，有错误 1 个" in page
    assert f"deep_nul.txt：{BINARY_REFUSAL}" in page
    assert snapshot() == before

    # The confirm step reads the stored bytes again; it must refuse them the same way, not answer 500.
    response = confirm_upload(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"eep_nul.txt：{BINARY_REFUSAL}" in page  # the admin's messages start with a capital
    assert "共 2 个文件：导入 1，失败 1" in page
    assert list(Issue.objects.values_list("total_number", flat=True)) == [311]


def multipart(parts, boundary=b"----hostile-boundary"):
    """A multipart/form-data body written by hand, so a file name can be any bytes."""
    body = b""
    for name, filename, content in parts:
        disposition = b'Content-Disposition: form-data; name="' + name + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename + b'"\r\nContent-Type: text/plain'
        body += b"--" + boundary + b"\r\n" + disposition + b"\r\n\r\n" + content + b"\r\n"
    body += b"--" + boundary + b"--\r\n"
    return body, "multipart/form-data; boundary=" + boundary.decode()


def test_an_admin_upload_whose_file_name_is_not_utf8_is_reported_by_name_not_dropped(client, superuser):
    factories.publication()
    client.force_login(superuser)
    url = reverse("newsletter_import")
    before = snapshot()
    gbk_name = "往期第258期.txt".encode("gbk")
    body, content_type = multipart(
        [
            (b"step", None, b"preview"),
            (b"files", gbk_name, (SAMPLES / "issue_2023_03.txt").read_bytes()),
            (b"files", b"good.md", (SAMPLES / "issue_2025_12.md").read_bytes()),
        ]
    )
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 200
    page = response.content.decode()
    assert "共 2 个文件：可以导入 1 个，有错误 1 个" in page, page
    assert "往期第258期.txt：文件名不是 UTF-8 编码" in page
    assert snapshot() == before
    response = confirm_upload(client)
    assert list(Issue.objects.values_list("total_number", flat=True)) == [311]

    # The only file: the form says why there is nothing to check, not just "this field is required".
    body, content_type = multipart([(b"step", None, b"preview"), (b"files", gbk_name, b"2023")])
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 200
    page = response.content.decode()
    assert "往期第258期.txt：文件名不是 UTF-8 编码" in page
    assert "这个字段是必填项" not in page
