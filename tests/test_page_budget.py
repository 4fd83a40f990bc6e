"""The page budget: the board projects the print edition's page count from the articles and warns, without
blocking, when it runs over the publication's budget. The projection is checked against real PDFs."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from newsletter import board, page_budget
from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes
from newsletter.models import Issue, Publication
from newsletter.printing import pdf
from tests import factories
from tests.test_import_seed import SEED
from tests.test_pdf_layout import require_pdf_tools

pytestmark = pytest.mark.django_db

S = Issue.Status


def measure(body_html, title="标题", source=True):
    return page_budget.measure_article(title, body_html, source)


def paragraphs(n, chars):
    return "".join(f"<p>{'字' * chars}</p>" for _ in range(n))


def test_a_new_publication_budgets_fourteen_pages():
    publication = Publication.objects.create(name="新刊物", slug="new")
    assert publication.page_budget == 14
    assert Publication._meta.get_field("page_budget").verbose_name == "印刷版页数预算"


def test_an_issue_without_articles_is_its_cover_and_back_page():
    assert page_budget.projected_pages([], 0) == 2


def test_more_text_more_figures_and_more_sections_never_project_fewer_pages():
    short = [measure(paragraphs(3, 100))]
    long = [measure(paragraphs(60, 200))]
    assert page_budget.projected_pages(short, 1) == 3
    assert page_budget.projected_pages(long, 1) > page_budget.projected_pages(short, 1)
    tall = '<figure class="figure"><img src="/media/x.png" width="800" height="1200"><figcaption>图 1 示意</figcaption></figure>'
    with_figures = [measure(paragraphs(30, 200) + tall * 3)]
    assert page_budget.projected_pages(with_figures, 1) > page_budget.projected_pages([measure(paragraphs(30, 200))], 1)
    many = [measure(paragraphs(4, 150)) for _ in range(20)]
    assert page_budget.projected_pages(many, 12) >= page_budget.projected_pages(many, 1)


def test_hostile_or_broken_html_is_measured_without_error():
    odd = measure('<p><script>alert(1)</script>文字</p><img width="x" height="-1"><table><tr><td>1</td></tr>', title="")
    assert page_budget.projected_pages([odd], 1) == 3
    assert board.body_characters("<p>一 二\n三</p><figure><figcaption>图 1 不计</figcaption></figure>") == 3


def real_pages(issue):
    return len(PdfReader(io.BytesIO(pdf.render_issue_pdf(issue))).pages)


def projection(issue):
    return board.board_for(issue, choices=[]).projected_pages


def test_the_projection_is_within_one_page_of_the_rendered_demo_issues():
    require_pdf_tools()
    call_command("load_demo", stdout=io.StringIO())
    checked = 0
    for issue in pdf.print_queryset().filter(year=2024, number__in=[22, 23]):
        real, projected = real_pages(issue), projection(issue)
        assert abs(projected - real) <= 1, (issue.label, projected, real)
        checked += 1
    assert checked == 2


@pytest.mark.skipif(not SEED.exists(), reason=f"真实样刊 {SEED} 不在本机（CI 中存在）")
def test_the_projection_is_within_one_page_of_the_rendered_seed_issue():
    require_pdf_tools()
    publication = factories.publication()
    data = parse_bytes(SEED.read_bytes(), SEED.name, known_lines=(publication.name, publication.subtitle))
    load_issue(data, publication=publication, filename=SEED.name)
    issue = pdf.print_queryset().get(publication=publication, year=2024, number=24)
    real, projected = real_pages(issue), projection(issue)
    assert real >= 12  # the printed issue runs about 14 A4 pages
    assert abs(projected - real) <= 1, (projected, real)


def test_the_board_shows_total_characters_and_pages_and_warns_over_budget_without_blocking(client, editor_user):
    publication = factories.publication(slug="tight", page_budget=3)
    issue = factories.issue(status=S.DRAFT, pub=publication, theme="长")
    factories.article(issue, body="\n\n".join(["长段落的文字。" * 40] * 30))
    client.force_login(editor_user)
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    html = client.get(url).content.decode()
    shown = board.board_for(Issue.objects.with_contents().get(pk=issue.pk), choices=[])
    assert shown.characters == 7 * 40 * 30
    assert f'<strong class="board-characters">{shown.characters}</strong>' in html
    assert f'<strong class="board-pages">{shown.projected_pages}</strong>' in html
    assert "超出预算 3 页" in html and "board-warning" in html
    Publication.objects.filter(pk=publication.pk).update(page_budget=40)
    assert "board-warning" not in client.get(url).content.decode()
