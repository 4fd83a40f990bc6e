"""Hostile uploads are refused with a clear message and leave nothing behind."""

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsletter.forms import FigureForm
from newsletter.models import Figure
from tests import factories

pytestmark = pytest.mark.django_db


def _files_on_disk():
    root = settings.MEDIA_ROOT / "figures"
    return sorted(p.name for p in root.glob("*")) if root.exists() else []


def _png_claiming_size(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


def _jpeg_with_exif():
    image = Image.new("RGB", (20, 10), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


HOSTILE = {
    "not_an_image": (b"MZ\x90\x00 this is an executable pretending", "photo.png", "无法识别的图片"),
    "truncated": (factories.png_bytes((200, 200))[:60], "cut.png", "无法识别的图片"),
    "enormous_claim": (_png_claiming_size(100_000, 100_000), "huge.png", "像素过多"),
    "svg_with_script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "SVG"),
    "svg_named_png": (b'<?xml version="1.0"?><svg onload="alert(1)"></svg>', "x.png", "SVG"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_refused_with_a_message_and_nothing_is_stored(case):
    data, name, message = HOSTILE[case]
    article = factories.article(issue=factories.issue())
    before_files, before_rows = _files_on_disk(), Figure.objects.count()
    form = FigureForm(
        data={"caption": "图注", "position": 1},
        files={"image": SimpleUploadedFile(name, data)},
        instance=Figure(article=article),
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["image"])
    assert _files_on_disk() == before_files and Figure.objects.count() == before_rows


def test_upload_over_the_byte_limit_is_refused(settings):
    settings.FIGURE_MAX_BYTES = 1000
    article = factories.article(issue=factories.issue())
    big = factories.png_bytes((400, 400), (1, 2, 3)) + b"\x00" * 2000
    form = FigureForm(
        data={"caption": "图注", "position": 1},
        files={"image": SimpleUploadedFile("big.png", big)},
        instance=Figure(article=article),
    )
    assert not form.is_valid() and "过大" in " ".join(form.errors["image"])
    assert Figure.objects.count() == 0


def test_image_with_html_appended_is_stored_as_clean_pixels_only():
    article = factories.article(issue=factories.issue())
    payload = factories.png_bytes() + b"<script>alert(1)</script><html>"
    form = FigureForm(
        data={"caption": "图注", "position": 1},
        files={"image": SimpleUploadedFile("x.png", payload)},
        instance=Figure(article=article),
    )
    assert form.is_valid(), form.errors
    figure = form.save()
    stored = figure.image.read()
    assert b"<script>" not in stored and stored.startswith(b"\x89PNG")
    assert (figure.width, figure.height) == (40, 30)


def test_exif_is_stripped_from_an_uploaded_jpeg():
    article = factories.article(issue=factories.issue())
    data = _jpeg_with_exif()
    assert b"SecretCameraMaker" in data
    figure = Figure(article=article, caption="图注", image=SimpleUploadedFile("p.jpg", data))
    figure.full_clean()  # the model re-encodes too, for files attached outside a form
    figure.save()
    stored = figure.image.read()
    assert b"SecretCameraMaker" not in stored and figure.image.name.endswith(".jpg")
