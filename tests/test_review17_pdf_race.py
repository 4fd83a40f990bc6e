"""Review of issue 17: with two workers (run_worker says "Several workers may run at once, on several
hosts"), a PDF render that started before a correction can finish after the render that followed the
correction, and overwrite the corrected PDF with the old text. ``_generation_lock`` is a
``threading.Lock``: it orders renders inside one process only; ``_store_if_still_public`` checks that
the issue is still public, not that what it rendered is still what the issue says.

Worker B is a second instance of newsletter/printing/pdf.py loaded from the same file (its own
module-level lock, as in a second process); our code is not replaced or patched. Local files.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from newsletter.models import Article, Issue
from newsletter.printing import pdf
from tests import factories
from tests.test_pdf_layout import normalise, pdf_text, require_pdf_tools

pytestmark = pytest.mark.django_db

OLD, NEW = "更正前的错误标题", "更正后的正确标题"


def second_worker_pdf_module():
    """newsletter/printing/pdf.py once more, as another worker process has it."""
    path = Path(pdf.__file__)
    name = "newsletter.printing._review17_worker_b_pdf"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "newsletter.printing"
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def test_a_render_started_before_a_correction_never_replaces_the_pdf_rendered_after_it():
    require_pdf_tools()
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    article = factories.article(issue, title=OLD, position=1)
    worker_b = second_worker_pdf_module()
    seen = []

    def correction_and_worker_b_while_worker_a_was_rendering(sender, issue_id, **kwargs):
        if seen:
            return
        seen.append(issue_id)
        # The editor's correction commits while worker A renders; it queues a new render, which
        # worker B (another process) takes and finishes first.
        Article.objects.filter(pk=article.pk).update(title=NEW)
        stored_by_b = worker_b.generate_stored_pdf(issue_id)
        with default_storage.open(stored_by_b, "rb") as handle:
            assert NEW in normalise(pdf_text(handle.read())), "worker B rendered the corrected text"

    pdf.rendered.connect(correction_and_worker_b_while_worker_a_was_rendering, sender=Issue, weak=False)
    try:
        pdf.generate_stored_pdf(issue.pk)  # worker A, which began before the correction
    finally:
        pdf.rendered.disconnect(correction_and_worker_b_while_worker_a_was_rendering, sender=Issue)

    issue.refresh_from_db()
    with default_storage.open(issue.pdf.name, "rb") as handle:
        text = normalise(pdf_text(handle.read()))
    assert seen == [issue.pk]
    assert NEW in text and OLD not in text, "the stored print edition shows the text from before the correction"
