"""Hostile Word and JSON files given to import_issue: each gets one clear Chinese message (or, where
the file is an issue with a dangerous detail, the detail is made harmless and reported), nothing of
a refused file is written, nothing outside the file is read or fetched, and memory stays bounded."""

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
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from PIL import Image

from newsletter.importing.docx import MAX_IMAGE_BYTES, MAX_IMAGES, read_docx
from newsletter.importing.formats import ENCRYPTED, UNREADABLE
from newsletter.importing.json_input import MAX_ARTICLES
from newsletter.importing.schema import ImportFailure
from newsletter.models import Article, Figure, Issue
from newsletter.text_input import multi_line, single_line
from tests import factories
from tests.import_report_helpers import confirm_upload, run_import
from tests.importing_helpers import snapshot
from tests.test_import_docx import png, word_issue

SECRET = "绝密-TOPSECRET-4711"


@pytest.fixture
def world(db):
    factories.publication()


def _import(tmp_path, content, *args, name="issue.docx"):
    path = tmp_path / name
    path.write_bytes(content)
    return run_import(str(path), *args)


def _refused(tmp_path, content, *args, name="issue.docx"):
    """Import ``content``; it must be refused and nothing written. Returns the command's output."""
    before = snapshot()
    out, _, failed = _import(tmp_path, content, *args, name=name)
    assert failed, out
    assert snapshot() == before
    return out


def _rezip(content, replace=None, add=None, drop=()):
    """The .docx ``content`` with some parts replaced ({name: bytes or str → new}), added or dropped."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = source.read(info.filename)
            change = replace.get(info.filename)
            if callable(change):
                data = change(data.decode("utf-8")).encode("utf-8")
            elif change is not None:
                data = change
            archive.writestr(info.filename, data)
        for name, data in add.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCUMENT = "word/document.xml"
RELS = "word/_rels/document.xml.rels"


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
        out = _refused(tmp_path, content)
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
        out = _refused(tmp_path, bytes(content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in out
    assert peak < 64 * 1024 * 1024


def test_xml_parts_that_are_each_small_enough_but_too_big_together_are_refused(world, tmp_path):
    filler = "<w:p/>" * (7 * 1024 * 1024 // 6)  # two parts of 7 MB: each allowed, 14 MB together not
    parts = {name: f'<?xml version="1.0"?><x>{filler}</x>' for name in ("word/extra1.xml", "word/extra2.xml")}
    out = _refused(tmp_path, _rezip(word_issue(), add=parts))
    assert "这个 Word 文件解压后过大，不像是一期刊物，未导入。" in out


def test_a_docx_with_more_pictures_than_an_issue_has_is_refused(world, tmp_path):
    doc = Document()
    doc.add_paragraph("2021 年第 7 期")
    picture = png()
    for _ in range(MAX_IMAGES + 1):
        doc.add_picture(io.BytesIO(picture))
    buffer = io.BytesIO()
    doc.save(buffer)
    out = _refused(tmp_path, buffer.getvalue())
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
    out = _refused(tmp_path, content.getvalue())
    assert f"这个 Word 文件的图片合计超过 {MAX_IMAGE_BYTES // (1024 * 1024)} MB，不像是一期刊物，未导入。" in out


def test_a_zip_named_docx_without_a_word_document_is_refused_as_damaged(world, tmp_path):
    content = _rezip(word_issue(), drop={DOCUMENT})
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in _refused(tmp_path, content)
    out = _refused(tmp_path, content, name="issue.zip")
    assert "看起来是 ZIP 压缩文件" in out and UNREADABLE in out


def _encrypted_office_file():
    """The shape of a password-protected .docx: an OLE compound file with the encryption streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in ("EncryptionInfo", "EncryptedPackage"))
    return header + directory + b"\x17" * 4096


@pytest.mark.parametrize("name", ["issue.docx", "issue.doc", "issue"])
def test_a_password_protected_office_file_is_refused_saying_it_is_encrypted(world, tmp_path, name):
    out = _refused(tmp_path, _encrypted_office_file(), name=name)
    assert ENCRYPTED in out


# ------------------------------------------------------------------------------------------------
# Word: XML entity tricks.


def _with_doctype(doctype, entity):
    def change(xml):
        xml = xml.replace("?>", "?>" + doctype, 1)
        return xml.replace(">常州新能源产业<", f">常州新能源产业{entity}<", 1)

    return _rezip(word_issue(), replace={DOCUMENT: change})


LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)


def _xxe(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'


def test_a_billion_laughs_docx_is_refused_at_once_with_a_message(world, tmp_path):
    started = time.monotonic()
    out = _refused(tmp_path, _with_doctype(LAUGHS, "&j;"))
    assert "内部含有文档类型声明（DOCTYPE）" in out
    assert time.monotonic() - started < 10


def test_a_docx_with_an_external_entity_is_refused_and_the_file_it_names_is_not_read(world, tmp_path):
    out = _refused(tmp_path, _with_doctype(_xxe(tmp_path), "&xxe;"))
    assert "内部含有文档类型声明（DOCTYPE）" in out and SECRET not in out


def test_mammoths_own_xml_parser_neither_expands_entities_without_bound_nor_reads_external_ones(tmp_path):
    """What the DOCTYPE refusal guards against in depth: expat refuses the amplification, and
    minidom does not fetch an external entity (the converter never sees either through the importer)."""
    with pytest.raises(Exception, match="amplification"):
        mammoth.convert_to_html(io.BytesIO(_with_doctype(LAUGHS, "&j;")))
    html = mammoth.convert_to_html(io.BytesIO(_with_doctype(_xxe(tmp_path), "&xxe;"))).value
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

    return _rezip(content, replace={DOCUMENT: relink, RELS: add_relationship})


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
    out, _, failed = _import(tmp_path, _linked(target), "--json")
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
    out, _, failed = _import(tmp_path, _with_hyperlink(url, "详见附件"))
    assert failed is None, out
    article = Article.objects.get(title="成都发布公园城市条例")
    assert "详见附件" in article.body
    for stored in (article.body, article.body_html):
        assert "javascript" not in stored.lower() and "data:" not in stored and "<script" not in stored


def test_a_word_link_to_a_web_page_stays_a_link(world, tmp_path):
    out, _, failed = _import(tmp_path, _with_hyperlink("https://example.org/a(b) c", "详见附件"))
    assert failed is None, out
    article = Article.objects.get(title="成都发布公园城市条例")
    assert "[详见附件](https://example.org/a(b%29%20c)" in article.body


INVISIBLE = ("\u2028", "\u200b", "\ufeff", "\u202e", "\u2066", "\u2069", "\x0b")


def test_invisible_and_direction_characters_in_a_word_issue_are_normalised_like_any_entry(world, tmp_path):
    def change(xml):
        return xml.replace(">常州新能源产业<", ">常州\u2028新能源\u200b产\u202e业<", 1).replace(
            ">成都发布公园城市条例<", ">成都发布\u2066公园\u2069城市条例\ufeff<"
        )

    out, _, failed = _import(tmp_path, _rezip(word_issue(), replace={DOCUMENT: change}))
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

    out = _refused(tmp_path, _rezip(word_issue(), replace={DOCUMENT: change}))
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
    out = _refused(tmp_path, _rezip(content, replace={media: payload}))
    assert "的图片无法使用" in out
    assert (sorted(figures_dir.rglob("*")) if figures_dir.exists() else []) == files_before


def test_the_word_reader_alone_refuses_a_hostile_file_with_an_import_failure(tmp_path):
    with pytest.raises(ImportFailure, match="DOCTYPE"):
        read_docx(_with_doctype(LAUGHS, "&j;"), "x.docx")


# ------------------------------------------------------------------------------------------------
# JSON.


def _issue_json(**changes):
    data = {
        "publication": "双周决策观察",
        "year": 2022,
        "number": 4,
        "total_number": 190,
        "issue_date": "2022-02-24",
        "sections": [
            {
                "region": "浙江",
                "articles": [
                    {"title": "杭州推进未来社区建设", "body_markdown": "杭州市发布未来社区建设方案。", "sources": []}
                ],
            }
        ],
    }
    data.update(changes)
    return data


def _json_bytes(data):
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _article_json(**fields):
    article = {"title": "杭州推进未来社区建设", "body_markdown": "杭州市发布未来社区建设方案。"}
    article.update(fields)
    return _issue_json(sections=[{"region": "浙江", "articles": [article]}])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 200000 + b"]" * 200000, "嵌套过深"),
        (b'{"a":' * 200000 + b"1" + b"}" * 200000, "嵌套过深"),
        (b'{"year": ' + b"9" * 20000 + b"}", "数字位数过多"),
        (_json_bytes(_issue_json(year=1e300)), "“year”应是整数"),
        (b'{"publication": "x", "year": ' + b"9" * 4000 + b"}", "“year”应在 1900 到 2200 之间，现在是 9999"),
        (b'{"publication": "x", "year": 1e999}', "“year”应是整数"),
        (b'{"publication": "x", "year": NaN}', "“year”应是整数"),
        (_json_bytes([_issue_json()]), "最外层应是一个对象"),
        (_json_bytes(_issue_json(publication=7)), "“publication”应是文字"),
        (_json_bytes(_issue_json(publication=None)), "缺少字段“publication”"),
        (_json_bytes(_issue_json(publication="\u0000\u200b\u2028")), "“publication”不能为空"),
        (_json_bytes(_issue_json(sections={"region": "浙江"})), "“sections”应是列表"),
        (_json_bytes(_issue_json(sections=[["浙江"]])), "“sections[0]”应是一个对象"),
        (_json_bytes(_issue_json(sections=[{"region": "浙江", "articles": [None]}])), "“sections[0].articles[0]”"),
        (_json_bytes(_article_json(title=["杭州"])), "“sections[0].articles[0].title”应是文字"),
        (_json_bytes(_article_json(sources=[3])), "“sections[0].articles[0].sources[0]”应是一个对象"),
        (_json_bytes(_article_json(sources=[{"outlet": {"name": "x"}}])), "sources[0].outlet”应是文字"),
        (_json_bytes(_article_json(figures="图 1")), "figures”应是列表"),
        (_json_bytes(_article_json(region_tags=[1, 2])), "region_tags”应是文字的列表"),
        (_json_bytes(_issue_json(issue_date="2024-02-30")), "“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (_json_bytes(_issue_json(issue_date="2024-W09-1")), "“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (_json_bytes(_issue_json(issue_date=20240224)), "“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (_json_bytes(_article_json(sources=[{"outlet": "人民日报", "date": "2024-13-01"}])), "sources[0].date"),
        ("\ufeff".encode() + _json_bytes(_issue_json()).replace(b"2022", b"x2022", 1), "不是有效的 JSON"),
        (json.dumps(_issue_json(), ensure_ascii=False).encode("utf-16"), "UTF-16"),
    ],
)
def test_a_hostile_or_wrong_json_file_gets_a_clear_message_and_nothing_is_written(world, tmp_path, content, message):
    out = _refused(tmp_path, content, name="issue.json")
    assert message in out, out
    assert "Traceback" not in out and len(out) < 1000  # a wrong value is quoted cut short


def test_a_json_issue_with_more_articles_than_an_issue_has_is_refused(world, tmp_path):
    articles = [{"title": f"文章{n}", "body_markdown": "正文。"} for n in range(50000)]
    data = _issue_json(sections=[{"region": "浙江", "articles": articles}])
    out = _refused(tmp_path, _json_bytes(data), name="issue.json")
    assert f"一期最多 {MAX_ARTICLES} 篇文章" in out


def test_a_json_issue_with_a_bom_imports(world, tmp_path):
    out, _, failed = _import(tmp_path, "\ufeff".encode() + _json_bytes(_issue_json()), name="issue.json")
    assert failed is None, out
    assert Issue.objects.get().total_number == 190


def test_invisible_characters_and_lone_surrogates_in_a_json_issue_are_normalised_where_they_enter(world, tmp_path):
    article = {
        "title": "杭州\u2028推进\u0000未来\u202e社区\ud800建设\u200b",
        "body_markdown": "杭州市\u0000发布\ud800未来社区\u2028建设方案。\r\n\u2029第二段\ufeff。",
        "figures": [{"caption": "图\t1\x0b 社区\udfff分布", "alt": "\u0007地图"}],
    }
    content = json.dumps(_issue_json(sections=[{"region": "浙\u200b江", "articles": [article]}])).encode("ascii")
    assert b"\\ud800" in content and b"\\u0000" in content
    out, _, failed = _import(tmp_path, content, name="issue.json")
    assert failed is None, out
    stored = Article.objects.get()
    assert stored.title.startswith("杭州 推进未来")
    assert "\x00" not in stored.body and "\ud800" not in stored.body and "\u2028" not in stored.body
    assert "第二段" in stored.body
    assert "\u202e" not in stored.title
    assert Figure.objects.get().caption == "图 1 社区分布"


def test_a_json_body_with_raw_html_and_script_links_is_stored_as_the_editors_markdown_and_never_live(
    world, tmp_path, client
):
    body = (
        "第一段<script>alert(1)</script>。\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[点我](javascript:alert(3)) 和 [链接](JaVaScRiPt:alert(4))\n\n"
        '<a href="javascript:alert(5)">锚</a>\n\n'
        "[正常](https://example.org/)"
    )
    out, _, failed = _import(tmp_path, _json_bytes(_article_json(body_markdown=body)), name="issue.json")
    assert failed is None, out
    from newsletter.body_format import canonical_markdown

    article = Article.objects.get()
    assert article.body == canonical_markdown(article.body)  # the form the editor would store
    assert "<script" not in article.body and "javascript:" not in article.body.lower()
    assert "[正常](https://example.org/)" in article.body
    html = article.body_html.lower()
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert 'href="https://example.org/"' in html
    issue = article.issue
    issue.status, issue.published_at = Issue.Status.PUBLISHED, timezone.now()
    issue.save()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode().lower()
    assert "第一段" in page and "<script>alert" not in page and 'href="javascript' not in page
    assert not re.search(r"<[a-z]+[^>]*\sonerror", page)


def test_markup_typed_as_text_in_a_word_issue_never_becomes_live_on_the_page(world, tmp_path):
    typed = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">点</a>'

    def change(xml):
        escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        return xml.replace(">常州新能源产业<", f">常州新能源产业{escaped}<", 1)

    out, _, failed = _import(tmp_path, _rezip(word_issue(), replace={DOCUMENT: change}))
    assert failed is None, out
    html = Article.objects.get(title="常州新能源产业链年产值破万亿").body_html.lower()
    assert "常州新能源产业" in html and "<script" not in html and 'href="javascript' not in html
    assert not re.search(r"<[a-z]+[^>]*\sonerror", html)


def test_the_admin_upload_refuses_hostile_files_with_the_same_messages_and_confirming_writes_nothing(
    world, client, superuser, tmp_path, settings
):
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    hostile = {
        "laughs.docx": (_with_doctype(LAUGHS, "&j;"), "内部含有文档类型声明（DOCTYPE）"),
        "locked.docx": (_encrypted_office_file(), ENCRYPTED),
        "deep.json": (b"[" * 100000 + b"]" * 100000, "JSON 嵌套过深"),
        "bad-date.json": (_json_bytes(_issue_json(issue_date="2024-02-30")), "应是 YYYY-MM-DD 形式的日期"),
    }
    uploads = []
    for name, (content, _) in hostile.items():
        upload = io.BytesIO(content)
        upload.name = name
        uploads.append(upload)
    client.force_login(superuser)
    url = reverse("newsletter_import")
    response = client.post(url, {"step": "preview", "files": uploads})
    assert response.status_code == 200
    page = response.content.decode()
    assert "可以导入 0 个，有错误 4 个" in page
    for name, (_, message) in hostile.items():
        assert f"{name}：" in page and message in page
    before = snapshot()
    response = confirm_upload(client)
    assert "共 4 个文件：导入 0，失败 4。导入的期刊均为草稿。" in [str(m) for m in response.context["messages"]]
    assert snapshot() == before


@pytest.mark.parametrize("target", ["file:///etc/passwd", "../../../../../../etc/passwd", "/etc/passwd"])
def test_an_embedded_picture_pointing_outside_the_document_reads_nothing_outside_it(world, tmp_path, target):
    content = word_issue()
    document = zipfile.ZipFile(io.BytesIO(content)).read(DOCUMENT).decode()
    (embed,) = re.findall(r'r:embed="(rId\d+)"', document)

    def retarget(xml):
        return re.sub(rf'(Id="{embed}"[^>]*Target=")[^"]*(")', rf"\g<1>{target}\g<2>", xml)

    out = _refused(tmp_path, _rezip(content, replace={RELS: retarget}))
    assert "无法读取这个 Word 文件（.docx 可能已损坏）。" in out and "root:" not in out
