"""The admin import's pending files in the bucket (``STORAGES["import_pending"]``, prefix ``import-pending/``).

With several web replicas a preview stored by one must be confirmable on another, so the files
cannot wait on a replica's disk. The same rules as the folder (``pending_uploads``): one private
"folder" (key prefix) per preview named by a random token; a manifest, written last, names the user
and the time (complete or not there at all); confirming *claims* the preview with a conditional
write only one request can make (``MediaStorage.create_once``), reads every file before anything is
imported, and removes the prefix; old previews go whenever a preview is stored. The objects are
private like every object of the bucket and ``/media/`` never serves this prefix.
"""

import json
import secrets
import time

from django.core.files.base import ContentFile

from .pending_rules import MANIFEST, TOKEN, Unavailable, gone, max_age, vanished

CLAIMED = ".claimed"


def store(storage, user, files, options):
    purge_expired(storage)
    token = secrets.token_urlsafe(24)
    for number, (_, content) in enumerate(files):
        storage.save(f"{token}/{number:03d}", ContentFile(content))
    manifest = {"user": user.pk, "created": time.time(), "names": [name for name, _ in files], "options": options}
    storage.save(f"{token}/{MANIFEST}", ContentFile(json.dumps(manifest, ensure_ascii=False).encode("utf-8")))
    return token


def claim(storage, token, user):
    if not isinstance(token, str) or not TOKEN.match(token):
        raise gone()
    manifest = _manifest(storage, token)
    if manifest is None:
        raise gone()
    if manifest.get("user") != user.pk:
        raise Unavailable("这些待导入的文件不是您上传的，没有导入任何文件。")
    if not storage.create_once(f"{token}/{CLAIMED}"):
        raise gone()  # another request claimed it first
    try:
        if time.time() - manifest["created"] > max_age():
            raise gone()
        files = []
        for number, name in enumerate(manifest["names"]):
            with storage.open(f"{token}/{number:03d}", "rb") as handle:
                files.append((name, handle.read()))
    except FileNotFoundError as error:
        raise vanished() from error
    finally:
        _remove(storage, token)
    return manifest["options"], files


def discard(storage, token, user):
    if not isinstance(token, str) or not TOKEN.match(token):
        return
    manifest = _manifest(storage, token)
    if manifest is not None and manifest.get("user") == user.pk:
        _remove(storage, token)


def purge_expired(storage, now=None):
    """Remove previews (finished or half-written) whose newest object is older than the limit."""
    now = time.time() if now is None else now
    tokens, _ = storage.listdir("")
    for token in tokens:
        if not TOKEN.match(token):
            continue
        _, names = storage.listdir(token)
        times = [storage.get_modified_time(f"{token}/{name}").timestamp() for name in names]
        if times and now - max(times) > max_age():
            _remove(storage, token)


def _manifest(storage, token):
    try:
        with storage.open(f"{token}/{MANIFEST}", "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _remove(storage, token):
    _, names = storage.listdir(token)
    for name in names:
        storage.delete(f"{token}/{name}")
