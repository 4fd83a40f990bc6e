"""Files for the import tests of Word and JSON issues: a Word issue laid out like the print edition
(python-docx), ways to tamper with one, and running import_issue on bytes (``world``: the database
these tests start from). A test module uses the fixture by naming it: ``world = import_file_helpers.world``."""

import io
import zipfile

import pytest
from docx import Document
from docx.shared import Cm
from PIL import Image, PngImagePlugin

from tests import factories
from tests.import_report_helpers import run_import
from tests.importing_helpers import snapshot

DOCUMENT = "word/document.xml"
RELS = "word/_rels/document.xml.rels"


@pytest.fixture
def world(db):
    factories.publication()


def import_file(tmp_path, content, *args, name="issue.docx"):
    """Write ``content`` to ``tmp_path / name`` and run import_issue on it: (stdout, stderr, failure)."""
    path = tmp_path / name
    path.write_bytes(content)
    return run_import(str(path), *args)


def refused_import(tmp_path, content, *args, name="issue.docx"):
    """Import ``content``; it must be refused and nothing written. Returns the command's output."""
    before = snapshot()
    out, _, failed = import_file(tmp_path, content, *args, name=name)
    assert failed, out
    assert snapshot() == before
    return out


def png(colour=(200, 30, 30), size=(60, 40)):
    """A PNG with a text chunk in it: re-encoding must drop it."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-camera-serial-4711")
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def damaged_png():
    """A PNG whose chunks python-docx reads are in place and whose compressed pixels are garbage."""
    good = png()
    start = good.index(b"IDAT") + 4
    return good[:start] + bytes(b ^ 0x5A for b in good[start : start + 12]) + good[start + 12 :]


def word_issue(
    *,
    caption="图 1 常州新能源<产业>产值（亿元）",
    second_picture=False,
    second=None,
    picture=None,
    alt="",
    number=7,
    toc_as_list=True,
    markers_as_headings=False,
):
    doc = Document()
    doc.add_paragraph(f"2021 年第 {number} 期")
    doc.add_paragraph(f"（总第 {173 + number} 期）")
    doc.add_paragraph("4 月 8 日印发")
    doc.add_heading("双周决策观察", level=1)
    doc.add_heading("地方工作亮点追踪", level=2)
    style = "List Bullet" if toc_as_list else None
    doc.add_paragraph("【江苏】 常州新能源产业链年产值破万亿", style=style)
    doc.add_paragraph("【四川】 成都发布公园城市条例", style=style)
    doc.add_paragraph("主办：测试研究院  测试档案馆")
    doc.add_paragraph("编辑：甲乙 丙丁")
    marker = (lambda text: doc.add_heading(text, level=2)) if markers_as_headings else doc.add_paragraph
    marker("【江苏】")
    doc.add_heading("常州新能源产业链年产值破万亿", level=2)
    paragraph = doc.add_paragraph("常州新能源产业")
    paragraph.add_run("持续扩张").bold = True
    paragraph.add_run("，形成从材料到整车的完整链条。")
    doc.add_picture(io.BytesIO(picture or png()), width=Cm(4))
    if caption:
        doc.add_paragraph(caption)
    doc.add_heading("产值逐年上升", level=3)
    table = doc.add_table(rows=3, cols=2)
    for r, row in enumerate([("年份", "产值（亿元）"), ("2019", "3000"), ("2020 | 上半年", "4100")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("新能源产值占全市工业比重持续提高。（新华日报 20210401）")
    marker("【四川】")
    doc.add_heading("成都发布公园城市条例", level=2)
    doc.add_paragraph("【绵阳】同日发布了配套的绿道建设导则。")
    doc.add_paragraph("条例明确了公园城市建设的三项原则：")
    doc.add_paragraph("生态优先", style="List Number")
    doc.add_paragraph("以人为本", style="List Number")
    if second_picture:
        doc.add_picture(io.BytesIO(second or png((30, 30, 200))), width=Cm(4))
        if alt:
            doc.inline_shapes[-1]._inline.docPr.set("descr", alt)
    doc.add_paragraph("条例自公布之日起施行。（四川日报 20210402）")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def rezip(content, replace=None, add=None, drop=()):
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


def encrypted_office_file():
    """The shape of a password-protected .docx: an OLE compound file with the encryption streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in ("EncryptionInfo", "EncryptedPackage"))
    return header + directory + b"\x17" * 4096


def with_doctype(doctype, entity):
    def change(xml):
        xml = xml.replace("?>", "?>" + doctype, 1)
        return xml.replace(">常州新能源产业<", f">常州新能源产业{entity}<", 1)

    return rezip(word_issue(), replace={DOCUMENT: change})


LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)
