import io, re
import pytest
from django.core.management import call_command
from pypdf import PdfReader
from newsletter.printing import pdf
from newsletter import rendering
from tests.test_import_seed import SEED
from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes
from tests import factories

pytestmark = pytest.mark.django_db

def stats(issue):
    arts = issue.articles_in_order()
    chars = sum(len(re.sub(r"\s", "", rendering.plain_text(a.body_html))) for a in arts)
    h = sum(len(re.findall(r"<h[2-6]", a.body_html)) for a in arts)
    t = sum(len(re.findall(r"<table", a.body_html)) for a in arts)
    tr = sum(len(re.findall(r"<tr", a.body_html)) for a in arts)
    paras = sum(len(re.findall(r"<p[ >]", a.body_html)) for a in arts)
    figs = sum(len(a.figures.all()) for a in arts)
    imgs = sum(1 for a in arts for f in a.figures.all() if f.image)
    return dict(articles=len(arts), chars=chars, headings=h, tables=t, rows=tr, paras=paras, figs=figs, imgs=imgs, sections=len(issue.sections()))

def pages(issue):
    data = pdf.render_issue_pdf(issue)
    return len(PdfReader(io.BytesIO(data)).pages)

def test_calib(db):
    call_command("load_demo", stdout=io.StringIO())
    for i in pdf.print_queryset().all():
        print("DEMO", i.year, i.number, stats(i), pages(i))
    publication = factories.publication(slug="x2", name="双周决策观察2")
    data = parse_bytes(SEED.read_bytes(), SEED.name, known_lines=(publication.name, publication.subtitle))
    load_issue(data, publication=publication, filename=SEED.name)
    i = pdf.print_queryset().get(publication=publication, year=2024, number=24)
    print("SEED", stats(i), pages(i))

from newsletter import page_budget as pb
def proj(issue):
    ms = [pb.measure_article(a.title, a.body_html, bool(a.source_line())) for a in issue.articles_in_order()]
    h = len(issue.sections())*pb.SECTION_HEAD_MM + sum(pb.article_height_mm(m) for m in ms)
    return pb.projected_pages(ms, len(issue.sections())), round(h/pb.COLUMN_HEIGHT_MM, 2)

def test_calib2(db):
    call_command("load_demo", stdout=io.StringIO())
    for i in pdf.print_queryset().all():
        print("DEMO", i.year, i.number, proj(i), pages(i))
    publication = factories.publication(slug="x2", name="双周决策观察2")
    data = parse_bytes(SEED.read_bytes(), SEED.name, known_lines=(publication.name, publication.subtitle))
    load_issue(data, publication=publication, filename=SEED.name)
    i = pdf.print_queryset().get(publication=publication, year=2024, number=24)
    print("SEED", proj(i), pages(i))
    for a in i.articles_in_order(): print([f.image for f in a.figures.all()], a.body_html[:0])
