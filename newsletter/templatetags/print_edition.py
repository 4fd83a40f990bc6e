"""``{% issue_pdf_link issue as pdf %}``: what the public issue page needs to link the print edition."""

import ctypes.util
import functools
import importlib.util
import sys

from django import template
from django.urls import reverse

from ..printing import support

register = template.Library()


@functools.lru_cache(maxsize=1)
def _pdf_status():
    """(available, reason), once per process, without importing WeasyPrint where that can be avoided.

    support.missing_requirements() answers by importing WeasyPrint, which loads Pango, cffi and the
    CSS machinery: about 22 MB in every web worker that never makes a PDF (PDFs are made when an
    issue is published). When the package, the Pango library and a CJK font are all present, that
    is the answer without the import; otherwise support gives the precise reason (and imports).
    """
    if "weasyprint" in sys.modules:  # already paid for in this process: ask the real check
        return support.pdf_available(), support.unavailable_reason()
    present = (
        importlib.util.find_spec("weasyprint") is not None
        and ctypes.util.find_library("pango-1.0") is not None
        and support._has_cjk_font()
    )
    if present:
        return True, ""
    return support.pdf_available(), support.unavailable_reason()


@register.simple_tag
def issue_pdf_link(issue):
    available, missing = _pdf_status()
    return {
        # A PDF already stored can be served even where this process could not render a new one.
        "url": reverse("newsletter:issue_pdf", kwargs={"year": issue.year, "number": issue.number}),
        "ready": bool(issue.pdf),
        "available": available or bool(issue.pdf),
        "missing": missing,
    }
