"""The admin import's uploaded files between the preview and the confirmation.

They are kept in a private folder (``settings.IMPORT_PENDING_DIR``: by default under the system's
temporary folder, never under MEDIA_ROOT, never served), one sub-folder per preview named by a
random token; the session holds only the token. The folder's manifest names the user who uploaded
the files: another user's token does nothing. Confirming *claims* the folder by renaming it (an
atomic step), so two confirmations of one preview import it once; the files are then read in full
before anything is imported (files that vanished are reported and nothing is written) and the
folder is removed. Folders older than ``IMPORT_PENDING_HOURS`` are removed whenever a preview is
stored; only names this module makes (a token, ``.incoming-<token>``, ``.claimed-<token>-<hex>``)
are ever removed, whatever else the folder holds. The folder must be this program's own: one that
belongs to another user is refused (``UnsafeFolder``), one that others may open is made private
(0o700) with a warning in the log.

With a bucket configured, ``STORAGES["import_pending"]`` is the bucket under ``import-pending/`` and
the same steps run there (``pending_bucket``), so that a preview on one web replica can be confirmed
on another. Otherwise it is this folder, used directly: the rules above (owner, mode, an atomic
rename) need a real folder, which the Storage API does not expose.
"""

import json
import logging
import os
import re
import secrets
import shutil
import stat
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import InvalidStorageError, storages

from ..storage import bucket_storage
from . import pending_bucket
from .pending_rules import MANIFEST, Unavailable, gone, max_age, vanished
from .pending_rules import TOKEN as _TOKEN

_OURS = re.compile(r"^(?:\.incoming-)?[A-Za-z0-9_-]{32}$|^\.claimed-[A-Za-z0-9_-]{32}-[0-9a-f]{8}$")
PRIVATE = 0o700

logger = logging.getLogger(__name__)

__all__ = ["MANIFEST", "Unavailable", "UnsafeFolder", "claim", "discard", "purge_expired", "root", "store"]


def _bucket():
    """The bucket if ``STORAGES["import_pending"]`` is one, else None (the private folder)."""
    try:
        return bucket_storage(storages["import_pending"])
    except InvalidStorageError:
        return None


class UnsafeFolder(Unavailable):
    """The pending folder is not this program's own: nothing is stored in it or read from it."""


def root():
    folder = Path(settings.IMPORT_PENDING_DIR).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    if folder == media or media in folder.parents:
        raise ImproperlyConfigured("IMPORT_PENDING_DIR 不能在 MEDIA_ROOT 之下：待导入的文件不应能被访问。")
    folder.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
    # The default lies in the shared temporary folder, where another user may have made it first.
    status = folder.stat()
    if status.st_uid != os.geteuid():
        raise UnsafeFolder(
            f"暂存目录 {folder} 属于另一个用户（uid {status.st_uid}），不能用来存放待导入的文件。"
            "请管理员删除它，或在 IMPORT_PENDING_DIR 中指定本程序自己的目录。"
        )
    mode = status.st_mode & 0o777
    if mode != PRIVATE:
        folder.chmod(PRIVATE)
        logger.warning("暂存目录 %s 的权限是 %o，其他用户可以访问，已改为 700。", folder, mode)
    return folder


def store(user, files, options):
    """Keep ``files`` ([(name, bytes)]) with ``options`` for ``user``; returns the token for the session."""
    if bucket := _bucket():
        return pending_bucket.store(bucket, user, files, options)
    purge_expired()
    token = secrets.token_urlsafe(24)
    incoming = root() / f".incoming-{token}"
    incoming.mkdir(mode=0o700)
    for number, (_, content) in enumerate(files):
        (incoming / f"{number:03d}").write_bytes(content)
    manifest = {"user": user.pk, "created": time.time(), "names": [name for name, _ in files], "options": options}
    (incoming / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    os.rename(incoming, root() / token)  # complete or not there at all
    return token


def claim(token, user):
    """The pending files of ``token`` as (options, [(name, bytes)]), taken so that no one can confirm
    them again. Raises ``Unavailable`` (and takes nothing) for a token that is not ``user``'s."""
    if bucket := _bucket():
        return pending_bucket.claim(bucket, token, user)
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise gone()
    folder = root() / token
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise gone() from error
    if manifest.get("user") != user.pk:
        raise Unavailable("这些待导入的文件不是您上传的，没有导入任何文件。")
    claimed = root() / f".claimed-{token}-{secrets.token_hex(4)}"
    try:
        os.rename(folder, claimed)
    except OSError as error:  # another request claimed it first
        raise gone() from error
    try:
        if time.time() - manifest["created"] > max_age():
            raise gone()
        files = [(name, (claimed / f"{n:03d}").read_bytes()) for n, name in enumerate(manifest["names"])]
    except OSError as error:
        raise vanished() from error
    finally:
        shutil.rmtree(claimed, ignore_errors=True)
    return manifest["options"], files


def discard(token, user):
    """Drop ``user``'s pending upload ``token`` (a new preview replaces it); another's is left alone."""
    if bucket := _bucket():
        return pending_bucket.discard(bucket, token, user)
    if not isinstance(token, str) or not _TOKEN.match(token):
        return
    folder = root() / token
    try:
        owner = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("user")
    except (OSError, ValueError):
        return
    if owner == user.pk:
        shutil.rmtree(folder, ignore_errors=True)


def purge_expired(now=None):
    """Remove the pending folders (and half-written or half-claimed ones) older than the limit; an
    entry of any other name (or a link) is not this module's and stays."""
    if bucket := _bucket():
        return pending_bucket.purge_expired(bucket, now)
    now = time.time() if now is None else now
    for entry in root().iterdir():
        if not _OURS.match(entry.name):
            continue
        try:
            status = entry.lstat()
            if stat.S_ISDIR(status.st_mode) and now - status.st_mtime > max_age():
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
