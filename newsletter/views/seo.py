"""What every public page tells search engines and link previews: title, description, canonical URL,
Open Graph tags and schema.org JSON-LD."""

import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from ..rendering import plain_text

SITE_NAME = "双周决策观察"
SITE_TAGLINE = "地方工作亮点追踪"
SITE_DESCRIPTION = (
    "《双周决策观察 · 地方工作亮点追踪》由天津滨海综合发展研究院与泰达图书馆档案馆每两周印发，"
    "按地区栏目摘编各地政策创新报道。"
)
DESCRIPTION_LENGTH = 120
URL_KEYS = frozenset({"url", "mainEntityOfPage", "image"})

# The same escapes as Django's json_script: inside <script> a "</script>" or "<!--" in an article
# title must not end the element, so <, > and & become \u escapes (still valid JSON).
_JSON_SCRIPT_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


def json_ld(data):
    """JSON-LD for a <script type="application/ld+json"> element, safe to put into the page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for character, escaped in _JSON_SCRIPT_ESCAPES:  # str.replace: 0.4 µs for a page's JSON-LD, str.translate 11 µs
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 — escaped just above


def describe(text, length=DESCRIPTION_LENGTH):
    text = " ".join((text or "").split())
    # Truncator walks every character; a text that already fits (most stored summaries) needs none of it.
    return text if len(text) <= length else Truncator(text).chars(length)


def absolute(request, path):
    return request.build_absolute_uri(path)


def absolute_urls(request, data):
    """Structured data whose addresses ("url", "image"…) that are site paths ("/issues/…") become
    absolute URLs of this request's host. Other values are left alone, whatever they start with.

    Structured data is built with paths so that it can be stored (an issue's rendition) and served
    on whatever host the request came to.
    """
    if isinstance(data, list):
        return [absolute_urls(request, value) for value in data]
    if not isinstance(data, dict):
        return data
    return {
        key: (
            absolute(request, value)
            if key in URL_KEYS and isinstance(value, str) and value.startswith("/") and not value.startswith("//")
            else absolute_urls(request, value)
        )
        for key, value in data.items()
    }


def page_meta(request, *, title, description="", path=None, og_type="website", image=None, data=None, noindex=False):
    """The <head> metadata of a page; base.html renders it."""
    canonical = absolute(request, path if path is not None else request.path)
    return {
        "title": title,
        "description": describe(description or SITE_DESCRIPTION),
        "canonical": canonical,
        "og_type": og_type,
        "image": absolute(request, image) if image else "",
        "json_ld": json_ld(absolute_urls(request, data)) if data else "",
        "noindex": noindex,
    }


def publisher_data(publication=None, name=None):
    """The first host institution. ``name`` when the caller already has it (an issue's rendition)."""
    if name is None:
        hosts = publication.host_names() if publication is not None else []
        name = hosts[0] if hosts else ""
    return {"@type": "Organization", "name": name or "天津滨海综合发展研究院"}


def periodical_data(publication, publisher=None):
    return {
        "@type": "Periodical",
        "name": f"{publication.name} · {publication.subtitle}" if publication.subtitle else publication.name,
        "url": reverse("newsletter:home"),
        "inLanguage": "zh-CN",
        "publisher": publisher_data(publication, publisher),
    }


def issue_data(issue, publisher=None):
    """The issue page's structured data (site paths: ``page_meta`` makes them absolute)."""
    data = {
        "@context": "https://schema.org",
        "@type": "PublicationIssue",
        "name": issue.feed_title,
        "issueNumber": str(issue.number),
        "datePublished": issue.issue_date.isoformat(),
        "url": issue.get_absolute_url(),
        "inLanguage": "zh-CN",
        "isPartOf": periodical_data(issue.publication, publisher),
    }
    if issue.corrected_at:
        data["dateModified"] = issue.corrected_at.isoformat()
    return data


def article_data(article, image=None):
    """The article page's structured data (site paths: ``page_meta`` makes them absolute)."""
    issue = article.issue
    url = article.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Truncator(article.title).chars(110),
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": (issue.published_at or issue.issue_date).isoformat(),
        "dateModified": max(filter(None, [issue.published_at, issue.corrected_at, article.updated_at])).isoformat(),
        "inLanguage": "zh-CN",
        "description": describe(article.summary or plain_text(article.body_html)),
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": str(issue.number),
            "name": issue.feed_title,
            "url": issue.get_absolute_url(),
        },
        "publisher": publisher_data(issue.publication),
    }
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [t.name for t in article.topics.all()] + [r.name for r in article.regions.all()]
    if keywords:
        data["keywords"] = keywords
    if image:
        data["image"] = image
    return data


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(request, reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
