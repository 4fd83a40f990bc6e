"""Uploaded images: accept only real raster images within limits, and store a clean re-encoding.

Re-encoding with Pillow drops EXIF (locations, camera serials) and anything appended to or hidden
in the file (an HTML payload after the image data, polyglots), so what we serve is only pixels.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


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
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError("只接受 JPEG、PNG、WebP 或 GIF 图片。", code="format")
            if width * height > max_pixels:
                raise ValidationError(
                    f"图片像素过多（{width}×{height}），上限为 {max_pixels:,} 像素。", code="too_many_pixels"
                )
            probe.verify()
        # verify() leaves the image unusable; open again and decode every pixel to catch truncation.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if image_format == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
            elif image_format == "GIF":
                image.save(out, format="GIF")
            else:
                image.save(out, format=image_format)
            width, height = image.size
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(f"图片像素过多，上限为 {max_pixels:,} 像素。", code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("无法识别的图片文件（文件可能已损坏或并非图片）。", code="invalid") from exc
    name = f"{Path(getattr(uploaded, 'name', 'image')).stem or 'image'}.{ALLOWED_FORMATS[image_format]}"
    return ContentFile(out.getvalue(), name=name), width, height
