"""Subheadings of an article body at the levels of the page that shows it.

A body is stored once (``body_html``) and shown under an <h1> on its article page and under an <h3>
on its issue page, while editors write whatever levels they like (``###`` straight after the lead).
Screen-reader users move by heading level, so a page must not jump from its title to a level two
below it (axe's ``heading-order``). This filter renumbers the body's headings on output: the first
starts right under the title and each one is at most one level below the heading before it, keeping
which headings are siblings and which nest. Stored HTML is left as the editor's structure.
"""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Sanitised HTML (newsletter/rendering.py): well-formed, headings never nested in one another.
HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)


def relevel_headings(html, top):
    """``html`` with its headings renumbered from level ``top`` down, never skipping a level."""
    open_levels = []  # (level written, level shown) of the headings the next one may nest under
    shown = top

    def renumber(match):
        nonlocal shown
        if match.group(1):
            return f"</h{shown}"
        written = int(match.group(2))
        while open_levels and open_levels[-1][0] >= written:
            open_levels.pop()
        shown = min(open_levels[-1][1] + 1 if open_levels else top, 6)
        open_levels.append((written, shown))
        return f"<h{shown}"

    return HEADING_TAG.sub(renumber, html)


@register.filter
def headings_from(html, top):
    """``{{ article.body_html|headings_from:2 }}``: the body (trusted, sanitised when saved) with its
    first heading at ``<h2>``."""
    return mark_safe(relevel_headings(html or "", int(top)))  # noqa: S308 — tags renamed in sanitised HTML
