"""With a bucket, the admin import's pending files wait in it (``import-pending/``), private, so that a
preview made on one web replica can be confirmed on another; the folder's rules hold there too:
only the uploader confirms, once; a vanished file imports nothing; old previews are cleaned up."""

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client

from newsletter.admin import pending_uploads
from newsletter.models import Issue
from tests import factories
from tests.importing_helpers import snapshot
from tests.test_import_pending_uploads import _confirm, _preview, _set_token, _token

pytestmark = pytest.mark.django_db

DONE = "共 2 个文件：导入 2，失败 0。导入的期刊均为草稿。"


@pytest.fixture
def pending(bucket, settings):
    factories.publication()
    options = {**settings.STORAGES["default"]["OPTIONS"], "location": "import-pending"}
    settings.STORAGES = {
        **settings.STORAGES,
        "import_pending": {"BACKEND": "newsletter.storage.MediaStorage", "OPTIONS": options},
    }
    return storages["import_pending"]


def keys(storage):
    answer = storage.client.list_objects_v2(Bucket=storage.bucket_name, Prefix="import-pending/")
    return sorted(entry["Key"] for entry in answer.get("Contents", []))


def anonymous_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback test server)
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def replica(user):
    """Another web replica: a client with nothing in common with the first but the database and the bucket."""
    other = Client()
    other.force_login(user)
    return other


def test_a_preview_stored_in_the_bucket_is_private_and_confirmed_once(pending, client, superuser):
    client.force_login(superuser)
    assert "可以导入 2 个，有错误 0 个" in _preview(client)
    token = _token(client)
    stored = keys(pending)
    assert stored == [f"import-pending/{token}/{name}" for name in ("000", "001", "manifest.json")]
    assert not (Path(settings.IMPORT_PENDING_DIR) / token).exists(), "nothing on this replica's disk"
    assert anonymous_status(f"{pending.endpoint_url}/{pending.bucket_name}/{stored[0]}") == 403
    assert client.get(f"/media/{stored[0]}").status_code == 404

    assert _confirm(client)[-1] == DONE
    assert Issue.objects.count() == 2 and keys(pending) == []
    _set_token(client, token)  # two requests of one session racing: the second still holds the token
    assert "没有导入任何文件" in _confirm(client)[0]
    assert Issue.objects.count() == 2


def test_a_claimed_preview_cannot_be_claimed_again_by_a_second_request(pending, superuser):
    token = pending_uploads.store(superuser, [("第5期.txt", b"x")], {})
    assert pending.create_once(f"{token}/.claimed")  # the first request's claim, still reading
    with pytest.raises(pending_uploads.Unavailable) as refused:
        pending_uploads.claim(token, superuser)
    assert "没有导入任何文件" in refused.value.message


def test_another_users_token_does_nothing_and_leaves_the_upload_to_its_owner(
    pending, client, superuser, django_user_model
):
    client.force_login(superuser)
    _preview(client)
    intruder = replica(django_user_model.objects.create_superuser("other-admin", "o@example.org", "pw-4711-unused"))
    _set_token(intruder, _token(client))
    before = snapshot()
    assert _confirm(intruder) == ["这些待导入的文件不是您上传的，没有导入任何文件。"]
    assert snapshot() == before
    assert _confirm(client)[-1] == DONE


def test_a_confirm_after_one_file_vanished_from_the_bucket_imports_nothing(pending, client, superuser):
    client.force_login(superuser)
    _preview(client)
    pending.delete(f"{_token(client)}/001")
    before = snapshot()
    assert _confirm(client) == ["上传的文件已不在临时目录中（可能已被清理），没有导入任何文件，请重新上传。"]
    assert snapshot() == before and keys(pending) == []


def test_old_previews_are_removed_when_a_preview_is_stored_and_young_ones_stay(pending, superuser):
    old = pending_uploads.store(superuser, [("a.txt", b"a")], {})
    pending.save("not-a-token/notes.txt", ContentFile(b"keep"))
    pending_uploads.purge_expired(now=time.time() + settings.IMPORT_PENDING_HOURS * 3600 + 60)
    assert keys(pending) == ["import-pending/not-a-token/notes.txt"]
    young = pending_uploads.store(superuser, [("b.txt", b"b")], {})
    assert old != young and f"import-pending/{young}/manifest.json" in keys(pending)
