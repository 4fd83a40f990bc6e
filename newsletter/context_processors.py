"""Links every public page carries in its header, footer, feed discovery and stylesheets, made once per process.

``{% url %}`` walks the URL resolver on each use: a dozen times per page for links that never change
while the process runs (measured with callgrind: ~11% of an uncached issue page's instructions).
``{% static %}`` looks the hashed name up in the manifest on each use, the same answer every time.
"""

import functools

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

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


def site_links(request):
    return {"site_links": _links(get_script_prefix())}
