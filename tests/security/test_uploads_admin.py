"""Hostile figure uploads through the real admin article form (with its figure inline).

Each refused upload must be reported next to the field with a clear Chinese message, and leave
nothing behind: no file under MEDIA_ROOT, no Figure row, and no partial save of the article
(its title, version and revisions stay as they were).
"""

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsletter.models import ArticleRevision, Figure
from tests import factories
from tests.security.admin_forms import form_data, single

pytestmark = pytest.mark.django_db


def media_files():
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "content-version")


def png_claiming(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


def noisy_png(size):
    image = Image.effect_noise(size, 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'

HOSTILE = {
    "a program named .png": ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00 not an image at all" * 20, "无法识别的图片"),
    "a text file named .jpg": ("photo.jpg", b"<html><script>alert(1)</script></html>", "无法识别的图片"),
    "a truncated PNG": ("cut.png", factories.png_bytes((300, 300))[:70], "无法识别的图片"),
    "a truncated JPEG": ("cut.jpg", None, "无法识别的图片"),  # built below
    "a PNG header claiming 100000×100000 pixels": ("huge.png", png_claiming(100_000, 100_000), "像素过多"),
    "an SVG with a script": ("x.svg", SVG, "SVG"),
    "an SVG with a script named .png": ("x.png", SVG, "SVG"),
    "an SVG without the XML declaration": ("y.svg", SVG.split(b"?>", 1)[1], "SVG"),
    "a file over the byte limit": ("big.png", None, "过大"),  # built below, limit lowered
}


def _truncated_jpeg():
    out = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(out, format="JPEG")
    return out.getvalue()[:400]


@pytest.fixture
def article_page(client, superuser):
    client.force_login(superuser)
    article = factories.article(issue=factories.issue(status="draft"), title="原来的标题")
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    data = single(form_data(client.get(url).content.decode()))
    return article, url, data


def with_figure(data, article, upload, caption="新图片"):
    data = dict(data)
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "0",
            "figures-0-id": "",
            "figures-0-article": str(article.pk),
            "figures-0-caption": caption,
            "figures-0-alt_text": "替代文字",
            "figures-0-credit": "",
            "figures-0-position": "1",
            "figures-0-image": upload,
            "title": "上传时一起改的标题",
            "_continue": "1",
        }
    )
    return data


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_upload_through_the_admin_is_refused_and_leaves_nothing(client, article_page, settings, case):
    article, url, data = article_page
    name, content, message = HOSTILE[case]
    if case == "a truncated JPEG":
        content = _truncated_jpeg()
    if case == "a file over the byte limit":
        content = noisy_png((200, 200))
        settings.FIGURE_MAX_BYTES = len(content) - 1
    before_files, before_version = media_files(), article.version
    before_revisions = ArticleRevision.objects.count()

    response = client.post(url, with_figure(data, article, SimpleUploadedFile(name, content)))

    assert response.status_code == 200, "the form must come back with the error, not save"
    html = response.content.decode()
    assert "errornote" in html
    errors = response.context["inline_admin_formsets"][1].formset.errors[0]["image"]
    assert message in " ".join(errors), errors
    assert message in html
    assert Figure.objects.count() == 0
    assert media_files() == before_files
    article.refresh_from_db()
    assert (article.title, article.version) == ("原来的标题", before_version)
    assert ArticleRevision.objects.count() == before_revisions


def test_an_image_with_html_appended_is_accepted_but_only_its_pixels_are_stored(client, article_page):
    article, url, data = article_page
    payload = factories.png_bytes((40, 30)) + b"<html><body><script>alert(document.cookie)</script></body></html>"
    response = client.post(url, with_figure(data, article, SimpleUploadedFile("polyglot.png", payload)))
    assert response.status_code == 302
    figure = Figure.objects.get(article=article)
    stored = (settings.MEDIA_ROOT / figure.image.name).read_bytes()
    assert stored.startswith(b"\x89PNG") and b"<script" not in stored and b"<html" not in stored
    assert (figure.width, figure.height) == (40, 30)
    served = client.get(figure.image.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"<script" not in b"".join(served.streaming_content)


def test_an_uploaded_photo_loses_its_exif_through_the_admin(client, article_page):
    article, url, data = article_page
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    exif[0x8825] = {2: (39.0, 7.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(out, format="JPEG", exif=exif)
    response = client.post(url, with_figure(data, article, SimpleUploadedFile("photo.jpg", out.getvalue())))
    assert response.status_code == 302
    stored = (settings.MEDIA_ROOT / Figure.objects.get(article=article).image.name).read_bytes()
    assert b"SecretCameraMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


def test_the_stored_name_is_ours_whatever_the_uploaded_name(client, article_page):
    article, url, data = article_page
    upload = SimpleUploadedFile("../../etc/passwd<script>.png.html", factories.png_bytes())
    response = client.post(url, with_figure(data, article, upload))
    assert response.status_code == 302
    name = Figure.objects.get(article=article).image.name
    assert name.startswith("figures/") and name.endswith(".png")
    assert ".." not in name and "<" not in name and "passwd" not in name
