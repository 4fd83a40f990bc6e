"""What the two homes of pending import files (a private folder, or the bucket) share: names and messages."""

import re

from django.conf import settings

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MANIFEST = "manifest.json"


class Unavailable(Exception):
    """The pending files cannot be imported; ``message`` says why, to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def gone():
    return Unavailable("待导入的文件已不在（已经导入、已过期被清理或已被取消），没有导入任何文件，请重新上传。")


def vanished():
    return Unavailable("上传的文件已不在临时目录中（可能已被清理），没有导入任何文件，请重新上传。")


def max_age():
    return settings.IMPORT_PENDING_HOURS * 3600
