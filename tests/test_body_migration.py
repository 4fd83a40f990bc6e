"""Migration 0010: every stored body is rewritten in the form the editor stores, and reads the same."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from newsletter.body_format import canonical_markdown
from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes
from newsletter.models import Article
from tests import factories
from tests.test_body_format import SEED, visible

pytestmark = pytest.mark.django_db

migration = importlib.import_module("newsletter.migrations.0010_body_canonical")
SAMPLES = Path(__file__).parent / "samples"


def import_file(path, publication):
    data = parse_bytes(path.read_bytes(), path.name, known_lines=("双周决策观察", "地方工作亮点追踪"))
    load_issue(data, publication=publication, filename=path.name)


@pytest.fixture
def archive():
    """The demo issues, our sample issues and the real seed issue (when present), imported."""
    call_command("load_demo", stdout=open("/dev/null", "w"))
    publication = factories.publication(slug="archive")  # the demo has issues of the same numbers
    files = sorted(SAMPLES.iterdir()) + ([SEED] if SEED.exists() else [])
    for path in files:
        import_file(path, publication)
    # Bodies written before the editor, as the importer or a person typing Markdown left them.
    hand_written = factories.article(
        issue=factories.issue(number=99),
        body="第一段第一行\n第一段第二行，English\nwords。\n\n### 三级标题\n\n* 甲\n* 乙\n\n1) 不是列表\n\n> 引文第一行\n引文第二行",
    )
    return hand_written


def test_every_demo_and_imported_body_reads_the_same_after_the_migration_and_is_canonical(archive):
    before = {a.pk: (a.body, visible(a.body_html), a.search_text) for a in Article.objects.all()}
    assert len(before) >= 30 if SEED.exists() else len(before) >= 20

    migration.canonicalise_bodies(apps, None)

    changed = 0
    for article in Article.objects.all():
        body, seen, _ = before[article.pk]
        changed += article.body != body
        assert canonical_markdown(article.body) == article.body, article.title
        assert visible(article.body_html) == seen, article.title
        # The derived texts follow the new body exactly as a save would make them.
        assert article.body_html == article.render_body(), article.title
    assert changed >= 1  # the hand-written body (the importer's and the demo's are canonical already)


def test_the_hand_written_body_is_joined_and_levelled_without_spaces_between_chinese(archive):
    migration.canonicalise_bodies(apps, None)
    archive.refresh_from_db()
    assert archive.body == (
        "第一段第一行第一段第二行，English words。\n\n## 三级标题\n\n- 甲\n- 乙\n\n1) 不是列表\n\n> 引文第一行引文第二行"
    )


def test_running_the_migration_again_changes_nothing(archive):
    migration.canonicalise_bodies(apps, None)
    after = dict(Article.objects.values_list("pk", "body"))
    migration.canonicalise_bodies(apps, None)
    assert dict(Article.objects.values_list("pk", "body")) == after
