"""Which reader a file goes to, chosen by its content and its name: the one dispatch the command,
the admin upload and the worker that parses ahead (ahead.py) all use.

* a Word file (.docx: a ZIP holding ``word/document.xml``) → ``docx.read_docx``;
* the project's own JSON export (``export_issue --format json``; an object) → ``json_input.read_json``;
* text (.txt, .md, or a name without a known extension) → the print-text parser.

Anything else (PDF, .doc, images, other ZIP files, spreadsheets …) gets ``UNREADABLE``, which names
the formats that are read.
"""

import io
import zipfile
from pathlib import PurePath

from .docx import read_docx
from .json_input import read_json
from .parser import parse_bytes
from .schema import ImportFailure

UNREADABLE = "只能导入 .txt/.md 文本、.docx（Word）和本系统导出的 .json。"
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
SUFFIXES = {".txt", ".md", ".docx", ".json"}  # what a folder import picks up

# What other files start with (the first bytes of a file are its type, whatever its name says).
_SIGNATURES = {
    b"%PDF": "PDF",
    b"\xd0\xcf\x11\xe0": "旧版 Word（.doc）或其他 Office 文件",
    b"\x89PNG": "图片",
    b"\xff\xd8\xff": "图片",
    b"GIF8": "图片",
    b"RIFF": "图片或音视频",
    b"{\\rtf": "RTF 文档",
    b"\x1f\x8b": "压缩文件",
    b"Rar!": "压缩文件",
    b"7z\xbc\xaf": "压缩文件",
}


ENCRYPTED = "这个 Office 文件设置了密码（已加密），无法读取：请在 Word 中取消密码，另存为 .docx 后再导入。"
# An encrypted .docx is an OLE container holding these streams (names in UTF-16).
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def kind_of(content, name=""):
    """ "docx", "json" or "text"; raises ``ImportFailure`` (naming the formats read) for anything else."""
    suffix = PurePath(name or "").suffix.lower()
    if content.startswith(b"\xd0\xcf\x11\xe0") and any(stream in content for stream in _ENCRYPTED_STREAMS):
        raise ImportFailure(ENCRYPTED, filename=name)
    head = content[:8].lstrip() if content else b""
    if content.startswith(b"PK\x03\x04") or suffix == ".docx":
        if _is_docx(content):
            return "docx"
        if suffix == ".docx":
            raise ImportFailure("无法读取这个 Word 文件（.docx 可能已损坏）。", filename=name)
        raise ImportFailure(f"这不是文本文件（看起来是 ZIP 压缩文件）：{UNREADABLE}", filename=name)
    for signature, what in _SIGNATURES.items():
        if content.startswith(signature):
            raise ImportFailure(f"这不是文本文件（看起来是{what}）：{UNREADABLE}", filename=name)
    if suffix == ".json" or head.startswith(b"{") or head.startswith(b"\xef\xbb\xbf{"):
        return "json"
    if suffix not in TEXT_SUFFIXES:
        raise ImportFailure(f"不能导入 {suffix} 文件：{UNREADABLE}", filename=name)
    return "text"


def read_issue(content, name="", *, known_lines=(), known_regions=()):
    """The file's ``IssueData`` (with the reader's notices in ``warnings``); raises ``ImportFailure``."""
    kind = kind_of(content, name)
    if kind == "docx":
        return read_docx(content, name, known_lines=known_lines, known_regions=known_regions)
    if kind == "json":
        return read_json(content, name)
    return parse_bytes(content, name, known_lines=known_lines, known_regions=known_regions)


def _is_docx(content):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
