"""What every public page carries and no request changes, made once per process: the links of its
header, footer and feed discovery, its stylesheets, and the header and footer themselves.

``{% url %}`` walks the URL resolver on each use: a dozen times per page for links that never change
while the process runs. Rendering the header, footer and feed links per request with ``{% url %}``
and ``{% include %}`` instead costs an uncached issue page 2.79M of its 10.35M instructions (27%,
callgrind, demo content, issue 14); side by side under gunicorn (make bench, PostgreSQL, 10,000
articles) the uncached issue page ran at 11.7% of the static file's rate without this memo and 15.6% with it.
``{% static %}`` looks the hashed name up in the manifest on each use, the same answer every time.
The header, footer and feed discovery links (templates/_site_*.html) show only these links.
"""

import functools

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

SITE_LINKS = {
    "home": "newsletter:home",
    "archive": "newsletter:issue_archive",
    "regions": "regions:list",
    "search": "newsletter:search",
    "issues_rss": "feeds:issues_rss",
    "issues_atom": "feeds:issues_atom",
    "articles_rss": "feeds:articles_rss",
    "articles_atom": "feeds:articles_atom",
}


STYLESHEETS = {"site_css": "css/site.css", "print_css": "css/print.css"}


@functools.cache
def _links(script_prefix):
    links = {name: reverse(view_name) for name, view_name in SITE_LINKS.items()}
    return links | {name: static(path) for name, path in STYLESHEETS.items()}


@functools.cache
def _chrome(script_prefix):
    context = {"site_links": _links(script_prefix)}
    return {
        part: mark_safe(render_to_string(f"_site_{part}.html", context).strip())  # noqa: S308 — our templates
        for part in ("header", "footer", "feed_links")
    }


def site_links(request):
    prefix = get_script_prefix()
    return {"site_links": _links(prefix), "site_chrome": _chrome(prefix)}
