"""Decode, check and re-encode one uploaded image, in a process of its own (see ``newsletter.uploads``).

Run as ``python -I reencode_image.py MAX_PIXELS STORED_MAX_PIXELS`` with the upload on stdin; it
imports Pillow and nothing of the project. Decoding a legal 40 Mpx image takes a few hundred MB
for a moment: in a child process that memory goes back to the system when it exits, instead of
staying in a web worker's heap for good. Pillow's decoders also run away from the worker's
sessions and secrets.

Writes one JSON line, then (on success) the clean file's bytes:
``{"ok": true, "format": "PNG", "width": 40, "height": 30}`` or ``{"ok": false, "code": "...", ...}``.
"""

import io
import json
import math
import sys
import warnings

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# The only ``info`` entry that is part of the picture (which palette index or colour is see-through).
# Everything else there is metadata (EXIF, XMP, ICC, comments, text chunks, loop counts …) and must
# not reach the encoder: Pillow writes some of it back (a GIF or JPEG comment) from ``info``.
PICTURE_INFO = ("transparency",)


class Refused(Exception):
    def __init__(self, code, **details):
        super().__init__(code)
        self.report = {"ok": False, "code": code, **details}


def stored_size(size, stored_max_pixels):
    """The largest size within ``stored_max_pixels`` with the same aspect ratio (or the size itself)."""
    width, height = size
    if width * height <= stored_max_pixels:
        return size
    scale = math.sqrt(stored_max_pixels / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def reencode(data, max_pixels, stored_max_pixels):
    """(format, clean bytes, width, height) of an uploaded image; raises ``Refused``."""
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow refuses outright beyond twice this; we check below
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format, (width, height) = probe.format, probe.size
            if image_format not in ALLOWED_FORMATS:
                raise Refused("format")
            if width * height > max_pixels:
                raise Refused("too_many_pixels", width=width, height=height)
            probe.verify()
        # verify() leaves the image unusable; open again and decode every pixel to catch truncation.
        with Image.open(io.BytesIO(data)) as image:
            target = stored_size(image.size, stored_max_pixels)
            if target != image.size:
                # JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still covers the target:
                # a 40 Mpx photo then never exists at full size, even here.
                image.draft("RGB", target)
            image.load()
            if image.size != target:
                image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
            image = ImageOps.exif_transpose(image)
            image = _in_srgb(image)
            if image_format == "JPEG":
                image = image.convert("RGB")
            image.info = {key: image.info[key] for key in PICTURE_INFO if key in image.info}
            out = io.BytesIO()
            options = {"quality": 88, "optimize": True} if image_format == "JPEG" else {}
            image.save(out, format=image_format, **options)
            return image_format, out.getvalue(), image.width, image.height
    except Image.DecompressionBombError as error:
        raise Refused("too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise Refused("invalid") from error


def _in_srgb(image):
    """Pixels converted to sRGB when the file carries a colour profile, so dropping it keeps the colours."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: the pixels as they are


def main():
    max_pixels, stored_max_pixels = int(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        image_format, clean, width, height = reencode(data, max_pixels, stored_max_pixels)
    except Refused as refused:
        sys.stdout.buffer.write(json.dumps(refused.report).encode() + b"\n")
        return
    report = {"ok": True, "format": image_format, "width": width, "height": height}
    sys.stdout.buffer.write(json.dumps(report).encode() + b"\n" + clean)


if __name__ == "__main__":
    main()
