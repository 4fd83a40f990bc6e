"""A web worker that shows the issue page does not import WeasyPrint (issue 7: ~22 MB per worker),
yet the page says the same about the print edition as the full check does."""

import subprocess
import sys
from pathlib import Path

from newsletter.printing import support
from newsletter.templatetags import print_edition

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
import django
django.setup()
from newsletter.models import Issue
from newsletter.templatetags.print_edition import issue_pdf_link
link = issue_pdf_link(Issue(year=2024, number=3))
print(link["url"], link["available"], "weasyprint" in sys.modules)
"""


def test_the_issue_page_tag_answers_without_importing_weasyprint_where_pdfs_can_be_made():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    url, available, imported = result.stdout.split()[-3:]
    assert url.startswith("/issues/2024/3/")
    assert available == str(support.pdf_available())
    if available == "True":
        assert imported == "False"


def test_the_tag_says_what_the_full_check_says():
    print_edition._pdf_status.cache_clear()
    try:
        available, missing = print_edition._pdf_status()
    finally:
        print_edition._pdf_status.cache_clear()
    assert available == support.pdf_available()
    assert missing == support.unavailable_reason()
