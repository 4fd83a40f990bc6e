"""``{% issue_pdf_link issue as pdf %}``: what the public issue page needs to link the print edition."""

from django import template
from django.urls import reverse

from ..printing import support

register = template.Library()


@register.simple_tag
def issue_pdf_link(issue):
    available = support.pdf_available()
    return {
        # A PDF already stored can be served even where this process could not render a new one.
        "url": reverse("newsletter:issue_pdf", kwargs={"year": issue.year, "number": issue.number}),
        "ready": bool(issue.pdf),
        "available": available or bool(issue.pdf),
        "missing": "" if available else support.unavailable_reason(),
    }
