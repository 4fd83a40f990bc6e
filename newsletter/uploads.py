"""Uploaded images: accept only real raster images within limits, and store a clean re-encoding.

Re-encoding drops every metadata block (EXIF with locations and camera serials, XMP, ICC profiles,
JPEG and GIF comments, PNG text chunks, application extensions) and anything appended to or hidden
in the file (an HTML payload after the image data, polyglots), so what we serve is only pixels.
Images larger than readers need (``FIGURE_STORED_MAX_PIXELS``) are stored downscaled.

The decoding runs in a child process (``reencode_image.py``): a legal 40 Mpx upload needs a few
hundred MB while it is decoded, which a web worker (target: under 150 MB) would otherwise keep.
"""

import json
import logging
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
REENCODER = Path(__file__).with_name("reencode_image.py")
REENCODE_TIMEOUT_SECONDS = 60


def validate_and_reencode(uploaded):
    """Return (ContentFile, width, height) for an uploaded image, or raise ValidationError in Chinese."""
    max_bytes = settings.FIGURE_MAX_BYTES
    max_pixels = settings.FIGURE_MAX_PIXELS
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"图片文件过大（{size // 1024} KB），上限为 {max_bytes // 1024} KB。", code="too_large")
    uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(f"图片文件过大，上限为 {max_bytes // 1024} KB。", code="too_large")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        raise ValidationError("不接受 SVG 图片（可能包含脚本），请上传 JPEG、PNG、WebP 或 GIF。", code="svg")
    report, clean = _reencode_in_child(data, max_pixels)
    if not report.get("ok"):
        raise _refusal(report, max_pixels)
    image_format = report["format"]
    if image_format not in ALLOWED_FORMATS:  # the child checks this too; a file type is not taken on trust
        raise ValidationError("只接受 JPEG、PNG、WebP 或 GIF 图片。", code="format")
    name = f"{Path(getattr(uploaded, 'name', 'image')).stem or 'image'}.{ALLOWED_FORMATS[image_format]}"
    return ContentFile(clean, name=name), report["width"], report["height"]


def _reencode_in_child(data, max_pixels):
    command = [sys.executable, "-I", str(REENCODER), str(max_pixels), str(settings.FIGURE_STORED_MAX_PIXELS)]
    try:
        result = subprocess.run(  # noqa: S603  (our own script and numbers; the upload goes in on stdin)
            command, input=data, capture_output=True, timeout=REENCODE_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ValidationError("图片处理超时，请换一张较小的图片再试。", code="timeout") from error
    header, _, clean = result.stdout.partition(b"\n")
    try:
        report = json.loads(header) if result.returncode == 0 else None
    except ValueError:
        report = None
    if not isinstance(report, dict):
        # A crash of the decoder (or a machine out of memory): the upload cannot be used as it is.
        logger.error(
            "图片重新编码失败（退出码 %s）：%s", result.returncode, result.stderr[-2000:].decode(errors="replace")
        )
        raise ValidationError("无法处理这张图片，请转换为 JPEG 或 PNG 后重新上传。", code="invalid")
    return report, clean


def _refusal(report, max_pixels):
    code = report.get("code")
    if code == "format":
        return ValidationError("只接受 JPEG、PNG、WebP 或 GIF 图片。", code="format")
    if code == "too_many_pixels":
        if "width" in report:
            return ValidationError(
                f"图片像素过多（{report['width']}×{report['height']}），上限为 {max_pixels:,} 像素。",
                code="too_many_pixels",
            )
        return ValidationError(f"图片像素过多，上限为 {max_pixels:,} 像素。", code="too_many_pixels")
    return ValidationError("无法识别的图片文件（文件可能已损坏或并非图片）。", code="invalid")
