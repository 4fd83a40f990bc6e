"""The admin import keeps the uploaded files between its preview and the confirmation in a private
folder outside MEDIA_ROOT, not in the session: the session holds a token; only the user who
uploaded the files can confirm them, once; files that vanished are reported and nothing is
written; old pending uploads are cleaned up; one preview's upload has a total size limit."""

import io
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from newsletter.admin import pending_uploads
from newsletter.admin.importing import SESSION_KEY
from newsletter.models import Issue
from tests import factories
from tests.import_file_helpers import word_issue
from tests.import_report_helpers import issue_text
from tests.importing_helpers import snapshot

URL = "newsletter_import"


@pytest.fixture
def world(db, settings, tmp_path):
    factories.publication()
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"


def _files():
    docx = io.BytesIO(word_issue())
    docx.name = "第7期.docx"
    text = io.BytesIO(issue_text(number=5, total=201).encode("utf-8"))
    text.name = "第5期.txt"
    return [docx, text]


def _preview(client, files=None):
    response = client.post(reverse(URL), {"step": "preview", "files": files or _files()})
    assert response.status_code == 200
    return response.content.decode()


def _confirm(client, token=None):
    """The messages the confirmation leaves (read on the page it leads to, so each call sees its own).
    It posts ``token`` as the preview's form does (by default the session's current one)."""
    data = {"step": "confirm", "token": token if token is not None else _token(client) or ""}
    response = client.post(reverse(URL), data, follow=True)
    return [str(message) for message in response.context["messages"]]


def _form_token(page):
    """The token the preview's confirm form posts (a hidden field)."""
    found = re.search(r'<input type="hidden" name="token" value="([^"]+)"', page)
    assert found, "the confirm form carries no token"
    return found.group(1)


def _token(client):
    return client.session.get(SESSION_KEY)


def _set_token(client, token):
    session = client.session
    session[SESSION_KEY] = token
    session.save()


def client_class_like(client):
    """A second browser: a client of the same class with its own session."""
    return type(client)()


def _pending_folders():
    if not Path(settings.IMPORT_PENDING_DIR).exists():
        return []
    return sorted(path.name for path in Path(settings.IMPORT_PENDING_DIR).iterdir())


def test_the_preview_keeps_the_files_in_a_private_folder_outside_media_and_the_session_stays_small(
    world, client, superuser
):
    client.force_login(superuser)
    files = _files()
    page = _preview(client, files)
    assert "可以导入 2 个，有错误 0 个" in page
    token = _token(client)
    folder = Path(settings.IMPORT_PENDING_DIR) / token
    stored = sorted(path.read_bytes() for path in folder.iterdir() if path.name != "manifest.json")
    assert stored == sorted(upload.getvalue() for upload in files)
    media = Path(settings.MEDIA_ROOT).resolve()
    assert media not in folder.resolve().parents
    row = Session.objects.get(session_key=client.session.session_key)
    assert len(row.session_data) < 1000  # the .docx alone is tens of KB
    messages = _confirm(client)
    assert Issue.objects.count() == 2, messages
    assert "共 2 个文件：导入 2，失败 0。导入的期刊均为草稿。" in messages
    assert not folder.exists() and _token(client) is None


def test_a_confirm_after_the_pending_files_vanished_says_so_and_writes_nothing(world, client, superuser):
    client.force_login(superuser)
    _preview(client)
    shutil.rmtree(Path(settings.IMPORT_PENDING_DIR) / _token(client))
    before = snapshot()
    assert _confirm(client) == [
        "待导入的文件已不在（已经导入、已过期被清理或已被取消），没有导入任何文件，请重新上传。"
    ]
    assert snapshot() == before


def test_a_confirm_after_one_of_the_files_vanished_imports_none_of_them(world, client, superuser):
    client.force_login(superuser)
    _preview(client)
    (Path(settings.IMPORT_PENDING_DIR) / _token(client) / "001").unlink()
    before = snapshot()
    assert _confirm(client) == ["上传的文件已不在临时目录中（可能已被清理），没有导入任何文件，请重新上传。"]
    assert snapshot() == before
    assert _pending_folders() == []


def test_confirming_twice_imports_once(world, client, superuser):
    client.force_login(superuser)
    _preview(client)
    token = _token(client)
    _confirm(client)
    assert Issue.objects.count() == 2
    assert _confirm(client) == ["没有待导入的文件，请重新上传。"]
    # Two requests of one session racing: the second still holds the token; the folder is claimed once.
    _set_token(client, token)
    assert "没有导入任何文件" in _confirm(client)[0]
    assert Issue.objects.count() == 2


STALE = "这个确认页面不是您最近一次预览的文件（之后您又上传过文件），没有导入任何文件。请在最近一次的预览页面上确认，或重新上传。"


def test_confirming_an_earlier_preview_after_a_newer_one_imports_nothing_and_keeps_the_newer_one(
    world, client, superuser
):
    client.force_login(superuser)
    docx, text = _files()
    earlier = _form_token(_preview(client, [text]))
    newer = _form_token(_preview(client, [docx]))  # another tab: this upload replaces the earlier one
    assert newer == _token(client) != earlier
    before = snapshot()
    assert _confirm(client, token=earlier) == [STALE]
    assert snapshot() == before
    assert _token(client) == newer and _pending_folders() == [newer]
    # The newer preview's own form still confirms what it showed, and only that.
    assert _confirm(client, token=newer)[-1] == "共 1 个文件：导入 1，失败 0。导入的期刊均为草稿。"
    assert list(Issue.objects.values_list("number", flat=True)) == [7]


@pytest.mark.parametrize("posted", ["", "x" * 32, "第7期＜script＞", None])
def test_a_confirm_without_the_current_previews_token_imports_nothing(world, client, superuser, posted):
    client.force_login(superuser)
    current = _form_token(_preview(client))
    data = {"step": "confirm"} if posted is None else {"step": "confirm", "token": posted}
    before = snapshot()
    response = client.post(reverse(URL), data, follow=True)
    assert [str(message) for message in response.context["messages"]] == [STALE]
    assert snapshot() == before and _pending_folders() == [current]


def test_another_users_token_does_nothing_and_leaves_the_upload_to_its_owner(world, client, superuser):
    client.force_login(superuser)
    _preview(client)
    token = _token(client)
    other = get_user_model().objects.create_superuser("other-admin", "other@example.org", "pw-4711-unused")
    intruder = client_class_like(client)
    intruder.force_login(other)
    _set_token(intruder, token)
    before = snapshot()
    assert _confirm(intruder) == ["这些待导入的文件不是您上传的，没有导入任何文件。"]
    assert snapshot() == before
    assert _confirm(client)[-1] == "共 2 个文件：导入 2，失败 0。导入的期刊均为草稿。"


@pytest.mark.parametrize("token", ["../../etc", "x" * 32 + "/..", "", None, 17, {"files": []}])
def test_a_forged_or_old_style_token_in_the_session_does_nothing(world, client, superuser, token):
    client.force_login(superuser)
    _set_token(client, token)
    before = snapshot()
    messages = _confirm(client)
    assert len(messages) == 1 and "请重新上传" in messages[0]
    assert snapshot() == before


def test_a_pending_upload_past_its_age_is_not_imported_and_old_folders_are_cleaned_up(world, client, superuser):
    client.force_login(superuser)
    _preview(client)
    token = _token(client)
    manifest_path = Path(settings.IMPORT_PENDING_DIR) / token / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["created"] -= settings.IMPORT_PENDING_HOURS * 3600 + 60
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    before = snapshot()
    assert "没有导入任何文件" in _confirm(client)[0]
    assert snapshot() == before and _pending_folders() == []
    # A folder left behind (a preview never confirmed) goes when a later preview is stored.
    _preview(client)
    abandoned = Path(settings.IMPORT_PENDING_DIR) / _token(client)
    old = time.time() - settings.IMPORT_PENDING_HOURS * 3600 - 60
    os.utime(abandoned, (old, old))
    other = client_class_like(client)
    other.force_login(superuser)
    _preview(other)
    assert not abandoned.exists() and _pending_folders() == [_token(other)]


def test_a_new_preview_replaces_the_previous_pending_upload(world, client, superuser):
    client.force_login(superuser)
    _preview(client)
    first = _token(client)
    _preview(client)
    assert _token(client) != first and _pending_folders() == [_token(client)]


def test_the_total_size_of_one_preview_is_capped_with_a_message(world, client, superuser, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 60_000
    client.force_login(superuser)
    files = []
    for number in range(3):
        upload = io.BytesIO(issue_text(number=number + 1, total=200 + number).encode("utf-8") + b"\n" * 25_000)
        upload.name = f"{number}.txt"
        files.append(upload)
    page = _preview(client, files)
    assert "这次上传的文件合计超过 58 KB，请分几次上传，或用 import_issue 命令。" in page
    assert _token(client) is None and _pending_folders() == []


def test_the_pending_folder_may_not_be_under_media_root(settings):
    settings.IMPORT_PENDING_DIR = Path(settings.MEDIA_ROOT)
    with pytest.raises(ImproperlyConfigured):
        pending_uploads.root()
    settings.IMPORT_PENDING_DIR = Path(settings.MEDIA_ROOT) / "pending"
    with pytest.raises(ImproperlyConfigured):
        pending_uploads.root()


def test_a_pending_folder_that_cannot_be_written_gets_a_message_and_no_token(world, client, superuser, settings):
    blocker = Path(settings.IMPORT_PENDING_DIR).parent / "a-file"
    blocker.write_text("不是目录", encoding="utf-8")
    settings.IMPORT_PENDING_DIR = blocker / "pending"
    client.force_login(superuser)
    page = _preview(client)
    assert "无法暂存上传的文件（服务器的暂存目录不可写），请稍后再试或联系管理员。" in page
    assert _token(client) is None
    assert _confirm(client) == ["没有待导入的文件，请重新上传。"]
    assert Issue.objects.count() == 0


def _old(path):
    old = time.time() - settings.IMPORT_PENDING_HOURS * 3600 - 60
    os.utime(path, (old, old), follow_symlinks=False)


def test_the_clean_up_removes_only_old_pending_uploads_and_leaves_anything_else_in_the_folder(world):
    folder = pending_uploads.root()
    token = "A" * 16 + "b-_" + "9" * 13
    pending = {token, f".incoming-{token}", f".claimed-{token}-0a1b2c3d"}
    others = {"notes.txt", "backup", ".incoming-x", ".claimed-" + token, token + "0", "第7期"}
    for name in pending | others:
        (folder / name).mkdir() if name != "notes.txt" else (folder / name).write_text("留着", encoding="utf-8")
        _old(folder / name)
    young = "Z" * 32
    (folder / young).mkdir()
    pending_uploads.purge_expired()
    assert set(_pending_folders()) == others | {young}


def test_an_existing_pending_folder_others_can_read_is_made_private_with_a_message(world, caplog):
    folder = Path(settings.IMPORT_PENDING_DIR)
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # as a person's mkdir makes it
    with caplog.at_level("WARNING"):
        assert pending_uploads.root() == folder.resolve()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert f"暂存目录 {folder.resolve()} 的权限是 755，其他用户可以访问，已改为 700。" in caplog.messages


def test_a_pending_folder_owned_by_another_user_is_refused_and_nothing_is_stored_in_it(world, client, superuser):
    if os.geteuid() != 0:
        pytest.skip("giving the folder to another user needs root (the tests run as root in CI)")
    folder = Path(settings.IMPORT_PENDING_DIR)
    folder.mkdir(mode=0o700)
    os.chown(folder, 4711, 4711)
    message = (
        f"暂存目录 {folder.resolve()} 属于另一个用户（uid 4711），不能用来存放待导入的文件。"
        "请管理员删除它，或在 IMPORT_PENDING_DIR 中指定本程序自己的目录。"
    )
    with pytest.raises(pending_uploads.UnsafeFolder) as refused:
        pending_uploads.root()
    assert refused.value.message == message
    client.force_login(superuser)
    page = _preview(client)
    assert message in page
    assert _token(client) is None and _pending_folders() == []
    assert _confirm(client) == ["没有待导入的文件，请重新上传。"]
    assert Issue.objects.count() == 0
