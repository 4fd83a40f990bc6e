"""A 【X】 lead names a region when X is a place (the gazetteer) or a region the site already has;
what counts as "already has" is read once per run, so the order of a run's files does not matter."""

import pytest

from newsletter.models import Article
from regions.models import Region
from tests import factories
from tests.import_report_helpers import issue_text, run_import

LEAD = "## 长三角一体化示范区发布新规\n\n【长三角】示范区三地联合发布产业准入标准，统一审批流程。（解放日报 20220305）"
SECTION = "## 长三角协同创新指数发布\n\n长三角科技创新协同指数连续五年上升。（新华日报 20220306）"


def _tags(title):
    return sorted(Article.objects.get(title=title).regions.values_list("name", flat=True))


@pytest.fixture
def publication(db):
    return factories.publication()


def test_a_lead_naming_a_region_the_site_has_is_a_region_tag_though_it_is_no_administrative_division(
    publication, tmp_path
):
    Region.objects.create(name="长三角", order=500)
    path = tmp_path / "issue.txt"
    path.write_text(issue_text(sections=[("上海", LEAD)]), encoding="utf-8")
    _, _, failed = run_import(str(path))
    assert failed is None
    assert _tags("长三角一体化示范区发布新规") == ["长三角"]
    assert "【长三角】示范区三地联合发布" in Article.objects.get(title="长三角一体化示范区发布新规").body


@pytest.mark.parametrize("reverse", [False, True], ids=["section-file-first", "lead-file-first"])
def test_a_region_one_file_of_a_run_creates_does_not_change_how_another_file_of_the_run_is_read(
    publication, tmp_path, reverse
):
    # One file prints 【长三角】 as a section of its own; the other has 【长三角】 only as a label in its
    # text. Whichever comes first in the folder, the label is read the same way: as the text it is.
    (tmp_path / ("a.txt" if not reverse else "b.txt")).write_text(
        issue_text(number=5, total=201, sections=[("长三角", SECTION)]), encoding="utf-8"
    )
    (tmp_path / ("b.txt" if not reverse else "a.txt")).write_text(
        issue_text(number=6, total=202, sections=[("上海", LEAD)]), encoding="utf-8"
    )
    _, _, failed = run_import(str(tmp_path))
    assert failed is None
    assert _tags("长三角一体化示范区发布新规") == []
    assert "【长三角】示范区三地联合发布" in Article.objects.get(title="长三角一体化示范区发布新规").body
    assert Article.objects.get(title="长三角协同创新指数发布").section.name == "长三角"
