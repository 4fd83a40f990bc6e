"""Hostile Word files given to import_issue: each gets one clear Chinese message (or, where the file is
an issue with a dangerous detail, the detail is made harmless and reported), nothing of a refused file
is written, nothing outside the file is read or fetched, and memory stays bounded. (JSON files and the
admin upload: test_import_hostile_json.py.)"""

import http.server
import io
import json
import os
import re
import threading
import time
import tracemalloc
import zipfile

import mammoth
import pytest
from django.conf import settings
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from PIL import Image

from newsletter.importing.docx import MAX_IMAGE_BYTES, MAX_IMAGES, read_docx
from newsletter.importing.formats import ENCRYPTED, UNREADABLE
from newsletter.importing.schema import ImportFailure
from newsletter.models import Article, Figure
from newsletter.rendering import plain_text
from newsletter.text_input import multi_line, single_line
from tests import import_file_helpers
from tests.import_file_helpers import (
    DOCUMENT,
    LAUGHS,
    RELS,
    encrypted_office_file,
    import_file,
    png,
    refused_import,
    rezip,
    with_doctype,
    word_issue,
)

world = import_file_helpers.world  # the shared fixture (the database these tests start from)
SECRET = "绝密-TOPSECRET-4711"


# ------------------------------------------------------------------------------------------------
# Word: sizes, counts and containers.


def _bomb(entry, size, *, base=None):
    """A .docx whose ``entry`` unpacks to ``size`` bytes (zeros, streamed: the test itself stays small)."""
    source = zipfile.ZipFile(io.BytesIO(base or word_issue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in source.infolist():
            if info.filename != entry:
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open(entry, "w", force_zip64=True) as stream:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize(
    ("entry", "size"),
    [(DOCUMENT, 40 * 1024 * 1024), ("word/styles.xml", 9 * 1024 * 1024), ("word/media/huge.png", 300 * 1024 * 1024)],
    ids=["document-xml", "styles-xml", "image"],
)
def test_a_zip_bomb_docx_is_refused_by_its_declared_sizes_before_anything_is_unpacked(world, tmp_path, entry, size):
    content = _bomb(entry, size)
    assert len(content) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        out = refused_import(tmp_path, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "这个 Word 文件解压后过大，不像是一期刊物，未导入。" in out
    assert peak < 30 * 1024 * 1024


def test_a_docx_whose_entry_lies_about_its_size_unpacks_no_more_than_it_declares(world, tmp_path):
    """The headers say document.xml is 2 KB; it really unpacks to 200 MB (zipfile stops at the declared
    size and the CRC check fails)."""
    content = bytearray(_bomb(DOCUMENT, 200 * 1024 * 1024))
    name = DOCUMENT.encode()
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := content.find(signature, start)) != -1:
            name_offset = 46 if signature == b"PK\x01\x02" else 30
            if content[start + name_offset : start + name_offset + len(name)] == name:
                content[start + size_offset : start + size_offset + 4] = (2048).to_bytes(4, "little")
            start += 4
    tracemalloc.start()
    try:
        out = refused_import(tmp_path, bytes(content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in out
    assert peak < 64 * 1024 * 1024


def test_xml_parts_that_are_each_small_enough_but_too_big_together_are_refused(world, tmp_path):
    filler = "<w:p/>" * (7 * 1024 * 1024 // 6)  # two parts of 7 MB: each allowed, 14 MB together not
    parts = {name: f'<?xml version="1.0"?><x>{filler}</x>' for name in ("word/extra1.xml", "word/extra2.xml")}
    out = refused_import(tmp_path, rezip(word_issue(), add=parts))
    assert "这个 Word 文件解压后过大，不像是一期刊物，未导入。" in out


def test_a_docx_with_more_pictures_than_an_issue_has_is_refused(world, tmp_path):
    doc = Document()
    doc.add_paragraph("2021 年第 7 期")
    picture = png()
    for _ in range(MAX_IMAGES + 1):
        doc.add_picture(io.BytesIO(picture))
    buffer = io.BytesIO()
    doc.save(buffer)
    out = refused_import(tmp_path, buffer.getvalue())
    assert f"这个 Word 文件的图片超过 {MAX_IMAGES} 张，不像是一期刊物，未导入。" in out


def test_a_docx_referencing_one_large_picture_many_times_is_refused_before_it_fills_memory(world, tmp_path):
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(buffer, "PNG")  # ~3 MB, incompressible
    doc = Document()
    doc.add_paragraph("2021 年第 7 期")
    for _ in range(MAX_IMAGE_BYTES // len(buffer.getvalue()) + 2):
        doc.add_picture(io.BytesIO(buffer.getvalue()))  # stored once, referenced each time
    content = io.BytesIO()
    doc.save(content)
    assert len(content.getvalue()) < 4 * 1024 * 1024
    out = refused_import(tmp_path, content.getvalue())
    assert f"这个 Word 文件的图片合计超过 {MAX_IMAGE_BYTES // (1024 * 1024)} MB，不像是一期刊物，未导入。" in out


def test_a_zip_named_docx_without_a_word_document_is_refused_as_damaged(world, tmp_path):
    content = rezip(word_issue(), drop={DOCUMENT})
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in refused_import(tmp_path, content)
    out = refused_import(tmp_path, content, name="issue.zip")
    assert "看起来是 ZIP 压缩文件" in out and UNREADABLE in out


@pytest.mark.parametrize("name", ["issue.docx", "issue.doc", "issue"])
def test_a_password_protected_office_file_is_refused_saying_it_is_encrypted(world, tmp_path, name):
    out = refused_import(tmp_path, encrypted_office_file(), name=name)
    assert ENCRYPTED in out


# ------------------------------------------------------------------------------------------------
# Word: XML entity tricks.


def _xxe(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'


def test_a_billion_laughs_docx_is_refused_at_once_with_a_message(world, tmp_path):
    started = time.monotonic()
    out = refused_import(tmp_path, with_doctype(LAUGHS, "&j;"))
    assert "内部含有文档类型声明（DOCTYPE）" in out
    assert time.monotonic() - started < 10


def test_a_docx_with_an_external_entity_is_refused_and_the_file_it_names_is_not_read(world, tmp_path):
    out = refused_import(tmp_path, with_doctype(_xxe(tmp_path), "&xxe;"))
    assert "内部含有文档类型声明（DOCTYPE）" in out and SECRET not in out


def test_mammoths_own_xml_parser_neither_expands_entities_without_bound_nor_reads_external_ones(tmp_path):
    """What the DOCTYPE refusal guards against in depth: expat refuses the amplification, and
    minidom does not fetch an external entity (the converter never sees either through the importer)."""
    with pytest.raises(Exception, match="amplification"):
        mammoth.convert_to_html(io.BytesIO(with_doctype(LAUGHS, "&j;")))
    html = mammoth.convert_to_html(io.BytesIO(with_doctype(_xxe(tmp_path), "&xxe;"))).value
    assert "常州新能源产业" in html and SECRET not in html


# ------------------------------------------------------------------------------------------------
# Word: linked pictures and links.


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (the handler's name is http.server's)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png())

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Recorder.hits
    server.shutdown()
    server.server_close()


def _linked(target):
    """word_issue() whose picture is linked (r:link, TargetMode="External") to ``target``."""
    content = word_issue()
    document = zipfile.ZipFile(io.BytesIO(content)).read(DOCUMENT).decode()
    (embed,) = re.findall(r'r:embed="(rId\d+)"', document)

    def relink(xml):
        return xml.replace(f'r:embed="{embed}"', 'r:link="rIdLinked"')

    def add_relationship(xml):
        target_attr = target.replace("&", "&amp;").replace('"', "&quot;")
        return xml.replace(
            "</Relationships>",
            f'<Relationship Id="rIdLinked" Type="{RT.IMAGE}" Target="{target_attr}" TargetMode="External"/>'
            "</Relationships>",
        )

    return rezip(content, replace={DOCUMENT: relink, RELS: add_relationship})


@pytest.mark.parametrize("kind", ["file-uri", "relative-path", "local-http"])
def test_a_linked_picture_is_never_read_or_fetched_and_the_report_asks_for_it_to_be_embedded(
    world, tmp_path, local_server, kind
):
    server, hits = local_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(png((1, 2, 3), size=(33, 17)))
    target = {
        "file-uri": secret.as_uri(),
        "relative-path": "secret.png",  # next to the .docx on disk
        "local-http": f"http://127.0.0.1:{server.server_port}/internal.png",
    }[kind]
    out, _, failed = import_file(tmp_path, _linked(target), "--json")
    assert failed is None, out
    report = json.loads(out)["report"]
    assert any("链接到文件以外的位置，没有读取" in entry["message"] for entry in report)
    assert hits == []
    figure = Figure.objects.get(article__title="常州新能源产业链年产值破万亿")
    assert not figure.image and (figure.width, figure.height) != (33, 17)
    assert any(entry["kind"] == "figure_without_image" for entry in report)


def _with_hyperlink(url, label):
    doc = Document(io.BytesIO(word_issue()))
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("条例明确了"))
    r_id = doc.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = label
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>"]
)
def test_a_word_link_to_a_script_keeps_only_its_text(world, tmp_path, url):
    out, _, failed = import_file(tmp_path, _with_hyperlink(url, "详见附件"))
    assert failed is None, out
    article = Article.objects.get(title="成都发布公园城市条例")
    assert "详见附件" in article.body
    for stored in (article.body, article.body_html):
        assert "javascript" not in stored.lower() and "data:" not in stored and "<script" not in stored


def test_a_word_link_to_a_web_page_stays_a_link(world, tmp_path):
    out, _, failed = import_file(tmp_path, _with_hyperlink("https://example.org/a(b) c", "详见附件"))
    assert failed is None, out
    article = Article.objects.get(title="成都发布公园城市条例")
    assert "[详见附件](https://example.org/a(b%29%20c)" in article.body


INVISIBLE = ("\u2028", "\u200b", "\ufeff", "\u202e", "\u2066", "\u2069", "\x0b")


def test_invisible_and_direction_characters_in_a_word_issue_are_normalised_like_any_entry(world, tmp_path):
    def change(xml):
        return xml.replace(">常州新能源产业<", ">常州\u2028新能源\u200b产\u202e业<", 1).replace(
            ">成都发布公园城市条例<", ">成都发布\u2066公园\u2069城市条例\ufeff<"
        )

    out, _, failed = import_file(tmp_path, rezip(word_issue(), replace={DOCUMENT: change}))
    assert failed is None, out
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"常州新能源产业链年产值破万亿", "成都发布公园城市条例"}
    body = Article.objects.get(title="常州新能源产业链年产值破万亿").body
    assert "新能源产业" in body
    for article in Article.objects.all():
        for text in (article.title, article.body, article.body_html):
            assert not any(char in text for char in INVISIBLE)


@pytest.mark.parametrize("rule", [single_line, multi_line])
def test_bidirectional_overrides_and_isolates_are_dropped_wherever_text_enters(rule):
    assert rule("发票\u202e fdp.exe\u202c 与\u2067报告\u2069") == "发票 fdp.exe 与报告"
    assert rule("\u200f标记\u200e") == "\u200f标记\u200e"  # the plain direction marks are harmless


def test_a_control_character_in_a_word_documents_xml_gets_the_damaged_message(world, tmp_path):
    def change(xml):
        return xml.replace(">常州新能源产业<", ">常州&#1;新能源\x00产业<", 1)

    out = refused_import(tmp_path, rezip(word_issue(), replace={DOCUMENT: change}))
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in out


# ------------------------------------------------------------------------------------------------
# Word: pictures that are not pictures.


def _picture_bomb():
    """A PNG that declares 40 000 × 40 000 pixels (1.6 gigapixels) in a few bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    import zlib

    ihdr = data.find(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = (40000).to_bytes(4, "big") + (40000).to_bytes(4, "big")
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = crc.to_bytes(4, "big")
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.mark.parametrize(
    "payload",
    [_picture_bomb(), SVG, b"<script>alert(1)</script>", b"MZ\x90\x00" + b"\0" * 200],
    ids=["decompression-bomb", "svg-with-script", "script", "executable"],
)
def test_a_word_picture_that_is_not_a_usable_image_refuses_the_file_with_a_message(world, tmp_path, payload):
    content = word_issue()
    media = next(n for n in zipfile.ZipFile(io.BytesIO(content)).namelist() if n.startswith("word/media/"))
    figures_dir = settings.MEDIA_ROOT / "figures"
    files_before = sorted(figures_dir.rglob("*")) if figures_dir.exists() else []
    out = refused_import(tmp_path, rezip(content, replace={media: payload}))
    assert "的图片无法使用" in out
    assert (sorted(figures_dir.rglob("*")) if figures_dir.exists() else []) == files_before


def test_the_word_reader_alone_refuses_a_hostile_file_with_an_import_failure(tmp_path):
    with pytest.raises(ImportFailure, match="DOCTYPE"):
        read_docx(with_doctype(LAUGHS, "&j;"), "x.docx")


def test_markup_typed_as_text_in_a_word_issue_never_becomes_live_on_the_page(world, tmp_path):
    typed = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">点</a>'

    def change(xml):
        escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        return xml.replace(">常州新能源产业<", f">常州新能源产业{escaped}<", 1)

    out, _, failed = import_file(tmp_path, rezip(word_issue(), replace={DOCUMENT: change}))
    assert failed is None, out
    body_html = Article.objects.get(title="常州新能源产业链年产值破万亿").body_html
    html = body_html.lower()
    assert "常州新能源产业" in html and "<script" not in html and not re.search(r"<a\s[^>]*javascript", html)
    assert not re.search(r"<[a-z]+[^>]*\sonerror", html)
    assert typed in plain_text(body_html)  # shown as typed, as text


@pytest.mark.parametrize("target", ["file:///etc/passwd", "../../../../../../etc/passwd", "/etc/passwd"])
def test_an_embedded_picture_pointing_outside_the_document_reads_nothing_outside_it(world, tmp_path, target):
    content = word_issue()
    document = zipfile.ZipFile(io.BytesIO(content)).read(DOCUMENT).decode()
    (embed,) = re.findall(r'r:embed="(rId\d+)"', document)

    def retarget(xml):
        return re.sub(rf'(Id="{embed}"[^>]*Target=")[^"]*(")', rf"\g<1>{target}\g<2>", xml)

    out = refused_import(tmp_path, rezip(content, replace={RELS: retarget}))
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in out and "root:" not in out
