"""An imported body is stored exactly as the article editor would store it: opening an imported article
and saving it unchanged changes nothing (no one-line diff in its history, no new revision text)."""

from pathlib import Path

import pytest

from newsletter.body_format import canonical_markdown
from newsletter.importing.formats import read_issue
from tests.archive_helpers import sample_paths
from tests.import_file_helpers import word_issue

SAMPLES = Path(__file__).parent / "samples"
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_9fab522086a065de.txt"


def _files():
    files = [pytest.param(path, id=path.name) for path in sorted(SAMPLES.iterdir())]
    files += [pytest.param(path, id=path.name) for path in sample_paths()]
    files.append(
        pytest.param(
            SEED, id="seed", marks=pytest.mark.skipif(not SEED.exists(), reason=f"真实样刊 {SEED} 不在本机（CI 中存在）")
        )
    )
    return files


def _not_canonical(data):
    return [a.title for a in data.articles() if canonical_markdown(a.body_markdown) != a.body_markdown]


@pytest.mark.parametrize("path", _files())
def test_every_body_read_from_a_text_file_is_already_in_the_editors_form(path):
    assert _not_canonical(read_issue(path.read_bytes(), path.name)) == []


def test_every_body_read_from_a_word_file_is_already_in_the_editors_form():
    data = read_issue(word_issue(second_picture=True), "issue.docx")
    assert data.articles() and _not_canonical(data) == []
